// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Locale } from '$lib/paraglide/runtime';

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
		}
	}
}

export {};
