/**
 * Chinese mobile numbers (clinical-rules §3.4). Carrier ranges change with MIIT allocations, so only the
 * shape is checked, never a list of prefixes.
 */

const MOBILE = /^1[3-9]\d{9}$/;

/**
 * Removes what people type around a mobile number: whitespace, hyphens and the country code. A bare
 * `86` is ambiguous (it could be the start of some other number), so it is taken for the country code
 * only when it leaves exactly the 11 digits of a mobile number.
 */
export function normalizePhone(input: string): string {
	const compact = input.replace(/[\s-]+/g, '');
	if (compact.startsWith('+86')) return compact.slice(3);
	if (compact.startsWith('0086')) return compact.slice(4);
	if (/^86\d{11}$/.test(compact)) return compact.slice(2);
	return compact;
}

export function validatePhone(input: string): { ok: true; value: string } | { ok: false } {
	const value = normalizePhone(input);
	return MOBILE.test(value) ? { ok: true, value } : { ok: false };
}

/**
 * Masks a phone for display and audit rows. A string too short to be a mobile number shows nothing,
 * since revealing seven of its digits would reveal almost all of it; a longer one keeps its length.
 */
export function maskPhone(value: string): string {
	if (value.length < 11) return '*'.repeat(value.length);
	return value.slice(0, 3) + '*'.repeat(value.length - 7) + value.slice(-4);
}
