/**
 * Dates and times as people read them: always in the site's zone (default Asia/Shanghai), never the
 * server's or the browser's, and in the reader's language.
 */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** The shapes dates are shown in; each is built into a formatter once per language and zone. */
const SHAPES = {
	dateTime: {
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	},
	date: { year: 'numeric', month: '2-digit', day: '2-digit' },
	time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
	dayTime: { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
	zone: { timeZoneName: 'shortOffset' }
} satisfies Record<string, Intl.DateTimeFormatOptions>;

const cache = new Map<string, Intl.DateTimeFormat>();

// A page of a few hundred rows formats a thousand dates: the lookup costs a short key, no more.
function formatter(locale: string, timeZone: string, shape: keyof typeof SHAPES) {
	const key = `${shape}|${locale}|${timeZone}`;
	let f = cache.get(key);
	if (!f) {
		f = new Intl.DateTimeFormat(locale, { timeZone, ...SHAPES[shape] });
		cache.set(key, f);
	}
	return f;
}

export function formatDateTime(at: Date, locale: string, timeZone = DEFAULT_TIME_ZONE): string {
	return formatter(locale, timeZone, 'dateTime').format(at);
}

export function formatDate(at: Date, locale: string, timeZone = DEFAULT_TIME_ZONE): string {
	return formatter(locale, timeZone, 'date').format(at);
}

export function formatTime(at: Date, locale: string, timeZone = DEFAULT_TIME_ZONE): string {
	return formatter(locale, timeZone, 'time').format(at);
}

/** Month, day and time, as a resident reads a date near now: 11月28日 09:00, Nov 28, 09:00. */
export function formatDayTime(at: Date, locale: string, timeZone = DEFAULT_TIME_ZONE): string {
	return formatter(locale, timeZone, 'dayTime').format(at);
}

/** A short readable name for a zone, e.g. "Asia/Shanghai (UTC+8)". */
export function zoneLabel(timeZone: string, at = new Date()): string {
	const part = formatter('en', timeZone, 'zone')
		.formatToParts(at)
		.find((p) => p.type === 'timeZoneName');
	return `${timeZone} (${(part?.value ?? '').replace('GMT', 'UTC')})`;
}
