/**
 * Deliveries as people look at them: a site's worklist grouped by building and floor in walking order
 * (a centralised site) or by address (a community), the resident record's list, and the resident's own.
 */
import { and, asc, desc, eq, gte, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Principal } from '../../domain/access';
import { isOverdue, type DeliveryKind, type DeliveryStatus } from '../../domain/delivery';
import { db } from '../db';
import * as t from '../db/schema';
import { initials } from '../room-board';

/** Delivered ones stay on the list this long for the resident's confirmation, then drop off. */
const DELIVERED_SHOWN_MS = 24 * 3600_000;

export interface WorkRow {
	id: string;
	version: number;
	kind: DeliveryKind;
	status: DeliveryStatus;
	source: string;
	items: t.Delivery['items'];
	note: string | null;
	requestedAt: Date;
	approvedAt: Date | null;
	overdue: boolean;
	residentId: string;
	name: string;
	initials: string;
	allergies: string | null;
	room: string | null;
	address: string | null;
}

export interface WorkGroup {
	key: string;
	/** Centralised: building and floor; community: the address. */
	building: string | null;
	floor: number | null;
	address: string | null;
	rows: WorkRow[];
}

export interface Worklist {
	site: {
		id: string;
		code: string;
		name: string;
		nameEn: string | null;
		kind: 'centralised' | 'community';
		timeZone: string;
	};
	groups: WorkGroup[];
	counts: Record<DeliveryStatus, number>;
	overdue: number;
}

const zhCollator = new Intl.Collator('zh-CN', { numeric: true });

/**
 * The open deliveries of one site or community: every one not yet received or cancelled (delivered ones
 * for a day, awaiting the resident's confirmation), filtered to some states if asked.
 */
export async function worklist(
	siteId: string,
	overdueHours: number,
	statuses: readonly DeliveryStatus[] | null = null,
	now = new Date()
): Promise<Worklist | null> {
	const [site] = await db()
		.select({
			id: t.sites.id,
			code: t.sites.code,
			name: t.sites.name,
			nameEn: t.sites.nameEn,
			kind: t.sites.kind,
			timeZone: t.sites.timeZone
		})
		.from(t.sites)
		.where(eq(t.sites.id, siteId));
	if (!site) return null;
	const open: SQL = or(
		inArray(t.deliveries.status, ['requested', 'approved', 'packed', 'out_for_delivery']),
		and(
			eq(t.deliveries.status, 'delivered'),
			gte(t.deliveries.deliveredAt, new Date(now.getTime() - DELIVERED_SHOWN_MS))
		)
	)!;
	const rows = await db()
		.select({
			d: {
				id: t.deliveries.id,
				version: t.deliveries.version,
				kind: t.deliveries.kind,
				status: t.deliveries.status,
				source: t.deliveries.source,
				items: t.deliveries.items,
				note: t.deliveries.note,
				requestedAt: t.deliveries.requestedAt,
				approvedAt: t.deliveries.approvedAt
			},
			residentId: t.residents.id,
			name: t.residents.name,
			allergies: t.residents.allergies,
			residentAddress: t.residents.homeAddress,
			stayAddress: t.stays.homeAddress,
			building: t.rooms.building,
			floor: t.rooms.floor,
			walkOrder: t.rooms.walkOrder,
			number: t.rooms.number
		})
		.from(t.deliveries)
		.innerJoin(t.stays, eq(t.stays.id, t.deliveries.stayId))
		.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
		.leftJoin(t.rooms, eq(t.rooms.id, t.stays.roomId))
		.where(
			and(
				eq(t.stays.siteId, siteId),
				eq(t.stays.status, 'active'),
				open,
				statuses ? inArray(t.deliveries.status, [...statuses]) : undefined
			)
		)
		.orderBy(
			asc(t.rooms.building),
			asc(t.rooms.floor),
			asc(t.rooms.walkOrder),
			asc(t.rooms.number),
			asc(t.deliveries.requestedAt)
		);
	const counts = Object.fromEntries(
		(
			['requested', 'approved', 'packed', 'out_for_delivery', 'delivered', 'received', 'cancelled'] as const
		).map((s) => [s, 0])
	) as Record<DeliveryStatus, number>;
	let overdue = 0;
	const groups = new Map<string, WorkGroup>();
	for (const r of rows) {
		const address = r.stayAddress ?? r.residentAddress;
		const centralised = site.kind === 'centralised' && r.floor !== null;
		const key = centralised ? `${r.building}|${r.floor}` : `addr|${address}`;
		const row: WorkRow = {
			...r.d,
			overdue: isOverdue(r.d, now, overdueHours),
			residentId: r.residentId,
			name: r.name,
			initials: initials(r.name),
			allergies: r.allergies,
			room: r.number ? `${r.building ? `${r.building}-` : ''}${r.number}` : null,
			address: centralised ? null : address
		};
		counts[row.status]++;
		if (row.overdue) overdue++;
		let g = groups.get(key);
		if (!g) {
			g = {
				key,
				building: centralised ? r.building : null,
				floor: centralised ? r.floor : null,
				address: centralised ? null : address,
				rows: []
			};
			groups.set(key, g);
		}
		g.rows.push(row);
	}
	const list = [...groups.values()];
	// Rooms come in walking order from the query; addresses sort as a reader of Chinese expects.
	if (site.kind !== 'centralised') list.sort((a, b) => zhCollator.compare(a.address ?? '', b.address ?? ''));
	return { site, groups: list, counts, overdue };
}

/** The centralised sites and communities a principal works deliveries for, with what is open in each. */
export async function worklistSites(principal: Principal, overdueHours: number, now = new Date()) {
	const where = [eq(t.sites.active, true)];
	if (principal.role !== 'admin') {
		if (!principal.siteIds.length) return [];
		where.push(inArray(t.sites.id, [...principal.siteIds]));
	}
	const sites = await db()
		.select({
			id: t.sites.id,
			code: t.sites.code,
			name: t.sites.name,
			nameEn: t.sites.nameEn,
			kind: t.sites.kind
		})
		.from(t.sites)
		.where(and(...where))
		.orderBy(asc(t.sites.kind), asc(t.sites.code));
	if (!sites.length) return [];
	const cutoff = new Date(now.getTime() - overdueHours * 3600_000);
	const counts = await db()
		.select({
			siteId: t.stays.siteId,
			open: sql<number>`count(*)`.mapWith(Number),
			toApprove: sql<number>`count(*) filter (where ${t.deliveries.status} = 'requested')`.mapWith(Number),
			overdue:
				sql<number>`count(*) filter (where ${t.deliveries.kind} <> 'supply' and ${t.deliveries.status} in ('approved', 'packed', 'out_for_delivery') and ${t.deliveries.approvedAt} <= ${cutoff.toISOString()}::timestamptz)`.mapWith(
					Number
				)
		})
		.from(t.deliveries)
		.innerJoin(t.stays, eq(t.stays.id, t.deliveries.stayId))
		.where(
			and(
				inArray(
					t.stays.siteId,
					sites.map((s) => s.id)
				),
				eq(t.stays.status, 'active'),
				inArray(t.deliveries.status, ['requested', 'approved', 'packed', 'out_for_delivery'])
			)
		)
		.groupBy(t.stays.siteId);
	return sites.map((s) => {
		const c = counts.find((x) => x.siteId === s.id);
		return { ...s, open: c?.open ?? 0, toApprove: c?.toApprove ?? 0, overdue: c?.overdue ?? 0 };
	});
}

const requester = t.users;

/** Every delivery of a resident (all stays), newest first, for the resident record and their own page. */
export async function deliveriesOfResident(residentId: string, stayId: string | null = null, limit = 100) {
	const rows = await db()
		.select({
			id: t.deliveries.id,
			version: t.deliveries.version,
			stayId: t.deliveries.stayId,
			kind: t.deliveries.kind,
			status: t.deliveries.status,
			source: t.deliveries.source,
			items: t.deliveries.items,
			note: t.deliveries.note,
			allergyConfirmed: t.deliveries.allergyConfirmed,
			requestedAt: t.deliveries.requestedAt,
			approvedAt: t.deliveries.approvedAt,
			packedAt: t.deliveries.packedAt,
			outForDeliveryAt: t.deliveries.outForDeliveryAt,
			deliveredAt: t.deliveries.deliveredAt,
			receivedAt: t.deliveries.receivedAt,
			cancelledAt: t.deliveries.cancelledAt,
			cancelReason: t.deliveries.cancelReason,
			requestedByName: requester.displayName,
			requestedByRole: requester.role,
			timeZone: t.sites.timeZone
		})
		.from(t.deliveries)
		.innerJoin(t.stays, eq(t.stays.id, t.deliveries.stayId))
		.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
		.leftJoin(requester, eq(requester.id, t.deliveries.requestedBy))
		.where(and(eq(t.stays.residentId, residentId), stayId ? eq(t.stays.id, stayId) : undefined))
		.orderBy(desc(t.deliveries.requestedAt), desc(t.deliveries.id))
		.limit(limit);
	return rows;
}

/** The resident's own deliveries: those of their latest stay. */
export async function myDeliveries(residentId: string) {
	const [stay] = await db()
		.select({ id: t.stays.id, status: t.stays.status, regular: t.residents.regularMedicines })
		.from(t.stays)
		.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
		.where(eq(t.stays.residentId, residentId))
		.orderBy(desc(t.stays.admittedAt))
		.limit(1);
	if (!stay) return null;
	return {
		active: stay.status === 'active',
		regularMedicines: stay.regular,
		deliveries: await deliveriesOfResident(residentId, stay.id)
	};
}

/** Open medicine deliveries approved before `cutoff` and not yet flagged overdue (the scheduler's list). */
export function overdueCandidates(cutoff: Date) {
	return and(
		inArray(t.deliveries.kind, ['medicine', 'tcm']),
		inArray(t.deliveries.status, ['approved', 'packed', 'out_for_delivery']),
		isNull(t.deliveries.overdueAt),
		lte(t.deliveries.approvedAt, cutoff)
	);
}
