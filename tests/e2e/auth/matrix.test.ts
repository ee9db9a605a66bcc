/**
 * The authorization matrix: every page, form action and endpoint in src/routes (read from the file
 * system, so a new one without an entry here fails), tried as every role and as an anonymous visitor,
 * with real ids from another site's or resident's scope. Allowed requests get through; denied ones get
 * a redirect to sign-in or 401/403/404, and no denied response carries resident data.
 */
import { expect, request as playwrightRequest, test, type APIResponse } from '@playwright/test';
import { routeEntries } from '../../route-entries';
import { E2E, fixture, type Fixture } from '../env';
import { apiLogin, type Persona } from '../helpers';

const PERSONAS: Persona[] = ['anonymous', 'admin', 'site_staff', 'clinician', 'resident'];

interface Case {
	as: Persona;
	path: string;
	allow: boolean;
	form?: Record<string, string>;
	json?: unknown;
	/** A server-sent event stream: it never ends, so only its status and headers are read. */
	stream?: boolean;
}

type Answer = Pick<APIResponse, 'status' | 'headers' | 'text'>;

type Spec = (fx: Fixture) => Case[];

/** The same path for everyone; allowed for the listed personas. */
const only =
	(
		allowed: Persona[],
		path: string | ((fx: Fixture) => string),
		body: Pick<Case, 'form' | 'json'> = {}
	): Spec =>
	(fx) =>
		PERSONAS.map((as) => ({
			as,
			path: typeof path === 'string' ? path : path(fx),
			allow: allowed.includes(as),
			...body
		}));

const everyone = (path: string, body: Pick<Case, 'form' | 'json'> = {}) => only(PERSONAS, path, body);

/** Refused to anonymous visitors (sent to sign in); anyone signed in passes (and is sent home). */
const signedInOnly = (path: string, body: Pick<Case, 'form' | 'json'> = {}) =>
	only(['admin', 'site_staff', 'clinician', 'resident'], path, body);

/**
 * A resident's record: staff see only residents of their sites, clinicians only their communities'
 * residents, admins all; residents never see staff records, their own included (they have /me).
 */
const residentScoped =
	(suffix: string, body: Pick<Case, 'form' | 'json'> = {}): Spec =>
	(fx) => {
		const central = `/residents/${fx.centralResident.id}${suffix}`;
		const home = `/residents/${fx.homeResident.id}${suffix}`;
		const own = `/residents/${fx.resident.id}${suffix}`;
		return [
			{ as: 'anonymous', path: central, allow: false },
			{ as: 'admin', path: home, allow: true },
			{ as: 'site_staff', path: central, allow: true },
			{ as: 'site_staff', path: home, allow: false },
			{ as: 'clinician', path: home, allow: true },
			{ as: 'clinician', path: central, allow: false },
			{ as: 'resident', path: own, allow: false },
			{ as: 'resident', path: central, allow: false }
		].map((c) => ({ ...c, ...body }) as Case);
	};

const apiRevealScoped: Spec = (fx) =>
	residentScoped('', { json: { field: 'phone', purpose: 'contact_resident' } })(fx).map((c) => ({
		...c,
		path: c.path.replace('/residents/', '/api/v1/residents/') + '/reveal'
	}));

/** A stay's pages: in the scope of the site or community managing the stay. */
const stayScoped =
	(suffix: string, body: Pick<Case, 'form' | 'json'> = {}): Spec =>
	(fx) => {
		const central = `/stays/${fx.centralStayId}/slip${suffix}`;
		const home = `/stays/${fx.homeStayId}/slip${suffix}`;
		return [
			{ as: 'anonymous', path: central, allow: false },
			{ as: 'admin', path: home, allow: true },
			{ as: 'site_staff', path: central, allow: true },
			{ as: 'site_staff', path: home, allow: false },
			{ as: 'clinician', path: home, allow: true },
			{ as: 'clinician', path: central, allow: false },
			{ as: 'resident', path: central, allow: false }
		].map((c) => ({ ...c, ...body }) as Case);
	};

/**
 * A centralised site's ward round: its staff and admins. The demo staff are not assigned to the
 * community, so its address stands for "another site"; clinicians work in communities, not here.
 */
const roundScoped =
	(suffix: string, body: Pick<Case, 'form' | 'json'> = {}): Spec =>
	(fx) => {
		const c01 = `/sites/${fx.siteC01Id}/round${suffix}`;
		const other = `/sites/${fx.communityS01Id}/round${suffix}`;
		return [
			{ as: 'anonymous', path: c01, allow: false },
			{ as: 'admin', path: c01, allow: true },
			{ as: 'site_staff', path: c01, allow: true },
			{ as: 'site_staff', path: other, allow: false },
			{ as: 'clinician', path: c01, allow: false },
			{ as: 'resident', path: c01, allow: false }
		].map((c) => ({ ...c, ...body }) as Case);
	};

/** A follow-up call: clinicians of the community managing the stay, and admins. */
const callScoped =
	(suffix: string, body: Pick<Case, 'form' | 'json'> = {}): Spec =>
	(fx) => {
		const central = `/clinician/calls/${fx.centralStayId}${suffix}`;
		const home = `/clinician/calls/${fx.homeStayId}${suffix}`;
		return [
			{ as: 'anonymous', path: home, allow: false },
			{ as: 'admin', path: home, allow: true },
			{ as: 'site_staff', path: central, allow: false },
			{ as: 'clinician', path: home, allow: true },
			{ as: 'clinician', path: central, allow: false },
			{ as: 'resident', path: home, allow: false }
		].map((c) => ({ ...c, ...body }) as Case);
	};

/**
 * A site's or a community's delivery worklist: staff of that site, clinicians of that community, admins.
 * Actions get an empty form, refused with 400 before anything changes.
 */
const deliveryScoped =
	(suffix: string, body: Pick<Case, 'form' | 'json'> = {}): Spec =>
	(fx) => {
		const c01 = `/sites/${fx.siteC01Id}/deliveries${suffix}`;
		const s01 = `/sites/${fx.communityS01Id}/deliveries${suffix}`;
		return [
			{ as: 'anonymous', path: c01, allow: false },
			{ as: 'admin', path: s01, allow: true },
			{ as: 'site_staff', path: c01, allow: true },
			{ as: 'site_staff', path: s01, allow: false },
			{ as: 'clinician', path: s01, allow: true },
			{ as: 'clinician', path: c01, allow: false },
			{ as: 'resident', path: c01, allow: false }
		].map((c) => ({ ...c, ...body }) as Case);
	};

const ADMIN: Persona[] = ['admin'];
const STAFF_ROLES: Persona[] = ['admin', 'site_staff', 'clinician'];
const target = (suffix: string) => (fx: Fixture) => `/admin/users/${fx.targetUserId}${suffix}`;

const MATRIX: Record<string, Spec> = {
	'GET /': everyone('/'),
	'GET /login': everyone('/login'),
	// Empty forms: the action runs and answers 400 with field errors, and no failure is counted.
	'POST /login?/staff': everyone('/login?/staff', { form: { username: '', password: '' } }),
	'POST /login?/resident': everyone('/login?/resident', { form: { phone: '', code: '' } }),
	'POST /logout': everyone('/logout', { form: {} }),
	// Signing out everywhere ends only the caller's own sessions.
	'POST /logout/everywhere': only(['admin', 'site_staff', 'clinician', 'resident'], '/logout/everywhere', {
		form: {}
	}),
	// The second sign-in step: without a sign-in waiting for its code, it sends everyone away (signed-in
	// people to their home page, the others to sign in).
	'GET /login/2fa': signedInOnly('/login/2fa'),
	'POST /login/2fa?/totp': signedInOnly('/login/2fa?/totp', { form: { code: '123456' } }),
	'POST /login/2fa?/recovery': signedInOnly('/login/2fa?/recovery', { form: { code: 'x' } }),
	'GET /account/security': only(STAFF_ROLES, '/account/security'),
	// Wrong codes: refused with 400, nothing changes.
	'POST /account/security?/enrol': only(STAFF_ROLES, '/account/security?/enrol', {
		form: { key: '00', code: '1' }
	}),
	'POST /account/security?/regenerate': only(STAFF_ROLES, '/account/security?/regenerate', {
		form: { code: '1' }
	}),
	'POST /account/security?/disable': only(STAFF_ROLES, '/account/security?/disable', { form: { code: '1' } }),
	'GET /admin/security': only(ADMIN, '/admin/security'),
	// Saves the setting as it is (off), so the rest of the suite signs in as before.
	'POST /admin/security?/save': only(ADMIN, '/admin/security?/save', {
		form: { twoFactorAllStaff: 'false' }
	}),
	'GET /me/privacy': only(['resident'], '/me/privacy'),
	'POST /language': everyone('/language', { form: { locale: 'zh-CN', redirectTo: '/' } }),
	'GET /healthz': everyone('/healthz'),
	'GET /admin': only(ADMIN, '/admin'),
	'GET /admin/users': only(ADMIN, '/admin/users'),
	'GET /admin/users/new': only(ADMIN, '/admin/users/new'),
	'POST /admin/users/new?/create': only(ADMIN, '/admin/users/new?/create', { form: { username: '' } }),
	'GET /admin/users/[userId]': only(ADMIN, target('')),
	'POST /admin/users/[userId]?/save': only(ADMIN, target('?/save'), { form: { displayName: '' } }),
	'POST /admin/users/[userId]?/deactivate': only(ADMIN, target('?/deactivate'), { form: {} }),
	'POST /admin/users/[userId]?/reactivate': only(ADMIN, target('?/reactivate'), { form: {} }),
	'POST /admin/users/[userId]?/resetPassword': only(ADMIN, target('?/resetPassword'), { form: {} }),
	// The target has no second factor: refused with 400, nothing changes.
	'POST /admin/users/[userId]?/resetTwoFactor': only(ADMIN, target('?/resetTwoFactor'), { form: {} }),
	'GET /admin/audit': only(ADMIN, '/admin/audit'),
	// Sites and plans by their demo codes; every action gets a body it refuses (400), so nothing changes.
	'GET /admin/sites': only(ADMIN, '/admin/sites'),
	'GET /admin/sites/new': only(ADMIN, '/admin/sites/new'),
	'POST /admin/sites/new?/create': only(ADMIN, '/admin/sites/new?/create', { form: { code: '' } }),
	'GET /admin/sites/[code]': only(ADMIN, '/admin/sites/JZ-C01'),
	'POST /admin/sites/[code]?/save': only(ADMIN, '/admin/sites/JZ-C01?/save', { form: { name: '' } }),
	'POST /admin/sites/[code]?/deactivate': only(ADMIN, '/admin/sites/JZ-C01?/deactivate', { form: {} }),
	'POST /admin/sites/[code]?/reactivate': only(ADMIN, '/admin/sites/JZ-C01?/reactivate', { form: {} }),
	'POST /admin/sites/[code]?/addRooms': only(ADMIN, '/admin/sites/JZ-C01?/addRooms', {
		form: { floorFrom: '' }
	}),
	'POST /admin/sites/[code]?/saveRoom': only(ADMIN, '/admin/sites/JZ-C01?/saveRoom', {
		form: { roomId: '' }
	}),
	'GET /admin/sites/[code]/rules': only(ADMIN, '/admin/sites/JZ-C01/rules'),
	'POST /admin/sites/[code]/rules?/save': only(ADMIN, '/admin/sites/JZ-C01/rules?/save', {
		form: { fever: '' }
	}),
	'POST /admin/sites/[code]/rules?/reset': only(ADMIN, '/admin/sites/JZ-C01/rules?/reset', {
		form: { version: 'x' }
	}),
	'GET /admin/plans': only(ADMIN, '/admin/plans'),
	'GET /admin/plans/new': only(ADMIN, '/admin/plans/new'),
	'POST /admin/plans/new?/create': only(ADMIN, '/admin/plans/new?/create', { form: { code: '' } }),
	'GET /admin/plans/[code]': only(ADMIN, '/admin/plans/ed9-7+3'),
	'POST /admin/plans/[code]?/save': only(ADMIN, '/admin/plans/ed9-7+3?/save', { form: { name: '' } }),
	'GET /admin/devices': only(ADMIN, '/admin/devices'),
	'POST /admin/devices?/revoke': only(ADMIN, '/admin/devices?/revoke', { form: { tokenId: '' } }),
	'GET /admin/devices/new': only(ADMIN, '/admin/devices/new'),
	'POST /admin/devices/new?/create': only(ADMIN, '/admin/devices/new?/create', { form: { name: '' } }),
	// The device API takes device tokens only: a session cookie, whoever it belongs to, gets 401.
	'GET /api/v1/stays': only([], '/api/v1/stays'),
	'POST /api/v1/readings': only([], '/api/v1/readings', {
		json: { stayId: '00000000-0000-4000-8000-000000000000', temperature: 36.6 }
	}),
	'GET /api/v1/openapi.json': everyone('/api/v1/openapi.json'),
	'GET /staff': only(['site_staff'], '/staff'),
	'GET /clinician': only(['clinician'], '/clinician'),
	'GET /clinician/calls': only(['admin', 'clinician'], '/clinician/calls'),
	'GET /clinician/calls/[stayId]': callScoped(''),
	'POST /clinician/calls/[stayId]?/reveal': callScoped('?/reveal', { form: {} }),
	'POST /clinician/calls/[stayId]?/save': callScoped('?/save', { form: {} }),
	'POST /clinician/calls/[stayId]?/correctPhone': callScoped('?/correctPhone', { form: {} }),
	// An empty form: refused with 400 before anything changes.
	'POST /clinician/calls/[stayId]?/requestFromNeed': callScoped('?/requestFromNeed', { form: {} }),
	'GET /clinician/calls/handover': only(['admin', 'clinician'], '/clinician/calls/handover'),
	'GET /me': only(['resident'], '/me'),
	'POST /me?/report': only(['resident'], '/me?/report', { form: {} }),
	'GET /me/tests': only(['resident'], '/me/tests'),
	'GET /me/help': only(['resident'], '/me/help'),
	'GET /me/deliveries': only(['resident'], '/me/deliveries'),
	'POST /me/deliveries?/requestSupplies': only(['resident'], '/me/deliveries?/requestSupplies', { form: {} }),
	'POST /me/deliveries?/requestMedicine': only(['resident'], '/me/deliveries?/requestMedicine', { form: {} }),
	'POST /me/deliveries?/step': only(['resident'], '/me/deliveries?/step', { form: {} }),
	'GET /me/deliveries/events': (fx) =>
		only(['resident'], '/me/deliveries/events')(fx).map((c) => ({ ...c, stream: true })),
	'GET /deliveries': only(STAFF_ROLES, '/deliveries'),
	'GET /sites/[siteId]/deliveries': deliveryScoped(''),
	'POST /sites/[siteId]/deliveries?/step': deliveryScoped('?/step', { form: {} }),
	'POST /sites/[siteId]/deliveries?/bulk': deliveryScoped('?/bulk', { form: {} }),
	'GET /sites/[siteId]/deliveries/print': deliveryScoped('/print?list=delivery'),
	'GET /account/password': only(STAFF_ROLES, '/account/password'),
	'POST /account/password?/change': only(STAFF_ROLES, '/account/password?/change', {
		form: { current: 'wrong', next: 'x', confirm: 'y' }
	}),
	'GET /residents/[residentId]': residentScoped(''),
	'POST /residents/[residentId]?/reveal': residentScoped('?/reveal', {
		form: { field: 'phone', purpose: 'verify_identity' }
	}),
	'POST /residents/[residentId]?/recordReading': residentScoped('?/recordReading', { form: {} }),
	'POST /residents/[residentId]?/correctPhone': residentScoped('?/correctPhone', { form: {} }),
	// Empty forms: refused with 400 before anything changes.
	'POST /residents/[residentId]?/extend': residentScoped('?/extend', { form: {} }),
	'POST /residents/[residentId]?/release': residentScoped('?/release', { form: {} }),
	'POST /residents/[residentId]?/recordOutcome': residentScoped('?/recordOutcome', { form: {} }),
	'POST /residents/[residentId]?/handOver': residentScoped('?/handOver', { form: {} }),
	'POST /residents/[residentId]?/transfer': residentScoped('?/transfer', { form: {} }),
	'POST /residents/[residentId]?/recordSample': residentScoped('?/recordSample', { form: {} }),
	'POST /residents/[residentId]?/recordResult': residentScoped('?/recordResult', { form: {} }),
	'POST /residents/[residentId]?/prescribe': residentScoped('?/prescribe', { form: {} }),
	'POST /residents/[residentId]?/deliveryStep': residentScoped('?/deliveryStep', { form: {} }),
	'POST /residents/[residentId]?/requestFromNeed': residentScoped('?/requestFromNeed', { form: {} }),
	'POST /api/v1/residents/[residentId]/reveal': apiRevealScoped,
	'GET /admit': only(STAFF_ROLES, '/admit'),
	'POST /admit?/admit': only(STAFF_ROLES, '/admit?/admit', { form: { name: '' } }),
	'GET /admit/import': only(STAFF_ROLES, '/admit/import'),
	'POST /admit/import?/preview': only(STAFF_ROLES, '/admit/import?/preview', { form: {} }),
	'POST /admit/import?/commit': only(STAFF_ROLES, '/admit/import?/commit', { form: {} }),
	'GET /admit/import/template': only(STAFF_ROLES, '/admit/import/template'),
	'GET /residents': only(STAFF_ROLES, '/residents'),
	'GET /sites/[siteId]/board': (fx) =>
		PERSONAS.map((as) => ({
			as,
			path: `/sites/${fx.siteC01Id}/board`,
			allow: as === 'admin' || as === 'site_staff'
		})),
	// A site's or a community's release list: staff of that site, clinicians of that community, admins.
	'GET /sites/[siteId]/release': (fx) => [
		{ as: 'anonymous', path: `/sites/${fx.siteC01Id}/release`, allow: false },
		{ as: 'admin', path: `/sites/${fx.communityS01Id}/release`, allow: true },
		{ as: 'site_staff', path: `/sites/${fx.siteC01Id}/release`, allow: true },
		{ as: 'site_staff', path: `/sites/${fx.communityS01Id}/release`, allow: false },
		{ as: 'clinician', path: `/sites/${fx.communityS01Id}/release`, allow: true },
		{ as: 'clinician', path: `/sites/${fx.siteC01Id}/release`, allow: false },
		{ as: 'resident', path: `/sites/${fx.siteC01Id}/release`, allow: false }
	],
	// An empty form: refused with 400 before anything changes.
	'POST /sites/[siteId]/board?/markClean': (fx) =>
		PERSONAS.map((as) => ({
			as,
			path: `/sites/${fx.siteC01Id}/board?/markClean`,
			allow: as === 'admin' || as === 'site_staff',
			form: {}
		})),
	'GET /sites/[siteId]/tests': (fx) => [
		{ as: 'anonymous', path: `/sites/${fx.siteC01Id}/tests`, allow: false },
		{ as: 'admin', path: `/sites/${fx.siteC01Id}/tests`, allow: true },
		{ as: 'site_staff', path: `/sites/${fx.siteC01Id}/tests`, allow: true },
		{ as: 'site_staff', path: `/sites/${fx.communityS01Id}/tests`, allow: false },
		{ as: 'clinician', path: `/sites/${fx.communityS01Id}/tests`, allow: true },
		{ as: 'clinician', path: `/sites/${fx.siteC01Id}/tests`, allow: false },
		{ as: 'resident', path: `/sites/${fx.siteC01Id}/tests`, allow: false }
	],
	'GET /dashboard': only(STAFF_ROLES, '/dashboard'),
	'GET /dashboard/report': only(STAFF_ROLES, '/dashboard/report'),
	'GET /dashboard/report/csv': only(STAFF_ROLES, '/dashboard/report/csv?date=2026-01-05'),
	'GET /dashboard/exports': only(STAFF_ROLES, '/dashboard/exports'),
	// An empty form: sent back to the form with its messages, nothing exported.
	'POST /dashboard/exports/download': only(STAFF_ROLES, '/dashboard/exports/download', { form: {} }),
	'GET /alerts': only(STAFF_ROLES, '/alerts'),
	'POST /alerts?/acknowledge': only(STAFF_ROLES, '/alerts?/acknowledge', { form: { alertId: 'x' } }),
	'POST /alerts?/resolve': only(STAFF_ROLES, '/alerts?/resolve', { form: { alertId: 'x' } }),
	'GET /alerts/events': (fx) => only(STAFF_ROLES, '/alerts/events')(fx).map((c) => ({ ...c, stream: true })),
	'GET /sites/[siteId]/round': roundScoped(''),
	'POST /sites/[siteId]/round?/save': roundScoped('?/save', { form: {} }),
	'GET /stays/[stayId]/slip': stayScoped(''),
	'POST /stays/[stayId]/slip?/reissue': stayScoped('?/reissue', { form: {} }),
	// The release notice: staff in the stay's scope, and the resident for their own stay only.
	'GET /stays/[stayId]/notice': (fx) => [
		...stayScoped('')(fx).map((c) => ({ ...c, path: c.path.replace('/slip', '/notice') })),
		{ as: 'resident', path: `/stays/${fx.residentStayId}/notice`, allow: true }
	]
};

test('every route in src/routes has an entry in the matrix, and every entry a route', () => {
	expect(Object.keys(MATRIX).sort()).toEqual(routeEntries());
});

async function openStream(
	ctx: Awaited<ReturnType<typeof playwrightRequest.newContext>>,
	path: string
): Promise<Answer> {
	const cookie = (await ctx.storageState()).cookies.map((k) => `${k.name}=${k.value}`).join('; ');
	const stop = new AbortController();
	const res = await fetch(E2E.origin + path, {
		headers: { cookie, accept: 'text/event-stream' },
		redirect: 'manual',
		signal: stop.signal
	});
	const open = res.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
	const body = open ? '' : await res.text();
	stop.abort();
	return {
		status: () => res.status,
		headers: () => Object.fromEntries(res.headers),
		text: async () => body
	};
}

async function send(
	ctx: Awaited<ReturnType<typeof playwrightRequest.newContext>>,
	c: Case,
	method: string
): Promise<Answer> {
	if (c.stream) return openStream(ctx, c.path);
	// Form posts as a browser sends them (HTML accepted); JSON bodies as an API client does.
	const headers = { origin: E2E.origin, accept: c.json === undefined ? 'text/html' : 'application/json' };
	const options = { headers, maxRedirects: 0, failOnStatusCode: false };
	if (method === 'GET') return ctx.get(c.path, options);
	if (c.json !== undefined) return ctx.post(c.path, { ...options, data: c.json });
	return ctx.post(c.path, { ...options, form: c.form ?? {} });
}

function deniedProperly(res: Answer): boolean {
	if (res.status() === 303 || res.status() === 302)
		return (res.headers()['location'] ?? '').startsWith('/login');
	return [401, 403, 404].includes(res.status());
}

function allowedProperly(res: Answer, method: string, path: string): boolean {
	if (res.status() >= 500 || [401, 403, 404].includes(res.status())) return false;
	const location = res.headers()['location'] ?? '';
	// Signing out and signing in legitimately redirect; nothing else allowed may bounce to sign-in.
	if (location.startsWith('/login') && !(method === 'POST' && path.startsWith('/logout'))) return false;
	return true;
}

for (const [entry, spec] of Object.entries(MATRIX)) {
	test(`authorization: ${entry}`, async () => {
		const fx = fixture();
		const method = entry.split(' ')[0]!;
		const secrets = [fx.centralResident, fx.homeResident].flatMap((p) => [
			p.name,
			p.idNumber,
			`${p.idNumber.slice(0, 4)}**********${p.idNumber.slice(-4)}`
		]);
		for (const c of spec(fx)) {
			const ctx = await playwrightRequest.newContext({ baseURL: E2E.origin });
			try {
				if (c.as !== 'anonymous') await apiLogin(ctx, c.as);
				const res = await send(ctx, c, method);
				const label = `${c.as} ${method} ${c.path} → ${res.status()} ${res.headers()['location'] ?? ''}`;
				if (c.allow) {
					expect(allowedProperly(res, method, c.path), `allowed: ${label}`).toBe(true);
				} else {
					expect(deniedProperly(res), `denied: ${label}`).toBe(true);
					const body = await res.text();
					for (const s of secrets) expect(body.includes(s), `${label} leaks resident data`).toBe(false);
				}
			} finally {
				await ctx.dispose();
			}
		}
	});
}

test('a cookie-authenticated JSON write from another origin is refused', async () => {
	const fx = fixture();
	const ctx = await playwrightRequest.newContext({ baseURL: E2E.origin });
	try {
		await apiLogin(ctx, 'site_staff');
		const url = `/api/v1/residents/${fx.centralResident.id}/reveal`;
		const evil = await ctx.post(url, {
			data: { field: 'phone' },
			headers: { origin: 'https://evil.example' }
		});
		expect(evil.status()).toBe(403);
		expect(await evil.text()).not.toMatch(/1[3-9]\d{9}/);
		const noOrigin = await ctx.post(url, {
			data: { field: 'phone' },
			headers: { 'sec-fetch-site': 'cross-site' }
		});
		expect(noOrigin.status()).toBe(403);
		const same = await ctx.post(url, {
			data: { field: 'phone', purpose: 'contact_resident' },
			headers: { origin: E2E.origin }
		});
		expect(same.status()).toBe(200);
		expect((await same.json()).value).toMatch(/^1[3-9]\d{9}$/);
	} finally {
		await ctx.dispose();
	}
});

test('resident A can never read resident B: their own page shows only their stay', async () => {
	const fx = fixture();
	const ctx = await playwrightRequest.newContext({ baseURL: E2E.origin });
	try {
		await apiLogin(ctx, 'resident');
		const me = await (await ctx.get('/me')).text();
		expect(me).not.toContain(fx.centralResident.name);
		expect(me).not.toContain(fx.homeResident.name);
		for (const other of [fx.centralResident, fx.homeResident]) {
			const res = await ctx.get(`/residents/${other.id}`, { maxRedirects: 0 });
			expect([403, 404]).toContain(res.status());
			const api = await ctx.post(`/api/v1/residents/${other.id}/reveal`, {
				data: { field: 'idNumber' },
				headers: { origin: E2E.origin }
			});
			expect([403, 404]).toContain(api.status());
			expect(await api.text()).not.toContain(other.idNumber);
		}
	} finally {
		await ctx.dispose();
	}
});
