/**
 * The OpenAPI 3.1 description of the device API, served at /api/v1/openapi.json. The request body's
 * schema is generated from the zod schema the endpoint validates with, so the two cannot drift apart.
 */
import { z } from 'zod';
import { CONSCIOUSNESS, SYMPTOMS } from '../../domain/vitals';
import { deviceReadingBody } from '../../schemas/device';
import { READING_BODY_LIMIT } from './reading-endpoint';

function requestSchema() {
	const { $schema: _dialect, ...schema } = z.toJSONSchema(deviceReadingBody, { io: 'input' }) as Record<
		string,
		unknown
	>;
	return {
		...schema,
		description:
			'Exactly one of stayId or idNumber. At least one value or symptom. Absent values are not measured; ' +
			'symptoms absent means none. The slot (morning, evening, extra) is derived from takenAt in the ' +
			'site’s time zone. spo2Scale defaults to the resident’s scale, onOxygen to false.'
	};
}

const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });

const readingSchema = {
	type: 'object',
	required: ['id', 'stayId', 'takenAt', 'slot', 'slotDate', 'source', 'symptoms', 'idempotencyKey'],
	properties: {
		id: { type: 'string', format: 'uuid' },
		stayId: { type: 'string', format: 'uuid' },
		takenAt: { type: 'string', format: 'date-time', description: 'UTC' },
		slot: { type: 'string', enum: ['morning', 'evening', 'extra'] },
		slotDate: { type: 'string', format: 'date', description: 'The local date the slot belongs to' },
		source: { type: 'string', enum: ['staff_round', 'phone', 'self_report', 'device'] },
		temperature: nullable({ type: 'number', description: '°C, rounded half up to 0.1' }),
		spo2: nullable({ type: 'integer' }),
		spo2Scale: { type: 'integer', enum: [1, 2] },
		onOxygen: { type: 'boolean' },
		pulse: nullable({ type: 'integer' }),
		respRate: nullable({ type: 'integer' }),
		systolicBP: nullable({ type: 'integer' }),
		diastolicBP: nullable({ type: 'integer' }),
		consciousness: nullable({ type: 'string', enum: [...CONSCIOUSNESS] }),
		symptoms: { type: 'array', items: { type: 'string', enum: [...SYMPTOMS] } },
		idempotencyKey: { type: 'string' }
	}
};

const message = {
	type: 'object',
	required: ['message'],
	properties: { message: { type: 'string' } }
};

const json = (schema: unknown) => ({ 'application/json': { schema } });

const unauthorized = {
	description:
		'No token, a malformed Authorization header, an unknown token or a revoked one. A session cookie ' +
		'does not count: the API takes device tokens only.',
	headers: { 'WWW-Authenticate': { schema: { type: 'string' } } },
	content: json({
		type: 'object',
		required: ['message', 'reason'],
		properties: {
			message: { type: 'string' },
			reason: { type: 'string', enum: ['missing_token', 'malformed_token', 'unknown_token', 'revoked_token'] }
		}
	})
};

export function openApiDocument(origin: string) {
	const readingAnswer = {
		type: 'object',
		required: ['reading', 'news2', 'alerts'],
		properties: {
			reading: { $ref: '#/components/schemas/Reading' },
			news2: {
				description: 'Null when the set is incomplete or NEWS2 does not apply (under 16, pregnant).',
				anyOf: [
					{
						type: 'object',
						required: ['total', 'anySingle3', 'risk'],
						properties: {
							total: { type: 'integer', minimum: 0, maximum: 20 },
							anySingle3: { type: 'boolean' },
							risk: { type: 'string', enum: ['low', 'low-medium', 'medium', 'high'] }
						}
					},
					{ type: 'null' }
				]
			},
			alerts: {
				description: 'The alerts this reading raised or updated; empty when none.',
				type: 'array',
				items: {
					type: 'object',
					required: ['kind', 'severity', 'status'],
					properties: {
						kind: { type: 'string' },
						severity: { type: 'string', enum: ['warning', 'critical'] },
						status: { type: 'string', enum: ['open', 'acknowledged', 'resolved'] }
					}
				}
			}
		}
	};
	return {
		openapi: '3.1.0',
		info: {
			title: 'Isolation Care device API',
			version: '1.0.0',
			description:
				'For thermometers, oximeters and call robots. Each device holds a bearer token created by an ' +
				'admin (shown once, revocable) and scoped to sites or communities; it sees and writes only the ' +
				'stays of those.'
		},
		servers: [{ url: `${origin}/api/v1` }],
		security: [{ deviceToken: [] }],
		paths: {
			'/stays': {
				get: {
					operationId: 'listStays',
					summary: 'Active stays in the token’s scope',
					description: 'Ids and plan position only: no names, ID numbers or phones.',
					responses: {
						'200': {
							description: 'The active stays, in walking order',
							content: json({ type: 'array', items: { $ref: '#/components/schemas/Stay' } })
						},
						'401': { $ref: '#/components/responses/Unauthorized' }
					}
				}
			},
			'/readings': {
				post: {
					operationId: 'recordReading',
					summary: 'Record one reading',
					description:
						'Idempotent by idempotencyKey (per token): a retry with the same key and body answers 200 ' +
						'with the first answer; the same key with another body answers 409.',
					requestBody: { required: true, content: json(requestSchema()) },
					responses: {
						'201': { description: 'Recorded', content: json(readingAnswer) },
						'200': {
							description: 'A replay of a key already recorded: the first answer',
							content: json(readingAnswer)
						},
						'401': { $ref: '#/components/responses/Unauthorized' },
						'404': {
							description: 'The stay does not exist, is out of the token’s scope, or has ended',
							content: json(message)
						},
						'409': {
							description: 'The idempotencyKey was used with a different body',
							content: json(message)
						},
						'413': {
							description: `The body is over ${READING_BODY_LIMIT} bytes (a reading takes a few hundred)`,
							content: json(message)
						},
						'422': {
							description:
								'Not JSON, a wrong type, a value out of range (the message names the field and range), ' +
								'takenAt without an offset, in the future or more than 30 days ago, or an unknown field',
							content: json({
								type: 'object',
								required: ['errors'],
								properties: {
									errors: {
										type: 'object',
										additionalProperties: { type: 'array', items: { type: 'string' } }
									}
								}
							})
						}
					}
				}
			}
		},
		components: {
			securitySchemes: {
				deviceToken: {
					type: 'http',
					scheme: 'bearer',
					description: 'A device token (icd_…), created under Admin → Devices'
				}
			},
			responses: { Unauthorized: unauthorized },
			schemas: {
				Stay: {
					type: 'object',
					required: ['stayId', 'site', 'room', 'phase', 'day', 'news2Applicable'],
					properties: {
						stayId: { type: 'string', format: 'uuid' },
						site: { type: 'string', description: 'The site’s or community’s code' },
						room: nullable({ type: 'string', description: 'Building-number; null at home' }),
						phase: nullable({ type: 'string', enum: ['centralised', 'home_isolation', 'home_monitoring'] }),
						day: { type: 'integer', minimum: 0, description: 'Day of the stay, 1 from its start' },
						news2Applicable: {
							type: 'boolean',
							description: 'False for residents under 16 or pregnant: NEWS2 is not scored for them'
						}
					}
				},
				Reading: readingSchema
			}
		}
	};
}
