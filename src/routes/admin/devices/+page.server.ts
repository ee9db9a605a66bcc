import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { requireRole } from '$lib/server/auth/guard';
import * as tokens from '$lib/server/devices/tokens';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	return { tokens: await tokens.listDeviceTokens() };
};

const revokeForm = z.object({ tokenId: z.uuid() });

export const actions: Actions = {
	revoke: async (event) => {
		const principal = requireRole(event, 'admin');
		const parsed = revokeForm.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { notice: 'not_found' });
		const result = await tokens.revokeDeviceToken(principal, parsed.data.tokenId, event.getClientAddress());
		if (!result.ok) return fail(404, { notice: result.error });
		return { notice: 'revoked', name: result.value.name };
	}
};
