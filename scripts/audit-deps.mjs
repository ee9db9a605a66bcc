// `npm run audit:deps`: the dependency tree as installed from the lockfile, each package with its version
// and licence, then a count per licence, and a warning for any package without a licence or outside the
// usual permissive ones. Works offline (it reads node_modules through `npm ls`). Known-vulnerability
// look-ups (`npm audit`) need the registry's advisory service, which this network may not reach: run
// them where it does.
//
//   npm run audit:deps               runtime dependencies, as a tree
//   npm run audit:deps -- --dev      development tools too
//   npm run audit:deps -- --json     the same as JSON (for a file or another tool)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const args = new Set(process.argv.slice(2));
const withDev = args.has('--dev');
const asJson = args.has('--json');

/** Licences fine for this project as it is used (linked, unmodified, with notices kept). */
const PERMISSIVE = new Set([
	'MIT',
	'ISC',
	'Apache-2.0',
	'BSD-2-Clause',
	'BSD-3-Clause',
	'0BSD',
	'BlueOak-1.0.0',
	'CC0-1.0',
	'CC-BY-4.0',
	'Python-2.0',
	'Unlicense',
	'MPL-2.0'
]);

let raw;
try {
	raw = execFileSync('npm', ['ls', '--all', '--json', '--long', ...(withDev ? [] : ['--omit=dev'])], {
		encoding: 'utf8',
		maxBuffer: 256 * 1024 * 1024,
		stdio: ['ignore', 'pipe', 'ignore']
	});
} catch (e) {
	// npm ls exits non-zero on problems (missing or extraneous packages) but still prints the tree.
	raw = e.stdout;
	if (!raw) throw e;
}
const tree = JSON.parse(raw);

/** Some packages ship a LICENSE file but no `license` field: read what the file says it is. */
function licenceFromFile(dir) {
	if (!dir) return null;
	const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'LICENCE', 'license'].find((f) =>
		existsSync(join(dir, f))
	);
	if (!file) return null;
	const head = readFileSync(join(dir, file), 'utf8').slice(0, 400);
	if (/MIT License|Permission is hereby granted, free of charge/i.test(head)) return 'MIT';
	if (/Apache License[\s\S]*Version 2\.0/i.test(head)) return 'Apache-2.0';
	if (/ISC License/i.test(head)) return 'ISC';
	return null;
}

function licenceOf(node) {
	const l = node.license ?? node.licenses;
	if (!l) return licenceFromFile(node.path) ?? 'UNKNOWN';
	if (typeof l === 'string') return l;
	if (Array.isArray(l)) return l.map((x) => (typeof x === 'string' ? x : x.type)).join(' OR ');
	return l.type ?? 'UNKNOWN';
}

/** Every SPDX id in an expression is permissive (for OR, one is enough). */
function permissive(expr) {
	const alternatives = expr.replace(/[()]/g, '').split(/\s+OR\s+/);
	// An exception (`Apache-2.0 WITH LLVM-exception`) only grants more than the licence it qualifies.
	return alternatives.some((alt) =>
		alt.split(/\s+AND\s+/).every((id) => PERMISSIVE.has(id.replace(/\s+WITH\s+.*$/, '').trim()))
	);
}

const packages = new Map();
const problems = [];

function walk(node, depth, seen, lines) {
	for (const [name, child] of Object.entries(node.dependencies ?? {}).sort(([a], [b]) =>
		a.localeCompare(b)
	)) {
		// Optional packages for other platforms and peers nobody installed: not part of this install.
		if (!child.version) continue;
		const key = `${name}@${child.version}`;
		const licence = licenceOf(child);
		const repeat = seen.has(key);
		lines.push(
			`${'  '.repeat(depth)}${name}@${child.version ?? '?'}  ${licence}${repeat ? '  (see above)' : ''}`
		);
		if (!packages.has(key)) packages.set(key, { name, version: child.version, licence });
		if (!repeat) {
			seen.add(key);
			walk(child, depth + 1, seen, lines);
		}
	}
}

const lines = [];
walk(tree, 0, new Set(), lines);

const byLicence = new Map();
for (const p of packages.values()) byLicence.set(p.licence, (byLicence.get(p.licence) ?? 0) + 1);
for (const p of packages.values())
	if (p.licence === 'UNKNOWN' || !permissive(p.licence))
		problems.push(`${p.name}@${p.version}: licence ${p.licence}: check it before shipping`);

if (asJson) {
	console.log(
		JSON.stringify(
			{
				packages: [...packages.values()].sort((a, b) => a.name.localeCompare(b.name)),
				licences: Object.fromEntries(byLicence),
				problems
			},
			null,
			2
		)
	);
} else {
	console.log(`${tree.name}@${tree.version} (${withDev ? 'all dependencies' : 'runtime dependencies'})`);
	console.log(lines.join('\n'));
	console.log(`\n${packages.size} packages by licence:`);
	for (const [l, n] of [...byLicence].sort((a, b) => b[1] - a[1]))
		console.log(`  ${String(n).padStart(4)}  ${l}`);
	console.log(
		problems.length ? `\nTo look at:\n  ${problems.join('\n  ')}` : '\nEvery licence is a permissive one.'
	);
	console.log(
		'\nKnown vulnerabilities: `npm audit` asks the registry’s advisory service, which this network may not reach.'
	);
}
