/**
 * Sites, communities and rooms, managed by admins. Every write runs in one transaction with its audit
 * row, and rows with mutable state (sites, rooms) change only under the version the admin saw.
 *
 * Sites have no idempotency key column: the unique site code is what makes a double-submitted "create"
 * record once (the second submit is told the code is taken), and bulk room creation skips numbers that
 * exist, so repeating it creates nothing new.
 */
import { and, asc, eq, ilike, or, sql } from 'drizzle-orm';
import type { Principal } from '../domain/access';
import {
	bulkRoomsSchema,
	canonicalTimeZone,
	roomNumber,
	siteFieldsSchema,
	type BulkRooms,
	type SiteFields,
	type UpdateRoom
} from '../schemas/sites';
import { audit, changedFields } from './audit';
import { db, type DbOrTx } from './db';
import { pgConstraint } from './db/errors';
import * as t from './db/schema';
import type { Result } from './users';

type Kind = t.Site['kind'];
type RoomStatus = t.Room['status'];

function escapeLike(q: string) {
	return `%${q.replace(/[%_\\]/g, '\\$&')}%`;
}

export async function listSites(filter: { q?: string; kind?: Kind } = {}) {
	const where = [];
	if (filter.q) {
		const like = escapeLike(filter.q);
		where.push(or(ilike(t.sites.code, like), ilike(t.sites.name, like), ilike(t.sites.nameEn, like))!);
	}
	if (filter.kind) where.push(eq(t.sites.kind, filter.kind));
	const sites = await db()
		.select({
			id: t.sites.id,
			code: t.sites.code,
			kind: t.sites.kind,
			name: t.sites.name,
			nameEn: t.sites.nameEn,
			district: t.sites.district,
			phone: t.sites.phone,
			timeZone: t.sites.timeZone,
			active: t.sites.active
		})
		.from(t.sites)
		.where(where.length ? and(...where) : undefined)
		.orderBy(sql`${t.sites.active} desc`, asc(t.sites.kind), asc(t.sites.code))
		.limit(500);
	const counts = await db()
		.select({ siteId: t.rooms.siteId, status: t.rooms.status, n: sql<number>`count(*)::int` })
		.from(t.rooms)
		.groupBy(t.rooms.siteId, t.rooms.status);
	return sites.map((s) => {
		const mine = counts.filter((c) => c.siteId === s.id);
		const of = (status: RoomStatus) => mine.find((c) => c.status === status)?.n ?? 0;
		return {
			...s,
			rooms: {
				total: mine.reduce((a, c) => a + c.n, 0),
				available: of('available'),
				occupied: of('occupied'),
				needsDisinfection: of('needs_disinfection'),
				outOfService: of('out_of_service')
			}
		};
	});
}

export async function getSiteByCode(code: string) {
	const [site] = await db().select().from(t.sites).where(eq(t.sites.code, code));
	return site ?? null;
}

async function getSite(tx: DbOrTx, siteId: string) {
	const [site] = await tx.select().from(t.sites).where(eq(t.sites.id, siteId));
	return site ?? null;
}

/** Why the kind of a site can no longer change, or null while it still can. */
export async function kindLock(siteId: string, tx: DbOrTx = db()): Promise<string | null> {
	const [row] = await tx
		.select({
			stays: sql<boolean>`exists (select 1 from stays s where s.site_id = ${siteId} or s.home_community_id = ${siteId})
				or exists (select 1 from residents r where r.home_community_id = ${siteId})`,
			rooms: sql<boolean>`exists (select 1 from rooms r where r.site_id = ${siteId})`,
			staff: sql<boolean>`exists (select 1 from user_sites us where us.site_id = ${siteId})`
		})
		.from(sql`(select 1) as one`);
	if (row?.stays) return 'site_kind_locked_stays';
	if (row?.rooms) return 'site_kind_locked_rooms';
	if (row?.staff) return 'site_kind_locked_staff';
	return null;
}

/** The first problem the form rules find, as the use cases answer it (for callers that skip the form). */
function firstProblem(result: {
	success: boolean;
	error?: { issues: { path: PropertyKey[]; message: string }[] };
}) {
	const issue = result.error?.issues[0];
	return { ok: false as const, error: issue?.message ?? 'invalid', field: String(issue?.path[0] ?? '') };
}

/**
 * A site as the audit log holds it. The code is stored as `siteCode`: the audit drops every field named
 * `code`, because for residents that word means their sign-in code.
 */
function forAudit<T extends { code?: string }>({ code, ...rest }: T) {
	return code === undefined ? rest : { siteCode: code, ...rest };
}

function normalise(input: SiteFields) {
	return {
		code: input.code,
		kind: input.kind,
		name: input.name,
		nameEn: input.nameEn || null,
		district: input.district || null,
		address: input.address || null,
		phone: input.phone || null,
		timeZone: canonicalTimeZone(input.timeZone)!
	};
}

export async function createSite(
	actor: Principal,
	input: SiteFields,
	ip: string | null
): Promise<Result<{ id: string; code: string }>> {
	const parsed = siteFieldsSchema.safeParse(input);
	if (!parsed.success) return firstProblem(parsed);
	const values = normalise(parsed.data);
	try {
		const site = await db().transaction(async (tx) => {
			const [row] = await tx.insert(t.sites).values(values).returning();
			await audit(tx, {
				actor,
				action: 'create',
				entity: 'site',
				entityId: row!.id,
				after: forAudit(values),
				ip
			});
			return row!;
		});
		return { ok: true, value: { id: site.id, code: site.code } };
	} catch (e) {
		if (pgConstraint(e) === 'sites_code_key') return { ok: false, error: 'site_code_taken', field: 'code' };
		throw e;
	}
}

export async function updateSite(
	actor: Principal,
	siteId: string,
	input: SiteFields & { version: number },
	ip: string | null
): Promise<Result<{ code: string }>> {
	const parsed = siteFieldsSchema.safeParse(input);
	if (!parsed.success) return firstProblem(parsed);
	const values = normalise(parsed.data);
	try {
		return await db().transaction(async (tx) => {
			const current = await getSite(tx, siteId);
			if (!current) return { ok: false, error: 'site_not_found' } as const;
			if (current.version !== input.version) return { ok: false, error: 'site_stale' } as const;
			if (values.kind !== current.kind) {
				const lock = await kindLock(siteId, tx);
				if (lock) return { ok: false, error: lock, field: 'kind' } as const;
			}
			const updated = await tx
				.update(t.sites)
				.set({ ...values, version: sql`${t.sites.version} + 1` })
				.where(and(eq(t.sites.id, siteId), eq(t.sites.version, input.version)))
				.returning({ code: t.sites.code });
			if (!updated.length) return { ok: false, error: 'site_stale' } as const;
			const diff = changedFields(
				forAudit({
					code: current.code,
					kind: current.kind,
					name: current.name,
					nameEn: current.nameEn,
					district: current.district,
					address: current.address,
					phone: current.phone,
					timeZone: current.timeZone
				}),
				forAudit(values)
			);
			if (Object.keys(diff.after).length)
				await audit(tx, { actor, action: 'update', entity: 'site', entityId: siteId, ...diff, ip });
			return { ok: true, value: { code: updated[0]!.code } } as const;
		});
	} catch (e) {
		if (pgConstraint(e) === 'sites_code_key') return { ok: false, error: 'site_code_taken', field: 'code' };
		throw e;
	}
}

/**
 * A deactivated site takes no new admissions and leaves the pick lists; its history stays. A site that
 * still manages residents (or is their home community) cannot be deactivated: move them first.
 */
export async function setSiteActive(
	actor: Principal,
	siteId: string,
	active: boolean,
	version: number,
	ip: string | null
): Promise<Result<null>> {
	return db().transaction(async (tx) => {
		const current = await getSite(tx, siteId);
		if (!current) return { ok: false, error: 'site_not_found' } as const;
		if (current.version !== version) return { ok: false, error: 'site_stale' } as const;
		if (current.active === active) return { ok: true, value: null } as const;
		if (!active) {
			const [busy] = await tx
				.select({ id: t.stays.id })
				.from(t.stays)
				.where(
					and(
						eq(t.stays.status, 'active'),
						or(eq(t.stays.siteId, siteId), eq(t.stays.homeCommunityId, siteId))
					)
				)
				.limit(1);
			if (busy) return { ok: false, error: 'site_has_active_stays' } as const;
		}
		const updated = await tx
			.update(t.sites)
			.set({ active, version: sql`${t.sites.version} + 1` })
			.where(and(eq(t.sites.id, siteId), eq(t.sites.version, version)))
			.returning({ id: t.sites.id });
		if (!updated.length) return { ok: false, error: 'site_stale' } as const;
		await audit(tx, {
			actor,
			action: active ? 'reactivate' : 'deactivate',
			entity: 'site',
			entityId: siteId,
			before: { active: current.active },
			after: { active },
			ip
		});
		return { ok: true, value: null } as const;
	});
}

// ---- Rooms ----

/** A site's rooms by building and floor, in the order staff walk past the doors. */
export async function listRooms(siteId: string) {
	return db()
		.select({
			id: t.rooms.id,
			building: t.rooms.building,
			floor: t.rooms.floor,
			number: t.rooms.number,
			capacity: t.rooms.capacity,
			occupants: t.rooms.occupants,
			status: t.rooms.status,
			walkOrder: t.rooms.walkOrder,
			version: t.rooms.version
		})
		.from(t.rooms)
		.where(eq(t.rooms.siteId, siteId))
		.orderBy(
			asc(t.rooms.building),
			asc(t.rooms.floor),
			asc(t.rooms.walkOrder),
			sql`length(${t.rooms.number})`,
			asc(t.rooms.number)
		);
}

/**
 * Creates floors × rooms in one transaction, numbered floor + two digits. Numbers that already exist
 * in the building are skipped by the unique index itself (ON CONFLICT DO NOTHING), so two admins doing
 * the same at once still end with one room per number.
 */
export async function createRooms(
	actor: Principal,
	siteId: string,
	input: BulkRooms,
	ip: string | null
): Promise<Result<{ created: number; skipped: number }>> {
	const parsed = bulkRoomsSchema.safeParse(input);
	if (!parsed.success) return firstProblem(parsed);
	const v = parsed.data;
	return db().transaction(async (tx) => {
		const site = await getSite(tx, siteId);
		if (!site) return { ok: false, error: 'site_not_found' } as const;
		if (site.kind !== 'centralised') return { ok: false, error: 'site_not_centralised' } as const;
		const values: (typeof t.rooms.$inferInsert)[] = [];
		for (let floor = v.floorFrom; floor <= v.floorTo; floor++)
			for (let n = v.roomFrom; n <= v.roomTo; n++)
				values.push({
					siteId,
					building: v.building,
					floor,
					number: roomNumber(floor, n),
					capacity: v.capacity,
					walkOrder: n
				});
		let created: string[] = [];
		// Batches keep each statement well under the parameter limit (2000 rooms × 6 values).
		for (let i = 0; i < values.length; i += 500) {
			const rows = await tx
				.insert(t.rooms)
				.values(values.slice(i, i + 500))
				.onConflictDoNothing({ target: [t.rooms.siteId, t.rooms.building, t.rooms.number] })
				.returning({ number: t.rooms.number });
			created = created.concat(rows.map((r) => r.number));
		}
		const skipped = values.length - created.length;
		await audit(tx, {
			actor,
			action: 'create_rooms',
			entity: 'site',
			entityId: siteId,
			after: { ...v, created: created.length, skipped, numbers: created },
			ip
		});
		return { ok: true, value: { created: created.length, skipped } } as const;
	});
}

const MANUAL: readonly RoomStatus[] = ['available', 'out_of_service'];

/**
 * Capacity and the admin's status switch (available ↔ out of service). Occupied and awaiting-disinfection
 * rooms follow admissions, releases and cleaning, not this form. The database has the last word on
 * capacity: its check refuses fewer beds than occupants even if an admission lands in between.
 */
export async function updateRoom(
	actor: Principal,
	siteId: string,
	input: UpdateRoom,
	ip: string | null
): Promise<Result<{ number: string }>> {
	const [current] = await db()
		.select()
		.from(t.rooms)
		.where(and(eq(t.rooms.id, input.roomId), eq(t.rooms.siteId, siteId)));
	if (!current) return { ok: false, error: 'room_not_found' };
	if (current.version !== input.version) return { ok: false, error: 'room_stale' };
	if (input.status !== current.status && !(MANUAL.includes(input.status) && MANUAL.includes(current.status)))
		return { ok: false, error: 'room_status_not_allowed', field: 'status' };
	// Occupants are checked by the statement itself (the WHERE below, and the table's CHECK for capacity),
	// never from the row read above, which an admission may already have changed.
	try {
		return await db().transaction(async (tx) => {
			const updated = await tx
				.update(t.rooms)
				.set({ capacity: input.capacity, status: input.status, version: sql`${t.rooms.version} + 1` })
				.where(
					and(
						eq(t.rooms.id, input.roomId),
						eq(t.rooms.version, input.version),
						// Re-checked on the row as it is when the update runs: an admission may have come first.
						input.status === 'out_of_service' && current.status !== 'out_of_service'
							? eq(t.rooms.occupants, 0)
							: undefined
					)
				)
				.returning({ version: t.rooms.version });
			if (!updated.length) {
				const [now] = await tx
					.select({ version: t.rooms.version, occupants: t.rooms.occupants })
					.from(t.rooms)
					.where(eq(t.rooms.id, input.roomId));
				if (now && now.version === input.version && now.occupants > 0)
					return { ok: false, error: 'room_has_residents', field: 'status' } as const;
				return { ok: false, error: 'room_stale' } as const;
			}
			const diff = changedFields(
				{ capacity: current.capacity, status: current.status },
				{ capacity: input.capacity, status: input.status }
			);
			if (Object.keys(diff.after).length)
				await audit(tx, {
					actor,
					action: 'update',
					entity: 'room',
					entityId: input.roomId,
					before: { number: current.number, ...diff.before },
					after: { number: current.number, ...diff.after },
					ip
				});
			return { ok: true, value: { number: current.number } } as const;
		});
	} catch (e) {
		if (pgConstraint(e) === 'rooms_occupants_check')
			return { ok: false, error: 'room_below_occupants', field: 'capacity' };
		throw e;
	}
}
