import { error } from '@sveltejs/kit';
import { communityFilterOf } from '$lib/schemas/call';
import { appConfig } from '$lib/server/app';
import { requireRole } from '$lib/server/auth/guard';
import * as clock from '$lib/server/clock';
import * as followUp from '$lib/server/follow-up';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const principal = requireRole(event, 'clinician', 'admin');
	const filter = communityFilterOf(event.url);
	if (!filter.success) error(400, 'Bad community');
	const now = clock.now();
	const list = await followUp.handoverList(
		principal,
		{ communityId: filter.data.communityId },
		appConfig().CALL_RETRY_MINUTES,
		now
	);
	// Someone else's community reads as unknown.
	if (!list) error(404, 'Not found');
	const communities = await followUp.communitiesOf(principal);
	return {
		now,
		timeZone: communities[0]?.timeZone ?? 'Asia/Shanghai',
		slot: list.slot,
		slotDate: list.slotDate,
		communityId: filter.data.communityId ?? null,
		allCommunities: communities.map((c) => ({ id: c.id, name: c.name, nameEn: c.nameEn })),
		communities: list.communities.map((c) => ({
			id: c.id,
			name: c.name,
			nameEn: c.nameEn,
			rows: c.rows.map((r) => ({
				stayId: r.stayId,
				name: r.name,
				day: r.day,
				totalDays: r.totalDays,
				age: r.age,
				failedThisSlot: r.failedThisSlot,
				lastOutcome: r.lastAttempt?.outcome ?? null,
				lastAt: r.lastAttempt?.at ?? null,
				unreachableAlert: r.unreachableAlert,
				phoneFlagged: r.phoneFlagged,
				criticalAlerts: r.criticalAlerts,
				done: r.done
			}))
		}))
	};
};
