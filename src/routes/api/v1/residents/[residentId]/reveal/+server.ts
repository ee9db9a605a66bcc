import { error, json } from '@sveltejs/kit';
import { z } from 'zod';
import { requireApiUser, requireResident } from '$lib/server/auth/guard';
import * as residents from '$lib/server/residents';
import type { RequestHandler } from './$types';

const body = z.object({ field: z.enum(residents.REVEALABLE) });

/** Reveal one full value of a resident's record (staff in scope); audited. Same-origin cookie only. */
export const POST: RequestHandler = async (event) => {
	const principal = requireApiUser(event);
	const { residentId } = await requireResident(event, event.params.residentId, 'resident:reveal', principal);
	const parsed = body.safeParse(await event.request.json().catch(() => null));
	if (!parsed.success)
		return json({ errors: { field: ['idNumber, phone or emergencyContactPhone'] } }, { status: 422 });
	const value = await residents.revealField(
		principal,
		residentId,
		parsed.data.field,
		event.getClientAddress()
	);
	if (value === null) error(404, 'Not found');
	return json({ field: parsed.data.field, value }, { headers: { 'cache-control': 'no-store' } });
};
