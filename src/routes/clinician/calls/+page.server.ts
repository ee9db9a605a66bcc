import { error } from '@sveltejs/kit';
import { pageOfList } from '$lib/domain/follow-up';
import { communityFilterOf, listPageOf } from '$lib/schemas/call';
import { appConfig } from '$lib/server/app';
import { requireRole, UUID_PATTERN } from '$lib/server/auth/guard';
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
	// The whole list is counted and ordered; a page of it is rendered, so a community of thousands of
	// home isolators opens as fast as a small one. "Save and next" on the call screen follows the whole list
	// of the called resident's community.
	const shown = pageOfList(list.calls, list.waiting, listPageOf(event.url));
	// Back from the last call of a community's list ("save and next" with nobody left): that call, with
	// its needs, so they can still become requests here.
	const saved = event.url.searchParams.get('saved');
	return {
		communities: list.communities.map((c) => ({ id: c.id, name: c.name, nameEn: c.nameEn })),
		communityId: list.communityId,
		timeZone,
		myDay: await followUp.myDay(principal, timeZone, now),
		slot: list.slot,
		slotDate: list.slotDate,
		counts: list.counts,
		page: shown.page,
		pages: shown.pages,
		from: shown.from,
		listed: list.calls.length + list.waiting.length,
		calls: shown.calls.map(trim),
		waiting: shown.waiting.map(trim),
		saved: saved && UUID_PATTERN.test(saved) ? await followUp.savedCall(principal, saved) : null
	};
};
