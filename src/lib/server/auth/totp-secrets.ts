/**
 * Staff's second-factor (TOTP) secrets at rest: `users.totp_key` holds each secret sealed with the key of
 * TOTP_ENCRYPTION_KEY (see secret-box.ts), with the user's id as associated data, so a database dump or
 * backup holds no usable second factor.
 *
 * Where the key comes from, decided once at start:
 * - TOTP_ENCRYPTION_KEY when set (and TOTP_ENCRYPTION_OLD_KEYS, keys of before a rotation, for reading);
 * - otherwise, on the embedded database, a key file in the data folder beside PGLITE_DIR, created on the
 *   first start (mode 0600), so a fresh `npm start` needs no setting; `memory://` gets a key in memory;
 * - otherwise, with DATABASE_URL, the server refuses to start in production: several servers share the
 *   database and each would make a key of its own, and a key kept on one machine's disk is lost with it.
 *   Outside production (NODE_ENV=development, a developer's local PostgreSQL) the data folder's key is
 *   used, with a warning.
 *
 * Values written before encryption (hex, no `v1:` prefix) are still read, and the start seals them, and
 * re-seals values of an older key with the current one, in one transaction (`sealStoredTotpKeys`).
 */
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { decodeHex } from '@oslojs/encoding';
import { and, eq, isNotNull, notLike } from 'drizzle-orm';
import type { Config } from '../config';
import type { Db } from '../db/client';
import * as t from '../db/schema';
import { decodeKey, encodeKey, isSealed, Keyring, open, randomKey, seal, SecretBoxError } from './secret-box';

export const KEY_FILE_NAME = 'totp-encryption.key';

let installed: Keyring | null = null;

/** The server installs its keyring at start; tests install one of their own. */
export function useTotpKeyring(keyring: Keyring | null): void {
	installed = keyring;
}

function keyring(): Keyring {
	if (!installed) throw new Error('No key for second-factor secrets yet: the app has not started');
	return installed;
}

/** Binds a sealed secret to its row: copied into another user's row, it does not open. */
const associatedData = (userId: string) => `users.totp_key:${userId}`;

export function sealTotpKey(userId: string, key: Uint8Array, ring: Keyring = keyring()): string {
	return seal(ring, key, associatedData(userId));
}

/**
 * The secret of a stored value: sealed (`v1:`), or plain hex as stored before encryption. Throws
 * SecretBoxError when it does not open.
 */
export function openTotpKey(userId: string, stored: string, ring: Keyring = keyring()): Uint8Array {
	if (isSealed(stored)) return open(ring, stored, associatedData(userId));
	if (!/^(?:[0-9a-f]{2})+$/i.test(stored)) throw new SecretBoxError('malformed');
	return decodeHex(stored.toLowerCase());
}

export interface SealSummary {
	/** Plain values sealed. */
	sealed: number;
	/** Values of an older key sealed again with the current one. */
	resealed: number;
	/** Values no configured key opens (their owners need their second factor reset). */
	unreadable: number;
}

/**
 * Seals every value not yet sealed with the current key, in one transaction. Idempotent, and safe with
 * several servers starting at once: the rows are locked, and each update applies only if the value is
 * still the one read.
 */
export async function sealStoredTotpKeys(db: Db, ring: Keyring = keyring()): Promise<SealSummary> {
	return db.transaction(async (tx) => {
		const rows = await tx
			.select({ id: t.users.id, totpKey: t.users.totpKey })
			.from(t.users)
			.where(and(isNotNull(t.users.totpKey), notLike(t.users.totpKey, `v1:${ring.currentId}:%`)))
			.for('update');
		const summary: SealSummary = { sealed: 0, resealed: 0, unreadable: 0 };
		for (const row of rows) {
			let key: Uint8Array;
			try {
				key = openTotpKey(row.id, row.totpKey!, ring);
			} catch (e) {
				if (!(e instanceof SecretBoxError)) throw e;
				summary.unreadable++;
				continue;
			}
			await tx
				.update(t.users)
				.set({ totpKey: sealTotpKey(row.id, key, ring) })
				.where(and(eq(t.users.id, row.id), eq(t.users.totpKey, row.totpKey!)));
			summary[isSealed(row.totpKey!) ? 'resealed' : 'sealed']++;
		}
		return summary;
	});
}

export interface LoadedKeyring {
	keyring: Keyring;
	source: 'env' | 'file' | 'memory';
	/** The key file, when the key is one. */
	file?: string;
	/** True when the key file was made by this call. */
	created?: boolean;
	/** For the log: settings an operator should look at (never a key). */
	warnings: string[];
}

type KeySettings = Pick<
	Config,
	'TOTP_ENCRYPTION_KEY' | 'TOTP_ENCRYPTION_OLD_KEYS' | 'DATABASE_URL' | 'PGLITE_DIR' | 'NODE_ENV'
>;

/** The key file of an embedded database: in its data folder, beside the PGLITE_DIR folder. */
export function keyFilePath(pgliteDir: string): string {
	return join(dirname(resolve(pgliteDir)), KEY_FILE_NAME);
}

export class MissingKeyError extends Error {
	constructor() {
		super(
			'Invalid environment settings:\n' +
				'  TOTP_ENCRYPTION_KEY: required with DATABASE_URL in production. It encrypts the staff’s ' +
				'second-factor secrets in the database: set it to 32 random bytes in base64 ' +
				'(`openssl rand -base64 32`), the same on every server, and keep a copy apart from the ' +
				'database backups (see docs/deploy.md).'
		);
		this.name = 'MissingKeyError';
	}
}

/** The keyring the settings give; throws MissingKeyError when they give none (see the module comment). */
export function loadTotpKeyring(settings: KeySettings): LoadedKeyring {
	const older = settings.TOTP_ENCRYPTION_OLD_KEYS.map((k) => decodeKey(k)!);
	if (settings.TOTP_ENCRYPTION_KEY) {
		return {
			keyring: new Keyring(decodeKey(settings.TOTP_ENCRYPTION_KEY)!, older),
			source: 'env',
			warnings: []
		};
	}
	const warnings: string[] = [];
	if (settings.DATABASE_URL) {
		if (settings.NODE_ENV === 'production') throw new MissingKeyError();
		warnings.push(
			`TOTP_ENCRYPTION_KEY is not set: second-factor secrets in the PostgreSQL database are encrypted ` +
				`with the key in this machine's data folder (NODE_ENV=${settings.NODE_ENV}; refused in production)`
		);
	} else if (settings.PGLITE_DIR.startsWith('memory://')) {
		return { keyring: new Keyring(randomKey(), older), source: 'memory', warnings };
	}
	const file = keyFilePath(
		settings.PGLITE_DIR.startsWith('memory://') ? './data/pglite' : settings.PGLITE_DIR
	);
	const { key, created, loose } = readOrCreateKeyFile(file);
	if (loose) warnings.push(`The key file ${file} can be read by other users of this machine: chmod 600 it`);
	return { keyring: new Keyring(key, older), source: 'file', file, created, warnings };
}

function readKeyFile(file: string): { key: Buffer; loose: boolean } {
	const key = decodeKey(readFileSync(file, 'utf8'));
	if (!key) throw new Error(`${file} does not hold a key (32 bytes in base64); restore it from its copy`);
	return { key, loose: process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0 };
}

/**
 * Reads the key file, or makes it: written to a private temporary file and linked into place, so two
 * processes starting at once agree on one key and neither reads a half-written file.
 */
function readOrCreateKeyFile(file: string): { key: Buffer; created: boolean; loose: boolean } {
	try {
		return { ...readKeyFile(file), created: false };
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
	}
	mkdirSync(dirname(file), { recursive: true });
	const key = randomKey();
	const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
	writeFileSync(temporary, `${encodeKey(key)}\n`, { mode: 0o600, flag: 'wx' });
	try {
		chmodSync(temporary, 0o600);
		linkSync(temporary, file);
		return { key, created: true, loose: false };
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
		return { ...readKeyFile(file), created: false };
	} finally {
		rmSync(temporary, { force: true });
	}
}
