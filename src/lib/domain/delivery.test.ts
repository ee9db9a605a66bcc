import { describe, expect, it } from 'vitest';
import {
	checkStep,
	DELIVERY_KINDS,
	DELIVERY_STATUSES,
	DELIVERY_STEPS,
	isOverdue,
	nextStep,
	type DeliveryStatus,
	type DeliveryStep
} from './delivery';

/** The whole table of legal moves, written out by hand: step → the one state it starts from → where it leads. */
const LEGAL: Record<DeliveryStep, Partial<Record<DeliveryStatus, DeliveryStatus>>> = {
	approve: { requested: 'approved' },
	pack: { approved: 'packed' },
	dispatch: { packed: 'out_for_delivery' },
	deliver: { out_for_delivery: 'delivered' },
	receive: { delivered: 'received' },
	cancel: {
		requested: 'cancelled',
		approved: 'cancelled',
		packed: 'cancelled',
		out_for_delivery: 'cancelled'
	}
};

const clinician = { role: 'clinician' as const };
const nurse = { role: 'site_staff' as const };
const admin = { role: 'admin' as const };
const resident = { role: 'resident' as const, own: true };
const stranger = { role: 'resident' as const, own: false };

describe('delivery state machine: every step from every state', () => {
	for (const step of DELIVERY_STEPS) {
		for (const from of DELIVERY_STATUSES) {
			const to = LEGAL[step][from];
			it(`${step} from ${from} ${to ? `→ ${to}` : 'is refused'}`, () => {
				// Medical staff may take every step, so only the state decides here.
				for (const kind of DELIVERY_KINDS) {
					const result = checkStep({ status: from, kind }, step, clinician, 'reason');
					expect(result).toEqual(to ? { ok: true, to } : { ok: false, error: 'illegal' });
				}
			});
		}
	}

	it('never skips a step: approved cannot jump to delivered, requested cannot be packed', () => {
		expect(checkStep({ status: 'approved', kind: 'supply' }, 'deliver', nurse)).toEqual({
			ok: false,
			error: 'illegal'
		});
		expect(checkStep({ status: 'requested', kind: 'medicine' }, 'pack', nurse).ok).toBe(false);
		expect(checkStep({ status: 'packed', kind: 'medicine' }, 'receive', nurse).ok).toBe(false);
	});

	it('cannot cancel once at the door or after', () => {
		for (const from of ['delivered', 'received', 'cancelled'] as const)
			expect(checkStep({ status: from, kind: 'supply' }, 'cancel', nurse, 'no longer needed').ok).toBe(false);
	});

	it('asks for a reason to cancel', () => {
		expect(checkStep({ status: 'approved', kind: 'supply' }, 'cancel', nurse, '  ')).toEqual({
			ok: false,
			error: 'reason_required'
		});
		expect(checkStep({ status: 'approved', kind: 'supply' }, 'cancel', nurse)).toEqual({
			ok: false,
			error: 'reason_required'
		});
	});
});

describe('who may take each step', () => {
	it('medicine and TCM are approved by medical staff only; supplies by any staff', () => {
		for (const kind of ['medicine', 'tcm'] as const) {
			expect(checkStep({ status: 'requested', kind }, 'approve', clinician).ok).toBe(true);
			expect(checkStep({ status: 'requested', kind }, 'approve', nurse).ok).toBe(true);
			expect(checkStep({ status: 'requested', kind }, 'approve', admin)).toEqual({
				ok: false,
				error: 'not_allowed'
			});
			expect(checkStep({ status: 'requested', kind }, 'approve', resident).ok).toBe(false);
		}
		expect(checkStep({ status: 'requested', kind: 'supply' }, 'approve', admin).ok).toBe(true);
		expect(checkStep({ status: 'requested', kind: 'supply' }, 'approve', nurse).ok).toBe(true);
		expect(checkStep({ status: 'requested', kind: 'supply' }, 'approve', resident).ok).toBe(false);
	});

	it('staff pack, send out and deliver; residents do not', () => {
		const steps: [DeliveryStep, DeliveryStatus][] = [
			['pack', 'approved'],
			['dispatch', 'packed'],
			['deliver', 'out_for_delivery']
		];
		for (const [step, from] of steps) {
			for (const who of [clinician, nurse, admin])
				expect(checkStep({ status: from, kind: 'medicine' }, step, who).ok).toBe(true);
			expect(checkStep({ status: from, kind: 'medicine' }, step, resident)).toEqual({
				ok: false,
				error: 'not_allowed'
			});
		}
	});

	it('the resident confirms receipt of their own delivery, or staff do', () => {
		expect(checkStep({ status: 'delivered', kind: 'supply' }, 'receive', resident).ok).toBe(true);
		expect(checkStep({ status: 'delivered', kind: 'supply' }, 'receive', nurse).ok).toBe(true);
		expect(checkStep({ status: 'delivered', kind: 'supply' }, 'receive', stranger)).toEqual({
			ok: false,
			error: 'not_allowed'
		});
	});

	it('a resident withdraws their own request only before it is approved', () => {
		expect(checkStep({ status: 'requested', kind: 'supply' }, 'cancel', resident, '不需要了').ok).toBe(true);
		for (const from of ['approved', 'packed', 'out_for_delivery'] as const)
			expect(checkStep({ status: from, kind: 'supply' }, 'cancel', resident, '不需要了')).toEqual({
				ok: false,
				error: 'not_allowed'
			});
		expect(checkStep({ status: 'requested', kind: 'supply' }, 'cancel', stranger, 'x').ok).toBe(false);
	});
});

describe('next step and overdue', () => {
	it('offers the next forward step, none at the end', () => {
		expect(nextStep('requested')).toBe('approve');
		expect(nextStep('approved')).toBe('pack');
		expect(nextStep('packed')).toBe('dispatch');
		expect(nextStep('out_for_delivery')).toBe('deliver');
		expect(nextStep('delivered')).toBe('receive');
		expect(nextStep('received')).toBeNull();
		expect(nextStep('cancelled')).toBeNull();
	});

	const approvedAt = new Date('2026-11-23T08:00:00Z');
	const at = (h: number) => new Date(approvedAt.getTime() + h * 3600_000);

	it('a medicine still on its way 24 h after approval is overdue; at the door it is not', () => {
		for (const status of ['approved', 'packed', 'out_for_delivery'] as const) {
			expect(isOverdue({ kind: 'medicine', status, approvedAt }, at(23.9), 24)).toBe(false);
			expect(isOverdue({ kind: 'medicine', status, approvedAt }, at(24), 24)).toBe(true);
			expect(isOverdue({ kind: 'tcm', status, approvedAt }, at(30), 24)).toBe(true);
		}
		for (const status of ['delivered', 'received', 'cancelled', 'requested'] as const)
			expect(isOverdue({ kind: 'medicine', status, approvedAt }, at(48), 24)).toBe(false);
	});

	it('supplies are never overdue, and the limit is a setting', () => {
		expect(isOverdue({ kind: 'supply', status: 'approved', approvedAt }, at(100), 24)).toBe(false);
		expect(isOverdue({ kind: 'medicine', status: 'approved', approvedAt }, at(12), 12)).toBe(true);
		expect(isOverdue({ kind: 'medicine', status: 'approved', approvedAt: null }, at(100), 24)).toBe(false);
	});
});
