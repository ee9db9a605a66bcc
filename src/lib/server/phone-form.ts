/**
 * The phone correction form, shared by the resident page and the call screen: both show it where a
 * wrong number was flagged, and both post it to their own `?/correctPhone` action (guarded there).
 */
import { error, fail, type RequestEvent } from '@sveltejs/kit';
import { message, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import type { Principal } from '../domain/access';
import { m } from '../paraglide/messages';
import { phoneCorrectionSchema } from '../schemas/contact';
import * as residents from './residents';

const FORM_ID = 'phone';

/** An empty form over the resident's current version (no errors shown before a post). */
export function phoneForm(version: number) {
	return superValidate({ phone: '', version }, zod4(phoneCorrectionSchema), { id: FORM_ID, errors: false });
}

/** The action: validate, correct, answer with an emptied form over the new version and a message. */
export async function correctPhoneAction(event: RequestEvent, principal: Principal, residentId: string) {
	const form = await superValidate(event.request, zod4(phoneCorrectionSchema), { id: FORM_ID });
	if (!form.valid) return fail(400, { phoneForm: form });
	const result = await residents.correctPhone(principal, residentId, form.data, event.getClientAddress());
	if (!result.ok) {
		if (result.error === 'not_found') error(404, 'Not found');
		return result.error === 'phone_invalid'
			? setError(form, 'phone', result.error)
			: setError(form, '', result.error);
	}
	// The posted (valid) form, emptied and over the new version: a valid form answers 200, so the page
	// reloads and shows the corrected number; an unposted empty one would answer 400 and keep the flag.
	form.data = { phone: '', version: result.version };
	return message(form, m.fu_phone_saved({ phone: result.phoneMasked }));
}
