import { error } from '@sveltejs/kit';
import { signInQr, reissueCode, slipData } from '$lib/server/admission/slip';
import { requireStay } from '$lib/server/auth/guard';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	await requireStay(event, event.params.stayId, 'stay:read');
	const slip = await slipData(event.params.stayId);
	if (!slip) error(404, 'Not found');
	return { slip };
};

export const actions: Actions = {
	reissue: async (event) => {
		const { principal, stayId, residentId } = await requireStay(event, event.params.stayId, 'stay:write');
		const slip = await slipData(stayId);
		if (!slip || slip.status !== 'active') error(409, 'The stay has ended');
		const code = await reissueCode(principal, stayId, residentId, event.getClientAddress());
		return { code, qr: await signInQr(event.url.origin, slip.phone, code) };
	}
};
