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
	const list = await followUp.callList(
		principal,
		{ communityId: filter.data.communityId },
		appConfig().CALL_RETRY_MINUTES,
		now
	);
	// Someone else's community reads as unknown.
	if (!list) error(404, 'Not found');
	const trim = (r: followUp.CallRow) => ({
		stayId: r.stayId,
		residentId: r.residentId,
		name: r.name,
		communityName: r.communityName,
		phaseMode: r.phaseMode,
		day: r.day,
		totalDays: r.totalDays,
		age: r.age,
		riskFactors: r.riskFactors,
		criticalAlerts: r.criticalAlerts,
		warningAlerts: r.warningAlerts,
		failedThisSlot: r.failedThisSlot,
		lastOutcome: r.lastAttempt?.outcome ?? null,
		waitingUntil: r.waitingUntil,
		phoneFlagged: r.phoneFlagged,
		unreachableAlert: r.unreachableAlert
	});
	const timeZone = list.communities[0]?.timeZone ?? 'Asia/Shanghai';
	return {
		communities: list.communities.map((c) => ({ id: c.id, name: c.name, nameEn: c.nameEn })),
		communityId: list.communityId,
		timeZone,
		myDay: await followUp.myDay(principal, timeZone, now),
		slot: list.slot,
		slotDate: list.slotDate,
		counts: list.counts,
		calls: list.calls.map(trim),
		waiting: list.waiting.map(trim)
	};
};
