export { extend, handOver, recordOutcome } from './changes';
export { checklistFor, releaseList, releaseStay } from './release';
export type { StayChangeError } from './common';
