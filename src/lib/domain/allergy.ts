/**
 * The allergy check at prescribing: does a medicine's name match something the resident is recorded as
 * allergic to? Allergies are free text from the admission form ("青霉素、磺胺类", "penicillin; aspirin").
 *
 * A match is one of:
 * - `same`: the allergy's name appears in the medicine's name, or the other way round ("阿司匹林肠溶片");
 * - `near`: it appears with one slip of spelling (two in long Latin names): "阿斯匹林", "penicilin";
 * - `class`: the medicine belongs to a drug family named in the allergy (青霉素 → 阿莫西林, 头孢 → 头孢克洛).
 * It warns; the prescriber decides (the form asks for an explicit confirmation). A false alarm costs a
 * click, a missed one a reaction: the check leans towards warning.
 */

export type AllergyMatchKind = 'same' | 'near' | 'class';

export interface AllergyMatch {
	/** The allergy as recorded (one item of the list). */
	allergy: string;
	medicine: string;
	how: AllergyMatchKind;
}

/** Words that mean "no allergies" rather than naming one. */
const NONE = new Set([
	'无',
	'没有',
	'否',
	'不详',
	'未知',
	'none',
	'no',
	'nil',
	'nkda',
	'n/a',
	'na',
	'-',
	'—'
]);

/**
 * Drug families: a name in the first list (the allergy) warns for any medicine containing a name in the
 * second (its members and their usual stems). Kept to well-known cross-reactions.
 */
const FAMILIES: { allergy: string[]; members: string[] }[] = [
	{
		allergy: ['青霉素', '盘尼西林', 'penicillin', 'β-内酰胺', 'beta-lactam'],
		members: ['青霉素', '西林', 'cillin', 'penicillin', '阿莫仙', '安莫西林']
	},
	{ allergy: ['头孢', 'cephalosporin', 'cef', 'ceph'], members: ['头孢', 'cef', 'ceph', '先锋'] },
	{
		allergy: ['磺胺', 'sulfa', 'sulpha', 'sulfonamide'],
		members: ['磺胺', '新诺明', 'sulfa', 'sulpha', 'smz', 'co-trimoxazole', 'cotrimoxazole']
	},
	{
		allergy: ['阿司匹林', '乙酰水杨酸', 'aspirin', 'acetylsalicylic'],
		members: ['阿司匹林', '乙酰水杨酸', 'aspirin', 'acetylsalicylic', '拜阿司匹灵']
	},
	{ allergy: ['喹诺酮', 'quinolone'], members: ['沙星', 'floxacin', '喹诺酮'] }
];

/** Lower case, full-width letters and digits folded, spaces and punctuation other than '-' dropped. */
export function normalise(text: string): string {
	return text
		.normalize('NFKC')
		.toLowerCase()
		.replace(/[\s·.,，。、;；:：()（）[\]【】"'“”‘’/\\]+/g, '');
}

/** The allergy text as a list of names, suffixes such as "过敏" and "类" removed. */
export function allergyList(text: string | null | undefined): string[] {
	if (!text) return [];
	return text
		.split(/[,，、;；/\n]|\s+and\s+|和|及|以及/i)
		.map((s) =>
			s
				.trim()
				.replace(/(过敏史?|过敏|allergy|allergic)$/i, '')
				.replace(/^(对|allergic to)\s*/i, '')
				.replace(/(类|类药物?|类抗生素)$/, '')
				.trim()
		)
		.filter((s) => s.length > 0 && !NONE.has(s.toLowerCase()));
}

const isCjk = (s: string) => /[\u3400-\u9fff]/.test(s);

/** How many slips of spelling a name of this length may carry and still count as the same word. */
function slipsAllowed(name: string): number {
	const n = [...name].length;
	if (isCjk(name)) return n >= 4 ? 1 : 0;
	if (n >= 9) return 2;
	return n >= 5 ? 1 : 0;
}

/**
 * The fewest edits that turn `pattern` into some part of `text` (Sellers' approximate substring match:
 * edit distance where the match may start and end anywhere in the text).
 */
export function substringDistance(text: string, pattern: string): number {
	const t = [...text];
	const p = [...pattern];
	if (p.length === 0) return 0;
	let prev = new Array<number>(t.length + 1).fill(0);
	for (let i = 1; i <= p.length; i++) {
		const row = new Array<number>(t.length + 1);
		row[0] = i;
		for (let j = 1; j <= t.length; j++) {
			const cost = p[i - 1] === t[j - 1] ? 0 : 1;
			row[j] = Math.min(prev[j - 1]! + cost, prev[j]! + 1, row[j - 1]! + 1);
		}
		prev = row;
	}
	return Math.min(...prev);
}

function matchOne(allergyRaw: string, medicineRaw: string): AllergyMatchKind | null {
	const a = normalise(allergyRaw);
	const med = normalise(medicineRaw);
	if (!a || !med) return null;
	if (med.includes(a) || (a.length >= 2 && a.includes(med) && [...med].length >= 2)) return 'same';
	const slips = slipsAllowed(a);
	if (slips > 0 && substringDistance(med, a) <= slips) return 'near';
	for (const family of FAMILIES) {
		const named = family.allergy.some((x) => {
			const n = normalise(x);
			return a.includes(n) || (slipsAllowed(n) > 0 && substringDistance(a, n) <= slipsAllowed(n));
		});
		if (named && family.members.some((x) => med.includes(normalise(x)))) return 'class';
	}
	return null;
}

/** Every (allergy, medicine) pair that matches, in the order of the medicines. */
export function allergyMatches(
	allergies: string | null | undefined,
	medicines: readonly string[]
): AllergyMatch[] {
	const list = allergyList(allergies);
	const out: AllergyMatch[] = [];
	for (const medicine of medicines) {
		if (!medicine.trim()) continue;
		for (const allergy of list) {
			const how = matchOne(allergy, medicine);
			if (how) out.push({ allergy, medicine: medicine.trim(), how });
		}
	}
	return out;
}
