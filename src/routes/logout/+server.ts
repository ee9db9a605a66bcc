import { redirect } from '@sveltejs/kit';
import { audit } from '$lib/server/audit';
import { deleteSessionCookie, invalidateSession } from '$lib/server/auth/session';
import { db } from '$lib/server/db';
import type { RequestHandler } from './$types';

/** Sign out: a POST (a link could be triggered by another site), ending the session in the database. */
export const POST: RequestHandler = async ({ locals, cookies, url, getClientAddress }) => {
	if (locals.session && locals.principal) {
		const principal = locals.principal;
		const sessionId = locals.session.id;
		await db().transaction(async (tx) => {
			await invalidateSession(tx, sessionId);
			await audit(tx, {
				actor: principal,
				action: 'logout',
				entity: 'session',
				entityId: principal.userId,
				residentId: principal.residentId,
				ip: getClientAddress()
			});
		});
	} else if (locals.pendingSecondFactor) {
		// Cancelling a sign-in that was waiting for its second factor.
		await invalidateSession(db(), locals.pendingSecondFactor.sessionId);
	}
	deleteSessionCookie(cookies, url.protocol === 'https:');
	redirect(303, '/login');
};
