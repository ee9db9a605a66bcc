/**
 * Bulk admission from a contact-tracing list (CSV). Preview: every row checked (file, schema, active
 * stays, scope, a free clean bed) and nothing written. Commit: the valid rows admitted in ONE
 * transaction — if any of them fails at that moment (a bed just taken), nothing is imported.
 */
import { and, asc, eq, inArray, like, lt } from 'drizzle-orm';
import { can, type Principal } from '../../domain/access';
import { maskIdNumber } from '../../domain/id-number';
import type { AdmissionInput } from '../../schemas/admission';
import { audit } from '../audit';
import { db, type DbOrTx } from '../db';
import { pgConstraint } from '../db/errors';
import * as t from '../db/schema';
import { AdmitFailure, admitInTx, normalizeIdNumber } from './admit';
import { parseContactList, type CsvRefs, type CsvRowError } from './csv';

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

export async function csvRefs(principal: Principal, q: DbOrTx = db()): Promise<CsvRefs> {
	const sites = await q
		.select({ id: t.sites.id, code: t.sites.code, name: t.sites.name, kind: t.sites.kind })
		.from(t.sites)
		.where(eq(t.sites.active, true));
	const plans = await q
		.select({ id: t.plans.id, code: t.plans.code, name: t.plans.name, phases: t.plans.phases })
		.from(t.plans)
		.where(eq(t.plans.active, true));
	return {
		communities: sites.filter((s) => s.kind === 'community'),
		plans: plans.map((p) => ({
			id: p.id,
			code: p.code,
			name: p.name,
			firstMode: p.phases[0]?.mode ?? 'centralised'
		})),
		// Only sites the user may admit to are known to the import: another site's name is "unknown".
		sites: sites.filter((s) => s.kind === 'centralised' && can(principal, 'resident:admit', { siteId: s.id }))
	};
}

export interface PreviewRow {
	line: number;
	name: string;
	idMasked: string;
	place: string;
	errors: CsvRowError[];
	input: (AdmissionInput & { siteId?: string }) | null;
}

/** Free beds of the sites, in walking order, as a queue per site. */
async function freeBeds(tx: DbOrTx, siteIds: string[]) {
	if (!siteIds.length) return new Map<string, { id: string; number: string }[]>();
	const rooms = await tx
		.select({
			id: t.rooms.id,
			number: t.rooms.number,
			siteId: t.rooms.siteId,
			free: t.rooms.capacity,
			occupants: t.rooms.occupants
		})
		.from(t.rooms)
		.where(
			and(
				inArray(t.rooms.siteId, siteIds),
				inArray(t.rooms.status, ['available', 'occupied']),
				lt(t.rooms.occupants, t.rooms.capacity)
			)
		)
		.orderBy(asc(t.rooms.floor), asc(t.rooms.walkOrder), asc(t.rooms.number));
	const beds = new Map<string, { id: string; number: string }[]>();
	for (const r of rooms) {
		const list = beds.get(r.siteId) ?? [];
		for (let i = r.occupants; i < r.free; i++) list.push({ id: r.id, number: r.number });
		beds.set(r.siteId, list);
	}
	return beds;
}

async function check(tx: DbOrTx, principal: Principal, bytes: Uint8Array) {
	// Inside a transaction every query must use it: on PGlite a second connection would wait forever.
	const refs = await csvRefs(principal, tx);
	const parsed = parseContactList(bytes, refs);
	const siteName = new Map(refs.sites.map((s) => [s.id, s.name]));
	const communityName = new Map(refs.communities.map((c) => [c.id, c.name]));
	const valid = parsed.rows.filter((r) => !r.errors.length);
	const ids = valid.map((r) => normalizeIdNumber(r.input.idType ?? 'resident_id', r.input.idNumber ?? ''));
	const active = ids.length
		? await tx
				.select({ idNumber: t.residents.idNumber })
				.from(t.stays)
				.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
				.where(and(eq(t.stays.status, 'active'), inArray(t.residents.idNumber, ids)))
		: [];
	const activeIds = new Set(active.map((a) => a.idNumber));
	const beds = await freeBeds(tx, [
		...new Set(valid.map((r) => r.input.siteId).filter((s): s is string => !!s))
	]);

	const rows: PreviewRow[] = parsed.rows.map((r) => {
		const errors = [...r.errors];
		const input = r.input as AdmissionInput & { siteId?: string };
		let place = '';
		if (!errors.length) {
			const idNumber = normalizeIdNumber(input.idType, input.idNumber);
			if (activeIds.has(idNumber)) errors.push({ field: 'idNumber', code: 'already_active' });
			if (input.siteId) {
				const bed = beds.get(input.siteId)?.shift();
				if (!bed) errors.push({ field: 'siteId', code: 'no_room_left' });
				else {
					input.roomId = bed.id;
					place = `${siteName.get(input.siteId)} · ${bed.number}`;
				}
			} else {
				if (!can(principal, 'resident:admit', { siteId: input.homeCommunityId }))
					errors.push({ field: 'homeCommunityId', code: 'site_not_allowed' });
				place = communityName.get(input.homeCommunityId) ?? '';
			}
		}
		return {
			line: r.line,
			name: r.input.name ?? '',
			idMasked: r.input.idNumber ? maskIdNumber(String(r.input.idNumber)) : '',
			place,
			errors,
			input: errors.length ? null : input
		};
	});
	return { encoding: parsed.encoding, fileErrors: parsed.fileErrors, warnings: parsed.warnings, rows };
}

export async function previewImport(principal: Principal, bytes: Uint8Array) {
	return check(db(), principal, bytes);
}

export type CommitResult =
	| { ok: true; admitted: { line: number; name: string; place: string; code: string; stayId: string }[] }
	| {
			ok: false;
			reason: 'nothing_valid' | 'already_imported' | 'changed';
			preview?: Awaited<ReturnType<typeof check>>;
	  };

export async function commitImport(
	principal: Principal,
	bytes: Uint8Array,
	batchKey: string,
	ip: string | null,
	now = new Date()
): Promise<CommitResult> {
	const [done] = await db()
		.select({ id: t.stays.id })
		.from(t.stays)
		.where(like(t.stays.idempotencyKey, `${batchKey}:%`))
		.limit(1);
	if (done) return { ok: false, reason: 'already_imported' };
	try {
		return await db().transaction(async (tx) => {
			const preview = await check(tx, principal, bytes);
			const rows = preview.rows.filter((r) => r.input);
			if (preview.fileErrors.length || !rows.length)
				return { ok: false as const, reason: 'nothing_valid' as const, preview };
			const admitted = [];
			for (const r of rows) {
				const input = { ...r.input!, idempotencyKey: `${batchKey}:${r.line}` };
				const result = await admitInTx(tx, principal, input, ip, now);
				admitted.push({
					line: r.line,
					name: r.name,
					place: r.place,
					code: result.code,
					stayId: result.stayId
				});
			}
			await audit(tx, {
				actor: principal,
				action: 'import',
				entity: 'admission_batch',
				entityId: batchKey,
				after: { admitted: admitted.length, skipped: preview.rows.length - admitted.length },
				ip,
				at: now
			});
			return { ok: true as const, admitted };
		});
	} catch (e) {
		// A row that passed the preview failed inside the transaction (a bed just taken): nothing landed.
		if (e instanceof AdmitFailure)
			return { ok: false, reason: 'changed', preview: await check(db(), principal, bytes) };
		const constraint = pgConstraint(e);
		if (constraint === 'stays_idempotency_key') return { ok: false, reason: 'already_imported' };
		if (constraint === 'rooms_occupants_check' || constraint === 'stays_one_active_per_resident')
			return { ok: false, reason: 'changed', preview: await check(db(), principal, bytes) };
		throw e;
	}
}
