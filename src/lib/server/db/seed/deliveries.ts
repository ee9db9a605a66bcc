/**
 * The demo's deliveries: every state of the workflow at the centralised sites (several on one floor, so
 * the floor-at-once step has something to do), a medicine approved a day and a half ago and still not
 * packed (the scheduler flags it overdue on its first run), and a community's requests by address, one of
 * them from a need noted on a call. Each step is dated and attributed, as the app would have recorded it.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { DELIVERY_PATH, type DeliveryKind, type DeliveryStatus } from '../../../domain/delivery';
import type { DeliveryItem } from '../../../schemas/delivery';
import type { Tx } from '../client';
import * as t from '../schema';

const HOUR = 3600_000;

const med = (
	name: string,
	strength: string,
	dose: string,
	frequency: string,
	days: number,
	quantity: number,
	unit: string
): DeliveryItem => ({
	name,
	strength,
	dose,
	frequency,
	days,
	quantity,
	unit
});
const supply = (code: DeliveryItem['code'], name: string, quantity = 1, unit = ''): DeliveryItem => ({
	name,
	code,
	strength: '',
	dose: '',
	frequency: '',
	days: null,
	quantity,
	unit
});

interface Plan {
	kind: DeliveryKind;
	status: DeliveryStatus;
	items: DeliveryItem[];
	note?: string;
	source: 'staff' | 'resident' | 'call';
	/** Hours before now it was requested; each later step follows an hour apart. */
	hoursAgo: number;
	cancelReason?: string;
}

const CENTRAL: Plan[] = [
	{
		kind: 'supply',
		status: 'requested',
		source: 'resident',
		hoursAgo: 1,
		items: [supply('drinking_water', '饮用水', 2, '箱'), supply('toilet_paper', '卫生纸')]
	},
	{
		kind: 'medicine',
		status: 'requested',
		source: 'resident',
		hoursAgo: 2,
		items: [],
		note: '氨氯地平 5mg 每日一次'
	},
	{
		kind: 'medicine',
		status: 'approved',
		source: 'staff',
		hoursAgo: 3,
		items: [med('布洛芬缓释胶囊', '0.3g', '1 粒', '每日两次', 3, 1, '盒')]
	},
	{
		kind: 'tcm',
		status: 'approved',
		source: 'staff',
		hoursAgo: 4,
		items: [med('清肺排毒汤', '', '1 袋', '每日两次', 3, 6, '袋')]
	},
	{
		kind: 'supply',
		status: 'packed',
		source: 'resident',
		hoursAgo: 5,
		items: [supply('masks', '口罩', 10, '只')]
	},
	{
		kind: 'medicine',
		status: 'out_for_delivery',
		source: 'staff',
		hoursAgo: 6,
		items: [med('连花清瘟胶囊', '0.35g', '4 粒', '每日三次', 5, 2, '盒')]
	},
	{
		kind: 'supply',
		status: 'out_for_delivery',
		source: 'resident',
		hoursAgo: 6,
		items: [supply('toiletries', '洗漱用品')]
	},
	{
		kind: 'supply',
		status: 'delivered',
		source: 'resident',
		hoursAgo: 8,
		items: [supply('rubbish_bags', '垃圾袋', 1, '卷')]
	},
	{
		kind: 'medicine',
		status: 'received',
		source: 'staff',
		hoursAgo: 20,
		items: [med('对乙酰氨基酚片', '0.5g', '1 片', '发热时', 3, 1, '盒')]
	},
	{
		kind: 'supply',
		status: 'cancelled',
		source: 'resident',
		hoursAgo: 10,
		items: [supply('thermometer', '体温计')],
		cancelReason: '房间已配发体温计'
	},
	// Approved a day and a half ago and never packed: overdue.
	{
		kind: 'medicine',
		status: 'approved',
		source: 'staff',
		hoursAgo: 37,
		items: [med('阿莫西林胶囊', '0.25g', '2 粒', '每日三次', 5, 2, '盒')]
	}
];

const HOME: Plan[] = [
	{ kind: 'medicine', status: 'requested', source: 'call', hoursAgo: 2, items: [], note: '退烧药' },
	{
		kind: 'tcm',
		status: 'approved',
		source: 'staff',
		hoursAgo: 3,
		items: [med('藿香正气口服液', '10ml', '1 支', '每日两次', 3, 6, '支')]
	},
	{
		kind: 'supply',
		status: 'out_for_delivery',
		source: 'resident',
		hoursAgo: 5,
		items: [supply('drinking_water', '饮用水', 1, '箱')]
	},
	{
		kind: 'supply',
		status: 'received',
		source: 'resident',
		hoursAgo: 26,
		items: [supply('disinfectant', '消毒用品')]
	}
];

const STEP_OF: Record<string, string> = {
	approved: 'approve',
	packed: 'pack',
	out_for_delivery: 'dispatch',
	delivered: 'deliver',
	received: 'receive'
};

const COLUMNS: Record<
	string,
	[keyof typeof t.deliveries.$inferInsert, keyof typeof t.deliveries.$inferInsert]
> = {
	approved: ['approvedAt', 'approvedBy'],
	packed: ['packedAt', 'packedBy'],
	out_for_delivery: ['outForDeliveryAt', 'outForDeliveryBy'],
	delivered: ['deliveredAt', 'deliveredBy'],
	received: ['receivedAt', 'receivedBy']
};

async function seedOne(
	tx: Tx,
	stay: { id: string; residentUserId: string | null },
	plan: Plan,
	staffId: string,
	key: string,
	now: Date,
	callId: string | null = null
) {
	const requestedAt = new Date(now.getTime() - plan.hoursAgo * HOUR);
	const requester = plan.source === 'resident' ? stay.residentUserId : staffId;
	const values: typeof t.deliveries.$inferInsert = {
		stayId: stay.id,
		kind: plan.kind,
		items: plan.items,
		note: plan.note ?? null,
		source: plan.source,
		callId,
		status: plan.status,
		requestedAt,
		requestedBy: requester,
		idempotencyKey: key,
		updatedAt: requestedAt
	};
	const events: (typeof t.deliveryEvents.$inferInsert)[] = [];
	const path =
		plan.status === 'cancelled'
			? ['requested']
			: DELIVERY_PATH.slice(0, DELIVERY_PATH.indexOf(plan.status as never) + 1);
	let at = requestedAt;
	let version = 1;
	for (const [i, status] of path.entries()) {
		if (i > 0) {
			// Staff approve at once what they prescribe; later steps come an hour apart, never in the future.
			at =
				plan.source === 'staff' && status === 'approved'
					? requestedAt
					: new Date(Math.min(at.getTime() + HOUR, now.getTime()));
			const [whenCol, whoCol] = COLUMNS[status]!;
			const who =
				status === 'received' && plan.source === 'resident' && stay.residentUserId
					? stay.residentUserId
					: staffId;
			Object.assign(values, { [whenCol]: at, [whoCol]: who });
			version++;
		}
		events.push({
			deliveryId: '',
			step: i === 0 ? 'request' : STEP_OF[status]!,
			fromStatus: i === 0 ? null : (path[i - 1] as DeliveryStatus),
			toStatus: status as DeliveryStatus,
			at,
			actorId: i === 0 ? requester : (values[COLUMNS[status]![1]] as string),
			actorRole: null
		});
	}
	if (plan.status === 'cancelled') {
		at = new Date(requestedAt.getTime() + HOUR / 2);
		Object.assign(values, { cancelledAt: at, cancelledBy: staffId, cancelReason: plan.cancelReason });
		version++;
		events.push({
			deliveryId: '',
			step: 'cancel',
			fromStatus: 'requested',
			toStatus: 'cancelled',
			at,
			actorId: staffId,
			reason: plan.cancelReason
		});
	}
	values.version = version;
	values.updatedAt = at;
	const [row] = await tx.insert(t.deliveries).values(values).returning({ id: t.deliveries.id });
	await tx.insert(t.deliveryEvents).values(events.map((e) => ({ ...e, deliveryId: row!.id })));
}

export async function seedDemoDeliveries(
	tx: Tx,
	now: Date,
	ids: { staffId: string; clinicianId: string; demoStayId: string }
): Promise<number> {
	const activeAt = (kind: 'centralised' | 'community') =>
		tx
			.select({ id: t.stays.id, residentUserId: t.users.id, floor: t.rooms.floor })
			.from(t.stays)
			.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
			.leftJoin(t.rooms, eq(t.rooms.id, t.stays.roomId))
			.leftJoin(t.users, eq(t.users.residentId, t.stays.residentId))
			.where(
				and(eq(t.stays.status, 'active'), eq(t.sites.kind, kind), sql`${t.stays.id} <> ${ids.demoStayId}`)
			)
			.orderBy(asc(t.sites.code), asc(t.rooms.floor), asc(t.rooms.walkOrder), asc(t.stays.admittedAt));
	let n = 0;
	const central = await activeAt('centralised');
	for (const [i, plan] of CENTRAL.entries()) {
		const stay = central[i % central.length]!;
		await seedOne(tx, stay, plan, ids.staffId, `demo-delivery-c-${i}`, now);
		n++;
	}
	// The demo resident has had one medicine delivered and received.
	await seedOne(
		tx,
		{ id: ids.demoStayId, residentUserId: null },
		CENTRAL[8]!,
		ids.staffId,
		'demo-delivery-own-0',
		now
	);
	n++;
	const home = await activeAt('community');
	for (const [i, plan] of HOME.entries()) {
		let stay = home[i % home.length]!;
		let callId: string | null = null;
		if (plan.source === 'call') {
			// The latest reached calls of stays still at home: the first noted the need this request came
			// from; the second noted supplies nobody has turned into a request yet (the record offers it).
			const calls = await tx
				.select({ id: t.calls.id, stayId: t.calls.stayId, needs: t.calls.needs })
				.from(t.calls)
				.innerJoin(t.stays, eq(t.stays.id, t.calls.stayId))
				.where(and(eq(t.stays.status, 'active'), eq(t.calls.outcome, 'reached')))
				.orderBy(desc(t.calls.attemptedAt))
				.limit(2);
			const call = calls[0];
			const other = calls.find((c) => c.stayId !== call?.stayId);
			if (other)
				await tx
					.update(t.calls)
					.set({ needs: { ...(other.needs as object), supplies: true, detail: '饮用水两箱' } })
					.where(eq(t.calls.id, other.id));
			if (call)
				await tx
					.update(t.calls)
					.set({ needs: { ...(call.needs as object), medicine: true, detail: plan.note } })
					.where(eq(t.calls.id, call.id));
			if (!call) continue;
			callId = call.id;
			stay = home.find((h) => h.id === call.stayId) ?? stay;
		}
		await seedOne(tx, stay, plan, ids.clinicianId, `demo-delivery-h-${i}`, now, callId);
		n++;
	}
	return n;
}
