import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		adapter: adapter({ precompress: true }),
		// Form posts are checked against ORIGIN by SvelteKit; JSON endpoints check Origin themselves.
		csrf: { trustedOrigins: [] },
		/**
		 * Content-Security-Policy for every page. Scripts only from our own origin, and SvelteKit's own
		 * inline start-up script by the nonce it adds per response: no 'unsafe-inline' for scripts, so an
		 * injected <script> or on* attribute does not run. Styles allow 'unsafe-inline' because components
		 * and bits-ui write style attributes and Svelte's transitions add <style> elements; CSS cannot
		 * run code. Nothing loads from other hosts (no CDN, no fonts from elsewhere); no page may be framed
		 * (clickjacking). Non-page responses (JSON, CSV) get a stricter policy in hooks.server.ts.
		 */
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
