import { error } from '@sveltejs/kit';
import { requireSite, UUID_PATTERN } from '$lib/server/auth/guard';
import { roomBoard } from '$lib/server/room-board';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	if (!UUID_PATTERN.test(event.params.siteId)) error(404, 'Not found');
	requireSite(event, event.params.siteId, 'site:read');
	// Alert changes in scope reload the board live (see $lib/live.svelte.ts).
	event.depends('app:alerts');
	const board = await roomBoard(event.params.siteId);
	if (!board || board.site.kind !== 'centralised') error(404, 'Not found');
	return { board };
};
