import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { requireResident } from '$lib/server/auth/guard';
import * as residents from '$lib/server/residents';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { principal, residentId } = await requireResident(event, event.params.residentId, 'stay:read');
	const record = await residents.viewResident(principal, residentId, event.getClientAddress());
	if (!record) error(404, 'Not found');
	return { record };
};

const revealForm = z.object({ field: z.enum(residents.REVEALABLE) });

export const actions: Actions = {
	reveal: async (event) => {
		const { principal, residentId } = await requireResident(
			event,
			event.params.residentId,
			'resident:reveal'
		);
		const parsed = revealForm.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { revealError: 'field' });
		const value = await residents.revealField(
			principal,
			residentId,
			parsed.data.field,
			event.getClientAddress()
		);
		return { revealed: { field: parsed.data.field, value } };
	}
};
