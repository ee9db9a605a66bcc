/**
 * Completes package-lock.json with the platform-specific optional packages (other operating systems
 * and CPUs) that the registry reachable from these machines does not carry at the pinned versions.
 * npm then leaves them out of the lock file, and `npm ci` refuses the lock as out of sync. Each missing
 * entry is added as optional, with the os/cpu/libc its name declares, so npm skips it on every machine
 * it does not fit and never tries to fetch it. Run after `npm install` changes the lock:
 *   node scripts/lock-optional.mjs
 */
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

const OS = ['linux', 'darwin', 'win32', 'freebsd', 'openbsd', 'android', 'openharmony', 'sunos', 'aix'];
const CPU = ['x64', 'arm64', 'arm', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'wasm32'];

function platformOf(name) {
	const parts = name.split('/').pop().split('-');
	const os = parts.find((p) => OS.includes(p));
	const cpu = parts.find((p) => CPU.includes(p));
	if (!os || !cpu) return null;
	const entry = { os: [os], cpu: [cpu] };
	if (parts.includes('musl') || parts.includes('musleabihf')) entry.libc = ['musl'];
	else if (os === 'linux' && (parts.includes('gnu') || parts.includes('gnueabihf'))) entry.libc = ['glibc'];
	return entry;
}

let added = 0;
for (const [path, meta] of Object.entries(packages)) {
	if (!path.startsWith('node_modules/') || !meta.optionalDependencies) continue;
	for (const [dep, version] of Object.entries(meta.optionalDependencies)) {
		const nested = `${path}/node_modules/${dep}`;
		const top = `node_modules/${dep}`;
		if (packages[nested] || packages[top]) continue;
		const platform = platformOf(dep);
		if (!platform) continue;
		packages[top] = {
			version: version.replace(/^[~^=]/, ''),
			...(meta.dev ? { dev: true } : {}),
			optional: true,
			...platform
		};
		added++;
	}
}

lock.packages = Object.fromEntries(
	Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)))
);
writeFileSync(lockPath, JSON.stringify(lock, null, '\t') + '\n');
console.log(`package-lock.json: ${added} platform-specific optional entries added.`);
