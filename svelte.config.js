import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		adapter: adapter({ precompress: true }),
		// Form posts are checked against ORIGIN by SvelteKit; JSON endpoints check Origin themselves.
		csrf: { trustedOrigins: [] }
	}
};

export default config;
