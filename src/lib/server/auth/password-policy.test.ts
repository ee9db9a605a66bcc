import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy';

describe('password rules', () => {
	it('needs at least 10 characters', () => {
		expect(passwordProblem('Tq8#mZ2!x')).toBe('too_short');
		expect(passwordProblem('Tq8#mZ2!xw')).toBeNull();
	});

	it('refuses over 128 characters', () => {
		expect(passwordProblem('a9#'.repeat(43))).toBe('too_long');
	});

	it('refuses common passwords whatever their case', () => {
		expect(passwordProblem('1234567890')).toBe('common');
		expect(passwordProblem('qwertyuiop')).toBe('common');
		expect(passwordProblem('PASSWORD123')).toBe('common');
		expect(passwordProblem('aaaaaaaaaaaa')).toBe('common');
	});

	it('refuses a password that contains the username', () => {
		expect(passwordProblem('wangfang-2026!', 'wangfang')).toBe('same_as_username');
	});

	it('accepts a long passphrase', () => {
		expect(passwordProblem('ward-seven tea kettle')).toBeNull();
	});
});
