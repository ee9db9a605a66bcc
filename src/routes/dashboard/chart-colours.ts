/** The dashboard charts' colours: one per phase and per alert kind, distinct on white and in print. */
import type { AlertKind } from '$lib/domain/dashboard';

export const MODE_COLOURS = {
	centralised: '#0f5f66',
	home_isolation: '#1d5fa8',
	home_monitoring: '#7aa6c2'
} as const;

export const ALERT_COLOURS: Record<AlertKind, string> = {
	fever: '#b42318',
	hypoxia: '#6941c6',
	news2: '#c11574',
	red_vital: '#e04f16',
	symptom: '#b45309',
	missed_reading: '#6b7b80',
	unreachable: '#1d5fa8',
	positive_test: '#7a271a',
	delivery_overdue: '#0f766e'
};

/** 2026-03-05 → 3/5 */
export function shortDate(iso: string): string {
	const [, mm, dd] = iso.split('-');
	return `${Number(mm)}/${Number(dd)}`;
}
