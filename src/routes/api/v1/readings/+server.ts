import { json } from '@sveltejs/kit';
import { requireDevice } from '$lib/server/auth/guard';
import * as api from '$lib/server/devices/api';
import type { RequestHandler } from './$types';

/** One reading from a device or call robot; see /api/v1/openapi.json for every answer. */
export const POST: RequestHandler = async (event) => {
	const device = await requireDevice(event);
	if (device instanceof Response) return device;
	let body: unknown;
	try {
		body = JSON.parse(await event.request.text());
	} catch {
		return json({ errors: { body: ['the body must be JSON'] } }, { status: 422 });
	}
	const answer = await api.recordDeviceReading(device, body, event.getClientAddress());
	return json(answer.body, { status: answer.status, headers: { 'cache-control': 'no-store' } });
};
