/**
 * A pid lock file beside the embedded database folder: one process per data directory. A lock left by
 * a process that no longer runs (a crash, kill -9) is taken over; a live one is refused with a message
 * that says what to do.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

export interface DirLock {
	path: string;
	release(): void;
}

export class DirLockedError extends Error {
	constructor(
		public readonly dir: string,
		public readonly pid: number
	) {
		super(
			`The embedded database in ${dir} is in use by another process (pid ${pid}). ` +
				`Stop that process, or set PGLITE_DIR to another folder, or DATABASE_URL to a PostgreSQL server.`
		);
		this.name = 'DirLockedError';
	}
}

function isAlive(pid: number): boolean {
	if (!Number.isInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		// EPERM: the process exists but belongs to someone else.
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

export function acquireDirLock(dir: string): DirLock {
	const path = `${dir}.lock`;
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			const fd = openSync(path, 'wx');
			writeSync(fd, String(process.pid));
			closeSync(fd);
			let released = false;
			const release = () => {
				if (released) return;
				released = true;
				try {
					if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
				} catch {
					// already gone
				}
			};
			process.once('exit', release);
			return { path, release };
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
			let pid = NaN;
			try {
				pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
			} catch {
				// vanished between open and read: try again
			}
			if (pid === process.pid) throw new DirLockedError(dir, pid);
			if (isAlive(pid)) throw new DirLockedError(dir, pid);
			rmSync(path, { force: true });
		}
	}
	throw new Error(`Could not lock ${dir}`);
}
