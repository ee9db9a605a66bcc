/**
 * The browser's side of live alerts: one EventSource per tab (opened by the layout for staff), which
 * reloads everything that depends on `app:alerts` when an alert in the user's scope changes, and what
 * depends on `app:stays` when a stay does (an admission, a release). Bursts (a saved ward round) are
 * folded into one reload.
 */
import { invalidate } from '$app/navigation';
import { navigating } from '$app/state';

export const live = $state({ connected: false });

const COALESCE_MS = 250;
let users = 0;
let source: EventSource | null = null;
type Topic = 'app:alerts' | 'app:stays' | 'app:deliveries';
const pending: Record<Topic, ReturnType<typeof setTimeout> | null> = {
	'app:alerts': null,
	'app:stays': null,
	'app:deliveries': null
};

/**
 * superforms options for every form on a page that reloads live. By default a form is rebound to the
 * page's freshly loaded copy on each reload, which clears what is being typed and the errors shown;
 * with this a form takes only its own action's answer. A form that belongs to one record must be
 * recreated ({#key}) when the page shows another record.
 */
export const LIVE_FORM = { applyAction: 'never' } as const;

/** Open dialogs holding a half-filled form: reloads wait until the last one closes. */
let holds = 0;
const held: Record<Topic, boolean> = { 'app:alerts': false, 'app:stays': false, 'app:deliveries': false };

function reload(topic: Topic = 'app:alerts') {
	if (pending[topic]) return;
	pending[topic] = setTimeout(() => {
		pending[topic] = null;
		// A reload under an open form would replace the data the form was opened on and clear what the
		// person typed or was told (a field error): it runs when the form closes.
		if (holds > 0) held[topic] = true;
		// An invalidation started during a navigation would cancel it (the click would do nothing):
		// wait until the navigation is done.
		else if (navigating.to) reload(topic);
		else void invalidate(topic);
	}, COALESCE_MS);
}

/**
 * Defers live reloads while a form is open over the live data (an acknowledge or resolve dialog);
 * returns the release, after which whatever arrived meanwhile is reloaded once.
 */
export function holdLive(): () => void {
	holds++;
	let released = false;
	return () => {
		if (released) return;
		released = true;
		holds--;
		if (holds === 0) {
			for (const topic of Object.keys(held) as Topic[])
				if (held[topic]) {
					held[topic] = false;
					reload(topic);
				}
		}
	};
}

/** How long to wait before opening the stream again after the server refused it (an outage, a deploy). */
const REOPEN_MS = [3_000, 5_000, 10_000, 20_000, 30_000];

function reloadAll() {
	reload('app:alerts');
	reload('app:stays');
	reload('app:deliveries');
}

/**
 * Opens the stream. The browser reconnects by itself when a stream drops, but gives up for good when
 * the server answers the reconnection with an error (a 503 while the database is out of reach): then
 * it is opened again here, a little later each time, until it is back.
 */
function open(url: string, failures = 0) {
	const es = new EventSource(url);
	source = es;
	let dropped = failures > 0;
	es.addEventListener('ready', () => {
		failures = 0;
		// Anything missed while the stream was down is picked up by one reload (not on the first
		// connection: the page was just loaded, and a reload then would race the first click).
		if (dropped) reloadAll();
		live.connected = true;
	});
	es.addEventListener('alerts', () => reload('app:alerts'));
	es.addEventListener('stays', () => reload('app:stays'));
	es.addEventListener('deliveries', () => reload('app:deliveries'));
	// The server listens again after losing its database: what changed meanwhile is read again.
	es.addEventListener('resync', reloadAll);
	es.addEventListener('error', () => {
		if (live.connected) dropped = true;
		live.connected = false;
		if (es.readyState !== EventSource.CLOSED || source !== es) return;
		const wait = REOPEN_MS[Math.min(failures, REOPEN_MS.length - 1)]!;
		reopenTimer = setTimeout(() => {
			reopenTimer = null;
			if (source === es) open(url, failures + 1);
		}, wait);
	});
}

let reopenTimer: ReturnType<typeof setTimeout> | null = null;

/** Starts listening (shared by every caller); returns the function that stops this caller's use. */
export function connectLive(url = '/alerts/events'): () => void {
	users++;
	if (!source && typeof EventSource !== 'undefined') open(url);
	return () => {
		users--;
		if (users === 0 && source) {
			source.close();
			source = null;
			if (reopenTimer) clearTimeout(reopenTimer);
			reopenTimer = null;
			live.connected = false;
		}
	};
}
