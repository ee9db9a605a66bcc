import { error, json } from '@sveltejs/kit';
import { REVEAL_PURPOSES, revealSchema } from '$lib/schemas/reveal';
import { requireApiUser, requireResident } from '$lib/server/auth/guard';
import * as residents from '$lib/server/residents';
import type { RequestHandler } from './$types';

/** Reveal one full value of a resident's record (staff in scope); audited. Same-origin cookie only. */
export const POST: RequestHandler = async (event) => {
	const principal = requireApiUser(event);
	const { residentId } = await requireResident(event, event.params.residentId, 'resident:reveal', principal);
	const parsed = revealSchema.safeParse(await event.request.json().catch(() => null));
	if (!parsed.success) {
		const errors: Record<string, string[]> = {};
		for (const issue of parsed.error.issues) {
			const key = String(issue.path[0] ?? 'body');
			errors[key] = [
				key === 'purpose'
					? `one of ${REVEAL_PURPOSES.join(', ')}`
					: 'idNumber, phone or emergencyContactPhone'
			];
		}
		return json({ errors }, { status: 422 });
	}
	const value = await residents.revealField(
		principal,
		residentId,
		parsed.data.field,
		parsed.data.purpose,
		event.getClientAddress()
	);
	if (value === null) error(404, 'Not found');
	return json(
		{ field: parsed.data.field, purpose: parsed.data.purpose, value },
		{ headers: { 'cache-control': 'no-store' } }
	);
};
