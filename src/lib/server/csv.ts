/**
 * CSV files people open in Excel: UTF-8 with a byte-order mark (without it Excel reads Chinese as
 * mojibake), CRLF line ends, and cells that start like a formula (=, +, -, @) escaped so that a name
 * typed as "=HYPERLINK(...)" stays text on the reader's machine.
 */
import { stringify } from 'csv-stringify/sync';

export type Cell = string | number | null | undefined;

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
	return stringify([header, ...rows] as Cell[][], {
		bom: true,
		escape_formulas: true,
		record_delimiter: 'windows'
	});
}

/** A CSV download; the name may be Chinese (RFC 6266 `filename*`), with an ASCII fallback. */
export function csvResponse(body: string, filename: string, asciiName: string): Response {
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
			'cache-control': 'no-store'
		}
	});
}
