/**
 * Exports for headquarters: the residents, readings or alerts of one site over a range of local dates,
 * as CSV. ID numbers and phones are masked, unless an admin states why they need them in full; every
 * export is written to the audit log (what, which site, which dates, how many rows, masked or not, and
 * the reason), never with the data itself.
 */
import { and, asc, eq, gte, inArray, lt, or, sql } from 'drizzle-orm';
import { can, type Principal } from '../../domain/access';
import { dayBounds, localDate } from '../../domain/dashboard';
import { maskIdNumber } from '../../domain/id-number';
import { maskPhone } from '../../domain/phone';
import {
	alertKindLabel,
	alertStatusLabel,
	categoryLabel,
	outcomeLabel,
	severityLabel,
	sexLabel,
	slotLabel,
	stayStatusLabel
} from '../../labels';
import { m } from '../../paraglide/messages';
import type { ExportInput, ExportKind } from '../../schemas/exports';
import { audit } from '../audit';
import { db } from '../db';
import * as t from '../db/schema';
import { toCsv, type Cell } from '../csv';

export type ExportError = 'site_not_found' | 'date_future' | 'reveal_not_allowed';

export type ExportResult =
	| { ok: true; csv: string; filename: string; asciiName: string; rows: number }
	| { ok: false; error: ExportError; field: 'siteId' | 'to' | 'reveal' };

const messages = m as unknown as Record<string, (() => string) | undefined>;
const label = (table: Record<string, () => string>, key: string | null | undefined) =>
	key ? (table[key]?.() ?? key) : '';

function localTime(at: Date | null, timeZone: string): string {
	if (!at) return '';
	return new Intl.DateTimeFormat('sv-SE', {
		timeZone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		hour12: false
	}).format(at);
}

/** Stays managed by the site at some time: now, or by any recorded event. */
const ofSite = (siteId: string) =>
	or(
		eq(t.stays.siteId, siteId),
		sql`exists (select 1 from ${t.stayEvents} e where e.stay_id = ${t.stays.id} and e.site_id = ${siteId})`
	);

export async function exportCsv(
	principal: Principal,
	input: ExportInput & { kind: ExportKind },
	ip: string | null = null,
	now = new Date()
): Promise<ExportResult> {
	const [site] = await db().select().from(t.sites).where(eq(t.sites.id, input.siteId));
	if (!site || !can(principal, 'site:read', { siteId: site.id }))
		return { ok: false, error: 'site_not_found', field: 'siteId' };
	if (input.to > localDate(now, site.timeZone)) return { ok: false, error: 'date_future', field: 'to' };
	// Full ID numbers and phones only for an admin, and only with a reason (the schema asks for one).
	const reveal = input.reveal && input.reason.trim().length > 0;
	if (reveal && principal.role !== 'admin')
		return { ok: false, error: 'reveal_not_allowed', field: 'reveal' };
	const from = dayBounds(input.from, site.timeZone).start;
	const to = dayBounds(input.to, site.timeZone).end;
	const zone = site.timeZone;
	const idOf = (v: string) => (reveal ? v : maskIdNumber(v));
	const phoneOf = (v: string) => (reveal ? v : maskPhone(v));

	let header: string[];
	let rows: Cell[][];
	if (input.kind === 'residents') {
		const list = await db()
			.select({
				name: t.residents.name,
				idNumber: t.residents.idNumber,
				phone: t.residents.phone,
				sex: t.residents.sex,
				birthDate: t.residents.birthDate,
				category: t.stays.category,
				admittedAt: t.stays.admittedAt,
				releaseDueAt: t.stays.releaseDueAt,
				status: t.stays.status,
				outcomeAt: t.stays.outcomeAt,
				plan: t.plans.name,
				siteName: t.sites.name,
				room: t.rooms.number
			})
			.from(t.stays)
			.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
			.innerJoin(t.plans, eq(t.plans.id, t.stays.planId))
			.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
			.leftJoin(t.rooms, eq(t.rooms.id, t.stays.roomId))
			.where(
				and(
					ofSite(site.id),
					lt(t.stays.admittedAt, to),
					or(sql`${t.stays.outcomeAt} is null`, gte(t.stays.outcomeAt, from))
				)
			)
			.orderBy(asc(t.stays.admittedAt));
		header = [
			m.dash_col_name(),
			m.dash_col_id_number(),
			m.dash_col_phone(),
			m.dash_col_sex(),
			m.dash_col_birth_date(),
			m.dash_col_category(),
			m.dash_col_admitted_at(),
			m.dash_col_release_due(),
			m.dash_col_status(),
			m.dash_col_ended_at(),
			m.dash_col_plan(),
			m.dash_col_site(),
			m.dash_col_room()
		];
		rows = list.map((r) => [
			r.name,
			idOf(r.idNumber),
			phoneOf(r.phone),
			label(sexLabel, r.sex),
			r.birthDate,
			label(categoryLabel, r.category),
			localTime(r.admittedAt, zone),
			localTime(r.releaseDueAt, zone),
			label(stayStatusLabel, r.status),
			localTime(r.outcomeAt, zone),
			r.plan,
			r.siteName,
			r.room
		]);
	} else if (input.kind === 'readings') {
		const stayIds = db().select({ id: t.stays.id }).from(t.stays).where(ofSite(site.id));
		const list = await db()
			.select({
				name: t.residents.name,
				idNumber: t.residents.idNumber,
				takenAt: t.readings.takenAt,
				slot: t.readings.slot,
				source: t.readings.source,
				temperature: t.readings.temperature,
				spo2: t.readings.spo2,
				pulse: t.readings.pulse,
				respRate: t.readings.respRate,
				systolicBp: t.readings.systolicBp,
				diastolicBp: t.readings.diastolicBp,
				consciousness: t.readings.consciousness,
				symptoms: t.readings.symptoms,
				news2: t.readings.news2Total
			})
			.from(t.readings)
			.innerJoin(t.stays, eq(t.stays.id, t.readings.stayId))
			.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
			.where(
				and(inArray(t.readings.stayId, stayIds), gte(t.readings.takenAt, from), lt(t.readings.takenAt, to))
			)
			.orderBy(asc(t.readings.takenAt));
		header = [
			m.dash_col_name(),
			m.dash_col_id_number(),
			m.reading_time(),
			m.dash_col_slot(),
			m.reading_source(),
			m.reading_temperature(),
			m.reading_spo2(),
			m.reading_pulse(),
			m.reading_resp(),
			m.reading_sbp(),
			m.reading_dbp(),
			m.reading_consciousness(),
			m.reading_symptoms(),
			m.reading_news2()
		];
		rows = list.map((r) => [
			r.name,
			idOf(r.idNumber),
			localTime(r.takenAt, zone),
			label(slotLabel, r.slot),
			messages[`reading_source_${r.source}`]?.() ?? r.source,
			r.temperature,
			r.spo2,
			r.pulse,
			r.respRate,
			r.systolicBp,
			r.diastolicBp,
			r.consciousness,
			r.symptoms.map((s) => messages[`sym_${s}`]?.() ?? s).join('、'),
			r.news2
		]);
	} else {
		const stayIds = db().select({ id: t.stays.id }).from(t.stays).where(ofSite(site.id));
		const list = await db()
			.select({
				name: t.residents.name,
				idNumber: t.residents.idNumber,
				kind: t.alerts.kind,
				severity: t.alerts.severity,
				status: t.alerts.status,
				firstTriggeredAt: t.alerts.firstTriggeredAt,
				lastTriggeredAt: t.alerts.lastTriggeredAt,
				triggerCount: t.alerts.triggerCount,
				resolvedAt: t.alerts.resolvedAt,
				outcome: t.alerts.outcome
			})
			.from(t.alerts)
			.innerJoin(t.stays, eq(t.stays.id, t.alerts.stayId))
			.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
			.where(
				and(
					inArray(t.alerts.stayId, stayIds),
					gte(t.alerts.firstTriggeredAt, from),
					lt(t.alerts.firstTriggeredAt, to)
				)
			)
			.orderBy(asc(t.alerts.firstTriggeredAt));
		header = [
			m.dash_col_name(),
			m.dash_col_id_number(),
			m.dash_col_alert_kind(),
			m.dash_col_severity(),
			m.dash_col_status(),
			m.dash_col_first_at(),
			m.dash_col_last_at(),
			m.dash_col_count(),
			m.dash_col_resolved_at(),
			m.dash_col_outcome()
		];
		rows = list.map((r) => [
			r.name,
			idOf(r.idNumber),
			label(alertKindLabel, r.kind),
			label(severityLabel, r.severity),
			label(alertStatusLabel, r.status),
			localTime(r.firstTriggeredAt, zone),
			localTime(r.lastTriggeredAt, zone),
			r.triggerCount,
			localTime(r.resolvedAt, zone),
			label(outcomeLabel, r.outcome)
		]);
	}

	await audit(db(), {
		actor: principal,
		action: reveal ? 'export_unmasked' : 'export',
		entity: 'site',
		entityId: site.id,
		after: {
			kind: input.kind,
			from: input.from,
			to: input.to,
			rows: rows.length,
			masked: !reveal,
			...(reveal ? { reason: input.reason.trim() } : {})
		},
		ip,
		at: now
	});
	const kindName = {
		residents: m.dash_export_residents,
		readings: m.dash_export_readings,
		alerts: m.dash_export_alerts
	}[input.kind]();
	return {
		ok: true,
		csv: toCsv(header, rows),
		filename: `${site.name}-${kindName}-${input.from}-${input.to}.csv`,
		asciiName: `${site.code}-${input.kind}-${input.from}-${input.to}.csv`,
		rows: rows.length
	};
}
