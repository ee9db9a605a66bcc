/**
 * The resident portal's plain words: the countdown, the plan as one sentence, an extension and what is
 * still needed for release. Every function takes the reader's language and the site's zone, so the
 * same facts read the same on any server and any phone.
 */
import type { Countdown, ExtensionNote, Need, PlanStep } from './domain/countdown';
import { formatDayTime } from './format';
import { m } from './paraglide/messages';

type Locale = 'zh-CN' | 'en';

export function countdownText(c: Countdown, locale: Locale): string {
	const o = { locale };
	switch (c.state) {
		case 'due':
			return m.pt_due({}, o);
		case 'released':
			return m.pt_released({}, o);
		case 'ended':
			return m.pt_ended({}, o);
		default:
			return m.pt_left({ days: c.days, hours: c.hours, minutes: c.minutes }, o);
	}
}

const MODE: Record<PlanStep['mode'], (i: object, o: { locale: Locale }) => string> = {
	centralised: m.mode_centralised,
	home_isolation: m.mode_home_isolation,
	home_monitoring: m.mode_home_monitoring
};

/** "集中隔离医学观察至 11月28日 09:00，随后居家健康监测至 12月1日 09:00". */
export function planText(steps: readonly PlanStep[], locale: Locale, timeZone: string): string {
	const o = { locale };
	return steps
		.map((s, i) => {
			const label = MODE[s.mode]({}, o);
			// Mid-sentence in English a phase name is not capitalised.
			const mode = i > 0 && locale === 'en' ? label.charAt(0).toLowerCase() + label.slice(1) : label;
			return m.pt_step_until({ mode, end: formatDayTime(s.end, locale, timeZone) }, o);
		})
		.join(m.pt_steps_then({}, o));
}

export function extensionText(x: ExtensionNote, locale: Locale, timeZone: string): string {
	const o = { locale };
	const from = formatDayTime(x.previousReleaseAt, locale, timeZone);
	const to = formatDayTime(x.releaseAt, locale, timeZone);
	return x.days !== null
		? m.pt_extended_days({ days: x.days, reason: x.reason, from, to }, o)
		: m.pt_extended_hours({ hours: x.hours, reason: x.reason, from, to }, o);
}

export function needText(n: Need, locale: Locale, timeZone: string): string {
	const o = { locale };
	const day = n.day ?? 0;
	switch (n.code) {
		case 'test_pending':
			return m.pt_need_test_pending(
				{ day, date: n.dueAt ? formatDayTime(n.dueAt, locale, timeZone) : '' },
				o
			);
		case 'test_awaiting_result':
			return m.pt_need_test_awaiting_result({ day }, o);
		case 'test_resample':
			return m.pt_need_test_resample({ day }, o);
		case 'test_positive':
			return m.pt_need_test_positive({}, o);
		case 'temperatures_needed':
			return m.pt_need_temperatures_needed({ count: n.count ?? 1 }, o);
		case 'fever_free_24h':
			return m.pt_need_fever_free_24h({}, o);
		case 'alert_follow_up':
			return m.pt_need_alert_follow_up({}, o);
	}
}
