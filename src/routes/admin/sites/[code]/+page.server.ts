import { error, fail, redirect } from '@sveltejs/kit';
import { message, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import type { Principal } from '$lib/domain/access';
import { m } from '$lib/paraglide/messages';
import { bulkRoomsSchema, siteVersionSchema, updateRoomSchema, updateSiteSchema } from '$lib/schemas/sites';
import * as sites from '$lib/server/admin-sites';
import { requireRole } from '$lib/server/auth/guard';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

async function loadSite(code: string) {
	const site = await sites.getSiteByCode(code);
	if (!site) error(404, 'Not found');
	return site;
}

const status = (code: string) => (code.endsWith('_stale') ? 409 : 400);

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const site = await loadSite(event.params.code);
	const siteForm = await superValidate(
		{
			code: site.code,
			kind: site.kind,
			name: site.name,
			nameEn: site.nameEn ?? '',
			district: site.district ?? '',
			address: site.address ?? '',
			phone: site.phone ?? '',
			timeZone: site.timeZone,
			version: site.version
		},
		zod4(updateSiteSchema),
		{ id: 'site', errors: false }
	);
	const rooms = site.kind === 'centralised' ? await sites.listRooms(site.id) : [];
	// The bulk form suggests the next floor up, laid out like the floors below it.
	const topFloor = Math.max(0, ...rooms.map((r) => r.floor));
	const roomsForm = await superValidate(zod4(bulkRoomsSchema), { id: 'rooms' });
	roomsForm.data.floorFrom = roomsForm.data.floorTo = Math.min(99, topFloor + 1);
	roomsForm.data.roomFrom = 1;
	roomsForm.data.roomTo = Math.min(99, Math.max(0, ...rooms.map((r) => r.walkOrder)) || 10);
	roomsForm.data.capacity = 1;
	return {
		site: { id: site.id, code: site.code, name: site.name, kind: site.kind, active: site.active },
		siteForm,
		kindLocked: await sites.kindLock(site.id),
		activeForm: { version: site.version },
		roomsForm,
		roomForm: await superValidate(zod4(updateRoomSchema), { id: 'room' }),
		rooms,
		notice: event.url.searchParams.has('created')
			? 'created'
			: event.url.searchParams.has('saved')
				? 'saved'
				: null
	};
};

async function setActive(event: RequestEvent, principal: Principal, active: boolean) {
	const site = await loadSite(event.params.code);
	const form = await superValidate(event.request, zod4(siteVersionSchema));
	if (!form.valid) return fail(400, { notice: 'site_stale' });
	const result = await sites.setSiteActive(
		principal,
		site.id,
		active,
		form.data.version,
		event.getClientAddress()
	);
	if (!result.ok) return fail(status(result.error), { notice: result.error });
	return { notice: active ? 'reactivated' : 'deactivated' };
}

export const actions: Actions = {
	save: async (event) => {
		const principal = requireRole(event, 'admin');
		const site = await loadSite(event.params.code);
		const form = await superValidate(event.request, zod4(updateSiteSchema), { id: 'site' });
		if (!form.valid) return fail(400, { form });
		const result = await sites.updateSite(principal, site.id, form.data, event.getClientAddress());
		if (!result.ok)
			return setError(form, (result.field || '') as 'code', result.error, { status: status(result.error) });
		// A new code is a new address for the page.
		if (result.value.code !== site.code)
			redirect(303, `/admin/sites/${encodeURIComponent(result.value.code)}?saved=1`);
		form.data.version += 1;
		return message(form, m.site_saved());
	},
	deactivate: async (event) => setActive(event, requireRole(event, 'admin'), false),
	reactivate: async (event) => setActive(event, requireRole(event, 'admin'), true),
	addRooms: async (event) => {
		const principal = requireRole(event, 'admin');
		const site = await loadSite(event.params.code);
		const form = await superValidate(event.request, zod4(bulkRoomsSchema), { id: 'rooms' });
		if (!form.valid) return fail(400, { form });
		const result = await sites.createRooms(principal, site.id, form.data, event.getClientAddress());
		if (!result.ok) return setError(form, (result.field || '') as 'building', result.error);
		return message(form, m.room_bulk_done(result.value));
	},
	saveRoom: async (event) => {
		const principal = requireRole(event, 'admin');
		const site = await loadSite(event.params.code);
		const form = await superValidate(event.request, zod4(updateRoomSchema), { id: 'room' });
		if (!form.valid) return fail(400, { form });
		const result = await sites.updateRoom(principal, site.id, form.data, event.getClientAddress());
		if (!result.ok)
			return setError(form, (result.field || '') as 'capacity', result.error, {
				status: status(result.error)
			});
		form.data.version += 1;
		return message(form, m.room_saved({ number: result.value.number }));
	}
};
