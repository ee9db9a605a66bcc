/**
 * The release notice (解除隔离通知单): numbered, with the resident's name and masked ID, the stay's
 * dates, the site and who released. Built from the release event, so it reads the same every time.
 */
import { and, desc, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Principal } from '../../domain/access';
import { maskIdNumber } from '../../domain/id-number';
import { audit } from '../audit';
import { db } from '../db';
import * as t from '../db/schema';

/** Site code, year of release in the site's zone, and the release event's number: unique and stable. */
export function noticeNumber(siteCode: string, releasedAt: Date, eventId: number, timeZone: string): string {
	const year = DateTime.fromJSDate(releasedAt, { zone: timeZone }).year;
	return `${siteCode}-${year}-${String(eventId).padStart(6, '0')}`;
}

export async function releaseNotice(principal: Principal, stayId: string, ip: string | null = null) {
	return db().transaction(async (tx) => {
		const [row] = await tx
			.select({
				stay: {
					id: t.stays.id,
					status: t.stays.status,
					admittedAt: t.stays.admittedAt,
					residentId: t.stays.residentId
				},
				resident: { name: t.residents.name, idNumber: t.residents.idNumber },
				plan: { name: t.plans.name, nameEn: t.plans.nameEn }
			})
			.from(t.stays)
			.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
			.innerJoin(t.plans, eq(t.plans.id, t.stays.planId))
			.where(eq(t.stays.id, stayId));
		if (!row) return null;
		if (row.stay.status !== 'released') return { released: false as const, status: row.stay.status };
		const [event] = await tx
			.select({
				id: t.stayEvents.id,
				occurredAt: t.stayEvents.occurredAt,
				actorName: t.users.displayName,
				siteCode: t.sites.code,
				siteName: t.sites.name,
				siteNameEn: t.sites.nameEn,
				sitePhone: t.sites.phone,
				timeZone: t.sites.timeZone
			})
			.from(t.stayEvents)
			.innerJoin(t.sites, eq(t.sites.id, t.stayEvents.siteId))
			.leftJoin(t.users, eq(t.users.id, t.stayEvents.actorId))
			.where(and(eq(t.stayEvents.stayId, stayId), eq(t.stayEvents.kind, 'released')));
		if (!event) return null;
		await audit(tx, {
			actor: principal,
			action: 'view',
			entity: 'release_notice',
			entityId: stayId,
			residentId: row.stay.residentId,
			ip
		});
		return {
			released: true as const,
			number: noticeNumber(event.siteCode, event.occurredAt, event.id, event.timeZone),
			name: row.resident.name,
			idNumberMasked: maskIdNumber(row.resident.idNumber),
			plan: row.plan,
			admittedAt: row.stay.admittedAt,
			releasedAt: event.occurredAt,
			releasedBy: event.actorName,
			site: {
				name: event.siteName,
				nameEn: event.siteNameEn,
				phone: event.sitePhone,
				timeZone: event.timeZone
			}
		};
	});
}

/** The resident's latest released stay, for the link on their own page. */
export async function myReleasedStayId(residentId: string): Promise<string | null> {
	const [row] = await db()
		.select({ id: t.stays.id })
		.from(t.stays)
		.where(and(eq(t.stays.residentId, residentId), eq(t.stays.status, 'released')))
		.orderBy(desc(t.stays.outcomeAt))
		.limit(1);
	return row?.id ?? null;
}
