import { Hono } from 'hono';
import { StatsQuery } from '../../../schema/routing-admin.js';
import { invalid, methodNotAllowed, onError } from '../http/errors.js';
import { dayRange } from '../lib/days.js';
import { type AdminEnv, adminAuth } from '../sites/auth.js';
import { type SiteEnv, siteMiddleware } from '../sites/middleware.js';
import { eventStats } from './store.js';

/** Longest stats range one call may ask for, in days. */
export const STATS_MAX_DAYS = 366;

/**
 * `GET /v1/admin/sites/:site/stats?from=YYYY-MM-DD&to=YYYY-MM-DD` (owner, developer or marketer
 * token): impressions, clicks, CTR, add-to-carts, purchases and revenue per UTC day × placement ×
 * model version, with totals. Default: the last 30 days.
 */
export const statsRoutes = new Hono<AdminEnv & SiteEnv>();
statsRoutes.onError(onError);
statsRoutes.use('*', adminAuth({ roles: ['developer', 'marketer'] }), siteMiddleware());

statsRoutes.get('/', async (c) => {
  const q = StatsQuery.safeParse(c.req.query());
  if (!q.success) throw invalid(q.error, 'query');
  const { from, to } = dayRange(q.data, 30, STATS_MAX_DAYS);
  const rows = await eventStats(c.env.DB, c.get('site'), from, to);
  const totals = rows.reduce(
    (t, r) => ({
      impressions: t.impressions + r.impressions,
      clicks: t.clicks + r.clicks,
      addToCarts: t.addToCarts + r.addToCarts,
      purchases: t.purchases + r.purchases,
      revenue: Math.round((t.revenue + r.revenue) * 100) / 100,
    }),
    { impressions: 0, clicks: 0, addToCarts: 0, purchases: 0, revenue: 0 },
  );
  const ctr = totals.impressions > 0 ? Math.round((totals.clicks / totals.impressions) * 1e6) / 1e6 : null;
  return c.json({ site: c.get('site'), from, to, currency: c.get('config')?.currency ?? 'CNY', totals: { ...totals, ctr }, rows });
});

statsRoutes.all('/', methodNotAllowed('GET'));
