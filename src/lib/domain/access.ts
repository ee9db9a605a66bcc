/**
 * Who may do what (DESIGN §4). One pure function decides; every load, action and endpoint calls a guard
 * built on it (src/lib/server/auth/guard.ts). Nothing here reads a database: callers pass the principal
 * and the scope of the thing being touched.
 */

export type Role = 'admin' | 'site_staff' | 'clinician' | 'resident';

export interface Principal {
	userId: string;
	role: Role;
	/** Sites (centralised) or communities the user is assigned to. Empty for admins and residents. */
	siteIds: readonly string[];
	/** For residents: whose data this is. */
	residentId: string | null;
	/** A resident whose stay has ended keeps a read-only view for a while. */
	readOnly: boolean;
}

/** Things only an admin does, whatever the scope. */
export const ADMIN_ACTIONS = [
	'users:manage',
	'sites:manage',
	'plans:manage',
	'rules:manage',
	'tokens:manage',
	'audit:read',
	'release:override'
] as const;

/** Things staff do on a site, community or stay in their scope. */
export const STAFF_ACTIONS = [
	'site:read',
	'stay:read',
	'stay:write',
	'resident:reveal',
	'resident:admit'
] as const;

/** Things a resident does on their own stays. */
export const RESIDENT_ACTIONS = ['own:read', 'own:self_report', 'own:request'] as const;

export type Action =
	(typeof ADMIN_ACTIONS)[number] | (typeof STAFF_ACTIONS)[number] | (typeof RESIDENT_ACTIONS)[number];

/** What the action touches: the site that manages it and, for resident data, whose it is. */
export interface Scope {
	siteId?: string | null;
	residentId?: string | null;
}

const staff = new Set<string>(STAFF_ACTIONS);
const own = new Set<string>(RESIDENT_ACTIONS);
const ownWrites = new Set<string>(['own:self_report', 'own:request']);

export function can(principal: Principal | null, action: Action, scope: Scope = {}): boolean {
	if (!principal) return false;
	switch (principal.role) {
		case 'admin':
			// Admins run the city: everything except acting as a resident.
			return !own.has(action);
		case 'site_staff':
		case 'clinician':
			if (!staff.has(action)) return false;
			return !!scope.siteId && principal.siteIds.includes(scope.siteId);
		case 'resident':
			if (!own.has(action)) return false;
			if (!principal.residentId || scope.residentId !== principal.residentId) return false;
			return !(principal.readOnly && ownWrites.has(action));
		default:
			return false;
	}
}

/** Where each role lands after signing in. */
export function homeFor(role: Role): string {
	switch (role) {
		case 'admin':
			return '/admin';
		case 'site_staff':
			return '/staff';
		case 'clinician':
			return '/clinician';
		case 'resident':
			return '/me';
	}
}
