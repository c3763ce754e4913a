/** One row of site stats: a UTC day, a widget placement and the model version that made the picks. */
export interface StatsRow {
  day: string;
  /** Widget placement the events carried (`null`: events not tied to a placement). */
  placement: string | null;
  /** Model version from the `recommendationId` (`r_….v3`); `null` when the events carried none. */
  modelVersion: string | null;
  impressions: number;
  clicks: number;
  /** clicks / impressions, or null without impressions. */
  ctr: number | null;
  addToCarts: number;
  purchases: number;
  /** Σ price × quantity (quantity 1 when absent) over purchases, in the site's currency. */
  revenue: number;
}

/** Events counted per UTC day (receive time) × placement × model version, for `from`…`to` inclusive. */
export async function eventStats(db: D1Database, site: string, from: string, to: string): Promise<StatsRow[]> {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`) + 86_400_000;
  const { results } = await db
    .prepare(
      `SELECT date(received_at / 1000, 'unixepoch') AS day, placement,
              CASE WHEN instr(recommendation_id, '.') > 0 THEN substr(recommendation_id, instr(recommendation_id, '.') + 1) END AS model_version,
              SUM(type = 'impression') AS impressions, SUM(type = 'click') AS clicks, SUM(type = 'add_to_cart') AS add_to_carts,
              SUM(type = 'purchase') AS purchases,
              SUM(CASE WHEN type = 'purchase' THEN COALESCE(price, 0) * COALESCE(quantity, 1) ELSE 0 END) AS revenue
         FROM events WHERE site = ?1 AND received_at >= ?2 AND received_at < ?3
        GROUP BY day, placement, model_version ORDER BY day, placement, model_version LIMIT 10000`,
    )
    .bind(site, start, end)
    .all<{
      day: string;
      placement: string | null;
      model_version: string | null;
      impressions: number;
      clicks: number;
      add_to_carts: number;
      purchases: number;
      revenue: number;
    }>();
  return results.map((r) => ({
    day: r.day,
    placement: r.placement,
    modelVersion: r.model_version,
    impressions: r.impressions,
    clicks: r.clicks,
    ctr: r.impressions > 0 ? Math.round((r.clicks / r.impressions) * 1e6) / 1e6 : null,
    addToCarts: r.add_to_carts,
    purchases: r.purchases,
    revenue: Math.round(r.revenue * 100) / 100,
  }));
}

/** One recommended item's counts over a range (see `topItems`). */
export interface TopItem {
  itemId: string;
  impressions: number;
  clicks: number;
  purchases: number;
}

/**
 * The items shown most by recommendations from `from` to `to` (UTC days, inclusive, receive time):
 * impressions, clicks and purchases of events that carry a `recommendationId`, most impressions first
 * (then clicks, then id), at most `limit` (1–100).
 */
export async function topItems(db: D1Database, site: string, from: string, to: string, limit = 10): Promise<TopItem[]> {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`) + 86_400_000;
  const { results } = await db
    .prepare(
      `SELECT item_id, SUM(type = 'impression') AS impressions, SUM(type = 'click') AS clicks, SUM(type = 'purchase') AS purchases
         FROM events WHERE site = ?1 AND received_at >= ?2 AND received_at < ?3 AND recommendation_id IS NOT NULL
        GROUP BY item_id ORDER BY impressions DESC, clicks DESC, item_id LIMIT ?4`,
    )
    .bind(site, start, end, Math.max(1, Math.min(100, Math.floor(limit))))
    .all<{ item_id: string; impressions: number; clicks: number; purchases: number }>();
  return results.map((r) => ({ itemId: r.item_id, impressions: r.impressions, clicks: r.clicks, purchases: r.purchases }));
}
