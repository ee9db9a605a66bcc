// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Principal } from '$lib/domain/access';
import type { Locale } from '$lib/paraglide/runtime';
import type { SessionUser } from '$lib/server/auth/session';

declare global {
	namespace App {
		interface Error {
			message: string;
			/** A short id that staff can quote to support; the full error is in the server log under it. */
			errorId?: string;
		}
		interface Locals {
			locale: Locale;
			requestId: string;
			user: SessionUser | null;
			session: { id: string; expiresAt: Date } | null;
			/** Who is asking, for the authorization rule; null when signed out. */
			principal: Principal | null;
			/** A password sign-in that still owes its second factor (only /login/2fa reads it). */
			pendingSecondFactor: { sessionId: string; userId: string; username: string | null } | null;
			/** Set when the request failed because the database could not be reached (answered 503). */
			databaseUnavailable?: boolean;
		}
	}
}

export {};
