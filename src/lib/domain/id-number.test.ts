import { describe, expect, it } from 'vitest';
import { idCheckChar, maskIdNumber, validateResidentId } from './id-number';

const TODAY = new Date('2026-01-15T04:00:00Z');

// The standard's equivalent form (clinical-rules §3.2 step 5), computed independently of idCheckChar.
function satisfiesMod11(id: string): boolean {
	let sum = 0;
	for (let i = 0; i < 18; i++) {
		const c = id.charAt(i);
		const a = c === 'X' ? 10 : Number(c);
		sum += a * (2 ** (17 - i) % 11);
	}
	return sum % 11 === 1;
}

// A small deterministic generator so the sweep is the same on every run.
function lcg(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state * 1103515245 + 12345) % 2147483648;
		return state;
	};
}

describe('idCheckChar', () => {
	it.each([
		['11010519491231002', 'X'],
		['44052418800101001', '4'],
		['34052419800101001', 'X'],
		['41082119850615123', '5'],
		['41080219900101104', '8']
	])('%s → %s', (first17, check) => {
		expect(idCheckChar(first17)).toBe(check);
	});

	it('maps every remainder 0..10 to 1 0 X 9 8 7 6 5 4 3 2', () => {
		// With only the last digit non-zero the sum is 2·d, so d = 0..10 walks the remainders; the
		// second-to-last position (weight 4) reaches the odd ones.
		const seen = new Map<number, string>();
		for (let a = 0; a <= 9; a++) {
			for (let b = 0; b <= 9; b++) {
				const first17 = '000000000000000' + String(a) + String(b);
				seen.set((a * 4 + b * 2) % 11, idCheckChar(first17));
			}
		}
		expect([...seen.entries()].sort((x, y) => x[0] - y[0]).map((e) => e[1])).toEqual([
			'1',
			'0',
			'X',
			'9',
			'8',
			'7',
			'6',
			'5',
			'4',
			'3',
			'2'
		]);
	});

	it('agrees with the standard’s equivalent form on 2,000 pseudo-random numbers', () => {
		const next = lcg(20_221_111);
		for (let n = 0; n < 2000; n++) {
			let first17 = '';
			for (let i = 0; i < 17; i++) first17 += String(next() % 10);
			const id = first17 + idCheckChar(first17);
			expect(satisfiesMod11(id)).toBe(true);
			for (const other of '0123456789X') {
				if (other !== id.charAt(17)) expect(satisfiesMod11(first17 + other)).toBe(false);
			}
		}
	});

	it.each([
		'',
		'1101051949123100',
		'110105194912310021',
		'1101051949123100X',
		' 11010519491231002',
		'１１０１０５１９４９１２３１００２'
	])('refuses %j, which is not 17 ASCII digits', (bad) => {
		expect(() => idCheckChar(bad)).toThrow(RangeError);
	});
});

describe('validateResidentId: the worked examples', () => {
	it('accepts 11010519491231002X (female, born 1949-12-31)', () => {
		expect(validateResidentId('11010519491231002X', TODAY)).toEqual({
			ok: true,
			value: '11010519491231002X',
			birthDate: '1949-12-31',
			sex: 'female'
		});
	});

	it('accepts 34052419800101001X (male, born 1980-01-01)', () => {
		expect(validateResidentId('34052419800101001X', TODAY)).toEqual({
			ok: true,
			value: '34052419800101001X',
			birthDate: '1980-01-01',
			sex: 'male'
		});
	});

	it('440524188001010014 has a correct check digit but a birth year before 1900, so it is a date error', () => {
		expect(idCheckChar('44052418800101001')).toBe('4');
		expect(satisfiesMod11('440524188001010014')).toBe(true);
		expect(validateResidentId('440524188001010014', TODAY)).toEqual({ ok: false, error: 'date' });
	});

	it('accepts a Jiaozuo number', () => {
		expect(validateResidentId('410821198506151235', TODAY)).toEqual({
			ok: true,
			value: '410821198506151235',
			birthDate: '1985-06-15',
			sex: 'male'
		});
	});
});

describe('validateResidentId: normalising', () => {
	it('upper-cases a final lowercase x', () => {
		expect(validateResidentId('11010519491231002x', TODAY)).toMatchObject({
			ok: true,
			value: '11010519491231002X'
		});
	});

	it('trims surrounding whitespace, including an ideographic space and a newline', () => {
		expect(validateResidentId('  34052419800101001X\n', TODAY)).toMatchObject({
			ok: true,
			value: '34052419800101001X'
		});
		expect(validateResidentId('\u300034052419800101001x\t', TODAY)).toMatchObject({
			ok: true,
			value: '34052419800101001X'
		});
	});
});

describe('validateResidentId: format', () => {
	it.each([
		['empty', ''],
		['only spaces', '   '],
		['17 characters', '11010519491231002'],
		['19 characters', '11010519491231002X1'],
		['X before the end', '1101051949123100X2'],
		['x before the end', '1101051949123100x2'],
		['a letter other than X', '11010519491231002Y'],
		['a space inside', '110105 19491231002X'],
		['a hyphen inside', '110105-19491231002X'],
		['full-width digits', '１１０１０５１９４９１２３１００２Ｘ'],
		['the old 15-digit format', '110105491231002'],
		['a full-width final Ｘ', '11010519491231002Ｘ']
	])('rejects %s', (_label, input) => {
		expect(validateResidentId(input, TODAY)).toEqual({ ok: false, error: 'format' });
	});
});

describe('validateResidentId: birth date', () => {
	// The check digit is deliberately left wrong: the date is judged first.
	it.each([
		['19990230', 'February 30'],
		['19991301', 'month 13'],
		['19990431', 'April 31'],
		['19990600', 'day 00'],
		['19990015', 'month 00'],
		['19990229', '29 February in a common year'],
		['19000229', '29 February 1900 (a century, not a leap year)'],
		['21000229', '29 February 2100'],
		['19991232', 'day 32'],
		['18991231', 'the day before 1900-01-01'],
		['00000000', 'all zeros']
	])('rejects %s (%s)', (date) => {
		expect(validateResidentId(`410802${date}0010`, TODAY)).toEqual({ ok: false, error: 'date' });
	});

	it.each([
		['20000229', '2000-02-29'],
		['20240229', '2024-02-29'],
		['19000101', '1900-01-01'],
		['19991231', '1999-12-31'],
		['19990131', '1999-01-31'],
		['19990430', '1999-04-30'],
		['19990228', '1999-02-28']
	])('accepts %s as %s', (date, iso) => {
		const first17 = `410802${date}001`;
		const result = validateResidentId(first17 + idCheckChar(first17), TODAY);
		expect(result).toMatchObject({ ok: true, birthDate: iso });
	});
});

describe('validateResidentId: future birth dates', () => {
	const first17 = '41088220251231001';
	const id = first17 + idCheckChar(first17);

	it('accepts a birth date equal to today in Shanghai', () => {
		expect(validateResidentId(id, new Date('2025-12-30T16:00:00Z'))).toMatchObject({ ok: true });
	});

	it('rejects it a millisecond earlier, while Shanghai is still on the day before', () => {
		expect(validateResidentId(id, new Date('2025-12-30T15:59:59.999Z'))).toEqual({
			ok: false,
			error: 'future'
		});
	});

	it('reports future before a wrong check digit', () => {
		const wrong = first17 + (id.charAt(17) === '0' ? '1' : '0');
		expect(validateResidentId(wrong, new Date('2025-06-01T00:00:00Z'))).toEqual({
			ok: false,
			error: 'future'
		});
		expect(validateResidentId(wrong, new Date('2026-06-01T00:00:00Z'))).toEqual({
			ok: false,
			error: 'check'
		});
	});

	it('defaults today to now, so a number born in 2099 is in the future', () => {
		const far = '41080220991231001';
		expect(validateResidentId(far + idCheckChar(far))).toEqual({ ok: false, error: 'future' });
	});

	it('refuses an invalid today rather than guessing', () => {
		expect(() => validateResidentId('34052419800101001X', new Date(Number.NaN))).toThrow(RangeError);
	});
});

describe('validateResidentId: check character', () => {
	it('rejects every wrong check character for 11010519491231002X', () => {
		for (const c of '0123456789') {
			expect(validateResidentId(`11010519491231002${c}`, TODAY)).toEqual({ ok: false, error: 'check' });
		}
	});

	it('rejects a digit where X is expected and X where a digit is expected', () => {
		expect(validateResidentId('440524198001010014', TODAY)).toEqual({ ok: false, error: 'check' });
		expect(validateResidentId('41082119850615123X', TODAY)).toEqual({ ok: false, error: 'check' });
		expect(validateResidentId('41082119850615123x', TODAY)).toEqual({ ok: false, error: 'check' });
	});

	it('rejects a swap of two adjacent digits', () => {
		expect(validateResidentId('410821198506151325', TODAY)).toEqual({ ok: false, error: 'check' });
	});
});

describe('validateResidentId: sex', () => {
	it.each([
		['0', 'female'],
		['1', 'male'],
		['2', 'female'],
		['3', 'male'],
		['4', 'female'],
		['5', 'male'],
		['6', 'female'],
		['7', 'male'],
		['8', 'female'],
		['9', 'male']
	])('position 17 = %s → %s', (digit, sex) => {
		const first17 = `4108021990010100${digit}`;
		expect(validateResidentId(first17 + idCheckChar(first17), TODAY)).toMatchObject({ ok: true, sex });
	});
});

describe('maskIdNumber', () => {
	it('keeps the first and last four of an 18-character number', () => {
		expect(maskIdNumber('41080219870305104X')).toBe('4108**********104X');
		expect(maskIdNumber('11010519491231002X')).toBe('1101**********002X');
	});

	it.each([
		['', ''],
		['A', '*'],
		['AB', '**'],
		['ABC', '***'],
		['ABCD', '****'],
		['ABCDE', 'AB*DE'],
		['E12345678', 'E1*****78'],
		['G123456789', 'G1******89'],
		['11010519491231002', '11*************02'],
		['11010519491231002X1', '11***************X1']
	])('masks %j as %j', (input, masked) => {
		expect(maskIdNumber(input)).toBe(masked);
		expect(maskIdNumber(input)).toHaveLength(input.length);
	});

	it('never shows the birth date or sequence of an 18-character number', () => {
		const masked = maskIdNumber('34052419800101001X');
		expect(masked).not.toContain('1980');
		expect(masked.slice(4, 14)).toBe('**********');
	});
});
