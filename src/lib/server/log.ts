/**
 * Structured JSON logs to stdout (pino). Health data never goes to a log: the redaction list below
 * removes the personal fields wherever they appear, and code logs ids, not people.
 * No `pino.transport()` here: worker-thread transports break once the server is bundled. In development
 * pipe the output through `pino-pretty`.
 */
import pino from 'pino';

const personal = [
	'name',
	'displayName',
	'idNumber',
	'phone',
	'emergencyContactName',
	'emergencyContactPhone',
	'homeAddress',
	'address',
	'password',
	'passwordHash',
	'code',
	'token',
	'temperature',
	'spo2',
	'pulse',
	'respRate',
	'systolicBp',
	'diastolicBp',
	'symptoms',
	// Second-factor secrets (never logged on purpose; this catches a user row logged whole).
	'totpKey',
	'totpSecret'
];

export const redactPaths = [
	...personal,
	...personal.map((p) => `*.${p}`),
	...personal.map((p) => `*.*.${p}`),
	'req.headers.cookie',
	'req.headers.authorization'
];

export function createLogger(
	level: string = process.env.LOG_LEVEL ?? 'info',
	destination?: pino.DestinationStream
) {
	return pino(
		{
			level,
			base: { service: 'isolation-care' },
			redact: { paths: redactPaths, censor: '[redacted]' },
			timestamp: pino.stdTimeFunctions.isoTime
		},
		destination
	);
}

export const log = createLogger();
