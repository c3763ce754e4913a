import { Hono } from 'hono';
import type { ReferralsResponse, SharerReferrals } from '../../../schema/referrals.js';
import { StatsQuery } from '../../../schema/routing-admin.js';
import { invalid, methodNotAllowed, onError } from '../http/errors.js';
import { dayRange } from '../lib/days.js';
import { type AdminEnv, adminAuth } from '../sites/auth.js';
import { type SiteEnv, siteMiddleware } from '../sites/middleware.js';
import { ATTRIBUTION_WINDOW_MS } from './attribution.js';
import { referralsReport } from './report.js';

/** Longest range one call may ask for, in days. */
export const REFERRALS_MAX_DAYS = 366;

type ReferralsEnv = AdminEnv & SiteEnv;

/**
 * `GET /v1/admin/sites/:site/referrals?from&to` and `…/referrals/:sharer` (owner, developer or
 * marketer token): two-level share attribution over the site's stored events (worker/src/referrals/
 * attribution.ts for the rules). Default: the last 30 days.
 */
export const referralsRoutes = new Hono<ReferralsEnv>();
referralsRoutes.onError(onError);
referralsRoutes.use('*', adminAuth({ roles: ['developer', 'marketer'] }), siteMiddleware());

async function compute(db: D1Database, site: string, query: Record<string, string>) {
  const q = StatsQuery.safeParse(query);
  if (!q.success) throw invalid(q.error, 'query');
  const range = dayRange(q.data, 30, REFERRALS_MAX_DAYS);
  const { sharers } = await referralsReport(db, site, range.fromMs, range.toMs);
  return { range, sharers };
}

referralsRoutes.get('/', async (c) => {
  const { range, sharers } = await compute(c.env.DB, c.get('site'), c.req.query());
  const body: ReferralsResponse = {
    site: c.get('site'),
    from: range.from,
    to: range.to,
    currency: c.get('config')?.currency ?? 'CNY',
    windowDays: ATTRIBUTION_WINDOW_MS / 86_400_000,
    sharers,
  };
  return c.json(body);
});

referralsRoutes.get('/:sharer', async (c) => {
  const sharer = c.req.param('sharer');
  const { sharers } = await compute(c.env.DB, c.get('site'), c.req.query());
  const zero = { visits: 0, purchases: 0, revenue: 0 };
  const found: SharerReferrals = sharers.find((s) => s.sharer === sharer) ?? { sharer, level1: zero, level2: { ...zero } };
  return c.json(found);
});

referralsRoutes.all('/', methodNotAllowed('GET'));
referralsRoutes.all('/:sharer', methodNotAllowed('GET'));
