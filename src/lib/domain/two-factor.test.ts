import { describe, expect, it } from 'vitest';
import { twoFactorGate, twoFactorRequired } from './two-factor';

describe('who needs a second factor', () => {
	it('is every admin, and other staff only under the all-staff setting', () => {
		const off = { twoFactorAllStaff: false };
		const on = { twoFactorAllStaff: true };
		expect(twoFactorRequired('admin', off)).toBe(true);
		expect(twoFactorRequired('site_staff', off)).toBe(false);
		expect(twoFactorRequired('clinician', off)).toBe(false);
		expect(twoFactorRequired('site_staff', on)).toBe(true);
		expect(twoFactorRequired('clinician', on)).toBe(true);
		expect(twoFactorRequired('resident', on)).toBe(false);
	});
});

describe('the gate after the password', () => {
	const s = (enrolled: boolean, verified: boolean, required: boolean) => ({ enrolled, verified, required });
	it('asks an enrolled user for the code until this session has passed it', () => {
		expect(twoFactorGate('site_staff', s(true, false, false))).toBe('verify');
		expect(twoFactorGate('admin', s(true, false, true))).toBe('verify');
		expect(twoFactorGate('admin', s(true, true, true))).toBeNull();
	});
	it('sends a user who must have one and has none to enrolment', () => {
		expect(twoFactorGate('admin', s(false, false, true))).toBe('enrol');
		expect(twoFactorGate('clinician', s(false, false, false))).toBeNull();
	});
	it('never stops a resident', () => {
		expect(twoFactorGate('resident', s(false, false, true))).toBeNull();
	});
});
