import type { SiteConfig } from '../../../schema/catalog.js';
import type { LinkDefinition } from '../../../schema/routing.js';
import type { SimulateRequest } from '../../../schema/routing-admin.js';
import { ApiError } from '../http/errors.js';
import { publicUrl } from '../sites/origin.js';
import { decideLive } from './decide.js';
import { detectEnv } from './detect-env.js';
import { expiryWarnings } from './expiry.js';
import type { LiveEnv } from './live-options.js';
import { offSiteUrls } from './policy.js';
import { compileLink, explainSkipped } from './rules.js';
import { decisionStats } from './stats-store.js';

/**
 * What the admin API and the console share about links, above the stores: the host check every
 * saved definition passes, simulation of a definition (saved or draft), and stats summaries.
 */

/** Every absolute target URL must be on the site's `linkHosts` (`/r/` is never an open redirect); 400 with issues otherwise. */
export function checkLinkHosts(link: LinkDefinition, config: Pick<SiteConfig, 'linkHosts'> | undefined): void {
  const issues = offSiteUrls(link, config?.linkHosts ?? []);
  if (issues.length) throw new ApiError('invalid_request', `invalid link: ${issues[0].path.join('.')}: ${issues[0].message}`, issues);
}

/** Saved, but worth the marketer's attention (expiring URL Links): present only when there is something. */
export const withWarnings = (link: LinkDefinition) => {
  const warnings = expiryWarnings(link);
  return warnings.length ? { warnings } : {};
};

/**
 * The decision `/r/:slug` would make for a simulated visitor: `{env, ruleId, variant?, target,
 * plan, dropped, warnings, warningCodes, skipped}` (`skipped`: why each earlier rule did not match). With the
 * worker's `bindings` it is the real one: warnings when only WeChat's hint page is reachable (no open-tag secrets),
 * and for a Douyin app with a secret, the Link generated for this visit (from the cache when it has one).
 */
export async function simulateLink(
  link: LinkDefinition,
  s: SimulateRequest,
  requestUrl: string,
  config: Pick<SiteConfig, 'publicOrigin'> | undefined,
  bindings: LiveEnv,
) {
  const url = new URL(`/r/${link.slug}`, publicUrl(requestUrl, config));
  for (const [k, v] of Object.entries(s.query)) url.searchParams.set(k, v);
  const env = detectEnv({
    userAgent: s.ua,
    acceptLanguage: s.language,
    referrer: s.referrer,
    url: url.toString(),
    cf: { country: s.country, region: s.region, city: s.city },
  });
  const rules = compileLink(link);
  const { ctx, decision, json } = await decideLive(
    rules,
    link,
    env,
    s.visitorId,
    url.toString(),
    bindings,
    s.time ? new Date(s.time) : new Date(),
  );
  return { ...json, url: url.toString(), skipped: explainSkipped(rules, ctx, decision) };
}

/** Decisions per UTC day, rule and target over `from`…`to`, with totals per rule and per target. */
export async function linkStatsSummary(db: D1Database, slug: string, from: string, to: string) {
  const stats = await decisionStats(db, slug, from, to);
  const byRule: Record<string, number> = {};
  const byTarget: Record<string, number> = {};
  let total = 0;
  for (const r of stats) {
    byRule[r.rule] = (byRule[r.rule] ?? 0) + r.count;
    byTarget[r.target] = (byTarget[r.target] ?? 0) + r.count;
    total += r.count;
  }
  return { from, to, total, byRule, byTarget, stats };
}
