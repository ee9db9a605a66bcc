import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { idCheckChar } from '../../domain/id-number';
import {
	CSV_COLUMNS,
	CSV_TEMPLATE_HEADER,
	csvTemplate,
	decodeCsv,
	normalizeCsvDate,
	parseContactList,
	type CsvRefs
} from './csv';

const id = (first17: string) => first17 + idCheckChar(first17);
/** The i-th of many distinct valid ID numbers (i < 50 000). */
const idN = (i: number) => id(`410802${1950 + Math.floor(i / 1000)}0101${String(i % 1000).padStart(3, '0')}`);
/** A valid ID number whose check character is X, to try the lower-case x. */
const idWithX = (() => {
	for (let i = 0; i < 1000; i++) if (idN(i).endsWith('X')) return idN(i);
	throw new Error('no ID number ending in X');
})();
const ID1 = id('41080219900101001');
const ID2 = id('41080219850615002');
const ID3 = id('11010519491231003');

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const EAST = uuid(1);
const WEST = uuid(2);
const PLAN_CENTRAL = uuid(11);
const PLAN_HOME = uuid(12);
const HOTEL = uuid(21);

const refs: CsvRefs = {
	communities: [
		{ id: EAST, code: 'C01', name: '东风社区' },
		{ id: WEST, code: 'C02', name: '西湖社区' }
	],
	plans: [
		{ id: PLAN_CENTRAL, code: '7+3', name: '7天集中隔离+3天居家健康监测', firstMode: 'centralised' },
		{ id: PLAN_HOME, code: 'home7', name: '7天居家隔离', firstMode: 'home_isolation' }
	],
	sites: [{ id: HOTEL, code: 'S01', name: '东风酒店' }]
};

const HEADER = ['姓名', '证件号码', '手机号', '住址', '所属社区', '人员类别', '隔离方案', '隔离点'];
const csv = (...lines: string[][]) => lines.map((l) => l.join(',')).join('\r\n') + '\r\n';
const utf8 = (text: string) => new TextEncoder().encode(text);
const home = (name: string, idNumber: string, phone = '13800001234') => [
	name,
	idNumber,
	phone,
	'东风路1号',
	'东风社区',
	'密接',
	'home7',
	''
];

describe('decodeCsv', () => {
	it('reads UTF-8 and strips a BOM', () => {
		expect(decodeCsv(utf8('\uFEFF姓名,手机号'))).toEqual({ text: '姓名,手机号', encoding: 'utf-8' });
	});

	it('reads UTF-8 without a BOM', () => {
		expect(decodeCsv(utf8('姓名,手机号'))).toEqual({ text: '姓名,手机号', encoding: 'utf-8' });
	});

	it('reads GBK as Excel on Chinese Windows writes it', () => {
		const bytes = iconv.encode('姓名,住址\r\n张三,东风路1号', 'gbk');
		expect(decodeCsv(bytes)).toEqual({ text: '姓名,住址\r\n张三,东风路1号', encoding: 'gbk' });
	});

	it('takes an empty file for UTF-8', () => {
		expect(decodeCsv(new Uint8Array())).toEqual({ text: '', encoding: 'utf-8' });
	});
});

describe('normalizeCsvDate', () => {
	it.each([
		['2022-11-20', '2022-11-20'],
		['2022/11/3', '2022-11-03'],
		['2022/1/5 0:00', '2022-01-05'],
		['2022.01.05', '2022-01-05'],
		['2022年11月3日', '2022-11-03'],
		['2022年1月5', '2022-01-05'],
		['２０２２／１１／３', '2022-11-03'],
		['2024-02-29', '2024-02-29']
	])('%j → %j', (cell, out) => {
		expect(normalizeCsvDate(cell)).toBe(out);
	});

	it.each(['2022-02-30', '2023-02-29', '2022-13-01', '2022/11-03', '22-11-03', '20221103', 'next week', ''])(
		'refuses %j',
		(cell) => {
			expect(normalizeCsvDate(cell)).toBeNull();
		}
	);
});

describe('parseContactList', () => {
	const oneGood = csv(HEADER, [
		'张三',
		ID1,
		'13800001234',
		'东风路1号',
		'东风社区',
		'密接',
		'7+3',
		'东风酒店'
	]);

	it('reads a UTF-8 file with a BOM', () => {
		const r = parseContactList(utf8('\uFEFF' + oneGood), refs);
		expect(r.encoding).toBe('utf-8');
		expect(r.fileErrors).toEqual([]);
		expect(r.warnings).toEqual([]);
		expect(r.rows).toEqual([
			{
				line: 2,
				errors: [],
				input: {
					name: '张三',
					idType: 'resident_id',
					idNumber: ID1,
					phone: '13800001234',
					emergencyContactName: '',
					emergencyContactPhone: '',
					homeAddress: '东风路1号',
					homeCommunityId: EAST,
					category: 'close_contact',
					exposureDate: '',
					sourceCaseRef: '',
					pregnant: false,
					chronicDisease: false,
					immunosuppressed: false,
					allergies: '',
					regularMedicines: '',
					planId: PLAN_CENTRAL,
					siteId: HOTEL
				}
			}
		]);
	});

	it('reads a UTF-8 file without a BOM', () => {
		const r = parseContactList(utf8(oneGood), refs);
		expect(r.encoding).toBe('utf-8');
		expect(r.fileErrors).toEqual([]);
		expect(r.rows.map((row) => [row.line, row.input.name, row.errors])).toEqual([[2, '张三', []]]);
	});

	it('reads a GBK file', () => {
		const text = csv(
			[...HEADER, '慢性病', '过敏史'],
			['张三', ID1, '13800001234', '东风路1号', '东风社区', '密接的密接', '7+3', '东风酒店', '是', '青霉素'],
			[...home('李四', ID2), '否', ''],
			[...home('王五', '41080219900101001X'), '', '']
		);
		const r = parseContactList(iconv.encode(text, 'gbk'), refs);
		expect(r.encoding).toBe('gbk');
		expect(r.fileErrors).toEqual([]);
		expect(r.rows.map((row) => [row.line, row.input.name, row.errors])).toEqual([
			[2, '张三', []],
			[3, '李四', []],
			[4, '王五', [{ field: 'idNumber', code: 'id_check' }]]
		]);
		expect(r.rows[0]?.input).toMatchObject({
			homeAddress: '东风路1号',
			category: 'secondary_contact',
			chronicDisease: true,
			allergies: '青霉素'
		});
		expect(r.rows[1]?.input).toMatchObject({ planId: PLAN_HOME, homeCommunityId: EAST });
		expect(r.rows[1]?.input.siteId).toBeUndefined();
	});

	it('accepts English headers, in any case and with spaces around them', () => {
		const text = csv(
			[
				' NAME ',
				'Id_Type',
				'id number',
				'Phone',
				'home_address',
				'COMMUNITY',
				'category',
				'plan',
				'site',
				'exposure_date',
				'source_case',
				'emergency_contact',
				'emergency_phone',
				'pregnant',
				'chronic_disease',
				'immunosuppressed',
				'allergies',
				'regular_medicines'
			],
			[
				'John Smith',
				'passport',
				'E12345678',
				'+86 138-0000-1234',
				'1 East Road',
				'c02',
				'inbound',
				'7天集中隔离+3天居家健康监测',
				's01',
				'2022/11/3',
				'case-17',
				'Jane Smith',
				'13900001234',
				'Y',
				'n',
				'TRUE',
				'none',
				'insulin'
			]
		);
		const r = parseContactList(utf8(text), refs);
		expect(r.fileErrors).toEqual([]);
		expect(r.warnings).toEqual([]);
		expect(r.rows[0]?.errors).toEqual([]);
		expect(r.rows[0]?.input).toEqual({
			name: 'John Smith',
			idType: 'passport',
			idNumber: 'E12345678',
			phone: '+86 138-0000-1234',
			emergencyContactName: 'Jane Smith',
			emergencyContactPhone: '13900001234',
			homeAddress: '1 East Road',
			homeCommunityId: WEST,
			category: 'inbound',
			exposureDate: '2022-11-03',
			sourceCaseRef: 'case-17',
			pregnant: true,
			chronicDisease: false,
			immunosuppressed: true,
			allergies: 'none',
			regularMedicines: 'insulin',
			planId: PLAN_CENTRAL,
			siteId: HOTEL
		});
	});

	it('reports each bad row and keeps the good ones, with their file lines', () => {
		const badCheck = ID1.slice(0, 17) + (ID1.endsWith('0') ? '1' : '0');
		const feb30 = id('41080219990230001');
		const text = csv(
			HEADER,
			['张三', idWithX.toLowerCase(), '13800001234', '东风路1号', '东风社区', '密接', '7+3', '东风酒店'],
			home('坏校验', badCheck),
			home('二月三十', feb30),
			home('错手机', ID2, '12345'),
			['方案错', ID3, '13800001234', '东风路1号', '东风社区', '密接', '14+7', ''],
			['社区错', id('41080219900101005'), '13800001234', '东风路1号', '南山社区', '密接', 'home7', ''],
			['缺隔离点', id('41080219900101006'), '13800001234', '东风路1号', '东风社区', '密接', '7+3', ''],
			['不该有隔离点', id('41080219900101007'), '13800001234', '东风路1号', 'C01', '密接', 'home7', 'S01'],
			['隔离点错', id('41080219900101008'), '13800001234', '东风路1号', 'C01', '密接', '7+3', 'S99'],
			home('重复', ` ${idWithX} `),
			home('重复二', idWithX)
		);
		const r = parseContactList(utf8(text), refs);
		expect(r.fileErrors).toEqual([]);
		expect(r.rows.map((row) => [row.line, row.input.name, row.errors])).toEqual([
			[2, '张三', []],
			[3, '坏校验', [{ field: 'idNumber', code: 'id_check' }]],
			[4, '二月三十', [{ field: 'idNumber', code: 'id_date' }]],
			[5, '错手机', [{ field: 'phone', code: 'phone_invalid' }]],
			[6, '方案错', [{ field: 'planId', code: 'plan_unknown' }]],
			[7, '社区错', [{ field: 'homeCommunityId', code: 'community_unknown' }]],
			[8, '缺隔离点', [{ field: 'siteId', code: 'site_required' }]],
			[9, '不该有隔离点', [{ field: 'siteId', code: 'site_not_allowed' }]],
			[10, '隔离点错', [{ field: 'siteId', code: 'site_unknown' }]],
			[11, '重复', [{ field: 'idNumber', code: 'duplicate_in_file' }]],
			[12, '重复二', [{ field: 'idNumber', code: 'duplicate_in_file' }]]
		]);
		// The final x is upper-cased, as GB 11643 writes it.
		expect(r.rows[0]?.input.idNumber).toBe(idWithX);
	});

	it('reports every problem of a row, and an empty cell only as required', () => {
		const text = csv(
			[...HEADER, '末次暴露日期', '孕期', '证件类型'],
			['', ID1, '', '', '', '', '', '', '2022-02-30', '也许', '驾照'],
			['赵六', '4.10802E+17', '138', '东风路1号', '东风社区', '密友', 'home7', '', '2999-01-01', '', '']
		);
		const r = parseContactList(utf8(text), refs);
		expect(r.rows[0]?.errors).toEqual([
			{ field: 'name', code: 'required' },
			{ field: 'idType', code: 'id_type_unknown' },
			{ field: 'phone', code: 'required' },
			{ field: 'homeAddress', code: 'required' },
			{ field: 'homeCommunityId', code: 'required' },
			{ field: 'category', code: 'required' },
			{ field: 'exposureDate', code: 'date_invalid' },
			{ field: 'planId', code: 'required' },
			{ field: 'pregnant', code: 'boolean_invalid' }
		]);
		expect(r.rows[1]?.errors).toEqual([
			{ field: 'idNumber', code: 'id_scientific' },
			{ field: 'phone', code: 'phone_invalid' },
			{ field: 'category', code: 'category_unknown' },
			{ field: 'exposureDate', code: 'date_future' }
		]);
	});

	it('refuses a file without a required column, naming it', () => {
		const text = csv(
			['姓名', '证件号码', '住址', '所属社区', '人员类别'],
			['张三', ID1, '东风路1号', '东风社区', '密接']
		);
		const r = parseContactList(utf8(text), refs);
		expect(r.fileErrors).toEqual(['missing_columns: 手机号, 隔离方案']);
		expect(r.rows).toEqual([]);
	});

	it('refuses a column given twice', () => {
		const text = csv([...HEADER, 'name'], home('张三', ID1));
		expect(parseContactList(utf8(text), refs).fileErrors).toEqual(['duplicate_columns: name']);
	});

	it('ignores unknown columns with a warning', () => {
		const text = csv([...HEADER, '备注', '', '年龄'], [...home('张三', ID1), '楼下', '', '30']);
		const r = parseContactList(utf8(text), refs);
		expect(r.fileErrors).toEqual([]);
		expect(r.warnings).toEqual(['unknown_columns: 备注, 年龄']);
		expect(r.rows[0]?.errors).toEqual([]);
	});

	it('accepts marked-up headers and common other names', () => {
		const text = csv(
			[
				'姓名*',
				'身份证号',
				'手机号码',
				'家庭住址',
				'社区',
				'人员类别（必填）',
				'隔离方案',
				'末次暴露日期(YYYY-MM-DD)'
			],
			['张三', ID1, '13800001234', '东风路1号', '东风社区', '密接', 'home7', '2022年11月3日']
		);
		const r = parseContactList(utf8(text), refs);
		expect(r.fileErrors).toEqual([]);
		expect(r.warnings).toEqual([]);
		expect(r.rows[0]?.errors).toEqual([]);
		expect(r.rows[0]?.input.exposureDate).toBe('2022-11-03');
	});

	it('turns an unclosed quote into a file error', () => {
		const text = csv(HEADER, home('张三', ID1), [
			'"李四',
			ID2,
			'13800001234',
			'东风路1号',
			'东风社区',
			'密接',
			'home7',
			''
		]);
		const r = parseContactList(utf8(text), refs);
		expect(r.fileErrors).toHaveLength(1);
		expect(r.fileErrors[0]).toMatch(/^csv_malformed: line \d+ \(CSV_QUOTE_NOT_CLOSED\)$/);
		expect(r.rows).toEqual([]);
	});

	it('turns a stray quote into a file error', () => {
		const text = csv(HEADER, ['张"三"', ID1, '13800001234', '东风路1号', '东风社区', '密接', 'home7', '']);
		expect(parseContactList(utf8(text), refs).fileErrors[0]).toMatch(/^csv_malformed: line 2 /);
	});

	it('refuses more than maxRows data rows', () => {
		const rows = [ID1, ID2, ID3, id('41080219900101004')].map((n, i) => home(`人${i}`, n));
		expect(parseContactList(utf8(csv(HEADER, ...rows)), refs, { maxRows: 3 })).toMatchObject({
			fileErrors: ['too_many_rows: 4 > 3'],
			rows: []
		});
		expect(parseContactList(utf8(csv(HEADER, ...rows.slice(0, 3))), refs, { maxRows: 3 }).fileErrors).toEqual(
			[]
		);
	});

	it('limits a file to 2000 rows by default', () => {
		const rows = Array.from({ length: 2001 }, (_, i) => home(`人${i}`, idN(i)));
		expect(parseContactList(utf8(csv(HEADER, ...rows)), refs).fileErrors).toEqual([
			'too_many_rows: 2001 > 2000'
		]);
		const r = parseContactList(utf8(csv(HEADER, ...rows.slice(0, 2000))), refs);
		expect(r.fileErrors).toEqual([]);
		expect(r.rows.filter((row) => row.errors.length > 0)).toEqual([]);
	});

	it('reads the yes/no spellings, an empty cell as no', () => {
		const yes = ['是', 'Y', 'y', '1', 'true', 'TRUE', 'yes', '有'];
		const no = ['否', 'N', 'n', '0', 'false', 'False', 'no', '无', ''];
		const cells = [...yes, ...no];
		const text = csv(
			[...HEADER, '孕期', '慢性病', '免疫抑制'],
			...cells.map((c, i) => [...home(`人${i}`, idN(i)), c, c, c])
		);
		const r = parseContactList(utf8(text), refs);
		expect(r.rows.map((row) => row.errors)).toEqual(cells.map(() => []));
		expect(
			r.rows.map((row) => [row.input.pregnant, row.input.chronicDisease, row.input.immunosuppressed])
		).toEqual(cells.map((c) => Array(3).fill(yes.includes(c))));
	});

	it('reads the date spellings into YYYY-MM-DD', () => {
		const dates = ['2022-11-20', '2022/11/3', '2022/1/5', '2022年11月3日', '2022-1-5'];
		const text = csv([...HEADER, '末次暴露日期'], ...dates.map((d, i) => [...home(`人${i}`, idN(i)), d]));
		const r = parseContactList(utf8(text), refs);
		expect(r.rows.map((row) => [row.input.exposureDate, row.errors])).toEqual([
			['2022-11-20', []],
			['2022-11-03', []],
			['2022-01-05', []],
			['2022-11-03', []],
			['2022-01-05', []]
		]);
	});

	it('reads the ID type and category spellings', () => {
		const text = csv(
			[...HEADER, '证件类型'],
			[...home('甲', ID1), '居民身份证'],
			['乙', 'P1234567', '13800001234', '东风路1号', '东风社区', '次密接', 'home7', '', '护照'],
			['丙', 'HK-998877', '13800001234', '东风路1号', '东风社区', '入境人员', 'home7', '', '其他'],
			['丁', ID2, '13800001234', '东风路1号', '东风社区', '高风险区', 'home7', '', 'RESIDENT_ID'],
			['戊', ID3, '13800001234', '东风路1号', '东风社区', 'other', 'home7', '', ''],
			['己', 'AB', '13800001234', '东风路1号', '东风社区', '其他', 'home7', '', 'other']
		);
		const r = parseContactList(utf8(text), refs);
		expect(r.rows.map((row) => [row.input.idType, row.input.category, row.errors])).toEqual([
			['resident_id', 'close_contact', []],
			['passport', 'secondary_contact', []],
			['other', 'inbound', []],
			['resident_id', 'high_risk_area', []],
			['resident_id', 'other', []],
			['other', 'other', [{ field: 'idNumber', code: 'id_format' }]]
		]);
	});

	it('matches communities, plans and sites by code or name, ignoring case and full-width forms', () => {
		const text = csv(
			HEADER,
			['甲', ID1, '１３８００００１２３４', '东风路1号', 'ｃ０２', '密接', 'HOME7', ''],
			['乙', ID2, '13800001234', '东风路1号', ' 西湖社区 ', '密接', '7天居家隔离', '']
		);
		const r = parseContactList(utf8(text), refs);
		expect(r.rows.map((row) => [row.input.homeCommunityId, row.input.planId, row.errors])).toEqual([
			[WEST, PLAN_HOME, []],
			[WEST, PLAN_HOME, []]
		]);
		expect(r.rows[0]?.input.phone).toBe('13800001234');
	});

	it('says when a name fits two communities', () => {
		const twins: CsvRefs = {
			...refs,
			communities: [...refs.communities, { id: uuid(3), code: 'C03', name: '东风社区' }]
		};
		const r = parseContactList(utf8(csv(HEADER, home('甲', ID1))), twins);
		expect(r.rows[0]?.errors).toEqual([{ field: 'homeCommunityId', code: 'community_ambiguous' }]);
	});

	it('skips empty lines and counts file lines, a quoted line break included', () => {
		const text =
			[
				HEADER.join(','),
				'',
				home('甲', ID1).join(','),
				',,,,,,,',
				'   ',
				`"乙\r\n二",${ID2},13800001234,"东风路\r\n1号",东风社区,密接,home7,`,
				home('丙', ID3).join(',')
			].join('\r\n') + '\r\n\r\n';
		const r = parseContactList(utf8(text), refs);
		expect(r.fileErrors).toEqual([]);
		expect(r.rows.map((row) => [row.line, row.input.name, row.errors])).toEqual([
			[3, '甲', []],
			[6, '乙\r\n二', []],
			[9, '丙', []]
		]);
		expect(r.rows[1]?.input.homeAddress).toBe('东风路\r\n1号');
	});

	it('skips a title line above the header, with a warning', () => {
		const text = '东风社区密接人员名单,,,,\r\n' + csv(HEADER, home('甲', ID1));
		const r = parseContactList(utf8(text), refs);
		expect(r.fileErrors).toEqual([]);
		expect(r.warnings).toEqual(['lines_before_header_ignored: 1']);
		expect(r.rows.map((row) => [row.line, row.errors])).toEqual([[3, []]]);
	});

	it('refuses an empty file, a header alone, a workbook and UTF-16', () => {
		expect(parseContactList(utf8(''), refs).fileErrors).toEqual(['empty_file']);
		expect(parseContactList(utf8('\uFEFF\r\n,,\r\n'), refs).fileErrors).toEqual(['empty_file']);
		expect(parseContactList(utf8(csv(HEADER)), refs).fileErrors).toEqual(['no_rows']);
		const xlsx = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]);
		expect(parseContactList(xlsx, refs).fileErrors).toEqual(['not_csv: xlsx']);
		const xls = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
		expect(parseContactList(xls, refs).fileErrors).toEqual(['not_csv: xls']);
		const utf16 = Uint8Array.from([0xff, 0xfe, ...Buffer.from(csv(HEADER), 'utf16le')]);
		expect(parseContactList(utf16, refs).fileErrors).toEqual(['encoding_unsupported: UTF-16']);
	});

	it('never throws, whatever the bytes', () => {
		let seed = 42;
		const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
		const alphabet = utf8('",\r\n 姓名手机号x1;\'\t');
		for (let n = 0; n < 300; n++) {
			const bytes = Uint8Array.from({ length: next() % 200 }, () =>
				n % 2 ? next() % 256 : (alphabet[next() % alphabet.length] ?? 0)
			);
			const withHeader = new Uint8Array([...utf8(HEADER.join(',') + '\n'), ...bytes]);
			expect(() => parseContactList(bytes, refs)).not.toThrow();
			expect(() => parseContactList(withHeader, refs)).not.toThrow();
		}
	});
});

describe('csvTemplate', () => {
	it('starts with a BOM and the Chinese header, one name per column', () => {
		const t = csvTemplate();
		expect(t.startsWith('\uFEFF' + CSV_TEMPLATE_HEADER + '\r\n')).toBe(true);
		expect(CSV_TEMPLATE_HEADER.split(',')).toEqual(CSV_COLUMNS.map((c) => c.zh));
		expect(csvTemplate({ bom: false }).startsWith(CSV_TEMPLATE_HEADER)).toBe(true);
	});

	it('imports without errors', () => {
		const example: CsvRefs = {
			communities: [{ id: EAST, code: 'X01', name: '示例社区' }],
			plans: [{ id: PLAN_CENTRAL, code: 'X', name: '示例方案', firstMode: 'centralised' }],
			sites: [{ id: HOTEL, code: 'X', name: '示例隔离点' }]
		};
		const r = parseContactList(utf8(csvTemplate()), example);
		expect(r.fileErrors).toEqual([]);
		expect(r.warnings).toEqual([]);
		expect(r.rows).toHaveLength(1);
		expect(r.rows[0]?.errors).toEqual([]);
		expect(r.rows[0]?.input).toMatchObject({
			phone: '13800001234',
			siteId: HOTEL,
			category: 'close_contact'
		});
	});

	it('names the caller’s community, plan and site, and imports as GBK too', () => {
		const t = csvTemplate({ community: '西湖社区', plan: '7天居家隔离', site: '', bom: false });
		const r = parseContactList(iconv.encode(t, 'gbk'), refs);
		expect(r.encoding).toBe('gbk');
		expect(r.rows[0]?.errors).toEqual([]);
		expect(r.rows[0]?.input).toMatchObject({ homeCommunityId: WEST, planId: PLAN_HOME });
	});
});
