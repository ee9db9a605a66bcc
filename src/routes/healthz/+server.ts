import type { RequestHandler } from './$types';
import { checkHealth } from '$lib/server/health';

/** Public by design: load balancers and uptime checks call it. It says nothing about residents. */
export const GET: RequestHandler = async () => {
	const health = await checkHealth();
	return new Response(JSON.stringify(health), {
		status: health.status === 'ok' ? 200 : 503,
		headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }
	});
};
