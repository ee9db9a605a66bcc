import { json } from '@sveltejs/kit';
import { requireDevice } from '$lib/server/auth/guard';
import { answerReadingPost, withinLimit } from '$lib/server/devices/reading-endpoint';
import type { RequestHandler } from './$types';

/**
 * One reading from a device or call robot; see /api/v1/openapi.json for every answer. The production
 * server answers most of these itself (scripts/serve.js), with the same answer.
 */
export const POST: RequestHandler = async (event) => {
	const device = await requireDevice(event);
	if (device instanceof Response) return device;
	const answer = await answerReadingPost(
		device,
		withinLimit(await event.request.text()),
		event.getClientAddress()
	);
	return json(answer.body, { status: answer.status, headers: answer.headers });
};
