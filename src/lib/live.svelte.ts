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

function reload(topic: Topic = 'app:alerts') {
	if (pending[topic]) return;
	pending[topic] = setTimeout(() => {
		pending[topic] = null;
		// An invalidation started during a navigation would cancel it (the click would do nothing):
		// wait until the navigation is done.
		if (navigating.to) reload(topic);
		else void invalidate(topic);
	}, COALESCE_MS);
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
