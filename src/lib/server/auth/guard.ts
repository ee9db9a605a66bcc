/**
 * The guard API every load, action and endpoint calls (a layout check protects nothing: its load is
 * skipped on client navigation and never runs for actions). Built on the one pure rule, `can()`.
 *
 * Out-of-scope resident data answers 404, not 403, so that probing ids tells nothing about who exists.
 */
import { error, json, redirect, type RequestEvent } from '@sveltejs/kit';
import { desc, eq, sql } from 'drizzle-orm';
import { can, type Action, type Principal, type Role, type Scope } from '../../domain/access';
import { db } from '../db';
import * as t from '../db/schema';
import { authenticateDevice, type Device } from '../devices/tokens';

type Ev = Pick<RequestEvent, 'locals' | 'url'>;

/** The signed-in principal, or a redirect to the sign-in page (pages and actions). */
export function requireUser(event: Ev): Principal {
	const p = event.locals.principal;
	if (p) return p;
	const next = event.url.pathname + event.url.search;
	redirect(303, `/login?next=${encodeURIComponent(next)}`);
}

/** For JSON endpoints: 401 rather than a redirect. */
export function requireApiUser(event: Ev): Principal {
	const p = event.locals.principal;
	if (!p) error(401, 'Sign in first');
	return p;
}

export function requireRole(event: Ev, ...roles: Role[]): Principal {
	const p = requireUser(event);
	if (!roles.includes(p.role)) error(403, 'Not allowed for your role');
	return p;
}

export function authorize(principal: Principal, action: Action, scope: Scope = {}, notFound = false): void {
	if (!can(principal, action, scope)) {
		if (notFound) error(404, 'Not found');
		error(403, 'Not allowed');
	}
}

/** Checks an action on a site or community by id. */
export function requireSite(event: Ev, siteId: string, action: Action = 'site:read'): Principal {
	const p = requireUser(event);
	authorize(p, action, { siteId }, true);
	return p;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A resident's record is in the scope of the site managing their current (or latest) stay. Staff in
 * that scope and admins may act on it; the resident may read their own with `own:*` actions.
 */
export async function requireResident(
	event: Ev,
	residentId: string,
	action: Action,
	principal: Principal = requireUser(event)
): Promise<{ principal: Principal; residentId: string; siteId: string | null }> {
	if (!UUID.test(residentId)) error(404, 'Not found');
	const [latest] = await db()
		.select({ siteId: t.stays.siteId })
		.from(t.stays)
		.where(eq(t.stays.residentId, residentId))
		.orderBy(desc(sql`${t.stays.status} = 'active'`), desc(t.stays.admittedAt))
		.limit(1);
	const [exists] = latest
		? [latest]
		: await db().select({ id: t.residents.id }).from(t.residents).where(eq(t.residents.id, residentId));
	if (!exists) error(404, 'Not found');
	const siteId = latest?.siteId ?? null;
	authorize(principal, action, { siteId, residentId }, true);
	return { principal, residentId, siteId };
}

/** A stay is in the scope of the site or community managing it; out of scope answers 404. */
export async function requireStay(event: Ev, stayId: string, action: Action) {
	const principal = requireUser(event);
	if (!UUID.test(stayId)) error(404, 'Not found');
	const [stay] = await db()
		.select({ siteId: t.stays.siteId, residentId: t.stays.residentId })
		.from(t.stays)
		.where(eq(t.stays.id, stayId));
	if (!stay) error(404, 'Not found');
	authorize(principal, action, stay, true);
	return { principal, stayId, ...stay };
}

const BEARER = /^Bearer[ ]+(\S+)$/i;

/** An answer as plain data: the device API's routes and the production server's direct route send it. */
export interface PlainAnswer {
	status: number;
	headers: Record<string, string>;
	body: unknown;
}

/**
 * The device whose bearer token a request carries (its Authorization header), or the 401 answer saying
 * why. A session cookie counts for nothing here: the API is for devices, each with its own revocable token.
 */
export async function bearerDevice(header: string | null): Promise<Device | PlainAnswer> {
	const deny = (reason: string, message: string): PlainAnswer => ({
		status: 401,
		headers: {
			'www-authenticate': `Bearer realm="api"${reason === 'missing_token' ? '' : ', error="invalid_token"'}`,
			'cache-control': 'no-store'
		},
		body: { message, reason }
	});
	if (!header) return deny('missing_token', 'Send the device token as "Authorization: Bearer <token>"');
	const token = BEARER.exec(header.trim())?.[1];
	if (!token) return deny('malformed_token', 'The Authorization header must be "Bearer <token>"');
	const auth = await authenticateDevice(token);
	if (!auth.ok)
		return auth.reason === 'revoked'
			? deny('revoked_token', 'This token has been revoked')
			: deny('unknown_token', 'This token is not valid');
	return auth.device;
}

/**
 * For the device API's routes: the device, or its 401 as JSON (a device sends no Accept header, and
 * SvelteKit would answer a thrown error with an HTML page).
 */
export async function requireDevice(event: Pick<RequestEvent, 'request'>): Promise<Device | Response> {
	const device = await bearerDevice(event.request.headers.get('authorization'));
	return 'status' in device ? json(device.body, { status: device.status, headers: device.headers }) : device;
}

export { UUID as UUID_PATTERN };
