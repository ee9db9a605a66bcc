/**
 * Chinese resident identity numbers (GB 11643-1999), see reference/clinical-rules.md §3.
 */
import { DateTime } from 'luxon';

// W[i] = 2^(18−i) mod 11, written out so a reader can compare it with the standard.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

// The calendar date that "today" means for a birth date written by a Chinese authority.
const ID_ZONE = 'Asia/Shanghai';

// Anyone alive today was born after this; an earlier year is almost always a typo (1800 for 1980).
const EARLIEST_BIRTH = '1900-01-01';

export type ResidentIdResult =
	| { ok: true; value: string; birthDate: string; sex: 'male' | 'female' }
	| { ok: false; error: 'format' | 'date' | 'future' | 'check' };

/** The ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number. */
export function idCheckChar(first17: string): string {
	if (!/^\d{17}$/.test(first17)) throw new RangeError('idCheckChar needs exactly 17 digits');
	let sum = 0;
	for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
	return CHECK_CHARS.charAt(sum % 11);
}

function isLeapYear(year: number): boolean {
	return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
	if (month === 2) return isLeapYear(year) ? 29 : 28;
	return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** YYYY-MM-DD if the eight digits are a real Gregorian date, else null. */
function birthDateOf(yyyymmdd: string): string | null {
	const year = Number(yyyymmdd.slice(0, 4));
	const month = Number(yyyymmdd.slice(4, 6));
	const day = Number(yyyymmdd.slice(6, 8));
	if (month < 1 || month > 12) return null;
	if (day < 1 || day > daysInMonth(year, month)) return null;
	return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/**
 * Validates an 18-character resident ID number. Checks run in the order format, date, future, check, so
 * the error names the first thing wrong. `today` is read as a calendar date in Asia/Shanghai, so the
 * answer does not depend on the server's zone.
 */
export function validateResidentId(input: string, today: Date = new Date()): ResidentIdResult {
	let value = input.trim();
	// Policy (clinical-rules §3.3 leaves it open): the standard letter is X, but phone keyboards and
	// hand-typed forms often give x, and refusing it helps nobody, so a final x is upper-cased.
	if (value.endsWith('x')) value = value.slice(0, -1) + 'X';
	if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, error: 'format' };

	const birthDate = birthDateOf(value.slice(6, 14));
	if (birthDate === null || birthDate < EARLIEST_BIRTH) return { ok: false, error: 'date' };

	const todayDate = DateTime.fromJSDate(today, { zone: ID_ZONE }).toISODate();
	if (todayDate === null) throw new RangeError('validateResidentId: today is not a valid date');
	if (birthDate > todayDate) return { ok: false, error: 'future' };

	if (idCheckChar(value.slice(0, 17)) !== value.charAt(17)) return { ok: false, error: 'check' };

	const sex = Number(value.charAt(16)) % 2 === 1 ? 'male' : 'female';
	return { ok: true, value, birthDate, sex };
}

/**
 * Masks an ID number for display and for audit rows. Other documents (passports) vary in length, so
 * they keep only two characters at each end, and short ones show nothing at all.
 */
export function maskIdNumber(value: string): string {
	if (value.length === 18) return value.slice(0, 4) + '*'.repeat(10) + value.slice(14);
	if (value.length <= 4) return '*'.repeat(value.length);
	return value.slice(0, 2) + '*'.repeat(value.length - 4) + value.slice(-2);
}
