import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import type { RequestEvent } from '@sveltejs/kit';
import { needKey, prescribeSchema, type DeliveryItem } from '../../src/lib/schemas/delivery';
import * as deliveries from '../../src/lib/server/deliveries';
import * as t from '../../src/lib/server/db/schema';
import { bulkAction, needAction } from '../../src/lib/server/delivery-forms';
import { runSchedulerTick } from '../../src/lib/server/scheduler';
import { createTestDatabase, engine, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeRoom, makeStay, uniqueKey } from './helpers/factories';
import { makeStaff } from './helpers/principals';

let tdb: TestDatabase;
let ground: Awaited<ReturnType<typeof makeGround>>;
let nurse: Principal;
let otherNurse: Principal;
let clinician: Principal;
let admin: Principal;

beforeAll(async () => {
	tdb = await createTestDatabase();
	ground = await makeGround(tdb.db);
	nurse = await makeStaff(tdb.db, 'site_staff', [ground.site.id], '护士甲');
	otherNurse = await makeStaff(tdb.db, 'site_staff', [ground.site.id], '护士乙');
	clinician = await makeStaff(tdb.db, 'clinician', [ground.community.id], '医生丙');
	admin = await makeStaff(tdb.db, 'admin');
});
afterAll(async () => {
	await tdb?.destroy();
});

/** A resident in a room of the site (floor given), with their own principal. */
async function residentIn(floor = 2, over: Partial<typeof t.residents.$inferInsert> = {}) {
	const r = await makeResident(tdb.db, ground.community.id, over);
	const room = await makeRoom(tdb.db, ground.site.id, { floor, building: 'A' });
	const stay = await makeStay(tdb.db, {
		residentId: r.id,
		siteId: ground.site.id,
		homeCommunityId: ground.community.id,
		planId: ground.plan.id,
		roomId: room.id
	});
	const me: Principal = {
		userId: (await residentUser(r.id)).id,
		role: 'resident',
		siteIds: [],
		residentId: r.id,
		readOnly: false
	};
	return { resident: r, room, stay, me };
}

async function residentUser(residentId: string) {
	const [u] = await tdb.db
		.insert(t.users)
		.values({ role: 'resident', displayName: '隔离人员', residentId })
		.returning();
	return u!;
}

const item = (name: string, over: Partial<DeliveryItem> = {}): DeliveryItem => ({
	name,
	strength: '0.25g',
	dose: '1 粒',
	frequency: '每日三次',
	days: 5,
	quantity: 15,
	unit: '粒',
	...over
});

const prescription = (items: DeliveryItem[], over: Record<string, unknown> = {}) =>
	prescribeSchema.parse({
		kind: 'medicine',
		items,
		confirmAllergy: false,
		idempotencyKey: uniqueKey('rx'),
		...over
	});

async function step(
	who: Principal,
	deliveryId: string,
	stepName: 'approve' | 'pack' | 'dispatch' | 'deliver' | 'receive' | 'cancel',
	over: Partial<{ version: number; reason: string; key: string }> = {},
	now = new Date()
) {
	const [d] = await tdb.db.select().from(t.deliveries).where(eq(t.deliveries.id, deliveryId));
	return deliveries.takeStep(
		who,
		{
			deliveryId,
			version: over.version ?? d!.version,
			step: stepName,
			reason: over.reason ?? '',
			idempotencyKey: over.key ?? uniqueKey('step')
		},
		null,
		now
	);
}

/** A supply for each of `people`, packed and out for delivery; their ids in order. */
async function suppliesOnTheWay(people: { resident: { id: string } }[]) {
	const ids: string[] = [];
	for (const p of people) {
		const r = await deliveries.prescribe(
			nurse,
			p.resident.id,
			prescription([item('饮用水')], { kind: 'supply' })
		);
		const id = r.ok ? r.value.deliveryId : '';
		await step(nurse, id, 'pack');
		await step(nurse, id, 'dispatch');
		ids.push(id);
	}
	return ids;
}

const eventsOf = (deliveryId: string) =>
	tdb.db.select().from(t.deliveryEvents).where(eq(t.deliveryEvents.deliveryId, deliveryId));
const deliveryRow = async (id: string) =>
	(await tdb.db.select().from(t.deliveries).where(eq(t.deliveries.id, id)))[0]!;

describe('prescribing', () => {
	it('asks for a confirmation when a medicine matches an allergy, then records the confirmed match', async () => {
		const { resident } = await residentIn(2, { allergies: '青霉素' });
		const input = prescription([item('阿莫西林胶囊'), item('对乙酰氨基酚片')]);
		const refused = await deliveries.prescribe(nurse, resident.id, input);
		expect(refused).toMatchObject({
			ok: false,
			error: 'allergy_unconfirmed',
			detail: { matches: [{ allergy: '青霉素', medicine: '阿莫西林胶囊', how: 'class' }] }
		});
		expect(
			await tdb.db.select().from(t.deliveries).where(eq(t.deliveries.idempotencyKey, input.idempotencyKey))
		).toEqual([]);

		const done = await deliveries.prescribe(nurse, resident.id, { ...input, confirmAllergy: true });
		expect(done).toMatchObject({ ok: true, replayed: false, value: { status: 'approved' } });
		const row = await deliveryRow(done.ok ? done.value.deliveryId : '');
		expect(row.allergyConfirmed).toEqual([{ allergy: '青霉素', medicine: '阿莫西林胶囊', how: 'class' }]);
		expect(row.approvedBy).toBe(nurse.userId);
		expect((await eventsOf(row.id)).map((e) => e.step)).toEqual(['request', 'approve']);
		const audits = await tdb.db
			.select()
			.from(t.auditLog)
			.where(and(eq(t.auditLog.entity, 'delivery'), eq(t.auditLog.entityId, row.id)));
		expect(audits).toHaveLength(1);
	});

	it('lets an admin order supplies but not prescribe medicine, and keeps staff to their own sites', async () => {
		const { resident } = await residentIn();
		expect(await deliveries.prescribe(admin, resident.id, prescription([item('布洛芬')]))).toMatchObject({
			ok: false,
			error: 'not_allowed'
		});
		expect(
			await deliveries.prescribe(admin, resident.id, prescription([item('饮用水')], { kind: 'supply' }))
		).toMatchObject({ ok: true, value: { status: 'approved' } });
		expect(await deliveries.prescribe(clinician, resident.id, prescription([item('布洛芬')]))).toMatchObject({
			ok: false,
			error: 'not_found'
		});
	});

	it('records a double-submitted prescription once', async () => {
		const { resident, stay } = await residentIn();
		const input = prescription([item('连花清瘟胶囊')], { kind: 'tcm' });
		const [a, b] = [
			await deliveries.prescribe(nurse, resident.id, input),
			await deliveries.prescribe(nurse, resident.id, input)
		];
		expect(a.ok && b.ok && a.value.deliveryId === b.value.deliveryId).toBe(true);
		expect(b).toMatchObject({ replayed: true });
		expect(await tdb.db.select().from(t.deliveries).where(eq(t.deliveries.stayId, stay.id))).toHaveLength(1);
	});
});

describe('the workflow', () => {
	it('goes from request to receipt, each step with who and when; jumps and stale forms are refused', async () => {
		const { me, stay } = await residentIn();
		const req = await deliveries.requestSupplies(me, {
			necessities: ['drinking_water', 'toilet_paper'],
			other: '充电线一根',
			idempotencyKey: uniqueKey('req')
		});
		expect(req).toMatchObject({ ok: true, value: { status: 'requested' } });
		const id = req.ok ? req.value.deliveryId : '';
		const row = await deliveryRow(id);
		expect(row.items.map((i) => i.name)).toEqual(['饮用水', '卫生纸']);
		expect(row.note).toBe('充电线一根');
		expect(row.source).toBe('resident');
		expect(row.stayId).toBe(stay.id);

		// A jump is refused and changes nothing.
		expect(await step(nurse, id, 'deliver')).toMatchObject({ ok: false, error: 'illegal' });
		// The resident cannot approve their own request.
		expect(await step(me, id, 'approve')).toMatchObject({ ok: false, error: 'not_allowed' });
		const shown = (await deliveryRow(id)).version;
		expect(await step(nurse, id, 'approve')).toMatchObject({ ok: true, value: { status: 'approved' } });
		// Another nurse with the list from before the approval is told who changed it.
		expect(await step(otherNurse, id, 'cancel', { version: shown, reason: '重复' })).toMatchObject({
			ok: false,
			error: 'stale',
			detail: { status: 'approved', by: '护士甲' }
		});
		expect(await step(otherNurse, id, 'pack')).toMatchObject({ ok: true, value: { status: 'packed' } });
		expect(await step(nurse, id, 'dispatch')).toMatchObject({
			ok: true,
			value: { status: 'out_for_delivery' }
		});
		expect(await step(nurse, id, 'cancel')).toMatchObject({ ok: false, error: 'reason_required' });
		expect(await step(nurse, id, 'deliver')).toMatchObject({ ok: true, value: { status: 'delivered' } });
		expect(await step(nurse, id, 'cancel', { reason: '太晚' })).toMatchObject({
			ok: false,
			error: 'illegal'
		});
		expect(await step(me, id, 'receive')).toMatchObject({ ok: true, value: { status: 'received' } });

		const done = await deliveryRow(id);
		expect(done).toMatchObject({
			status: 'received',
			approvedBy: nurse.userId,
			packedBy: otherNurse.userId,
			outForDeliveryBy: nurse.userId,
			deliveredBy: nurse.userId,
			receivedBy: me.userId
		});
		expect(done.receivedAt).toBeInstanceOf(Date);
		expect((await eventsOf(id)).map((e) => `${e.step}:${e.toStatus}`)).toEqual([
			'request:requested',
			'approve:approved',
			'pack:packed',
			'dispatch:out_for_delivery',
			'deliver:delivered',
			'receive:received'
		]);
	});

	it('replays a step sent twice with its key, and refuses the key on another step', async () => {
		const { resident } = await residentIn();
		const made = await deliveries.prescribe(nurse, resident.id, prescription([item('布洛芬缓释胶囊')]));
		const id = made.ok ? made.value.deliveryId : '';
		const version = (await deliveryRow(id)).version;
		const key = uniqueKey('pack');
		const first = await step(nurse, id, 'pack', { version, key });
		const again = await step(nurse, id, 'pack', { version, key });
		expect(first).toMatchObject({ ok: true, replayed: false, value: { status: 'packed' } });
		expect(again).toMatchObject({ ok: true, replayed: true, value: { status: 'packed' } });
		expect((await eventsOf(id)).filter((e) => e.step === 'pack')).toHaveLength(1);
		expect(await step(nurse, id, 'dispatch', { key })).toMatchObject({ ok: false, error: 'key_conflict' });
	});

	it('lets a resident withdraw a request only while nobody has approved it, and only their own', async () => {
		const a = await residentIn();
		const b = await residentIn();
		const req = await deliveries.requestMedicine(a.me, {
			medicines: '氨氯地平 5mg 每日一次',
			idempotencyKey: uniqueKey('m')
		});
		const id = req.ok ? req.value.deliveryId : '';
		expect(await step(b.me, id, 'cancel', { reason: '不要了' })).toMatchObject({
			ok: false,
			error: 'not_found'
		});
		expect(await step(a.me, id, 'cancel', { reason: '家人已送到' })).toMatchObject({
			ok: true,
			value: { status: 'cancelled' }
		});
		expect((await deliveryRow(id)).cancelReason).toBe('家人已送到');
	});

	it('refuses a released resident’s request: their page is read-only', async () => {
		const { me } = await residentIn();
		const r = await deliveries.requestSupplies(
			{ ...me, readOnly: true },
			{ necessities: ['masks'], other: '', idempotencyKey: uniqueKey('ro') }
		);
		expect(r).toMatchObject({ ok: false, error: 'read_only' });
	});
});

describe('a floor at once', () => {
	it('marks every delivery on the floor delivered in one go, skipping with a reason those that moved on', async () => {
		const people = [await residentIn(5), await residentIn(5), await residentIn(5)];
		const ids = await suppliesOnTheWay(people);
		const list = await deliveries.worklist(ground.site.id, 24);
		const floor = list!.groups.find((g) => g.floor === 5)!;
		expect(floor.rows.map((r) => r.id).sort()).toEqual([...ids].sort());
		const entries = floor.rows.map((r) => ({ deliveryId: r.id, version: r.version }));
		// Meanwhile one is delivered at the door by a colleague.
		await step(otherNurse, ids[0]!, 'deliver');
		const key = uniqueKey('floor');
		const bulk = await deliveries.bulkStep(nurse, ground.site.id, {
			step: 'deliver',
			entries,
			idempotencyKey: key
		});
		expect(bulk).toMatchObject({ ok: true, replayed: false });
		if (!bulk.ok) return;
		expect(bulk.value.done.sort()).toEqual([ids[1], ids[2]].sort());
		expect(bulk.value.skipped).toEqual([{ deliveryId: ids[0], reason: 'stale', status: 'delivered' }]);
		for (const id of ids) expect((await deliveryRow(id)).status).toBe('delivered');
		// The same form sent again changes nothing.
		const again = await deliveries.bulkStep(nurse, ground.site.id, {
			step: 'deliver',
			entries,
			idempotencyKey: key
		});
		expect(again).toMatchObject({ ok: true, replayed: true });
		expect((await eventsOf(ids[1]!)).filter((e) => e.step === 'deliver')).toHaveLength(1);
	});

	it('groups a site by building and floor in walking order, a community by address', async () => {
		const list = await deliveries.worklist(ground.site.id, 24);
		const floors = list!.groups.map((g) => g.floor!);
		expect(floors).toEqual([...floors].sort((a, b) => a - b));
		expect(list!.groups.every((g) => g.building === 'A' && g.address === null)).toBe(true);

		const home = await makeResident(tdb.db, ground.community.id);
		const stayAt = async (address: string) => {
			const r = await makeResident(tdb.db, ground.community.id);
			await makeStay(
				tdb.db,
				{
					residentId: r.id,
					siteId: ground.community.id,
					homeCommunityId: ground.community.id,
					planId: ground.plan.id
				},
				{ homeAddress: address }
			);
			return r;
		};
		const south = await stayAt('焦作市解放区南环路 9 号');
		const north = await stayAt('焦作市解放区北环路 2 号');
		for (const r of [south, north])
			await deliveries.prescribe(clinician, r.id, prescription([item('布洛芬')]));
		expect(home).toBeTruthy();
		const community = await deliveries.worklist(ground.community.id, 24);
		expect(community!.groups.map((g) => g.address)).toEqual([
			'焦作市解放区北环路 2 号',
			'焦作市解放区南环路 9 号'
		]);
		expect(community!.groups.every((g) => g.floor === null)).toBe(true);
	});
});

/** A home isolator of the ground's community with one reached call noting `needs`. */
async function calledHome(needs: { medicine?: boolean; supplies?: boolean; detail?: string }) {
	const r = await makeResident(tdb.db, ground.community.id);
	const stay = await makeStay(
		tdb.db,
		{
			residentId: r.id,
			siteId: ground.community.id,
			homeCommunityId: ground.community.id,
			planId: ground.plan.id
		},
		{ homeAddress: '焦作市解放区民主路 3 号' }
	);
	const [call] = await tdb.db
		.insert(t.calls)
		.values({
			stayId: stay.id,
			clinicianId: clinician.userId,
			attemptedAt: new Date(),
			slot: 'morning',
			slotDate: '2026-11-24',
			outcome: 'reached',
			needs: { medicine: false, supplies: false, psychological: false, detail: '', ...needs },
			idempotencyKey: uniqueKey('call')
		})
		.returning();
	return { resident: r, stay, call: call! };
}

describe('a floor at once, as the worklist posts it', () => {
	const post = (step: string, entries: string[]) => {
		const body = new FormData();
		body.set('step', step);
		for (const e of entries) body.append('entry', e);
		return {
			request: new Request('http://localhost/sites/x/deliveries?/bulk', { method: 'POST', body }),
			getClientAddress: () => '10.0.0.7'
		} as unknown as RequestEvent;
	};

	it('refuses hand-made entries with a reason, and changes nothing', async () => {
		const before = await tdb.db.select({ id: t.deliveries.id }).from(t.deliveries);
		for (const entry of [
			'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa:1',
			`${crypto.randomUUID()}:0`,
			`${crypto.randomUUID()}:99999999999999999999`
		]) {
			const answer = await bulkAction(post('pack', [entry]), nurse, ground.site.id);
			expect(answer).toMatchObject({ status: 400, data: { bulkError: 'nothing_selected' } });
		}
		expect(await tdb.db.select({ id: t.deliveries.id }).from(t.deliveries)).toEqual(before);
	});
});

describe('a need noted on a call', () => {
	it('becomes a request in one click, once, with the clinician’s words', async () => {
		const { resident: r, stay, call } = await calledHome({ medicine: true, detail: '布洛芬一盒' });
		const needs = await deliveries.callNeeds(r.id);
		expect(needs).toMatchObject([
			{ callId: call.id, kind: 'medicine', detail: '布洛芬一盒', requested: false }
		]);

		const first = await deliveries.requestFromCall(clinician, {
			callId: call.id,
			kind: 'medicine',
			idempotencyKey: uniqueKey('n')
		});
		expect(first).toMatchObject({ ok: true, replayed: false, value: { status: 'requested' } });
		const row = await deliveryRow(first.ok ? first.value.deliveryId : '');
		expect(row).toMatchObject({
			kind: 'medicine',
			source: 'call',
			callId: call.id,
			note: '布洛芬一盒',
			stayId: stay.id
		});
		const again = await deliveries.requestFromCall(clinician, {
			callId: call.id,
			kind: 'medicine',
			idempotencyKey: uniqueKey('n')
		});
		expect(again).toMatchObject({ ok: true, replayed: true, value: { deliveryId: row.id } });
		expect((await deliveries.callNeeds(r.id))[0]!.requested).toBe(true);
		// Supplies were not noted on this call; staff of another site cannot reach it.
		expect(
			await deliveries.requestFromCall(clinician, {
				callId: call.id,
				kind: 'supply',
				idempotencyKey: uniqueKey('n')
			})
		).toMatchObject({
			ok: false,
			error: 'no_need'
		});
		// Even once requested: a replay answers only those who may reach the call.
		expect(
			await deliveries.requestFromCall(nurse, {
				callId: call.id,
				kind: 'medicine',
				idempotencyKey: uniqueKey('n')
			})
		).toEqual({ ok: false, error: 'not_found' });
	});
});

describe('a need requested from the call screen', () => {
	/** The call screen's form post, as its `requestFromNeed` action receives it after the guard. */
	const post = (fields: Record<string, string>) => {
		const body = new FormData();
		for (const [k, v] of Object.entries(fields)) body.set(k, v);
		return {
			request: new Request('http://localhost/clinician/calls/x?/requestFromNeed', { method: 'POST', body }),
			getClientAddress: () => '10.0.0.7'
		} as unknown as RequestEvent;
	};
	const onCallScreen = (who: Principal, stayId: string, fields: Record<string, string>) =>
		needAction(post(fields), who, { stayId });

	it('makes one request per need, pressed twice at once or again on the resident record, audited', async () => {
		const { resident, stay, call } = await calledHome({
			medicine: true,
			supplies: true,
			detail: '退烧药，米'
		});
		expect(await deliveries.needsOfCall(call.id)).toMatchObject([
			{ callId: call.id, kind: 'medicine', detail: '退烧药，米', requested: false },
			{ callId: call.id, kind: 'supply', requested: false }
		]);

		const fields = { callId: call.id, kind: 'medicine' };
		const [a, b] = await Promise.all([
			onCallScreen(clinician, stay.id, fields),
			onCallScreen(clinician, stay.id, fields)
		]);
		expect(a).toMatchObject({ needDone: { callId: call.id, kind: 'medicine', key: needKey(fields) } });
		expect(b).toMatchObject({
			needDone: { deliveryId: (a as { needDone: { deliveryId: string } }).needDone.deliveryId }
		});
		// The resident record's button for the same need answers with the same request.
		const fromRecord = await needAction(post(fields), clinician, { residentId: resident.id });
		expect(fromRecord).toEqual(a);
		const made = await tdb.db.select().from(t.deliveries).where(eq(t.deliveries.callId, call.id));
		expect(made).toHaveLength(1);
		expect(made[0]).toMatchObject({
			stayId: stay.id,
			kind: 'medicine',
			source: 'call',
			status: 'requested',
			note: '退烧药，米',
			requestedBy: clinician.userId
		});
		const trail = await tdb.db
			.select()
			.from(t.auditLog)
			.where(and(eq(t.auditLog.entity, 'delivery'), eq(t.auditLog.entityId, made[0]!.id)));
		expect(trail).toHaveLength(1);
		expect(trail[0]).toMatchObject({
			action: 'request',
			actorId: clinician.userId,
			residentId: resident.id,
			ip: '10.0.0.7',
			after: { kind: 'medicine', source: 'call', callId: call.id }
		});
		expect(await deliveries.needsOfCall(call.id)).toMatchObject([
			{ kind: 'medicine', requested: true },
			{ kind: 'supply', requested: false }
		]);
	});

	it('refuses, with a reason and nothing written, a call of another stay, someone else’s call, a need not noted and a bad form', async () => {
		const { stay, call } = await calledHome({ medicine: true });
		const other = await calledHome({ supplies: true });
		const refused = async (who: Principal, stayId: string, fields: Record<string, string>) => {
			const answer = (await onCallScreen(who, stayId, fields)) as {
				status: number;
				data: { needError: string; needKey: string | null };
			};
			return { status: answer.status, ...answer.data };
		};
		const medicine = { callId: call.id, kind: 'medicine' };
		// The call screen of one resident does not request another's need, even one in scope.
		expect(await refused(clinician, other.stay.id, medicine)).toEqual({
			status: 404,
			needError: 'not_found',
			needKey: needKey(medicine)
		});
		// A clinician of another community cannot reach the call.
		const stranger = await makeStaff(tdb.db, 'clinician', [ground.site.id]);
		expect(await refused(stranger, stay.id, medicine)).toMatchObject({ status: 404, needError: 'not_found' });
		expect(await refused(clinician, stay.id, { callId: call.id, kind: 'supply' })).toMatchObject({
			status: 400,
			needError: 'no_need'
		});
		expect(await refused(clinician, stay.id, { callId: call.id, kind: 'tea' })).toEqual({
			status: 400,
			needError: 'bad_form',
			needKey: null
		});
		expect(await tdb.db.select().from(t.deliveries).where(eq(t.deliveries.callId, call.id))).toEqual([]);
		// And once it is requested, another stay's page still does not learn so.
		await onCallScreen(clinician, stay.id, medicine);
		expect(await refused(clinician, other.stay.id, medicine)).toMatchObject({ status: 404 });
	});
});

describe('overdue medicine', () => {
	it('raises delivery_overdue 24 h after approval for a medicine not yet delivered, once, and not for supplies', async () => {
		const approvedAt = new Date('2030-03-01T02:00:00Z');
		const late = await residentIn(7);
		const fine = await residentIn(7);
		const med = await deliveries.prescribe(
			nurse,
			late.resident.id,
			prescription([item('布洛芬')]),
			null,
			approvedAt
		);
		const sup = await deliveries.prescribe(
			nurse,
			fine.resident.id,
			prescription([item('饮用水')], { kind: 'supply' }),
			null,
			approvedAt
		);
		const delivered = await deliveries.prescribe(
			nurse,
			fine.resident.id,
			prescription([item('维生素C')]),
			null,
			approvedAt
		);
		const did = delivered.ok ? delivered.value.deliveryId : '';
		await step(nurse, did, 'pack', {}, approvedAt);
		await step(nurse, did, 'dispatch', {}, approvedAt);
		await step(nurse, did, 'deliver', {}, new Date(approvedAt.getTime() + 3600_000));
		expect(med.ok && sup.ok).toBe(true);

		const overdueAlerts = async (stayId: string) =>
			tdb.db
				.select()
				.from(t.alerts)
				.where(and(eq(t.alerts.stayId, stayId), eq(t.alerts.kind, 'delivery_overdue')));
		const hours = (h: number) => new Date(approvedAt.getTime() + h * 3600_000);
		const options = { deliveryOverdueHours: 24 };
		// (Deliveries of the other tests, made on the real clock, are long overdue by then: they are not ours.)
		await runSchedulerTick(tdb, hours(23.9), options);
		expect(await overdueAlerts(late.stay.id)).toEqual([]);

		const tick = await runSchedulerTick(tdb, hours(24.1), options);
		expect(tick.overdue).toBe(1);
		expect((await deliveryRow(med.ok ? med.value.deliveryId : '')).overdueAt).toEqual(hours(24.1));
		const [alert] = await overdueAlerts(late.stay.id);
		expect(alert).toMatchObject({ severity: 'warning', status: 'open', triggerCount: 1 });
		expect(alert!.lastValue).toMatchObject({
			deliveryId: med.ok ? med.value.deliveryId : '',
			kind: 'medicine'
		});
		expect(await overdueAlerts(fine.stay.id)).toEqual([]);

		expect((await runSchedulerTick(tdb, hours(30), options)).overdue).toBe(0);
		expect((await overdueAlerts(late.stay.id))[0]!.triggerCount).toBe(1);
	});

	it('resolves the alert by itself once every late medicine of the stay has arrived', async () => {
		const approvedAt = new Date('2030-05-01T02:00:00Z');
		const p = await residentIn(9);
		const ids: string[] = [];
		for (const name of ['布洛芬', '奥司他韦']) {
			const made = await deliveries.prescribe(
				nurse,
				p.resident.id,
				prescription([item(name)]),
				null,
				approvedAt
			);
			ids.push(made.ok ? made.value.deliveryId : '');
		}
		const at = (h: number) => new Date(approvedAt.getTime() + h * 3600_000);
		expect(
			(await runSchedulerTick(tdb, at(25), { deliveryOverdueHours: 24 })).overdue
		).toBeGreaterThanOrEqual(2);
		const active = async () =>
			tdb.db
				.select()
				.from(t.alerts)
				.where(and(eq(t.alerts.stayId, p.stay.id), eq(t.alerts.kind, 'delivery_overdue')));
		for (const s of ['pack', 'dispatch', 'deliver'] as const) await step(nurse, ids[0]!, s, {}, at(26));
		// One late medicine still on its way: the alert stays open.
		expect((await active())[0]).toMatchObject({ status: 'open', triggerCount: 2 });
		for (const s of ['pack', 'dispatch', 'deliver'] as const) await step(nurse, ids[1]!, s, {}, at(27));
		expect((await active())[0]).toMatchObject({
			status: 'resolved',
			outcome: 'delivered',
			resolvedAt: at(27)
		});
	});

	it('follows the configured limit', async () => {
		const approvedAt = new Date('2030-04-01T02:00:00Z');
		const p = await residentIn(8);
		const made = await deliveries.prescribe(
			nurse,
			p.resident.id,
			prescription([item('布洛芬')]),
			null,
			approvedAt
		);
		const id = made.ok ? made.value.deliveryId : '';
		await runSchedulerTick(tdb, new Date(approvedAt.getTime() + 5.9 * 3600_000), { deliveryOverdueHours: 6 });
		expect((await deliveryRow(id)).overdueAt).toBeNull();
		const tick = await runSchedulerTick(tdb, new Date(approvedAt.getTime() + 6.1 * 3600_000), {
			deliveryOverdueHours: 6
		});
		expect(tick.overdue).toBe(1);
		expect((await deliveryRow(id)).overdueAt).not.toBeNull();
	});
});

describe.runIf(engine === 'postgres')('concurrent steps on PostgreSQL', () => {
	it('one prescription key sent three times at once records one delivery, and every answer names it', async () => {
		const { resident, stay } = await residentIn(8);
		const input = prescription([item('奥司他韦')]);
		const results = await Promise.all([1, 2, 3].map(() => deliveries.prescribe(nurse, resident.id, input)));
		expect(results.every((r) => r.ok)).toBe(true);
		const ids = new Set(results.map((r) => (r.ok ? r.value.deliveryId : '')));
		expect(ids.size).toBe(1);
		expect(await tdb.db.select().from(t.deliveries).where(eq(t.deliveries.stayId, stay.id))).toHaveLength(1);
	});

	it('one floor key sent twice at once moves the floor once and both answers list it', async () => {
		const floor = 7;
		const a = await residentIn(floor);
		const made = await deliveries.prescribe(nurse, a.resident.id, prescription([item('维生素C')]));
		const id = made.ok ? made.value.deliveryId : '';
		await step(nurse, id, 'pack');
		const version = (await deliveryRow(id)).version;
		const input = {
			step: 'dispatch' as const,
			entries: [{ deliveryId: id, version }],
			idempotencyKey: uniqueKey('floor')
		};
		const results = await Promise.all([1, 2].map(() => deliveries.bulkStep(nurse, ground.site.id, input)));
		for (const r of results) expect(r.ok && r.value.done).toEqual([id]);
		expect((await deliveryRow(id)).version).toBe(version + 1);
		expect((await eventsOf(id)).filter((e) => e.step === 'dispatch')).toHaveLength(1);
	});

	it('one step key sent three times at once takes the step once', async () => {
		const { resident } = await residentIn(8);
		const made = await deliveries.prescribe(nurse, resident.id, prescription([item('对乙酰氨基酚')]));
		const id = made.ok ? made.value.deliveryId : '';
		const version = (await deliveryRow(id)).version;
		const key = uniqueKey('step');
		const results = await Promise.all([1, 2, 3].map(() => step(nurse, id, 'pack', { version, key })));
		expect(results.every((r) => r.ok)).toBe(true);
		const row = await deliveryRow(id);
		expect(row.status).toBe('packed');
		expect(row.version).toBe(version + 1);
		expect((await eventsOf(id)).filter((e) => e.step === 'pack')).toHaveLength(1);
	});

	it('two people acting on one delivery at once end in one valid state', async () => {
		for (let round = 0; round < 5; round++) {
			const { resident } = await residentIn(9);
			const made = await deliveries.prescribe(nurse, resident.id, prescription([item('布洛芬')]));
			const id = made.ok ? made.value.deliveryId : '';
			const version = (await deliveryRow(id)).version;
			const results = await Promise.all([
				step(nurse, id, 'pack', { version }),
				step(otherNurse, id, 'cancel', { version, reason: '已停药' }),
				step(otherNurse, id, 'pack', { version })
			]);
			expect(results.filter((r) => r.ok)).toHaveLength(1);
			expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.error === 'stale')).toBe(true);
			const row = await deliveryRow(id);
			expect(['packed', 'cancelled']).toContain(row.status);
			expect(row.version).toBe(version + 1);
			expect((row.status === 'cancelled') === (row.cancelledAt !== null)).toBe(true);
			expect((await eventsOf(id)).filter((e) => e.step !== 'request' && e.step !== 'approve')).toHaveLength(
				1
			);
		}
	});

	it('a floor marked delivered while a colleague delivers one door ends with each delivered once', async () => {
		const people = [await residentIn(10), await residentIn(10)];
		const ids = await suppliesOnTheWay(people);
		const entries = await Promise.all(
			ids.map(async (id) => ({ deliveryId: id, version: (await deliveryRow(id)).version }))
		);
		const [bulk, single] = await Promise.all([
			deliveries.bulkStep(nurse, ground.site.id, {
				step: 'deliver',
				entries,
				idempotencyKey: uniqueKey('b')
			}),
			step(otherNurse, ids[0]!, 'deliver', { version: entries[0]!.version })
		]);
		expect(bulk.ok).toBe(true);
		const bulkGot0 = bulk.ok && bulk.value.done.includes(ids[0]!);
		expect(single.ok).toBe(!bulkGot0);
		for (const id of ids) {
			expect((await deliveryRow(id)).status).toBe('delivered');
			expect((await eventsOf(id)).filter((e) => e.step === 'deliver')).toHaveLength(1);
		}
	});
});
