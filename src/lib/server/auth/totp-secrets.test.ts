import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { encodeKey, keyId, randomKey, seal } from './secret-box';
import { KEY_FILE_NAME, loadTotpKeyring, MissingKeyError } from './totp-secrets';

const dirs: string[] = [];
function tempDir() {
	const dir = mkdtempSync(join(tmpdir(), 'ic-totp-key-'));
	dirs.push(dir);
	return dir;
}
afterAll(() => {
	for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const PG = 'postgres://app@db.internal:5432/care';

describe('the key for second-factor secrets', () => {
	it('comes from TOTP_ENCRYPTION_KEY, with older keys for reading', () => {
		const [key, old] = [randomKey(), randomKey()];
		const loaded = loadTotpKeyring(
			loadConfig({
				DATABASE_URL: PG,
				TOTP_ENCRYPTION_KEY: encodeKey(key),
				TOTP_ENCRYPTION_OLD_KEYS: `${encodeKey(old)}, ${old.toString('base64url')}`
			})
		);
		expect(loaded.source).toBe('env');
		expect(loaded.keyring.currentId).toBe(keyId(key));
		expect(loaded.keyring.ids).toEqual([keyId(key), keyId(old)]);
		expect(loaded.warnings).toEqual([]);
	});

	it('is made on the first start of the embedded database, in its data folder, readable by its owner only', () => {
		const dataDir = tempDir();
		const config = loadConfig({ PGLITE_DIR: join(dataDir, 'pglite') });
		const first = loadTotpKeyring(config);
		const file = join(dataDir, KEY_FILE_NAME);
		expect(first).toMatchObject({ source: 'file', file, created: true, warnings: [] });
		if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
		// The next start finds the same key.
		const second = loadTotpKeyring(config);
		expect(second).toMatchObject({ source: 'file', created: false });
		expect(second.keyring.currentId).toBe(first.keyring.currentId);
		expect(readFileSync(file, 'utf8').trim()).toHaveLength(44);
	});

	it('warns about a key file others can read, and refuses one that holds no key', () => {
		const dataDir = tempDir();
		const file = join(dataDir, KEY_FILE_NAME);
		writeFileSync(file, `${encodeKey(randomKey())}\n`, { mode: 0o644 });
		const config = loadConfig({ PGLITE_DIR: join(dataDir, 'pglite') });
		if (process.platform !== 'win32') expect(loadTotpKeyring(config).warnings.join()).toMatch(/chmod 600/);
		writeFileSync(file, 'oops\n');
		expect(() => loadTotpKeyring(config)).toThrow(/does not hold a key/);
	});

	it('is refused with DATABASE_URL in production when unset, naming the variable', () => {
		for (const env of [{ DATABASE_URL: PG }, { DATABASE_URL: PG, NODE_ENV: 'production' }]) {
			expect(() => loadTotpKeyring(loadConfig(env))).toThrow(MissingKeyError);
			expect(() => loadTotpKeyring(loadConfig(env))).toThrow(
				/TOTP_ENCRYPTION_KEY: required with DATABASE_URL/
			);
		}
	});

	it('comes from the data folder, with a warning, with DATABASE_URL outside production', () => {
		const dataDir = tempDir();
		const loaded = loadTotpKeyring(
			loadConfig({ DATABASE_URL: PG, NODE_ENV: 'development', PGLITE_DIR: join(dataDir, 'pglite') })
		);
		expect(loaded).toMatchObject({ source: 'file', file: join(dataDir, KEY_FILE_NAME) });
		expect(loaded.warnings.join()).toMatch(/TOTP_ENCRYPTION_KEY is not set/);
	});

	it('lives in memory with an in-memory database', () => {
		const loaded = loadTotpKeyring(loadConfig({ PGLITE_DIR: 'memory://' }));
		expect(loaded.source).toBe('memory');
		expect(loaded.file).toBeUndefined();
	});

	it('is a setting checked like the others, without printing the value', () => {
		const bad = encodeKey(randomKey()).slice(0, 30);
		expect(() => loadConfig({ TOTP_ENCRYPTION_KEY: bad })).toThrow(
			/TOTP_ENCRYPTION_KEY must be 32 random bytes/
		);
		expect(() => loadConfig({ TOTP_ENCRYPTION_KEY: bad })).not.toThrow(new RegExp(bad.slice(0, 20)));
		expect(() => loadConfig({ TOTP_ENCRYPTION_OLD_KEYS: `${encodeKey(randomKey())},${bad}` })).toThrow(
			/TOTP_ENCRYPTION_OLD_KEYS/
		);
		expect(loadConfig({ TOTP_ENCRYPTION_KEY: '' }).TOTP_ENCRYPTION_KEY).toBeUndefined();
		expect(loadConfig({}).TOTP_ENCRYPTION_OLD_KEYS).toEqual([]);
	});

	it('seals values that say which key sealed them', () => {
		const key = randomKey();
		const loaded = loadTotpKeyring(loadConfig({ TOTP_ENCRYPTION_KEY: encodeKey(key) }));
		expect(seal(loaded.keyring, new Uint8Array(20), 'x')).toMatch(new RegExp(`^v1:${keyId(key)}:`));
	});
});
