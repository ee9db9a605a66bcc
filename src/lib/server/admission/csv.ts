/**
 * Bulk admission, first half: a contact-tracing list as a CSV file → one admission candidate per row, each
 * with its errors, for the preview. Pure: no database. The caller resolves what needs the database (an
 * active stay, a free room) and admits the valid rows in one transaction.
 *
 * The file format is documented for site staff in docs/csv-import.md; keep the two in step.
 *
 * Messages are codes. Row errors are `{ field, code }`, where field is a key of the admission schema (or
 * `siteId`) and code is the schema's own code or one of those below. File errors and warnings are strings
 * `code` or `code: detail` (the detail names columns, lines or counts and is not translated):
 *
 * - file errors: `not_csv: xlsx|xls`, `encoding_unsupported: UTF-16`, `csv_malformed: line N (CSV_CODE)`,
 *   `empty_file`, `missing_columns: 姓名, 手机号`, `duplicate_columns: 姓名`, `no_rows`,
 *   `too_many_rows: 2500 > 2000`
 * - warnings: `unknown_columns: 备注, 年龄`, `lines_before_header_ignored: 1`
 * - row codes added here: `id_type_unknown`, `id_scientific` (Excel turned the ID number into 4.10802E+17),
 *   `category_unknown`, `date_invalid`, `boolean_invalid`, `community_unknown`, `community_ambiguous`,
 *   `plan_unknown`, `plan_ambiguous`, `site_unknown`, `site_ambiguous`, `site_required`,
 *   `site_not_allowed`, `duplicate_in_file`, and `required` for an empty category, community or plan.
 */
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { idCheckChar } from '../../domain/id-number';
import type { PhaseMode } from '../../domain/plan';
import { admissionSchema, CATEGORIES, ID_TYPES, type AdmissionInput } from '../../schemas/admission';

export type CsvEncoding = 'utf-8' | 'gbk';

/** A field of the admission schema, or the centralised site (the room is chosen later). */
export type CsvField = Exclude<keyof AdmissionInput, 'roomId' | 'idempotencyKey'> | 'siteId';

export interface CsvColumn {
	field: CsvField;
	/** The header Excel users type, and the one the template uses. */
	zh: string;
	en: string;
	/** Must be in the header (a cell may still be empty where the schema allows it). */
	required: boolean;
	/** Other spellings people use for the same column. */
	aliases: readonly string[];
}

/** The columns in template order. Header names are matched ignoring case and surrounding spaces. */
export const CSV_COLUMNS: readonly CsvColumn[] = Object.freeze([
	col('name', '姓名', 'name', true),
	col('idType', '证件类型', 'id_type', false),
	col('idNumber', '证件号码', 'id_number', true, ['证件号', '身份证号', '身份证号码']),
	col('phone', '手机号', 'phone', true, ['手机', '手机号码']),
	col('emergencyContactName', '紧急联系人', 'emergency_contact', false),
	col('emergencyContactPhone', '紧急联系人电话', 'emergency_phone', false),
	col('homeAddress', '住址', 'home_address', true, ['地址', '家庭住址', '现住址']),
	col('homeCommunityId', '所属社区', 'community', true, ['社区']),
	col('category', '人员类别', 'category', true),
	col('exposureDate', '末次暴露日期', 'exposure_date', false),
	col('sourceCaseRef', '关联病例', 'source_case', false),
	col('planId', '隔离方案', 'plan', true),
	col('siteId', '隔离点', 'site', false),
	col('pregnant', '孕期', 'pregnant', false),
	col('chronicDisease', '慢性病', 'chronic_disease', false),
	col('immunosuppressed', '免疫抑制', 'immunosuppressed', false),
	col('allergies', '过敏史', 'allergies', false),
	col('regularMedicines', '常用药', 'regular_medicines', false)
]);

function col(field: CsvField, zh: string, en: string, required: boolean, aliases: string[] = []): CsvColumn {
	return { field, zh, en, required, aliases };
}

/** The header line of the template, in Chinese. */
export const CSV_TEMPLATE_HEADER = CSV_COLUMNS.map((c) => c.zh).join(',');

export const CSV_DEFAULT_MAX_ROWS = 2000;

export interface CsvRefs {
	/** Home communities the rows may name, by code or name. */
	communities: readonly { id: string; code: string; name: string }[];
	/** Plans the rows may name, by code or name; firstMode decides whether a site is needed. */
	plans: readonly { id: string; code: string; name: string; firstMode: PhaseMode }[];
	/** Centralised sites the rows may name (those the importing user may admit to), by code or name. */
	sites: readonly { id: string; code: string; name: string }[];
}

export interface CsvRowError {
	field: CsvField;
	code: string;
}

export interface CsvRow {
	/** The 1-based file line the row starts on (the header is line 1). */
	line: number;
	/**
	 * For a row without errors, the schema's output (trimmed, defaults filled) without roomId and
	 * idempotencyKey, which the caller supplies; otherwise the cells that could be read.
	 */
	input: Partial<AdmissionInput> & { siteId?: string };
	errors: CsvRowError[];
}

export interface CsvParseResult {
	encoding: CsvEncoding;
	/** When not empty, the file is refused as a whole and rows is empty. */
	fileErrors: string[];
	warnings: string[];
	rows: CsvRow[];
}

const BOM = '\uFEFF';

/**
 * The text of an uploaded CSV file: UTF-8 with or without a BOM (the BOM is removed), else GBK, which is
 * what Excel on Chinese Windows writes. Bytes that are not valid UTF-8 are taken for GBK; they are decoded
 * as GB 18030, its superset, so rare characters that WPS writes in four bytes survive too.
 */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
	let text: string;
	let encoding: CsvEncoding;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
		encoding = 'utf-8';
	} catch {
		text = iconv.decode(bytes, 'gb18030');
		encoding = 'gbk';
	}
	if (text.startsWith(BOM)) text = text.slice(1);
	return { text, encoding };
}

/** Keys under which a header cell is recognised. */
function headerKey(cell: string): string {
	return cell
		.normalize('NFKC')
		.trim()
		.replace(/^\*+|\*+$/g, '') // "姓名*" marks a required column in many templates
		.replace(/\s*\([^)]*\)$/, '') // "末次暴露日期(YYYY-MM-DD)"; NFKC has made full-width brackets ASCII
		.trim()
		.toLowerCase()
		.replace(/[\s-]+/g, '_');
}

const COLUMN_BY_KEY = new Map<string, CsvColumn>();
for (const c of CSV_COLUMNS)
	for (const name of [c.zh, c.en, ...c.aliases]) COLUMN_BY_KEY.set(headerKey(name), c);

/** Full-width digits and letters (a Chinese IME in full-width mode) as ASCII, case and spaces folded. */
function fold(value: string): string {
	return value.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

const ID_TYPE_WORDS: Record<string, (typeof ID_TYPES)[number]> = {
	居民身份证: 'resident_id',
	身份证: 'resident_id',
	护照: 'passport',
	其他: 'other',
	其它: 'other'
};
for (const t of ID_TYPES) ID_TYPE_WORDS[t] = t;

const CATEGORY_WORDS: Record<string, (typeof CATEGORIES)[number]> = {
	密接: 'close_contact',
	密切接触者: 'close_contact',
	密接的密接: 'secondary_contact',
	次密接: 'secondary_contact',
	次密切接触者: 'secondary_contact',
	入境人员: 'inbound',
	入境: 'inbound',
	高风险区: 'high_risk_area',
	高风险地区: 'high_risk_area',
	其他: 'other',
	其它: 'other'
};
for (const c of CATEGORIES) CATEGORY_WORDS[c] = c;

const BOOLEAN_WORDS: Record<string, boolean> = {
	'': false,
	是: true,
	有: true,
	y: true,
	yes: true,
	'1': true,
	true: true,
	否: false,
	无: false,
	n: false,
	no: false,
	'0': false,
	false: false
};

function lookupWord<T>(words: Record<string, T>, cell: string): T | undefined {
	const key = fold(cell);
	return Object.hasOwn(words, key) ? words[key] : undefined;
}

/** YYYY-MM-DD from YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日 (Excel may add a 0:00 time); else null. */
export function normalizeCsvDate(cell: string): string | null {
	const v = cell.normalize('NFKC').trim();
	// Both patterns put year, month and day in groups 1, 3 and 4 (group 2 is the separator, or nothing).
	const m =
		/^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:\s+0?0:00(?::00)?)?$/.exec(v) ??
		/^(\d{4})\s*年()\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$/.exec(v);
	if (!m) return null;
	const [year, month, day] = [Number(m[1]), Number(m[3]), Number(m[4])];
	const date = new Date(Date.UTC(year, month - 1, day));
	if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
		return null;
	return `${m[1]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A number cell as typed: full-width digits made ASCII, and the leading ' that forces text in Excel dropped. */
function numberCell(cell: string): string {
	return cell.normalize('NFKC').trim().replace(/^'/, '').trim();
}

/** The key under which two ID numbers are the same person: trimmed, a final x upper-cased. */
function idKey(idNumber: string): string {
	return numberCell(idNumber).replace(/x$/, 'X');
}

type Lookup<T> = { found: T } | { error: 'unknown' | 'ambiguous' };

/** By code first, then by name; both ignoring case, spaces and full-width forms. */
function lookupRef<T extends { code: string; name: string }>(list: readonly T[], cell: string): Lookup<T> {
	const key = fold(cell);
	for (const part of ['code', 'name'] as const) {
		const hits = list.filter((x) => fold(x[part]) === key);
		if (hits.length > 1) return { error: 'ambiguous' };
		if (hits[0]) return { found: hits[0] };
	}
	return { error: 'unknown' };
}

const CR = 0x0d;
const LF = 0x0a;

interface CsvRecord {
	cells: string[];
	line: number;
}

/**
 * The records of the file with the line each starts on. csv-parse counts a CRLF inside a quoted cell as
 * two lines, so lines are counted here from the byte offset where each record ends.
 */
function readRecords(text: string): { records: CsvRecord[] } | { error: string } {
	const buf = Buffer.from(text, 'utf8');
	const ends: number[] = [];
	let cells: string[][];
	try {
		cells = parse(buf, {
			bom: true,
			relax_column_count: true,
			skip_empty_lines: true,
			trim: true,
			on_record: (record: string[], context) => {
				ends.push(context.bytes);
				return record;
			}
		});
	} catch (e) {
		const err = e as { code?: unknown; lines?: unknown };
		const where = typeof err.lines === 'number' ? `line ${err.lines}` : 'unknown line';
		return { error: `csv_malformed: ${where} (${typeof err.code === 'string' ? err.code : 'CSV_ERROR'})` };
	}
	const records: CsvRecord[] = [];
	let pos = 0;
	let line = 1;
	let start = 0;
	cells.forEach((record, i) => {
		// Skipped blank lines lie between the previous record's end and this one's first character.
		while (
			start < buf.length &&
			(buf[start] === CR || buf[start] === LF || buf[start] === 0x20 || buf[start] === 0x09)
		)
			start++;
		for (; pos < start; pos++) if (buf[pos] === LF || (buf[pos] === CR && buf[pos + 1] !== LF)) line++;
		records.push({ cells: record, line });
		start = ends[i] ?? buf.length;
	});
	return { records };
}

const isBlank = (cells: string[]) => cells.every((c) => c === '');

/** How many leading records may precede the header (a title such as "密接人员名单" above it). */
const HEADER_SEARCH = 5;

/**
 * Reads a contact-tracing list. Never throws on bad input: a file that cannot be read as a whole gets
 * fileErrors (and no rows); every row gets its own errors. A row with no errors is ready to admit once
 * the caller has checked what needs the database (an active stay, a free room).
 */
export function parseContactList(
	bytes: Uint8Array,
	refs: CsvRefs,
	options: { maxRows?: number } = {}
): CsvParseResult {
	const maxRows = options.maxRows ?? CSV_DEFAULT_MAX_ROWS;
	const { text, encoding } = decodeCsv(bytes);
	const refuse = (error: string, warnings: string[] = []): CsvParseResult => ({
		encoding,
		fileErrors: [error],
		warnings,
		rows: []
	});

	const head = Array.from(bytes.subarray(0, 4));
	const startsWith = (...b: number[]) => b.every((x, i) => head[i] === x);
	if (startsWith(0x50, 0x4b, 0x03, 0x04)) return refuse('not_csv: xlsx');
	if (startsWith(0xd0, 0xcf, 0x11, 0xe0)) return refuse('not_csv: xls');
	if (startsWith(0xff, 0xfe) || startsWith(0xfe, 0xff)) return refuse('encoding_unsupported: UTF-16');

	const read = readRecords(text);
	if ('error' in read) return refuse(read.error);
	const records = read.records.filter((r) => !isBlank(r.cells));
	if (records.length === 0) return refuse('empty_file');

	// The header is the first record naming at least two known columns, else the first record.
	const known = (r: CsvRecord) => r.cells.filter((c) => COLUMN_BY_KEY.has(headerKey(c))).length;
	let headerIndex = records.slice(0, HEADER_SEARCH).findIndex((r) => known(r) >= 2);
	if (headerIndex < 0) headerIndex = 0;
	const header = records[headerIndex] as CsvRecord;
	const warnings: string[] = [];
	if (headerIndex > 0) warnings.push(`lines_before_header_ignored: ${headerIndex}`);

	const positions = new Map<CsvField, number>();
	const unknown: string[] = [];
	const duplicated: string[] = [];
	header.cells.forEach((cell, i) => {
		if (cell === '') return;
		const column = COLUMN_BY_KEY.get(headerKey(cell));
		if (!column) unknown.push(cell);
		else if (positions.has(column.field)) duplicated.push(cell);
		else positions.set(column.field, i);
	});
	if (unknown.length > 0) warnings.push(`unknown_columns: ${unknown.join(', ')}`);
	const missing = CSV_COLUMNS.filter((c) => c.required && !positions.has(c.field)).map((c) => c.zh);
	if (missing.length > 0) return refuse(`missing_columns: ${missing.join(', ')}`, warnings);
	if (duplicated.length > 0) return refuse(`duplicate_columns: ${duplicated.join(', ')}`, warnings);

	const data = records.slice(headerIndex + 1);
	if (data.length === 0) return refuse('no_rows', warnings);
	if (data.length > maxRows) return refuse(`too_many_rows: ${data.length} > ${maxRows}`, warnings);

	const rows = data.map((r) => readRow(r, positions, refs));

	const firstLineById = new Map<string, number>();
	for (const row of rows) {
		const key = typeof row.input.idNumber === 'string' ? idKey(row.input.idNumber) : '';
		if (key === '') continue;
		if (firstLineById.has(key)) row.errors.push({ field: 'idNumber', code: 'duplicate_in_file' });
		else firstLineById.set(key, row.line);
	}
	return { encoding, fileErrors: [], warnings, rows };
}

const FIELD_ORDER = new Map(CSV_COLUMNS.map((c, i) => [c.field as string, i]));
const TEXT_FIELDS = [
	'name',
	'emergencyContactName',
	'homeAddress',
	'sourceCaseRef',
	'allergies',
	'regularMedicines'
] as const;
const BOOLEAN_FIELDS = ['pregnant', 'chronicDisease', 'immunosuppressed'] as const;

function readRow(record: CsvRecord, positions: Map<CsvField, number>, refs: CsvRefs): CsvRow {
	const { line } = record;
	/** The cell of a column; undefined when the column is not in the file. */
	const cell = (field: CsvField): string | undefined => {
		const i = positions.get(field);
		return i === undefined ? undefined : (record.cells[i] ?? '');
	};
	const errors: CsvRowError[] = [];
	const failed = new Set<string>();
	const fail = (field: CsvField, code: string) => {
		errors.push({ field, code });
		failed.add(field);
	};
	/** What the row says, as far as it could be read. */
	const input: Record<string, unknown> = {};
	/** What the schema sees: a neutral value where a cell could not be read, so it checks the rest. */
	const candidate: Record<string, unknown> = { idempotencyKey: `csv-line-${line}`, roomId: '' };
	const set = (field: CsvField, value: unknown) => {
		input[field] = value;
		candidate[field] = value;
	};

	for (const field of TEXT_FIELDS) {
		const v = cell(field);
		if (v !== undefined) set(field, v);
	}

	const idTypeCell = cell('idType') ?? '';
	const idType = idTypeCell === '' ? 'resident_id' : lookupWord(ID_TYPE_WORDS, idTypeCell);
	if (idType) set('idType', idType);
	else {
		fail('idType', 'id_type_unknown');
		candidate.idType = 'other';
	}

	let idNumber = numberCell(cell('idNumber') ?? '');
	if (idType === 'resident_id') idNumber = idNumber.replace(/x$/, 'X');
	set('idNumber', idNumber);
	if (/^\d+(\.\d+)?e\+?\d+$/i.test(idNumber)) fail('idNumber', 'id_scientific');

	set('phone', numberCell(cell('phone') ?? ''));
	const emergencyPhone = cell('emergencyContactPhone');
	if (emergencyPhone !== undefined) set('emergencyContactPhone', numberCell(emergencyPhone));

	const categoryCell = cell('category') ?? '';
	const category = lookupWord(CATEGORY_WORDS, categoryCell);
	if (category) set('category', category);
	else {
		fail('category', categoryCell === '' ? 'required' : 'category_unknown');
		candidate.category = 'other';
	}

	const dateCell = cell('exposureDate');
	if (dateCell !== undefined && dateCell !== '') {
		const date = normalizeCsvDate(dateCell);
		if (date) set('exposureDate', date);
		else fail('exposureDate', 'date_invalid');
	}

	for (const field of BOOLEAN_FIELDS) {
		const v = cell(field);
		if (v === undefined) continue;
		const b = lookupWord(BOOLEAN_WORDS, v);
		if (b === undefined) fail(field, 'boolean_invalid');
		else set(field, b);
	}

	const communityCell = cell('homeCommunityId') ?? '';
	candidate.homeCommunityId = '';
	if (communityCell === '') fail('homeCommunityId', 'required');
	else {
		const c = lookupRef(refs.communities, communityCell);
		if ('found' in c) set('homeCommunityId', c.found.id);
		else fail('homeCommunityId', `community_${c.error}`);
	}

	const planCell = cell('planId') ?? '';
	candidate.planId = '';
	let firstMode: PhaseMode | undefined;
	if (planCell === '') fail('planId', 'required');
	else {
		const p = lookupRef(refs.plans, planCell);
		if ('found' in p) {
			set('planId', p.found.id);
			firstMode = p.found.firstMode;
		} else fail('planId', `plan_${p.error}`);
	}

	const siteCell = cell('siteId') ?? '';
	if (siteCell === '') {
		if (firstMode === 'centralised') fail('siteId', 'site_required');
	} else if (firstMode !== undefined && firstMode !== 'centralised') fail('siteId', 'site_not_allowed');
	else {
		const s = lookupRef(refs.sites, siteCell);
		if ('found' in s) input.siteId = s.found.id;
		else fail('siteId', `site_${s.error}`);
	}

	const parsed = admissionSchema.safeParse(candidate);
	if (!parsed.success) {
		for (const issue of parsed.error.issues) {
			const field = String(issue.path[0] ?? '');
			if (failed.has(field) || !FIELD_ORDER.has(field)) continue;
			const code = /^[a-z][a-z0-9_]*$/.test(issue.message) ? issue.message : issue.code;
			if (!errors.some((e) => e.field === field && e.code === code))
				errors.push({ field: field as CsvField, code });
		}
	}
	// An empty cell is just required: "phone_invalid" for an empty phone would add nothing.
	const empty = new Set(errors.filter((e) => e.code === 'required').map((e) => e.field));
	const shown = errors.filter((e) => e.code === 'required' || !empty.has(e.field));
	shown.sort((a, b) => (FIELD_ORDER.get(a.field) ?? 0) - (FIELD_ORDER.get(b.field) ?? 0));

	if (parsed.success && shown.length === 0) {
		const { roomId: _roomId, idempotencyKey: _key, ...admission } = parsed.data;
		const siteId = input.siteId as string | undefined;
		return { line, input: siteId ? { ...admission, siteId } : admission, errors: shown };
	}
	return { line, input: input as CsvRow['input'], errors: shown };
}

/** A cell for the template: quoted when it holds a comma, a quote or a line break. */
function csvCell(value: string): string {
	return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * A template to download: the header and one made-up example row. The example names a community, a plan
 * and a centralised site; pass the names of real ones so that the template imports as it is (`site: ''`
 * with a home plan). With bom (the default) the text starts with a UTF-8 BOM, without which Excel on
 * Chinese Windows reads UTF-8 as GBK and shows garbage.
 */
export function csvTemplate(
	example: { community?: string; plan?: string; site?: string; bom?: boolean } = {}
): string {
	const first17 = '11010519850304002';
	const values: Record<CsvField, string> = {
		name: '张三',
		idType: '居民身份证',
		idNumber: first17 + idCheckChar(first17),
		phone: '13800001234',
		emergencyContactName: '李四',
		emergencyContactPhone: '13800005678',
		homeAddress: '示例市示例区示例路1号2单元301室',
		homeCommunityId: example.community ?? '示例社区',
		category: '密接',
		exposureDate: '2022-11-20',
		sourceCaseRef: '病例2022-001',
		planId: example.plan ?? '示例方案',
		siteId: example.site ?? '示例隔离点',
		pregnant: '否',
		chronicDisease: '是',
		immunosuppressed: '否',
		allergies: '青霉素',
		regularMedicines: '二甲双胍'
	};
	const row = CSV_COLUMNS.map((c) => csvCell(values[c.field])).join(',');
	return `${example.bom === false ? '' : BOM}${CSV_TEMPLATE_HEADER}\r\n${row}\r\n`;
}
