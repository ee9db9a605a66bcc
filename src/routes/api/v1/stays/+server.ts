import { json } from '@sveltejs/kit';
import { requireDevice } from '$lib/server/auth/guard';
import * as api from '$lib/server/devices/api';
import type { RequestHandler } from './$types';

/** Active stays in the token's scope: ids, site, room and plan position; no names, ID numbers or phones. */
export const GET: RequestHandler = async (event) => {
	const device = await requireDevice(event);
	if (device instanceof Response) return device;
	return json(await api.activeStays(device), { headers: { 'cache-control': 'no-store' } });
};
