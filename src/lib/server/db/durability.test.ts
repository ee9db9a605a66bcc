import { describe, expect, it } from 'vitest';
import { durabilityMessage, unsafeSettings } from './durability';

describe('durability settings', () => {
	it('accepts PostgreSQL as it ships, and synchronous_commit local or remote_apply', () => {
		expect(unsafeSettings({ fsync: 'on', full_page_writes: 'on', synchronous_commit: 'on' })).toEqual([]);
		expect(unsafeSettings({ fsync: 'on', full_page_writes: 'on', synchronous_commit: 'local' })).toEqual([]);
		expect(unsafeSettings({ synchronous_commit: 'remote_apply' })).toEqual([]);
	});

	it('names every setting that is off', () => {
		expect(unsafeSettings({ fsync: 'off', full_page_writes: 'on', synchronous_commit: 'on' })).toEqual([
			'fsync'
		]);
		expect(unsafeSettings({ fsync: 'OFF', full_page_writes: 'off', synchronous_commit: 'off' })).toEqual([
			'fsync',
			'full_page_writes',
			'synchronous_commit'
		]);
	});

	it('tells the operator what is wrong and what to do', () => {
		const text = durabilityMessage(['fsync', 'synchronous_commit']);
		expect(text).toContain('fsync = off, synchronous_commit = off');
		expect(text).toContain('Turn them back on');
	});
});
