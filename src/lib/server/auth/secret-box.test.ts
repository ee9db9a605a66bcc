import { describe, expect, it } from 'vitest';
import {
	decodeKey,
	encodeKey,
	isSealed,
	Keyring,
	keyId,
	open,
	randomKey,
	randomKeyring,
	seal,
	SecretBoxError,
	sealedKeyId
} from './secret-box';
import { openTotpKey, sealTotpKey } from './totp-secrets';

const secret = new TextEncoder().encode('twenty bytes secret!');
const USER = '5f0c7f3e-3c1b-4f0e-9d6b-0d1e2f3a4b5c';
const OTHER_USER = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

function failure(fn: () => unknown): string {
	try {
		fn();
	} catch (e) {
		if (e instanceof SecretBoxError) return e.reason;
		throw e;
	}
	throw new Error('it opened');
}

describe('sealed secrets (AES-256-GCM)', () => {
	it('opens what it sealed, with a fresh IV every time, and names the key that sealed it', () => {
		const ring = randomKeyring();
		const a = seal(ring, secret, USER);
		const b = seal(ring, secret, USER);
		expect(a).toMatch(/^v1:[0-9a-f]{8}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
		expect(a).not.toBe(b);
		expect(sealedKeyId(a)).toBe(ring.currentId);
		expect(open(ring, a, USER)).toEqual(secret);
		expect(open(ring, b, USER)).toEqual(secret);
	});

	it('does not open with another key', () => {
		const sealed = seal(randomKeyring(), secret, USER);
		expect(failure(() => open(randomKeyring(), sealed, USER))).toBe('unknown_key');
		// A different key that claims the same id (the id of the value rewritten) fails the tag.
		const ring = randomKeyring();
		const relabelled = sealed.replace(/^v1:[0-9a-f]{8}:/, `v1:${ring.currentId}:`);
		expect(failure(() => open(ring, relabelled, USER))).toBe('forged');
	});

	it('does not open for another user: the user id is the associated data', () => {
		const ring = randomKeyring();
		const sealed = seal(ring, secret, USER);
		expect(failure(() => open(ring, sealed, OTHER_USER))).toBe('forged');
		expect(failure(() => openTotpKey(OTHER_USER, sealTotpKey(USER, secret, ring), ring))).toBe('forged');
		expect(openTotpKey(USER, sealTotpKey(USER, secret, ring), ring)).toEqual(secret);
	});

	it('refuses a tampered ciphertext, tag or IV', () => {
		const ring = randomKeyring();
		const sealed = seal(ring, secret, USER);
		const [v, id, iv, body] = sealed.split(':') as [string, string, string, string];
		const flip = (text: string, at: number) => {
			const bytes = Buffer.from(text, 'base64url');
			bytes[at]! ^= 1;
			return bytes.toString('base64url');
		};
		expect(failure(() => open(ring, [v, id, iv, flip(body, 0)].join(':'), USER))).toBe('forged');
		const tagByte = Buffer.from(body, 'base64url').length - 1;
		expect(failure(() => open(ring, [v, id, iv, flip(body, tagByte)].join(':'), USER))).toBe('forged');
		expect(failure(() => open(ring, [v, id, flip(iv, 3), body].join(':'), USER))).toBe('forged');
		const short = Buffer.from(body, 'base64url').subarray(0, 10).toString('base64url');
		expect(failure(() => open(ring, [v, id, iv, short].join(':'), USER))).toBe('malformed');
		expect(failure(() => open(ring, `${sealed}:x`, USER))).toBe('malformed');
		expect(failure(() => open(ring, 'v2:whatever', USER))).toBe('malformed');
	});

	it('tells a value from before encryption (no v1: prefix), and still reads it as hex', () => {
		const ring = randomKeyring();
		const legacy = Buffer.from(secret).toString('hex');
		expect(isSealed(legacy)).toBe(false);
		expect(sealedKeyId(legacy)).toBeNull();
		expect(isSealed(sealTotpKey(USER, secret, ring))).toBe(true);
		expect(openTotpKey(USER, legacy, ring)).toEqual(secret);
		expect(openTotpKey(USER, legacy.toUpperCase(), ring)).toEqual(secret);
		expect(failure(() => openTotpKey(USER, 'not hex at all', ring))).toBe('malformed');
		expect(failure(() => openTotpKey(USER, 'v1:garbage', ring))).toBe('malformed');
	});

	it('opens values of older keys after a rotation, and seals with the current one', () => {
		const oldKey = randomKey();
		const before = new Keyring(oldKey);
		const sealedBefore = seal(before, secret, USER);
		const after = new Keyring(randomKey(), [oldKey]);
		expect(after.ids).toEqual([after.currentId, keyId(oldKey)]);
		expect(open(after, sealedBefore, USER)).toEqual(secret);
		expect(sealedKeyId(seal(after, secret, USER))).toBe(after.currentId);
		expect(after.currentId).not.toBe(before.currentId);
	});

	it('reads keys as base64 of 32 bytes, and never shows them when logged', () => {
		const key = randomKey();
		expect(decodeKey(encodeKey(key))).toEqual(key);
		expect(decodeKey(` ${key.toString('base64url')}\n`)).toEqual(key);
		expect(decodeKey(key.subarray(0, 16).toString('base64'))).toBeNull();
		expect(decodeKey(Buffer.concat([key, key]).toString('base64'))).toBeNull();
		expect(decodeKey('not a key')).toBeNull();
		expect(() => new Keyring(key.subarray(0, 31))).toThrow(/32 bytes/);
		const ring = new Keyring(key);
		const shown = JSON.stringify(ring) + String(Object.values(ring)) + JSON.stringify({ ...ring });
		expect(shown).toContain(ring.currentId);
		for (const form of ['base64', 'base64url', 'hex'] as const)
			expect(shown).not.toContain(key.toString(form));
	});
});
