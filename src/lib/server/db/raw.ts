/**
 * Helpers for statements written as SQL (`db.execute(sql`…`)`), which both drivers answer differently
 * and which drizzle would otherwise spread a JavaScript array into.
 */
import { sql, type SQL } from 'drizzle-orm';

/** The rows of a raw statement: postgres.js answers an array, PGlite an object holding `rows`. */
export function rowsOf<T>(result: unknown): T[] {
	return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * A list as one array parameter of a PostgreSQL type, however long (a ward round passes hundreds of
 * ids): `= any(…)`, `unnest(…)`. For values without commas or braces: ids, instants, enum codes.
 */
export function sqlArray(values: readonly string[], type: 'uuid' | 'timestamptz' | 'alert_kind'): SQL {
	return sql`${`{${values.join(',')}}`}::${sql.raw(type)}[]`;
}
