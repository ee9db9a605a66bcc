export { extend, handOver, recordOutcome } from './changes';
export { checklistFor, releaseList, releaseStay, stayPanel } from './release';
export type { StayChangeError } from './common';
export { recordResult, recordSample, testSchedule, testsDue, testsOfStay } from './tests';
export { myReleasedStayId, noticeNumber, releaseNotice } from './notice';
export { transferStay } from './transfer';
