/** Phone follow-up of home isolators: the slot's call list and recording a call. */
export {
	callList,
	communitiesOf,
	handoverList,
	nextCall,
	nextInList,
	type CallList,
	type CallRow,
	type HandoverList
} from './call-list';
export { callHistory, myDay, noteSummary, type CallHistoryEntry, type MyDay } from './history';
export { readingKeyOf, recordCall, recordCallInTx, type RecordCallResult } from './record-call';
export { callSubject, savedCall, type SavedCall } from './call-screen';
