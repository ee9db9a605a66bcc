/**
 * The residents list: server-side search, filters, sort and pages, within the user's scope. IDs and
 * phones leave the server masked. Search by the last four ID digits or phone digits uses the indexed
 * `id_last4` / `phone_last4` columns.
 */
import { and, asc, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Principal } from '../domain/access';
import { maskIdNumber } from '../domain/id-number';
import { maskPhone } from '../domain/phone';
import { position, schedule } from '../domain/plan';
import { db } from './db';
import * as t from './db/schema';

export const PAGE_SIZE = 50;

export interface ResidentFilter {
	q?: string;
	siteId?: string;
	mode?: 'centralised' | 'home_isolation' | 'home_monitoring';
	status?: (typeof t.stayStatusEnum.enumValues)[number];
	category?: (typeof t.categoryEnum.enumValues)[number];
	due?: 'today' | 'tomorrow';
	alert?: boolean;
	sort?: 'release' | 'admitted' | 'name' | 'room';
	page?: number;
}

export async function searchResidents(
	principal: Principal,
	f: ResidentFilter,
	now = new Date(),
	timeZone = 'Asia/Shanghai'
) {
	const where: (SQL | undefined)[] = [eq(t.stays.status, f.status ?? 'active')];
	if (principal.role !== 'admin') {
		if (!principal.siteIds.length) return { rows: [], total: 0, page: 1, pages: 1 };
		where.push(inArray(t.stays.siteId, [...principal.siteIds]));
	}
	if (f.siteId) where.push(eq(t.stays.siteId, f.siteId));
	if (f.category) where.push(eq(t.stays.category, f.category));
	if (f.mode) where.push(sql`${t.stays.planPhases} -> ${t.stays.phaseIndex}::int ->> 'mode' = ${f.mode}`);
	if (f.due) {
		const day = DateTime.fromJSDate(now, { zone: timeZone })
			.startOf('day')
			.plus({ days: f.due === 'tomorrow' ? 1 : 0 });
		where.push(sql`${t.stays.releaseDueAt} >= ${day.toJSDate().toISOString()}::timestamptz`);
		where.push(sql`${t.stays.releaseDueAt} < ${day.plus({ days: 1 }).toJSDate().toISOString()}::timestamptz`);
	}
	if (f.alert)
		where.push(
			sql`exists (select 1 from alerts a where a.stay_id = ${t.stays.id} and a.status in ('open', 'acknowledged'))`
		);
	const q = f.q?.trim();
	if (q) {
		const digits = q.replace(/\s/g, '');
		const like = `%${q.replace(/[%_\\]/g, '\\$&')}%`;
		const any: SQL[] = [ilike(t.residents.name, like)];
		if (/^[0-9]{3}[0-9xX]$/.test(digits)) {
			any.push(eq(t.residents.idLast4, digits.toUpperCase()), eq(t.residents.phoneLast4, digits));
		}
		if (/^1[3-9]\d{9}$/.test(digits)) any.push(eq(t.residents.phone, digits));
		if (/^[0-9A-Za-z-]{2,8}$/.test(digits)) any.push(eq(t.rooms.number, digits));
		if (/^\d{17}[\dXx]$/.test(digits)) any.push(eq(t.residents.idNumber, digits.toUpperCase()));
		where.push(or(...any));
	}
	const order =
		f.sort === 'admitted'
			? [desc(t.stays.admittedAt)]
			: f.sort === 'name'
				? [asc(t.residents.name)]
				: f.sort === 'room'
					? [asc(t.sites.code), asc(t.rooms.floor), asc(t.rooms.walkOrder)]
					: [asc(t.stays.releaseDueAt)];
	const page = Math.max(1, f.page ?? 1);
	const base = db()
		.select({
			stayId: t.stays.id,
			residentId: t.residents.id,
			name: t.residents.name,
			idNumber: t.residents.idNumber,
			phone: t.residents.phone,
			siteName: t.sites.name,
			siteNameEn: t.sites.nameEn,
			timeZone: t.sites.timeZone,
			roomNumber: t.rooms.number,
			category: t.stays.category,
			status: t.stays.status,
			phaseIndex: t.stays.phaseIndex,
			planPhases: t.stays.planPhases,
			periodStart: t.stays.periodStart,
			extensions: t.stays.extensions,
			releaseDueAt: t.stays.releaseDueAt,
			admittedAt: t.stays.admittedAt,
			activeAlerts: sql<number>`(select count(*)::int from alerts a where a.stay_id = ${t.stays.id} and a.status in ('open', 'acknowledged'))`,
			total: sql<number>`count(*) over ()::int`
		})
		.from(t.stays)
		.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
		.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
		.leftJoin(t.rooms, eq(t.rooms.id, t.stays.roomId))
		.where(and(...where))
		.orderBy(...order, asc(t.stays.id))
		.limit(PAGE_SIZE)
		.offset((page - 1) * PAGE_SIZE);
	const rows = await base;
	const total = rows[0]?.total ?? 0;
	return {
		total,
		page,
		pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
		rows: rows.map((r) => {
			const pos = position(schedule(r.periodStart, r.planPhases, r.extensions), now);
			return {
				stayId: r.stayId,
				residentId: r.residentId,
				name: r.name,
				idNumberMasked: maskIdNumber(r.idNumber),
				phoneMasked: maskPhone(r.phone),
				siteName: r.siteName,
				siteNameEn: r.siteNameEn,
				timeZone: r.timeZone,
				roomNumber: r.roomNumber,
				category: r.category,
				status: r.status,
				mode: r.planPhases[r.phaseIndex]?.mode ?? null,
				day: pos.day,
				totalDays: pos.totalDays,
				releaseDueAt: r.releaseDueAt,
				activeAlerts: r.activeAlerts
			};
		})
	};
}

/** Sites and communities the user may filter by. */
export async function scopeSites(principal: Principal) {
	return db()
		.select({ id: t.sites.id, name: t.sites.name, nameEn: t.sites.nameEn, kind: t.sites.kind })
		.from(t.sites)
		.where(
			principal.role === 'admin'
				? undefined
				: inArray(
						t.sites.id,
						principal.siteIds.length ? [...principal.siteIds] : ['00000000-0000-0000-0000-000000000000']
					)
		)
		.orderBy(asc(t.sites.kind), asc(t.sites.code));
}
