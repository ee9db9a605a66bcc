/**
 * A site's alert thresholds: what the alert engine uses there (the site's own values over DESIGN §3's
 * defaults), and the admin's edits. Only values that differ from the defaults are stored, so a site that
 * never changed a value follows the defaults.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Principal } from '../domain/access';
import {
	DEFAULT_THRESHOLDS,
	thresholdsFrom,
	type ThresholdOverrides,
	type Thresholds
} from '../domain/alert-rules';
import type { ThresholdsInput } from '../schemas/thresholds';
import { audit } from './audit';
import { db } from './db';
import * as t from './db/schema';

type Settings = { thresholds?: ThresholdOverrides | null; selfReport?: boolean } & Record<string, unknown>;

/** Residents may self-report unless the site switched it off. */
export const selfReportAllowed = (settings: unknown) => (settings as Settings | null)?.selfReport !== false;

export function flatten(th: Thresholds) {
	return {
		fever: th.fever,
		feverCritical: th.feverCritical,
		scale1Warning: th.hypoxia.scale1.warning,
		scale1Critical: th.hypoxia.scale1.critical,
		scale2Warning: th.hypoxia.scale2.warning,
		scale2Critical: th.hypoxia.scale2.critical
	};
}

export const DEFAULTS = flatten(DEFAULT_THRESHOLDS);

export async function siteThresholds(siteId: string) {
	const [site] = await db()
		.select({ settings: t.sites.settings, version: t.sites.version })
		.from(t.sites)
		.where(eq(t.sites.id, siteId));
	if (!site) return null;
	const settings = (site.settings ?? {}) as Settings;
	return {
		values: flatten(thresholdsFrom(settings.thresholds)),
		selfReport: selfReportAllowed(settings),
		version: site.version
	};
}

/** The overrides to store: only what differs from the defaults. */
function overridesOf(v: Omit<ThresholdsInput, 'version' | 'selfReport'>): ThresholdOverrides {
	const d = DEFAULTS;
	const pick = (value: number, fallback: number) => (value === fallback ? undefined : value);
	const s1 = {
		warning: pick(v.scale1Warning, d.scale1Warning),
		critical: pick(v.scale1Critical, d.scale1Critical)
	};
	const s2 = {
		warning: pick(v.scale2Warning, d.scale2Warning),
		critical: pick(v.scale2Critical, d.scale2Critical)
	};
	const out: ThresholdOverrides = JSON.parse(
		JSON.stringify({
			fever: pick(v.fever, d.fever),
			feverCritical: pick(v.feverCritical, d.feverCritical),
			hypoxia: { scale1: s1, scale2: s2 }
		})
	);
	// Drop empty groups, so "no changes" is stored as no thresholds at all.
	for (const k of ['scale1', 'scale2'] as const)
		if (!Object.keys(out.hypoxia?.[k] ?? {}).length) delete out.hypoxia![k];
	if (!Object.keys(out.hypoxia ?? {}).length) delete out.hypoxia;
	return out;
}

export type SaveResult =
	{ ok: true; version: number } | { ok: false; error: 'site_not_found' | 'site_stale' };

/** Saves a site's thresholds (null restores the defaults), guarded by the site's version; audited. */
export async function saveThresholds(
	actor: Principal,
	siteId: string,
	input: ThresholdsInput | { reset: true; version: number },
	ip: string | null
): Promise<SaveResult> {
	return db().transaction(async (tx) => {
		const [site] = await tx.select().from(t.sites).where(eq(t.sites.id, siteId)).for('update');
		if (!site) return { ok: false, error: 'site_not_found' } as const;
		if (site.version !== input.version) return { ok: false, error: 'site_stale' } as const;
		const settings = { ...((site.settings ?? {}) as Settings) };
		const before = {
			...flatten(thresholdsFrom(settings.thresholds)),
			selfReport: selfReportAllowed(settings)
		};
		if ('reset' in input) {
			delete settings.thresholds;
			delete settings.selfReport;
		} else {
			const overrides = overridesOf(input);
			if (Object.keys(overrides).length) settings.thresholds = overrides;
			else delete settings.thresholds;
			// Allowed is the default: only a site that switched it off stores anything.
			if (input.selfReport) delete settings.selfReport;
			else settings.selfReport = false;
		}
		const after = {
			...flatten(thresholdsFrom(settings.thresholds)),
			selfReport: selfReportAllowed(settings)
		};
		const [row] = await tx
			.update(t.sites)
			.set({ settings, version: sql`${t.sites.version} + 1` })
			.where(and(eq(t.sites.id, siteId), eq(t.sites.version, input.version)))
			.returning({ version: t.sites.version });
		if (!row) return { ok: false, error: 'site_stale' } as const;
		const changed = Object.keys(after).filter(
			(k) => after[k as keyof typeof after] !== before[k as keyof typeof before]
		);
		if (changed.length)
			await audit(tx, {
				actor,
				action: 'update_thresholds',
				entity: 'site',
				entityId: siteId,
				before: Object.fromEntries(changed.map((k) => [k, before[k as keyof typeof before]])),
				after: Object.fromEntries(changed.map((k) => [k, after[k as keyof typeof after]])),
				ip
			});
		return { ok: true, version: row.version } as const;
	});
}
