import { json } from '@sveltejs/kit';
import { openApiDocument } from '$lib/server/devices/openapi';
import type { RequestHandler } from './$types';

/** Public by design: the description of the device API holds no data, and integrators read it first. */
export const GET: RequestHandler = async (event) => json(openApiDocument(event.url.origin));
