import { describe, expect, it } from 'vitest';
import { maskPhone, normalizePhone, validatePhone } from './phone';

describe('normalizePhone', () => {
	it.each([
		['13812345678', '13812345678'],
		['138 1234 5678', '13812345678'],
		['138-1234-5678', '13812345678'],
		[' 138 - 1234 - 5678 ', '13812345678'],
		['138\t1234\u30005678', '13812345678'],
		['+8613812345678', '13812345678'],
		['+86 138 1234 5678', '13812345678'],
		['+86-138-1234-5678', '13812345678'],
		['008613812345678', '13812345678'],
		['0086 138 1234 5678', '13812345678'],
		['8613812345678', '13812345678'],
		['86 138 1234 5678', '13812345678']
	])('%j → %j', (input, out) => {
		expect(normalizePhone(input)).toBe(out);
	});

	it('leaves an 11-digit string that starts with 86 alone', () => {
		expect(normalizePhone('86123456789')).toBe('86123456789');
	});

	it('strips a bare 86 only when exactly 11 digits remain', () => {
		expect(normalizePhone('861381234567')).toBe('861381234567');
		expect(normalizePhone('86138123456789')).toBe('86138123456789');
		expect(normalizePhone('8613812345a78')).toBe('8613812345a78');
	});

	it('strips +86 and 0086 whatever follows, leaving validation to judge the rest', () => {
		expect(normalizePhone('+86123')).toBe('123');
		expect(normalizePhone('0086')).toBe('');
	});

	it('strips the prefix only once and only at the start', () => {
		expect(normalizePhone('+86+8613812345678')).toBe('+8613812345678');
		expect(normalizePhone('138+8612345')).toBe('138+8612345');
	});

	it('keeps other characters for validation to refuse', () => {
		expect(normalizePhone('(138)12345678')).toBe('(138)12345678');
		expect(normalizePhone('')).toBe('');
	});
});

describe('validatePhone', () => {
	it.each(['13', '14', '15', '16', '17', '18', '19'])('accepts a number starting %s', (prefix) => {
		const n = `${prefix}912345678`;
		expect(validatePhone(n)).toEqual({ ok: true, value: n });
	});

	it.each(['10', '11', '12'])('refuses a number starting %s', (prefix) => {
		expect(validatePhone(`${prefix}912345678`)).toEqual({ ok: false });
	});

	it('returns the normalised value', () => {
		expect(validatePhone('+86 139-0000-1111')).toEqual({ ok: true, value: '13900001111' });
		expect(validatePhone('0086 139 0000 1111')).toEqual({ ok: true, value: '13900001111' });
		expect(validatePhone('8613900001111')).toEqual({ ok: true, value: '13900001111' });
	});

	it.each([
		['10 digits', '1381234567'],
		['12 digits', '138123456789'],
		['a landline', '03913456789'],
		['a landline with area code and hyphen', '0391-3456789'],
		['letters', '1381234567a'],
		['full-width digits', '１３８１２３４５６７８'],
		['empty', ''],
		['only a prefix', '+86'],
		['a dot separator', '138.1234.5678'],
		['brackets', '(138)12345678'],
		['another country code', '+85213812345678'],
		['a double prefix', '+86+8613812345678'],
		['86 followed by a 10-digit number', '861381234567']
	])('refuses %s', (_label, input) => {
		expect(validatePhone(input)).toEqual({ ok: false });
	});
});

describe('maskPhone', () => {
	it('keeps the first three and last four of an 11-digit number', () => {
		expect(maskPhone('13812345678')).toBe('138****5678');
	});

	it.each([
		['', ''],
		['1', '*'],
		['1234', '****'],
		['1234567', '*******'],
		['1381234567', '**********']
	])('masks the short string %j entirely', (input, masked) => {
		expect(maskPhone(input)).toBe(masked);
	});

	it('keeps the length of a longer string and stars all but its first three and last four', () => {
		expect(maskPhone('008613812345678')).toBe('008********5678');
		expect(maskPhone('138123456789')).toBe('138*****6789');
	});
});
