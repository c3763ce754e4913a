import { Hono } from 'hono';
import { z } from 'zod';
import { Identifier } from '../../../schema/ids.js';
import type { SharerReferrals } from '../../../schema/referrals.js';
import { invalid, methodNotAllowed } from '../http/errors.js';
import { dayRange } from '../lib/days.js';
import type { SiteEnv } from '../sites/middleware.js';
import type { SharerStats, UserLinks } from './attribution.js';
import { referralsReport } from './report.js';

/** How long an isolate reuses a site's computed results for `/shares/mine` (plain data only). */
const MINE_TTL_MS = 60_000;
const cache = new Map<string, { at: number; from: string; to: string; bySharer: Map<string, SharerStats>; links: UserLinks }>();

const MineQuery = z.object({ visitorId: Identifier(128) });

/**
 * `GET /v1/sites/:site/shares/mine?visitorId=` — the shopper's own share results over the last 30 days
 * (`client.myShares()`): `{sharer, level1, level2, from, to}` summed over the ids the shopper shares
 * under (the visitor id, and the user ids that visitor signed in as). The visitor id is the
 * credential: it is a random id kept on the shopper's device, so results of a user id are only given
 * to a device that signed in as that user. Results are recomputed at most once a minute per isolate.
 */
export const sharesRoutes = new Hono<SiteEnv>();

sharesRoutes.get('/mine', async (c) => {
  const q = MineQuery.safeParse(c.req.query());
  if (!q.success) throw invalid(q.error, 'query');
  const site = c.get('site');
  const now = Date.now();
  let hit = cache.get(site);
  if (!hit || now - hit.at > MINE_TTL_MS) {
    const range = dayRange({}, 30, 30, now);
    const { sharers, links } = await referralsReport(c.env.DB, site, range.fromMs, range.toMs);
    hit = { at: now, from: range.from, to: range.to, bySharer: new Map(sharers.map((s) => [s.sharer, s])), links };
    if (cache.size > 1_000) cache.clear();
    cache.set(site, hit);
  }
  const visitorId = q.data.visitorId;
  const users = [...(hit.links.get(visitorId) ?? [])];
  const sum = { level1: { visits: 0, purchases: 0, revenue: 0 }, level2: { visits: 0, purchases: 0, revenue: 0 } };
  for (const id of [visitorId, ...users]) {
    const s = hit.bySharer.get(id);
    if (!s) continue;
    for (const level of ['level1', 'level2'] as const) {
      sum[level].visits += s[level].visits;
      sum[level].purchases += s[level].purchases;
      sum[level].revenue = Math.round((sum[level].revenue + s[level].revenue) * 100) / 100;
    }
  }
  const body: SharerReferrals & { from: string; to: string } = { sharer: users.at(-1) ?? visitorId, ...sum, from: hit.from, to: hit.to };
  return c.json(body);
});

sharesRoutes.all('/mine', methodNotAllowed('GET'));

/** Forgets cached results (tests). */
export const forgetShares = () => cache.clear();
