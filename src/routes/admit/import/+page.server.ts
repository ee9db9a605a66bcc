import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { commitImport, MAX_UPLOAD_BYTES, previewImport } from '$lib/server/admission/bulk';
import { requireRole } from '$lib/server/auth/guard';
import type { Actions, PageServerLoad } from './$types';

const ADMITTERS = ['admin', 'site_staff', 'clinician'] as const;

export const load: PageServerLoad = async (event) => {
	requireRole(event, ...ADMITTERS);
	return {};
};

const commitForm = z.object({
	// The previewed file travels back with the confirmation, so what is admitted is what was shown.
	payload: z
		.base64()
		.min(1)
		.max(Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 4),
	batchKey: z.uuid()
});

export const actions: Actions = {
	preview: async (event) => {
		const principal = requireRole(event, ...ADMITTERS);
		const file = (await event.request.formData()).get('file');
		if (!(file instanceof File) || file.size === 0) return fail(400, { fileError: 'missing' });
		if (file.size > MAX_UPLOAD_BYTES) return fail(413, { fileError: 'too_big' });
		const bytes = new Uint8Array(await file.arrayBuffer());
		const preview = await previewImport(principal, bytes);
		return {
			preview: {
				...preview,
				rows: preview.rows.map(({ input: _input, ...r }) => ({ ...r, ok: !r.errors.length }))
			},
			payload: Buffer.from(bytes).toString('base64'),
			batchKey: crypto.randomUUID()
		};
	},
	commit: async (event) => {
		const principal = requireRole(event, ...ADMITTERS);
		const parsed = commitForm.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { fileError: 'missing' });
		const bytes = new Uint8Array(Buffer.from(parsed.data.payload, 'base64'));
		const result = await commitImport(principal, bytes, parsed.data.batchKey, event.getClientAddress());
		if (result.ok) return { admitted: result.admitted };
		const preview = result.preview && {
			...result.preview,
			rows: result.preview.rows.map(({ input: _input, ...r }) => ({ ...r, ok: !r.errors.length }))
		};
		return fail(409, {
			reason: result.reason,
			preview,
			payload: parsed.data.payload,
			batchKey: crypto.randomUUID()
		});
	}
};
