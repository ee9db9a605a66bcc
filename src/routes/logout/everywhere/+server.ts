import { redirect } from '@sveltejs/kit';
import { audit } from '$lib/server/audit';
import { requireUser } from '$lib/server/auth/guard';
import { deleteSessionCookie, invalidateUserSessions } from '$lib/server/auth/session';
import { db } from '$lib/server/db';
import type { RequestHandler } from './$types';

/** Sign out on every device (a lost phone, a shared computer left signed in): ends all the user's sessions. */
export const POST: RequestHandler = async (event) => {
	const principal = requireUser(event);
	await db().transaction(async (tx) => {
		await invalidateUserSessions(tx, principal.userId);
		await audit(tx, {
			actor: principal,
			action: 'logout_everywhere',
			entity: 'session',
			entityId: principal.userId,
			residentId: principal.residentId,
			ip: event.getClientAddress()
		});
	});
	deleteSessionCookie(event.cookies, event.url.protocol === 'https:');
	redirect(303, '/login');
};
