import { afterEach, describe, expect, it } from 'vitest';
import { forgetSettled, settledGet, settledSet, SETTLED_AFTER_MS } from './settled';

const NOW = new Date('2026-11-24T06:30:00Z');

afterEach(() => forgetSettled());

describe('settled figures', () => {
	it('keeps a figure as of an instant well past', () => {
		const past = new Date(NOW.getTime() - 24 * 3600_000);
		settledSet('census|a|x', past, NOW, [{ n: 3 }]);
		expect(settledGet('census|a|x')).toEqual([{ n: 3 }]);
	});

	it('never keeps a figure as of an instant a transaction may still be writing to', () => {
		for (const asOf of [NOW, new Date(NOW.getTime() - SETTLED_AFTER_MS + 1000)]) {
			settledSet(`k${asOf.getTime()}`, asOf, NOW, 1);
			expect(settledGet(`k${asOf.getTime()}`)).toBeUndefined();
		}
	});
});
