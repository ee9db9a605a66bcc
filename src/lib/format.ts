/**
 * Dates and times as people read them: always in the site's zone (default Asia/Shanghai), never the
 * server's or the browser's, and in the reader's language.
 */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions) {
	const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
	let f = cache.get(key);
	if (!f) {
		f = new Intl.DateTimeFormat(locale, { timeZone, ...options });
		cache.set(key, f);
	}
	return f;
}

export function formatDateTime(at: Date, locale: string, timeZone = DEFAULT_TIME_ZONE): string {
	return formatter(locale, timeZone, {
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	}).format(at);
}

export function formatDate(at: Date, locale: string, timeZone = DEFAULT_TIME_ZONE): string {
	return formatter(locale, timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export function formatTime(at: Date, locale: string, timeZone = DEFAULT_TIME_ZONE): string {
	return formatter(locale, timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** Month, day and time, as a resident reads a date near now: 11月28日 09:00, Nov 28, 09:00. */
export function formatDayTime(at: Date, locale: string, timeZone = DEFAULT_TIME_ZONE): string {
	return formatter(locale, timeZone, {
		month: 'short',
		day: 'numeric',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	}).format(at);
}

/** A short readable name for a zone, e.g. "Asia/Shanghai (UTC+8)". */
export function zoneLabel(timeZone: string, at = new Date()): string {
	const part = formatter('en', timeZone, { timeZoneName: 'shortOffset' })
		.formatToParts(at)
		.find((p) => p.type === 'timeZoneName');
	return `${timeZone} (${(part?.value ?? '').replace('GMT', 'UTC')})`;
}
