/**
 * Deliveries (DESIGN §3): a medicine (incl. TCM 中药) or supply request and its way to the door.
 *
 *   requested → approved → packed → out_for_delivery → delivered → received
 *   cancelled, with a reason, from any state before delivered
 *
 * Who may take each step is decided here, from the role alone (the caller checks the scope): medicine
 * and TCM are approved by medical staff only (site medical staff or community clinicians), supplies by
 * any staff; the resident confirms receipt of their own delivery (staff may too), and may withdraw their
 * own request while nobody has approved it yet. Steps are never skipped.
 */
import type { Role } from './access';

export const DELIVERY_KINDS = ['medicine', 'tcm', 'supply'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

export const DELIVERY_STATUSES = [
	'requested',
	'approved',
	'packed',
	'out_for_delivery',
	'delivered',
	'received',
	'cancelled'
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The steps people take, by what they mean. */
export const DELIVERY_STEPS = ['approve', 'pack', 'dispatch', 'deliver', 'receive', 'cancel'] as const;
export type DeliveryStep = (typeof DELIVERY_STEPS)[number];

/** The forward path, in order; `cancelled` is off to the side. */
export const DELIVERY_PATH = [
	'requested',
	'approved',
	'packed',
	'out_for_delivery',
	'delivered',
	'received'
] as const satisfies readonly DeliveryStatus[];

const TARGET: Record<Exclude<DeliveryStep, 'cancel'>, DeliveryStatus> = {
	approve: 'approved',
	pack: 'packed',
	dispatch: 'out_for_delivery',
	deliver: 'delivered',
	receive: 'received'
};

/** The state a step leads to. */
export function targetOf(step: DeliveryStep): DeliveryStatus {
	return step === 'cancel' ? 'cancelled' : TARGET[step];
}

/** The one state each forward step starts from. */
export function sourceOf(step: Exclude<DeliveryStep, 'cancel'>): DeliveryStatus {
	return DELIVERY_PATH[DELIVERY_PATH.indexOf(TARGET[step] as (typeof DELIVERY_PATH)[number]) - 1]!;
}

/** States that can still be cancelled: anything before the door. */
export const CANCELLABLE: readonly DeliveryStatus[] = ['requested', 'approved', 'packed', 'out_for_delivery'];

/** States nothing follows. */
export const FINAL: readonly DeliveryStatus[] = ['received', 'cancelled'];

/** Medicine (Western or TCM) needs medical staff to approve; supplies do not. */
export const needsMedicalApproval = (kind: DeliveryKind) => kind !== 'supply';

const MEDICAL: readonly Role[] = ['site_staff', 'clinician'];
const STAFF: readonly Role[] = ['admin', 'site_staff', 'clinician'];

export interface StepActor {
	role: Role;
	/** For a resident: whether the delivery is for their own stay. */
	own?: boolean;
}

export type StepRefusal =
	/** The delivery is not in the state this step starts from (a jump, or it already moved on). */
	| 'illegal'
	/** This person may not take this step. */
	| 'not_allowed'
	/** A cancellation without a reason. */
	| 'reason_required';

export type StepCheck = { ok: true; to: DeliveryStatus } | { ok: false; error: StepRefusal };

/** Whether this actor may take this step on a delivery of this kind in this state. */
export function mayTake(
	actor: StepActor,
	step: DeliveryStep,
	kind: DeliveryKind,
	from: DeliveryStatus
): boolean {
	const staff = STAFF.includes(actor.role);
	const resident = actor.role === 'resident' && actor.own === true;
	switch (step) {
		case 'approve':
			return needsMedicalApproval(kind) ? MEDICAL.includes(actor.role) : staff;
		case 'pack':
		case 'dispatch':
		case 'deliver':
			return staff;
		case 'receive':
			return staff || resident;
		case 'cancel':
			// A resident may withdraw their own request before anyone has acted on it.
			return staff || (resident && from === 'requested');
	}
}

/** Checks one step: is it legal from this state, and may this actor take it. */
export function checkStep(
	delivery: { status: DeliveryStatus; kind: DeliveryKind },
	step: DeliveryStep,
	actor: StepActor,
	reason?: string | null
): StepCheck {
	const from = delivery.status;
	const legal = step === 'cancel' ? CANCELLABLE.includes(from) : sourceOf(step) === from;
	if (!legal) return { ok: false, error: 'illegal' };
	if (!mayTake(actor, step, delivery.kind, from)) return { ok: false, error: 'not_allowed' };
	if (step === 'cancel' && !reason?.trim()) return { ok: false, error: 'reason_required' };
	return { ok: true, to: targetOf(step) };
}

/** The next forward step from a state, if any (what a worklist's button offers). */
export function nextStep(status: DeliveryStatus): Exclude<DeliveryStep, 'cancel'> | null {
	const i = DELIVERY_PATH.indexOf(status as (typeof DELIVERY_PATH)[number]);
	if (i < 0 || i === DELIVERY_PATH.length - 1) return null;
	const to = DELIVERY_PATH[i + 1]!;
	return (Object.keys(TARGET) as (keyof typeof TARGET)[]).find((s) => TARGET[s] === to)!;
}

/** Only medicine counts for the overdue rule: a supply can wait, a missed dose cannot. */
export function countsForOverdue(kind: DeliveryKind): boolean {
	return kind !== 'supply';
}

/** States in which an approved delivery is still on its way. */
export const ON_THE_WAY: readonly DeliveryStatus[] = ['approved', 'packed', 'out_for_delivery'];

/** Whether a delivery is overdue at `now`: medicine approved `hours` ago or more and not at the door. */
export function isOverdue(
	d: { kind: DeliveryKind; status: DeliveryStatus; approvedAt: Date | null },
	now: Date,
	hours: number
): boolean {
	if (!countsForOverdue(d.kind) || !ON_THE_WAY.includes(d.status) || !d.approvedAt) return false;
	return now.getTime() - d.approvedAt.getTime() >= hours * 3600_000;
}
