/**
 * Password rules: at least 10 characters, at most 128, and not on the list of commonly used passwords
 * (the list that zxcvbn-ts ships, ~49,000 entries), compared without case.
 */
import { dictionary } from '@zxcvbn-ts/language-common';

export const MIN_LENGTH = 10;
export const MAX_LENGTH = 128;

let common: Set<string> | null = null;
function commonPasswords(): Set<string> {
	common ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
	return common;
}

export type PasswordProblem = 'too_short' | 'too_long' | 'common' | 'same_as_username';

export function passwordProblem(password: string, username?: string | null): PasswordProblem | null {
	if (password.length < MIN_LENGTH) return 'too_short';
	if (password.length > MAX_LENGTH) return 'too_long';
	const lower = password.toLowerCase();
	if (commonPasswords().has(lower)) return 'common';
	// A keyboard run or a repeated character padded to length is as weak as a listed password.
	if (/^(.)\1+$/.test(password) || '1234567890qwertyuiopasdfghjklzxcvbnm'.includes(lower)) return 'common';
	if (username && lower.includes(username.toLowerCase())) return 'same_as_username';
	return null;
}
