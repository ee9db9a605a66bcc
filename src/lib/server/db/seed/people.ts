/**
 * Made-up people for demo and synthetic data: names, valid-looking ID numbers (real check digits, real
 * Jiaozuo district codes, so they pass the same validation as real input) and mobile numbers. Everything
 * comes from a seeded generator, so the same seed gives the same city.
 */
import { idCheckChar } from '../../../domain/id-number';

/** mulberry32: a small, fast, seedable PRNG. Not for secrets, only for reproducible fake data. */
export function createRng(seed: number) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
	const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
	const chance = (p: number) => next() < p;
	/** Roughly normal, by summing uniforms; good enough for body temperatures. */
	const normal = (mean: number, sd: number) => mean + sd * (next() + next() + next() + next() - 2) * 1.7;
	/** A v4-shaped UUID from the generator, so synthetic rows are reproducible to the id. */
	const uuid = () => {
		const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16));
		hex[12] = '4';
		hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
		const s = hex.join('');
		return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
	};
	return { next, int, pick, chance, normal, uuid };
}

export type Rng = ReturnType<typeof createRng>;

const SURNAMES = [
	'王',
	'李',
	'张',
	'刘',
	'陈',
	'杨',
	'赵',
	'黄',
	'周',
	'吴',
	'徐',
	'孙',
	'胡',
	'朱',
	'高',
	'林',
	'何',
	'郭',
	'马',
	'罗',
	'梁',
	'宋',
	'郑',
	'谢',
	'韩',
	'唐',
	'冯',
	'于',
	'董',
	'萧',
	'程',
	'曹',
	'袁',
	'邓',
	'许',
	'傅'
];
const GIVEN = [
	'伟',
	'芳',
	'娜',
	'敏',
	'静',
	'丽',
	'强',
	'磊',
	'军',
	'洋',
	'勇',
	'艳',
	'杰',
	'娟',
	'涛',
	'明',
	'超',
	'秀',
	'霞',
	'平',
	'刚',
	'桂',
	'英',
	'华',
	'玉',
	'兰',
	'建',
	'国',
	'文',
	'辉',
	'红',
	'鹏',
	'宇',
	'欣',
	'晨',
	'浩',
	'思',
	'雨',
	'佳',
	'嘉',
	'子',
	'怡',
	'博',
	'梓',
	'一',
	'诺',
	'梦',
	'琪',
	'凯',
	'瑞',
	'新',
	'春',
	'海',
	'燕'
];
/** Jiaozuo's county-level codes (GB/T 2260), used as the first six digits. */
export const JIAOZUO_DISTRICTS = [
	{ code: '410802', name: '解放区' },
	{ code: '410803', name: '中站区' },
	{ code: '410804', name: '马村区' },
	{ code: '410811', name: '山阳区' },
	{ code: '410821', name: '修武县' },
	{ code: '410822', name: '博爱县' },
	{ code: '410823', name: '武陟县' },
	{ code: '410825', name: '温县' },
	{ code: '410882', name: '沁阳市' },
	{ code: '410883', name: '孟州市' }
] as const;

const STREETS = [
	'人民路',
	'塔南路',
	'解放路',
	'建设路',
	'丰收路',
	'民主路',
	'山阳路',
	'迎宾路',
	'焦东路',
	'中原路'
];
const ESTATES = ['和谐家园', '建业森林半岛', '锦祥花园', '东方红小区', '山阳新城', '映湖小区', '金桥花园'];

export interface FakePerson {
	name: string;
	sex: 'male' | 'female';
	birthDate: string;
	idNumber: string;
	phone: string;
	homeAddress: string;
	emergencyContactName: string;
	emergencyContactPhone: string;
}

function pad(n: number, width: number) {
	return String(n).padStart(width, '0');
}

export function fakePhone(rng: Rng): string {
	return `1${rng.pick(['3', '5', '7', '8', '9'])}${rng.int(0, 9)}${pad(rng.int(0, 99_999_999), 8)}`;
}

export function fakeName(rng: Rng): string {
	const given = rng.chance(0.6) ? rng.pick(GIVEN) + rng.pick(GIVEN) : rng.pick(GIVEN);
	return rng.pick(SURNAMES) + given;
}

/**
 * A person with an ID number whose birth date, sex digit and check character agree. `taken` holds the
 * numbers already issued (in this run and in the database), so a large run never repeats one.
 */
export function fakePerson(rng: Rng, taken: Set<string>, refYear = 2026): FakePerson {
	const sex = rng.chance(0.5) ? 'male' : 'female';
	const age = rng.chance(0.18) ? rng.int(60, 88) : rng.chance(0.1) ? rng.int(2, 15) : rng.int(16, 59);
	const year = refYear - age;
	let idNumber: string;
	let month: number;
	let day: number;
	let district: (typeof JIAOZUO_DISTRICTS)[number];
	do {
		month = rng.int(1, 12);
		day = rng.int(1, 28);
		district = rng.pick(JIAOZUO_DISTRICTS);
		// The order code's last digit carries sex: odd for men, even for women.
		const order = rng.int(0, 499) * 2 + (sex === 'male' ? 1 : 0);
		const first17 = `${district.code}${year}${pad(month, 2)}${pad(day, 2)}${pad(order, 3)}`;
		idNumber = first17 + idCheckChar(first17);
	} while (taken.has(idNumber));
	taken.add(idNumber);
	return {
		name: fakeName(rng),
		sex,
		birthDate: `${year}-${pad(month, 2)}-${pad(day, 2)}`,
		idNumber,
		phone: fakePhone(rng),
		homeAddress: `焦作市${district.name}${rng.pick(STREETS)}${rng.int(1, 300)}号${rng.pick(ESTATES)}${rng.int(1, 20)}号楼${rng.int(1, 6)}单元${rng.int(1, 30)}${pad(rng.int(1, 4), 2)}室`,
		emergencyContactName: rng.pick(SURNAMES) + rng.pick(GIVEN),
		emergencyContactPhone: fakePhone(rng)
	};
}
