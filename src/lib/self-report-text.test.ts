import { describe, expect, it } from 'vitest';
import { errorText } from './labels';
import { portalErrorText } from './message-tables';
import { selfReportSchema } from './schemas/self-report';
import { selfReportErrorText } from './self-report-text';
import type { SelfReportResult } from './server/portal';

type Refusal = Extract<SelfReportResult, { ok: false }>['error'];
const refusals = [
	'no_active_stay',
	'not_allowed',
	'read_only',
	'stay_ended',
	'stay_not_found',
	'key_conflict'
] as const satisfies readonly Refusal[];
// Every refusal of the use case is listed above (a new one fails to compile here).
const allRefusals: Exclude<Refusal, (typeof refusals)[number]> extends never ? true : false = true;

/** The codes the schema gives for out-of-range values. */
function schemaCodes(): string[] {
	const base = { symptoms: [], confirmRare: false, idempotencyKey: 'key-12345678' };
	const bad = [{ temperature: 20 }, { temperature: 50 }, { spo2: 97.5 }, { spo2: 30 }, { spo2: 101 }];
	return bad.flatMap((v) => {
		const r = selfReportSchema.safeParse({ ...base, ...v });
		expect(r.success).toBe(false);
		return r.success ? [] : r.error.issues.map((i) => i.message);
	});
}

describe('self-report error words', () => {
	it('read every code the form can get back as the full error tables read them', () => {
		expect(allRefusals).toBe(true);
		const codes = [...new Set([...schemaCodes(), 'temperature_required', 'rare_confirm', ...refusals])];
		expect(codes).toEqual(expect.arrayContaining(['range_30_45', 'range_40_100', 'whole_number']));
		for (const code of codes) {
			const full = portalErrorText[code]?.() ?? errorText(code);
			expect(selfReportErrorText(code), code).toBe(full);
			expect(selfReportErrorText([code, 'other']), code).toBe(full);
		}
	});

	it('shows any other text as it is, and nothing for no error', () => {
		expect(selfReportErrorText('Invalid input')).toBe('Invalid input');
		expect(selfReportErrorText(undefined)).toBeUndefined();
		expect(selfReportErrorText([])).toBeUndefined();
	});
});
