/**
 * A resident's sign-in code belongs to a stay. It is eight digits (easy to type on any phone keypad,
 * and with sign-in throttling far beyond guessing), shown once on the admission slip, stored only as an
 * argon2 hash. Reissuing voids the old code and ends the sessions made with it; release turns the code
 * read-only, and 30 days later it stops signing in.
 */
import { and, eq, gt, ne } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import * as t from '../db/schema';
import { hashPassword } from './password';
import { DAY } from './session';

export const CODE_LENGTH = 8;
export const READ_ONLY_FOR_MS = 30 * DAY;

export function generateAccessCode(): string {
	// Rejection sampling keeps every digit uniform (256 is not a multiple of 10).
	const digits: number[] = [];
	const buf = new Uint8Array(16);
	while (digits.length < CODE_LENGTH) {
		crypto.getRandomValues(buf);
		for (const b of buf) if (b < 250 && digits.length < CODE_LENGTH) digits.push(b % 10);
	}
	return digits.join('');
}

/** Codes are typed on phones: spaces and dashes are ignored. */
export function normalizeAccessCode(input: string): string {
	return input.replace(/[\s-]/g, '');
}

/**
 * Issues a new code for the stay, voiding any usable one (and so its sessions). Returns the code: the
 * only time it exists in clear. Pass a precomputed hash when the caller hashes outside its transaction.
 */
export async function issueAccessCode(
	db: DbOrTx,
	stayId: string,
	issuedBy: string | null,
	now = new Date(),
	code = generateAccessCode()
): Promise<{ code: string; id: string }> {
	const codeHash = await hashPassword(code);
	const voided = await db
		.update(t.accessCodes)
		.set({ status: 'void', voidedAt: now })
		.where(and(eq(t.accessCodes.stayId, stayId), ne(t.accessCodes.status, 'void')))
		.returning({ id: t.accessCodes.id });
	if (voided.length) {
		// Sessions signed in with a voided code end now, not at their expiry.
		for (const v of voided) await db.delete(t.sessions).where(eq(t.sessions.accessCodeId, v.id));
	}
	const [row] = await db
		.insert(t.accessCodes)
		.values({ stayId, codeHash, issuedAt: now, issuedBy })
		.returning({ id: t.accessCodes.id });
	return { code, id: row!.id };
}

/** At release: the resident may still sign in to read (and print the release notice) for 30 days. */
export async function makeAccessCodeReadOnly(db: DbOrTx, stayId: string, now = new Date()): Promise<void> {
	await db
		.update(t.accessCodes)
		.set({ status: 'read_only', readOnlyAt: now, expiresAt: new Date(now.getTime() + READ_ONLY_FOR_MS) })
		.where(and(eq(t.accessCodes.stayId, stayId), eq(t.accessCodes.status, 'active')));
	// Sessions already open can live no longer than the code.
	const [code] = await db
		.select({ id: t.accessCodes.id, expiresAt: t.accessCodes.expiresAt })
		.from(t.accessCodes)
		.where(and(eq(t.accessCodes.stayId, stayId), eq(t.accessCodes.status, 'read_only')));
	if (code?.expiresAt) {
		await db
			.update(t.sessions)
			.set({ expiresAt: code.expiresAt })
			.where(and(eq(t.sessions.accessCodeId, code.id), gt(t.sessions.expiresAt, code.expiresAt)));
	}
}
