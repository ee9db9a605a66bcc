import { error } from '@sveltejs/kit';
import { requireStay, requireUser } from '$lib/server/auth/guard';
import * as stays from '$lib/server/stays';
import type { PageServerLoad } from './$types';

// Staff in the stay's scope, and the resident for their own stay (also after release, read-only).
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { principal, stayId } = await requireStay(
		event,
		event.params.stayId,
		user.role === 'resident' ? 'own:read' : 'stay:read'
	);
	const notice = await stays.releaseNotice(principal, stayId, event.getClientAddress());
	if (!notice) error(404, 'Not found');
	return { notice };
};
