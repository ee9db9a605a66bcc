import { describe, expect, it } from 'vitest';
import {
	ADMIN_ACTIONS,
	can,
	homeFor,
	RESIDENT_ACTIONS,
	STAFF_ACTIONS,
	type Action,
	type Principal
} from './access';

const SITE_A = 'site-a';
const SITE_B = 'site-b';
const COMMUNITY = 'community-1';

const admin: Principal = { userId: 'u-admin', role: 'admin', siteIds: [], residentId: null, readOnly: false };
const staffA: Principal = {
	userId: 'u-staff',
	role: 'site_staff',
	siteIds: [SITE_A],
	residentId: null,
	readOnly: false
};
const clinician: Principal = {
	userId: 'u-doc',
	role: 'clinician',
	siteIds: [COMMUNITY],
	residentId: null,
	readOnly: false
};
const residentR1: Principal = {
	userId: 'u-r1',
	role: 'resident',
	siteIds: [],
	residentId: 'r1',
	readOnly: false
};
const released: Principal = { ...residentR1, readOnly: true };

describe('can(): who may do what', () => {
	it('lets nobody anonymous do anything', () => {
		for (const a of [...ADMIN_ACTIONS, ...STAFF_ACTIONS, ...RESIDENT_ACTIONS])
			expect(can(null, a as Action, { siteId: SITE_A, residentId: 'r1' })).toBe(false);
	});

	it.each(ADMIN_ACTIONS)('keeps %s for admins', (action) => {
		expect(can(admin, action)).toBe(true);
		expect(can(staffA, action, { siteId: SITE_A })).toBe(false);
		expect(can(clinician, action, { siteId: COMMUNITY })).toBe(false);
		expect(can(residentR1, action, { residentId: 'r1' })).toBe(false);
	});

	it.each(STAFF_ACTIONS)('allows %s to staff in scope only', (action) => {
		expect(can(staffA, action, { siteId: SITE_A })).toBe(true);
		expect(can(staffA, action, { siteId: SITE_B })).toBe(false);
		expect(can(staffA, action, {})).toBe(false);
		expect(can(staffA, action, { siteId: null })).toBe(false);
		expect(can(clinician, action, { siteId: COMMUNITY })).toBe(true);
		expect(can(clinician, action, { siteId: SITE_A })).toBe(false);
		expect(can(admin, action, { siteId: SITE_B })).toBe(true);
		expect(can(residentR1, action, { siteId: SITE_A, residentId: 'r1' })).toBe(false);
	});

	it.each(RESIDENT_ACTIONS)('allows %s to the resident on their own data only', (action) => {
		expect(can(residentR1, action, { residentId: 'r1' })).toBe(true);
		expect(can(residentR1, action, { residentId: 'r2' })).toBe(false);
		expect(can(residentR1, action, {})).toBe(false);
		expect(can({ ...residentR1, residentId: null }, action, { residentId: null })).toBe(false);
		// Staff act on residents through staff actions, never as the resident.
		expect(can(staffA, action, { residentId: 'r1', siteId: SITE_A })).toBe(false);
		expect(can(admin, action, { residentId: 'r1' })).toBe(false);
	});

	it('leaves a released resident reading, not writing', () => {
		expect(can(released, 'own:read', { residentId: 'r1' })).toBe(true);
		expect(can(released, 'own:self_report', { residentId: 'r1' })).toBe(false);
		expect(can(released, 'own:request', { residentId: 'r1' })).toBe(false);
	});

	it('gives a user with several assignments each of them', () => {
		const both: Principal = { ...staffA, siteIds: [SITE_A, SITE_B] };
		expect(can(both, 'stay:write', { siteId: SITE_A })).toBe(true);
		expect(can(both, 'stay:write', { siteId: SITE_B })).toBe(true);
		expect(can(both, 'stay:write', { siteId: COMMUNITY })).toBe(false);
	});
});

describe('homeFor', () => {
	it('sends each role to its own home', () => {
		expect(homeFor('admin')).toBe('/admin');
		expect(homeFor('site_staff')).toBe('/staff');
		expect(homeFor('clinician')).toBe('/clinician');
		expect(homeFor('resident')).toBe('/me');
	});
});
