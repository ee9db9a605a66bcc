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

/** Starts listening (shared by every caller); returns the function that stops this caller's use. */
export function connectLive(url = '/alerts/events'): () => void {
	users++;
	if (!source && typeof EventSource !== 'undefined') {
		source = new EventSource(url);
		let dropped = false;
		source.addEventListener('ready', () => {
			// Anything missed while the stream was down is picked up by one reload (not on the first
			// connection: the page was just loaded, and a reload then would race the first click).
			if (dropped) {
				reload('app:alerts');
				reload('app:stays');
				reload('app:deliveries');
			}
			live.connected = true;
		});
		source.addEventListener('alerts', () => reload('app:alerts'));
		source.addEventListener('stays', () => reload('app:stays'));
		source.addEventListener('deliveries', () => reload('app:deliveries'));
		source.addEventListener('error', () => {
			if (live.connected) dropped = true;
			live.connected = false;
		});
	}
	return () => {
		users--;
		if (users === 0 && source) {
			source.close();
			source = null;
			live.connected = false;
		}
	};
}
