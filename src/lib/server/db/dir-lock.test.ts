import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDirLock, DirLockedError } from './dir-lock';

const freshDir = () => join(mkdtempSync(join(tmpdir(), 'ic-lock-')), 'pglite');

describe('the embedded database folder lock', () => {
	it('writes our pid and refuses a second holder with a clear message', () => {
		const dir = freshDir();
		const lock = acquireDirLock(dir);
		expect(readFileSync(`${dir}.lock`, 'utf8')).toBe(String(process.pid));
		expect(() => acquireDirLock(dir)).toThrow(DirLockedError);
		expect(() => acquireDirLock(dir)).toThrow(/in use by another process .*PGLITE_DIR/);
		lock.release();
		expect(existsSync(`${dir}.lock`)).toBe(false);
	});

	it('refuses a lock held by another live process', () => {
		const dir = freshDir();
		// pid 1 always exists: it stands for another server using the folder.
		writeFileSync(`${dir}.lock`, '1');
		expect(() => acquireDirLock(dir)).toThrow(/pid 1/);
	});

	it('takes over a lock left by a process that died', () => {
		const dir = freshDir();
		writeFileSync(`${dir}.lock`, '2147483646');
		const lock = acquireDirLock(dir);
		expect(readFileSync(`${dir}.lock`, 'utf8')).toBe(String(process.pid));
		lock.release();
	});

	it('can be released twice safely', () => {
		const lock = acquireDirLock(freshDir());
		lock.release();
		expect(() => lock.release()).not.toThrow();
	});
});
