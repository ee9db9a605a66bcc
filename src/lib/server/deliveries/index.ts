/** Medicine and supply deliveries: requests, their steps, worklists and the overdue rule. */
export type { CallNeed } from '../../schemas/delivery';
export type { DeliveryError, DeliveryResult } from './common';
export {
	callNeeds,
	fromCallKey,
	needsOfCall,
	prescribe,
	requestFromCall,
	requestMedicine,
	requestSupplies
} from './create';
export {
	deliveriesOfResident,
	myDeliveries,
	worklist,
	worklistSites,
	type WorkGroup,
	type WorkRow,
	type Worklist
} from './lists';
export { DEFAULT_OVERDUE_HOURS, raiseOverdue } from './overdue';
export { bulkStep, takeStep, type BulkDone, type BulkSkip, type StepDone } from './steps';
