import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './log';

function capture() {
	const lines: string[] = [];
	const stream = new Writable({
		write(chunk, _enc, cb) {
			lines.push(String(chunk));
			cb();
		}
	});
	return { lines, logger: createLogger('info', stream) };
}

describe('the logger', () => {
	it('never prints names, ID numbers, phones or readings', () => {
		const { lines, logger } = capture();
		logger.info(
			{
				residentId: 'r-1',
				name: '张伟',
				idNumber: '11010519491231002X',
				phone: '13812345678',
				resident: { name: '李娜', phone: '13912345678', homeAddress: '焦作市' },
				reading: { temperature: 38.2, spo2: 91 },
				nested: { deep: { idNumber: '440524188001010014' } }
			},
			'reading saved'
		);
		const out = lines.join('');
		for (const secret of [
			'张伟',
			'李娜',
			'11010519491231002X',
			'13812345678',
			'13912345678',
			'焦作市',
			'440524188001010014'
		])
			expect(out).not.toContain(secret);
		const entry = JSON.parse(out);
		expect(entry.msg).toBe('reading saved');
		expect(entry.residentId).toBe('r-1');
		expect(entry.reading).toEqual({ temperature: '[redacted]', spo2: '[redacted]' });
		expect(entry.resident.name).toBe('[redacted]');
	});
});
