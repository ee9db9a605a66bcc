import { fail, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { m } from '$lib/paraglide/messages';
import { admissionSchema } from '$lib/schemas/admission';
import * as admission from '$lib/server/admission/admit';
import { signInQr, slipData } from '$lib/server/admission/slip';
import { requireRole } from '$lib/server/auth/guard';
import type { Actions, PageServerLoad } from './$types';

const ADMITTERS = ['admin', 'site_staff', 'clinician'] as const;

async function freshForm() {
	const form = await superValidate(zod4(admissionSchema));
	form.data.idempotencyKey = crypto.randomUUID();
	return form;
}

export const load: PageServerLoad = async (event) => {
	const principal = requireRole(event, ...ADMITTERS);
	return { form: await freshForm(), options: await admission.admissionOptions(principal) };
};

export const actions: Actions = {
	admit: async (event) => {
		const principal = requireRole(event, ...ADMITTERS);
		const form = await superValidate(event.request, zod4(admissionSchema));
		if (!form.valid) return fail(400, { form });
		const result = await admission.admit(principal, form.data, event.getClientAddress());
		if (!result.ok) {
			const status = result.error === 'room_full' || result.error === 'already_active' ? 409 : 400;
			if (result.field) setError(form, result.field, result.error);
			form.message = result.error;
			return fail(status, { form, activeResidentId: result.residentId ?? null });
		}
		const slip = (await slipData(result.stayId))!;
		const qr = await signInQr(event.url.origin, slip.phone, result.code);
		return {
			form: await freshForm(),
			admitted: { slip, code: result.code, qr, replayed: result.replayed },
			done: result.replayed ? m.adm_replayed() : m.adm_done()
		};
	}
};
