import { requireRole } from '$lib/server/auth/guard';
import { myStay } from '$lib/server/me';
import { myReleasedStayId } from '$lib/server/stays';
import type { PageServerLoad } from './$types';

// The resident's own stay only: the id comes from the session, never from the URL.
export const load: PageServerLoad = async (event) => {
	const principal = requireRole(event, 'resident');
	return {
		stay: principal.residentId ? await myStay(principal.residentId) : null,
		readOnly: principal.readOnly,
		noticeStayId: principal.residentId ? await myReleasedStayId(principal.residentId) : null
	};
};
