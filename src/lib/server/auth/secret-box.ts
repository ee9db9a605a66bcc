/**
 * Small secrets kept in the database, encrypted with a key that is not: AES-256-GCM (node:crypto), a
 * random 12-byte IV for every value, and associated data that names the row the value belongs to, so a
 * value copied into another row does not open. A sealed value is one string:
 *
 *     v1:<key id>:<IV, base64url>:<ciphertext and 16-byte tag, base64url>
 *
 * The key id is a fingerprint of the key (the first 8 hex digits of a SHA-256 of it), so a value names
 * the key that sealed it and a keyring holding the current key and older ones opens every value sealed
 * with any of them. Nothing here logs, and no error message carries a key or a value.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';
const SEALED = /^v1:([0-9a-f]{8}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]+)$/;

/** Why a value did not open; never the value itself. */
export type SecretBoxFailure = 'malformed' | 'unknown_key' | 'forged';

export class SecretBoxError extends Error {
	constructor(public readonly reason: SecretBoxFailure) {
		super(
			{
				malformed: 'The stored secret is not in a known format',
				unknown_key: 'The stored secret was sealed with a key that is not configured',
				forged: 'The stored secret does not open: wrong key, wrong row, or altered'
			}[reason]
		);
		this.name = 'SecretBoxError';
	}
}

/**
 * A 32-byte key written in base64 (standard or URL-safe, padding optional), as `openssl rand -base64 32`
 * prints one; null for anything else.
 */
export function decodeKey(text: string): Buffer | null {
	const s = text.trim();
	if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) return null;
	const key = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
	return key.length === KEY_BYTES ? key : null;
}

export function encodeKey(key: Uint8Array): string {
	return Buffer.from(key).toString('base64');
}

/** The key's fingerprint, stored in every value it seals. It tells nothing about the key. */
export function keyId(key: Uint8Array): string {
	return createHash('sha256')
		.update('isolation-care secret-box key id\0')
		.update(key)
		.digest('hex')
		.slice(0, 8);
}

/** Keyrings' keys, out of reach of everything but seal and open. */
const keysOf = new WeakMap<Keyring, ReadonlyMap<string, Buffer>>();

/**
 * The key new values are sealed with and the older keys still accepted for opening. The keys live in a
 * map private to this module, so logging or serialising a keyring shows its key ids and nothing else.
 */
export class Keyring {
	readonly currentId: string;
	readonly ids: readonly string[];

	constructor(current: Uint8Array, older: readonly Uint8Array[] = []) {
		const keys = new Map<string, Buffer>();
		for (const k of [current, ...older]) {
			if (k.length !== KEY_BYTES) throw new Error(`A key must be ${KEY_BYTES} bytes`);
			const id = keyId(k);
			if (!keys.has(id)) keys.set(id, Buffer.from(k));
		}
		this.currentId = keyId(current);
		this.ids = [...keys.keys()];
		keysOf.set(this, keys);
	}
}

export function randomKey(): Buffer {
	return randomBytes(KEY_BYTES);
}

/** A keyring with one fresh key, for a database that lives no longer than the process (tests, memory://). */
export function randomKeyring(): Keyring {
	return new Keyring(randomKey());
}

export function isSealed(value: string): boolean {
	return value.startsWith(`${VERSION}:`);
}

/** The id of the key that sealed a value, or null for a value that is not sealed. */
export function sealedKeyId(value: string): string | null {
	return SEALED.exec(value)?.[1] ?? null;
}

export function seal(keyring: Keyring, plaintext: Uint8Array, associatedData: string): string {
	const key = keysOf.get(keyring)!.get(keyring.currentId)!;
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
	cipher.setAAD(Buffer.from(associatedData, 'utf8'));
	const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
	return `${VERSION}:${keyring.currentId}:${iv.toString('base64url')}:${body.toString('base64url')}`;
}

export function open(keyring: Keyring, sealed: string, associatedData: string): Uint8Array {
	const m = SEALED.exec(sealed);
	if (!m) throw new SecretBoxError('malformed');
	const [, id, ivText, bodyText] = m;
	const key = keysOf.get(keyring)!.get(id!);
	if (!key) throw new SecretBoxError('unknown_key');
	const iv = Buffer.from(ivText!, 'base64url');
	const body = Buffer.from(bodyText!, 'base64url');
	if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new SecretBoxError('malformed');
	const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
	decipher.setAAD(Buffer.from(associatedData, 'utf8'));
	decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
	try {
		return new Uint8Array(
			Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()])
		);
	} catch {
		throw new SecretBoxError('forged');
	}
}
