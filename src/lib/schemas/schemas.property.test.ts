/**
 * Every zod schema in this folder, thrown random and hostile input (fast-check): it never throws (a
 * throw would be a 500), a refusal names the fields at fault so the form can show them, and a huge
 * string is never accepted into any field. Schemas added later are picked up by the glob.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hostileRecord, hostileValue } from '../../../tests/hostile';

const modules = import.meta.glob<Record<string, unknown>>(['./*.ts', '!./*.test.ts'], { eager: true });

const schemas = Object.entries(modules).flatMap(([file, mod]) =>
	Object.entries(mod)
		.filter(([, v]) => v instanceof z.ZodType)
		.map(([name, v]) => ({ name: `${file.slice(2)}: ${name}`, schema: v as z.ZodType }))
);

/** The object shape behind refinements and pipes, when there is one. */
function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | null {
	const s = schema as unknown as { shape?: Record<string, z.ZodType>; in?: z.ZodType };
	if (s.shape && typeof s.shape === 'object') return s.shape;
	if (s.in) return shapeOf(s.in);
	return null;
}

const RUNS = { numRuns: 120, seed: Number(process.env.FC_SEED ?? 4242) };

function longestString(v: unknown, depth = 0): number {
	if (typeof v === 'string') return v.length;
	if (depth > 4 || v === null || typeof v !== 'object') return 0;
	return Math.max(0, ...Object.values(v).map((x) => longestString(x, depth + 1)));
}

describe('every schema under hostile input', () => {
	it('finds the schemas', () => {
		expect(schemas.length).toBeGreaterThanOrEqual(30);
	});

	for (const { name, schema } of schemas) {
		const keys = Object.keys(shapeOf(schema) ?? {});
		const input = keys.length ? fc.oneof(hostileRecord(keys), hostileValue) : hostileValue;

		it(`${name}: never throws; a refusal names its fields; no huge string gets through`, () => {
			fc.assert(
				fc.property(input, (value) => {
					const result = schema.safeParse(value);
					if (result.success) {
						expect(longestString(result.data)).toBeLessThan(100_000);
						return;
					}
					expect(result.error.issues.length).toBeGreaterThan(0);
					for (const issue of result.error.issues) {
						expect(typeof issue.message).toBe('string');
						expect(issue.path.every((p) => typeof p === 'string' || typeof p === 'number')).toBe(true);
					}
				}),
				RUNS
			);
		});

		const shape = shapeOf(schema);
		if (shape)
			it(`${name}: every field refuses a 200,000-character string`, () => {
				// Field by field, so that a valid rest cannot hide a field without a length limit.
				// A refusal, or (for a GET filter that falls back with .catch) a value that is not the string.
				const kept = (r: { success: boolean; data?: unknown }) =>
					r.success && longestString(r.data) >= 100_000;
				for (const [key, field] of Object.entries(shape)) {
					expect(kept(field.safeParse('x'.repeat(200_000))), `field ${key}`).toBe(false);
					expect(kept(field.safeParse('😷'.repeat(100_000))), `field ${key}`).toBe(false);
				}
			});
	}
});
