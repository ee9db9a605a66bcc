/**
 * The resident portal: one resident's own latest stay as they see it on their phone. Everything is
 * looked up from the session's resident id, never from the URL, so no other resident's data can reach
 * here. Self-reports go through the same reading path as every other reading, so alerts fire.
 */
import { and, desc, eq, gte, inArray, ne } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Principal } from '../domain/access';
import { thresholdsOfSettings } from '../domain/alert-rules';
import {
	adviceFor,
	countdown,
	latestExtension,
	planSteps,
	remainingNeeds,
	todayCheckIns,
	type Advice
} from '../domain/countdown';
import { position, schedule } from '../domain/plan';
import type { SelfReportInput } from '../schemas/self-report';
import { db } from './db';
import * as t from './db/schema';
import { recordReading } from './readings/record';
import { selfReportAllowed } from './site-rules';
import { checklists } from './stays/release';
import { myReleasedStayId, testsOfStay } from './stays';

async function latestStay(residentId: string) {
	const [row] = await db()
		.select({
			stay: t.stays,
			siteName: t.sites.name,
			siteNameEn: t.sites.nameEn,
			sitePhone: t.sites.phone,
			siteKind: t.sites.kind,
			settings: t.sites.settings,
			timeZone: t.sites.timeZone,
			planName: t.plans.name,
			planNameEn: t.plans.nameEn,
			building: t.rooms.building,
			roomNumber: t.rooms.number,
			spo2Scale: t.residents.spo2Scale
		})
		.from(t.stays)
		.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
		.innerJoin(t.plans, eq(t.plans.id, t.stays.planId))
		.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
		.leftJoin(t.rooms, eq(t.rooms.id, t.stays.roomId))
		.where(eq(t.stays.residentId, residentId))
		.orderBy(desc(t.stays.admittedAt))
		.limit(1);
	return row ?? null;
}

type StayStatus = 'active' | 'released' | 'ended';
const statusOf = (s: string): StayStatus =>
	s === 'active' ? 'active' : s === 'released' ? 'released' : 'ended';

/** The portal's home: countdown, plan, extension, what is still needed, today's check-ins. */
export async function portalHome(residentId: string, now = new Date()) {
	const row = await latestStay(residentId);
	if (!row) return null;
	const s = row.stay;
	const status = statusOf(s.status);
	const sched = schedule(s.periodStart, s.planPhases, s.extensions);
	const checklist = status === 'active' ? ((await checklists(db(), [s], now)).get(s.id) ?? null) : null;
	const since = DateTime.fromJSDate(now, { zone: row.timeZone }).startOf('day').toJSDate();
	const readings = await db()
		.select({
			takenAt: t.readings.takenAt,
			slot: t.readings.slot,
			slotDate: t.readings.slotDate,
			temperature: t.readings.temperature,
			spo2: t.readings.spo2,
			symptoms: t.readings.symptoms,
			source: t.readings.source
		})
		.from(t.readings)
		.where(and(eq(t.readings.stayId, s.id), gte(t.readings.takenAt, since)))
		.orderBy(desc(t.readings.takenAt));
	return {
		stayId: s.id,
		status,
		rawStatus: s.status,
		mode: s.planPhases[s.phaseIndex]?.mode ?? null,
		planName: row.planName,
		planNameEn: row.planNameEn,
		siteName: row.siteName,
		siteNameEn: row.siteNameEn,
		sitePhone: row.sitePhone,
		room: row.roomNumber ? `${row.building ?? ''}${row.building ? '-' : ''}${row.roomNumber}` : null,
		timeZone: row.timeZone,
		start: sched.phases[0]!.start,
		releaseAt: sched.releaseAt,
		outcomeAt: s.outcomeAt,
		countdown: countdown(sched, now, status),
		position: position(sched, now),
		steps: planSteps(sched, s.extensions, s.phaseIndex),
		extension: latestExtension(s.periodStart, s.planPhases, s.extensions),
		needs: checklist ? remainingNeeds(checklist, sched) : [],
		ready: checklist?.ready ?? false,
		checkIns: status === 'active' ? todayCheckIns(now, row.timeZone, readings) : [],
		readingsToday: readings,
		selfReport: status === 'active' && selfReportAllowed(row.settings),
		noticeStayId: status === 'released' ? await myReleasedStayId(residentId) : null
	};
}

/** The resident's scheduled tests and their results. */
export async function portalTests(residentId: string) {
	const row = await latestStay(residentId);
	if (!row) return null;
	return { timeZone: row.timeZone, phases: row.stay.planPhases, tests: await testsOfStay(row.stay) };
}

/** Who to call: the site (or community) managing the stay, the home community, the support line. */
export async function portalHelp(residentId: string | null, psychLine: string) {
	const row = residentId ? await latestStay(residentId) : null;
	const [community] = row
		? await db()
				.select({ name: t.sites.name, nameEn: t.sites.nameEn, phone: t.sites.phone })
				.from(t.sites)
				.where(eq(t.sites.id, row.stay.homeCommunityId))
		: [];
	return {
		site: row
			? { name: row.siteName, nameEn: row.siteNameEn, phone: row.sitePhone, kind: row.siteKind }
			: null,
		community: community && community.name !== row?.siteName ? community : null,
		psychLine
	};
}

export type SelfReportResult =
	| { ok: true; advice: Advice; sitePhone: string | null; alerts: string[]; replayed: boolean }
	| {
			ok: false;
			error:
				'no_active_stay' | 'not_allowed' | 'read_only' | 'stay_ended' | 'stay_not_found' | 'key_conflict';
	  };

/**
 * A resident's own reading: their active stay only, where the site allows self-report; recorded with
 * source `self_report` through the one reading path, and answered with advice for that reading.
 */
export async function selfReport(
	principal: Principal,
	input: SelfReportInput & { temperature: number },
	ip: string | null = null,
	now = new Date()
): Promise<SelfReportResult> {
	if (principal.role !== 'resident' || !principal.residentId) return { ok: false, error: 'not_allowed' };
	if (principal.readOnly) return { ok: false, error: 'read_only' };
	const row = await latestStay(principal.residentId);
	if (!row || row.stay.status !== 'active') return { ok: false, error: 'no_active_stay' };
	if (!selfReportAllowed(row.settings)) return { ok: false, error: 'not_allowed' };
	const result = await recordReading(
		principal,
		{
			stayId: row.stay.id,
			source: 'self_report',
			temperature: input.temperature,
			spo2: input.spo2 ?? null,
			onOxygen: false,
			symptoms: input.symptoms,
			idempotencyKey: input.idempotencyKey
		},
		ip,
		now
	);
	if (!result.ok) return { ok: false, error: result.error };
	const th = thresholdsOfSettings(row.settings);
	return {
		ok: true,
		replayed: result.replayed,
		advice: adviceFor(
			{ temperature: input.temperature, spo2: input.spo2 ?? null, symptoms: input.symptoms },
			th,
			row.spo2Scale === 2 ? 2 : 1
		),
		sitePhone: row.sitePhone,
		alerts: result.alerts.filter((a) => a.status !== 'resolved').map((a) => a.kind)
	};
}

export const VIEWS_SHOWN = 100;

export interface RecordView {
	at: Date;
	action: 'view' | 'reveal' | 'view_notice';
	role: string | null;
	/** The site, community or headquarters the viewer works for: never the person's name. */
	organisation: string | null;
	organisationEn: string | null;
	field: string | null;
	purpose: string | null;
}

/**
 * Who looked at the resident's record and when, read from the audit log: opening the record, showing a
 * full ID number or phone (with the purpose stated), opening the release notice. Residents see the
 * viewer's role and organisation, not their name: that answers "was it the people caring for me?"
 * without exposing front-line staff to calls at home; the audit log keeps the person for a complaint,
 * which headquarters can look into. The resident's own views are left out.
 */
export async function portalViews(residentId: string, timeZoneFallback = 'Asia/Shanghai') {
	const rows = await db()
		.select({
			at: t.auditLog.at,
			action: t.auditLog.action,
			entity: t.auditLog.entity,
			role: t.auditLog.actorRole,
			actorId: t.auditLog.actorId,
			after: t.auditLog.after
		})
		.from(t.auditLog)
		.where(
			and(
				eq(t.auditLog.residentId, residentId),
				inArray(t.auditLog.action, ['view', 'reveal']),
				inArray(t.auditLog.entity, ['resident', 'release_notice']),
				ne(t.auditLog.actorRole, 'resident')
			)
		)
		.orderBy(desc(t.auditLog.at), desc(t.auditLog.id))
		.limit(VIEWS_SHOWN);
	// The viewer's organisation: among the sites they work for, the ones that looked after this resident.
	const actorIds = [...new Set(rows.map((r) => r.actorId).filter((id): id is string => !!id))];
	const mine = await db()
		.select({ siteId: t.stays.siteId, home: t.stays.homeCommunityId })
		.from(t.stays)
		.where(eq(t.stays.residentId, residentId));
	const ownSites = new Set(mine.flatMap((s) => [s.siteId, s.home]));
	const assigned = actorIds.length
		? await db()
				.select({
					userId: t.userSites.userId,
					siteId: t.sites.id,
					name: t.sites.name,
					nameEn: t.sites.nameEn
				})
				.from(t.userSites)
				.innerJoin(t.sites, eq(t.sites.id, t.userSites.siteId))
				.where(inArray(t.userSites.userId, actorIds))
		: [];
	const orgOf = new Map<string, { name: string; nameEn: string | null }>();
	for (const a of assigned) {
		if (ownSites.has(a.siteId) || !orgOf.has(a.userId)) orgOf.set(a.userId, a);
	}
	const latest = await latestStay(residentId);
	return {
		timeZone: latest?.timeZone ?? timeZoneFallback,
		views: rows.map((r): RecordView => {
			const after = (r.after ?? {}) as { field?: string; purpose?: string };
			const org = r.actorId ? orgOf.get(r.actorId) : undefined;
			return {
				at: r.at,
				action: r.entity === 'release_notice' ? 'view_notice' : (r.action as 'view' | 'reveal'),
				role: r.role,
				organisation: org?.name ?? null,
				organisationEn: org?.nameEn ?? null,
				field: r.action === 'reveal' ? (after.field ?? null) : null,
				purpose: r.action === 'reveal' ? (after.purpose ?? null) : null
			};
		})
	};
}
