/**
 * Hostile input for property-based tests (fast-check): what a careless device, a fuzzer or an attacker
 * sends. Shared by the schema and endpoint property tests.
 */
import fc from 'fast-check';

/** Strings that have broken real systems: SQL and HTML fragments, NUL bytes, emoji, bidi overrides, far dates. */
export const NASTY_STRINGS = [
	"' OR '1'='1",
	"'); DROP TABLE readings; --",
	'1; select pg_sleep(10)',
	'<script>alert(1)</script>',
	'"><img src=x onerror=alert(1)>',
	'{{constructor.constructor("alert(1)")()}}',
	'\u0000',
	'ab\u0000cdefghij',
	'😷🤒🌡️'.repeat(40),
	'\u202eexe.txt',
	'\ud800',
	'9999-12-31T23:59:59Z',
	'+275760-09-13T00:00:00.000Z',
	'99999-01-01',
	'2026-02-30',
	'-000001-01-01T00:00:00Z',
	'NaN',
	'Infinity',
	'1e309',
	'-0',
	'__proto__',
	'constructor',
	'../../etc/passwd',
	'%00',
	'   ',
	''
];

export const hostileString = fc.oneof(
	fc.constantFrom(...NASTY_STRINGS),
	fc.string({ maxLength: 40 }),
	fc.string({ unit: 'grapheme', maxLength: 20 }),
	fc.string({ unit: 'binary', maxLength: 20 }),
	// Huge: up to 200,000 characters.
	fc.integer({ min: 1, max: 5 }).map((n) => 'x'.repeat(2 * 10 ** n))
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
	hostileString,
	fc.integer(),
	fc.double(),
	fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, -0, NaN, Infinity, -Infinity, 1e308, 8.64e15 + 1),
	fc.boolean(),
	fc.constantFrom(null, undefined),
	fc.date({ noInvalidDate: false }),
	fc.array(hostileString, { maxLength: 4 }),
	fc.dictionary(hostileString, hostileString, { maxKeys: 3 })
);

/** An object with some of `keys` (and maybe one more) set to hostile values. */
export function hostileRecord(keys: string[]): fc.Arbitrary<Record<string, unknown>> {
	const model = Object.fromEntries(keys.map((k) => [k, hostileValue]));
	return fc
		.tuple(
			fc.record(model, { requiredKeys: [] }),
			fc.option(fc.tuple(hostileString, hostileValue), { nil: undefined })
		)
		.map(([rec, extra]) => (extra ? { ...rec, [extra[0]]: extra[1] } : rec));
}
