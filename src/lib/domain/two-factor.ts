/**
 * Who must sign in with a second factor: every admin (they manage users, rules and the audit log), and
 * every other staff member when an admin turns on the setting. Residents sign in with their slip's code
 * and never need one.
 */
import type { Role } from './access';

export interface SecuritySettings {
	/** Every staff member (not only admins) must use a second factor. */
	twoFactorAllStaff: boolean;
}

export const DEFAULT_SECURITY_SETTINGS: SecuritySettings = { twoFactorAllStaff: false };

export function twoFactorRequired(role: Role, settings: SecuritySettings): boolean {
	if (role === 'resident') return false;
	return role === 'admin' || settings.twoFactorAllStaff;
}

/**
 * Where a signed-in user may go before the second factor is settled: `verify` sends them to the
 * second sign-in step, `enrol` to setting one up, null lets them through.
 */
export function twoFactorGate(
	role: Role,
	state: { enrolled: boolean; verified: boolean; required: boolean }
): 'verify' | 'enrol' | null {
	if (role === 'resident') return null;
	if (state.enrolled) return state.verified ? null : 'verify';
	return state.required ? 'enrol' : null;
}
