import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { requireSite, UUID_PATTERN } from '$lib/server/auth/guard';
import { roomBoard } from '$lib/server/room-board';
import { markRoomClean } from '$lib/server/rooms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	if (!UUID_PATTERN.test(event.params.siteId)) error(404, 'Not found');
	requireSite(event, event.params.siteId, 'site:read');
	// Alert changes in scope reload the board live (see $lib/live.svelte.ts).
	event.depends('app:alerts');
	const board = await roomBoard(event.params.siteId);
	if (!board || board.site.kind !== 'centralised') error(404, 'Not found');
	return { board };
};

const cleanForm = z.object({ roomId: z.uuid() });

export const actions: Actions = {
	markClean: async (event) => {
		if (!UUID_PATTERN.test(event.params.siteId)) error(404, 'Not found');
		const principal = requireSite(event, event.params.siteId, 'stay:write');
		const parsed = cleanForm.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { cleanError: 'room' });
		const result = await markRoomClean(
			principal,
			event.params.siteId,
			parsed.data.roomId,
			event.getClientAddress()
		);
		if (!result.ok) return fail(result.error === 'not_found' ? 404 : 409, { cleanError: result.error });
		return { cleaned: parsed.data.roomId };
	}
};
