/**
 * The browser's side of live alerts: one EventSource per tab (opened by the layout for staff), which
 * reloads everything that depends on `app:alerts` when an alert in the user's scope changes. Bursts
 * (a saved ward round) are folded into one reload.
 */
import { invalidate } from '$app/navigation';
import { navigating } from '$app/state';

export const live = $state({ connected: false });

const COALESCE_MS = 250;
let users = 0;
let source: EventSource | null = null;
let pending: ReturnType<typeof setTimeout> | null = null;

function reload() {
	if (pending) return;
	pending = setTimeout(() => {
		pending = null;
		// An invalidation started during a navigation would cancel it (the click would do nothing):
		// wait until the navigation is done.
		if (navigating.to) reload();
		else void invalidate('app:alerts');
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
			if (dropped) reload();
			live.connected = true;
		});
		source.addEventListener('alerts', reload);
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
