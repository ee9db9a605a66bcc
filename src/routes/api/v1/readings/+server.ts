import { json } from '@sveltejs/kit';
import { requireDevice } from '$lib/server/auth/guard';
import * as api from '$lib/server/devices/api';
import { bodyHasNul } from '$lib/server/nul-guard';
import type { RequestHandler } from './$types';

/** One reading from a device or call robot; see /api/v1/openapi.json for every answer. */
export const POST: RequestHandler = async (event) => {
	const device = await requireDevice(event);
	if (device instanceof Response) return device;
	let body: unknown;
	const text = await event.request.text();
	// Whatever content type the device claims: a NUL in any value would fail the database (nul-guard.ts).
	if (bodyHasNul('application/json', text))
		return json({ errors: { body: ['text values must not contain NUL characters'] } }, { status: 422 });
	try {
		body = JSON.parse(text);
	} catch {
		return json({ errors: { body: ['the body must be JSON'] } }, { status: 422 });
	}
	const answer = await api.recordDeviceReading(device, body, event.getClientAddress());
	return json(answer.body, { status: answer.status, headers: { 'cache-control': 'no-store' } });
};
