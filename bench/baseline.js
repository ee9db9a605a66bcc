/**
 * The readings API's baseline: the least a server can do for one device reading and still keep the
 * same promises, with no framework. A bare `node:http` server and hand-written SQL do, in one
 * transaction, what POST /api/v1/readings does durably: look the token and its scope up, insert the
 * reading under its idempotency key (a replayed key answers the first answer), read the stay's previous
 * reading, raise or update the fever alert, write the audit row and the device's answer, and NOTIFY.
 * It answers only after COMMIT.
 *
 *   DATABASE_URL=postgres://… PORT=4281 node bench/baseline.js
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL, {
	max: Number(process.env.DATABASE_POOL_MAX ?? 10),
	onnotice: () => {}
});

function slotOf(at) {
	// Asia/Shanghai has no daylight saving: local time is UTC+8.
	const local = new Date(at.getTime() + 8 * 3600_000);
	const hour = local.getUTCHours();
	const slotDate = local.toISOString().slice(0, 10);
	if (hour >= 4 && hour < 12) return { slot: 'morning', slotDate };
	if (hour >= 16 && hour < 22) return { slot: 'evening', slotDate };
	return { slot: 'extra', slotDate };
}

function send(res, status, body) {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
	res.end(text);
}

async function record(token, body) {
	const hash = createHash('sha256').update(token).digest('hex');
	const takenAt = new Date(body.takenAt);
	const { slot, slotDate } = slotOf(takenAt);
	return sql.begin(async (tx) => {
		const [device] = await tx`
			select id, name, array(select site_id from device_token_sites where token_id = id) as sites
			from device_tokens where token_hash = ${hash} and revoked_at is null`;
		if (!device) return [401, { message: 'Unauthorized' }];
		const [stay] = await tx`
			select id, resident_id from stays
			where id = ${body.stayId} and status = 'active' and site_id = any(${device.sites}::uuid[])
			for update`;
		if (!stay) return [404, { message: 'No such stay in this token’s scope' }];
		const key = `device:${device.id}:${body.idempotencyKey}`;
		const [reading] = await tx`
			insert into readings (stay_id, taken_at, slot, slot_date, source, temperature, spo2, idempotency_key)
			values (${stay.id}, ${takenAt}, ${slot}, ${slotDate}, 'device', ${body.temperature ?? null},
				${body.spo2 ?? null}, ${key})
			on conflict (idempotency_key) do nothing
			returning id`;
		if (!reading) {
			const [first] = await tx`
				select d.answer from device_readings d join readings r on r.id = d.reading_id
				where r.idempotency_key = ${key}`;
			return [200, first?.answer ?? {}];
		}
		const [previous] = await tx`
			select symptoms from readings
			where stay_id = ${stay.id} and taken_at < ${takenAt}
			order by taken_at desc limit 1`;
		const alerts = [];
		if (body.temperature >= 37.3) {
			const severity = body.temperature >= 39 ? 'critical' : 'warning';
			const [alert] = await tx`
				insert into alerts (stay_id, kind, severity, first_triggered_at, last_triggered_at, last_value, reading_id)
				values (${stay.id}, 'fever', ${severity}, ${takenAt}, ${takenAt},
					${sql.json({ temperature: body.temperature })}, ${reading.id})
				on conflict (stay_id, kind) where status in ('open', 'acknowledged') do update set
					trigger_count = alerts.trigger_count + 1, last_triggered_at = excluded.last_triggered_at,
					last_value = excluded.last_value, reading_id = excluded.reading_id,
					severity = case when excluded.severity = 'critical' then 'critical'::severity else alerts.severity end,
					version = alerts.version + 1
				returning id, kind, severity`;
			alerts.push(alert);
		}
		await tx`
			insert into audit_log (actor_role, action, entity, entity_id, resident_id, after)
			values (null, 'record_reading', 'reading', ${reading.id}, ${stay.resident_id},
				${sql.json({ device: device.name, source: 'device', previous: previous ? 'yes' : 'no' })})`;
		const answer = { reading: { id: reading.id, stayId: stay.id, slot, slotDate }, alerts };
		await tx`
			insert into device_readings (reading_id, token_id, answer)
			values (${reading.id}, ${device.id}, ${sql.json(answer)})`;
		if (alerts.length) await tx`select pg_notify('alerts', ${stay.id})`;
		return [201, answer];
	});
}

const server = createServer((req, res) => {
	if (req.method !== 'POST' || req.url !== '/api/v1/readings')
		return send(res, 404, { message: 'Not found' });
	const auth = req.headers.authorization ?? '';
	if (!auth.startsWith('Bearer ')) return send(res, 401, { message: 'Unauthorized' });
	const chunks = [];
	req.on('data', (c) => chunks.push(c));
	req.on('end', () => {
		let body;
		try {
			body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
		} catch {
			return send(res, 422, { errors: { body: ['the body must be JSON'] } });
		}
		record(auth.slice(7), body).then(
			([status, answer]) => send(res, status, answer),
			(e) => {
				console.error(e instanceof Error ? e.message : e);
				send(res, 500, { message: 'Internal error' });
			}
		);
	});
});

server.listen(Number(process.env.PORT ?? 4281), '127.0.0.1', () => {
	console.log(`baseline listening on ${process.env.PORT ?? 4281}`);
});
const stop = () => {
	server.close();
	void sql.end({ timeout: 2 }).then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
