import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatTime, zoneLabel } from './format';

describe('formatting in the site zone', () => {
	const at = new Date('2026-11-24T15:30:00Z'); // 23:30 in Shanghai

	it('shows Shanghai local time whatever the machine zone', () => {
		expect(formatTime(at, 'en')).toBe('23:30');
		expect(formatDateTime(at, 'en')).toContain('11/24/2026');
		expect(formatDate(new Date('2026-11-24T16:30:00Z'), 'en')).toBe('11/25/2026');
	});

	it('uses the given zone', () => {
		expect(formatTime(at, 'en', 'Europe/London')).toBe('15:30');
	});

	it('formats in Chinese', () => {
		expect(formatDate(at, 'zh-CN')).toBe('2026/11/24');
	});

	it('labels the zone with its offset', () => {
		expect(zoneLabel('Asia/Shanghai', at)).toBe('Asia/Shanghai (UTC+8)');
	});
});
