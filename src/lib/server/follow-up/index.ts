/** Phone follow-up of home isolators: the slot's call list and recording a call. */
export { callList, communitiesOf, nextInList, type CallList, type CallRow } from './call-list';
export { readingKeyOf, recordCall, type RecordCallResult } from './record-call';
export { callSubject } from './call-screen';
