import { describe, expect, it } from 'vitest';
import { allergyList, allergyMatches, substringDistance } from './allergy';

const hows = (allergies: string | null, medicines: string[]) =>
	allergyMatches(allergies, medicines).map((m) => `${m.allergy}:${m.medicine}:${m.how}`);

describe('reading the allergy text', () => {
	it('splits the usual separators and drops "过敏", "类" and words meaning none', () => {
		expect(allergyList('青霉素、磺胺类')).toEqual(['青霉素', '磺胺']);
		expect(allergyList('对青霉素过敏；海鲜')).toEqual(['青霉素', '海鲜']);
		expect(allergyList('penicillin, aspirin and sulfa')).toEqual(['penicillin', 'aspirin', 'sulfa']);
		expect(allergyList('无')).toEqual([]);
		expect(allergyList('None')).toEqual([]);
		expect(allergyList(null)).toEqual([]);
		expect(allergyList('  ')).toEqual([]);
	});
});

describe('the allergy check', () => {
	it('matches the same name inside a product name, in either script and case', () => {
		expect(hows('阿司匹林', ['阿司匹林肠溶片'])).toEqual(['阿司匹林:阿司匹林肠溶片:same']);
		expect(hows('Penicillin', ['PENICILLIN V potassium'])).toEqual([
			'Penicillin:PENICILLIN V potassium:same'
		]);
		expect(hows('青霉素', ['注射用青霉素钠'])).toEqual(['青霉素:注射用青霉素钠:same']);
		// Full-width letters as some input methods type them.
		expect(hows('aspirin', ['ａｓｐｉｒｉｎ 100mg'])).toHaveLength(1);
	});

	it('matches near spellings: one slip in a name of four characters, one or two in Latin names', () => {
		expect(hows('阿司匹林', ['阿斯匹林'])).toEqual(['阿司匹林:阿斯匹林:near']);
		expect(hows('布洛芬缓释', ['布洛分缓释胶囊'])).toEqual(['布洛芬缓释:布洛分缓释胶囊:near']);
		expect(hows('penicillin', ['penicilin'])).toEqual(['penicillin:penicilin:near']);
		expect(hows('aspirin', ['asprin 81 mg'])).toEqual(['aspirin:asprin 81 mg:near']);
		expect(hows('ibuprofen', ['ibuprofin'])).toEqual(['ibuprofen:ibuprofin:near']);
	});

	it('does not stretch short names: two characters must match exactly', () => {
		// 头孢 vs 头痛: one character apart, but nothing alike as medicines.
		expect(hows('头孢', ['头痛粉'])).toEqual([]);
		expect(hows('sulfa', ['sulky'])).toEqual([]);
	});

	it('matches a medicine of a drug family named in the allergy', () => {
		expect(hows('青霉素', ['阿莫西林胶囊'])).toEqual(['青霉素:阿莫西林胶囊:class']);
		expect(hows('penicillin', ['Amoxicillin 500 mg'])).toEqual(['penicillin:Amoxicillin 500 mg:class']);
		expect(hows('头孢类', ['头孢克洛干混悬剂'])).toEqual(['头孢:头孢克洛干混悬剂:same']);
		expect(hows('磺胺类', ['复方新诺明片'])).toEqual(['磺胺:复方新诺明片:class']);
		expect(hows('喹诺酮', ['左氧氟沙星片'])).toEqual(['喹诺酮:左氧氟沙星片:class']);
		// The family by another of its names; a long Latin name with a slip still counts.
		expect(hows('盘尼西林', ['阿莫西林'])).toEqual(['盘尼西林:阿莫西林:class']);
		expect(hows('cephalosporine', ['cefuroxime'])).toEqual(['cephalosporine:cefuroxime:class']);
		// 红霉素 is not a penicillin, whatever the shared characters.
		expect(hows('红霉素', ['阿莫西林'])).toEqual([]);
	});

	it('finds nothing for unrelated medicines or allergies that are not to medicines', () => {
		expect(hows('海鲜', ['连花清瘟胶囊', '对乙酰氨基酚片'])).toEqual([]);
		expect(hows('青霉素', ['对乙酰氨基酚片', '氨溴索口服液'])).toEqual([]);
		expect(hows('阿司匹林', ['对乙酰氨基酚'])).toEqual([]);
		expect(hows(null, ['阿莫西林'])).toEqual([]);
		expect(hows('无', ['阿莫西林'])).toEqual([]);
	});

	it('checks every medicine against every allergy', () => {
		expect(hows('青霉素、阿司匹林', ['阿莫西林', '维生素C', '阿司匹林肠溶片'])).toEqual([
			'青霉素:阿莫西林:class',
			'阿司匹林:阿司匹林肠溶片:same'
		]);
	});

	it('measures approximate substrings', () => {
		expect(substringDistance('阿斯匹林肠溶片', '阿司匹林')).toBe(1);
		expect(substringDistance('xxaspirinxx', 'aspirin')).toBe(0);
		expect(substringDistance('abc', '')).toBe(0);
	});
});
