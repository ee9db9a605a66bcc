/** The admission slip: what a resident takes away (plan, release instant, phone, sign-in code). */
import { eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import type { Principal } from '../../domain/access';
import { maskIdNumber } from '../../domain/id-number';
import { schedule } from '../../domain/plan';
import { audit } from '../audit';
import { issueAccessCode } from '../auth/access-codes';
import { db } from '../db';
import * as t from '../db/schema';

export async function slipData(stayId: string) {
	const [row] = await db()
		.select({
			stay: t.stays,
			resident: { name: t.residents.name, idNumber: t.residents.idNumber, phone: t.residents.phone },
			site: {
				name: t.sites.name,
				nameEn: t.sites.nameEn,
				phone: t.sites.phone,
				timeZone: t.sites.timeZone,
				kind: t.sites.kind
			},
			plan: { name: t.plans.name, nameEn: t.plans.nameEn, protocolEdition: t.plans.protocolEdition },
			room: { number: t.rooms.number, floor: t.rooms.floor, building: t.rooms.building }
		})
		.from(t.stays)
		.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
		.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
		.innerJoin(t.plans, eq(t.plans.id, t.stays.planId))
		.leftJoin(t.rooms, eq(t.rooms.id, t.stays.roomId))
		.where(eq(t.stays.id, stayId));
	if (!row) return null;
	const sched = schedule(row.stay.periodStart, row.stay.planPhases, row.stay.extensions);
	return {
		stayId,
		residentId: row.stay.residentId,
		status: row.stay.status,
		name: row.resident.name,
		idNumberMasked: maskIdNumber(row.resident.idNumber),
		phone: row.resident.phone,
		site: row.site,
		plan: row.plan,
		room: row.room?.number ? row.room : null,
		admittedAt: row.stay.admittedAt,
		periodStart: row.stay.periodStart,
		phases: sched.phases.map((p) => ({
			mode: p.mode,
			start: p.start,
			end: p.end,
			days: Math.round(p.hours / 24)
		})),
		releaseAt: sched.releaseAt
	};
}

/** A QR code (SVG markup) of the sign-in link, with the phone and code filled in. */
export async function signInQr(origin: string, phone: string, code: string): Promise<string> {
	const url = `${origin}/login?phone=${encodeURIComponent(phone)}&code=${encodeURIComponent(code)}#resident`;
	return QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
}

/** Reissues the stay's code for a new slip (the old code stops working at once). */
export async function reissueCode(
	principal: Principal,
	stayId: string,
	residentId: string,
	ip: string | null
) {
	return db().transaction(async (tx) => {
		const issued = await issueAccessCode(tx, stayId, principal.userId);
		await audit(tx, {
			actor: principal,
			action: 'reissue_code',
			entity: 'stay',
			entityId: stayId,
			residentId,
			ip
		});
		return issued.code;
	});
}
