import { type ArrivalRow, ATTRIBUTION_WINDOW_MS, type PurchaseRow } from './attribution.js';

/** Rows read per query at most: a small or mid-size shop's arrivals and purchases of a year fit. */
const MAX_ROWS = 200_000;

/**
 * Every arrival up to `to` (ms): an event with `ref` that is not an impression (a widget showing a card
 * is not an arrival) nor a purchase (attribution comes from the recorded arrival, never from the
 * purchase's own fields: a forged `ref` on a purchase credits nobody and extends no chain). All of
 * history: first referrers need it.
 *
 * Every event of a visit carries `ref`, so rows are folded in D1 to the first and last arrival per
 * person × sharer × UTC day — far fewer rows than events under MAX_ROWS. Visits and first referrers are
 * exact; last touch differs only when, within one day, a purchase follows another sharer's arrival that
 * itself came between two arrivals by the same first sharer (the folded-away middle one).
 */
export async function arrivals(db: D1Database, site: string, to: number): Promise<ArrivalRow[]> {
  const { results } = await db
    .prepare(
      `SELECT visitor_id AS visitorId, user_id AS userId, ref, MIN(received_at) AS first, MAX(received_at) AS last FROM events
        WHERE site = ?1 AND ref IS NOT NULL AND type NOT IN ('impression', 'purchase') AND received_at < ?2
        GROUP BY visitor_id, user_id, ref, received_at / 86400000 ORDER BY first LIMIT ?3`,
    )
    .bind(site, to, MAX_ROWS)
    .all<{ visitorId: string; userId: string | null; ref: string; first: number; last: number }>();
  const rows: ArrivalRow[] = [];
  for (const r of results) {
    rows.push({ visitorId: r.visitorId, userId: r.userId, ref: r.ref, at: r.first });
    if (r.last !== r.first) rows.push({ visitorId: r.visitorId, userId: r.userId, ref: r.ref, at: r.last });
  }
  return rows;
}

/** Purchases in `[from, to)` (ms), with Σ price × quantity. */
export async function purchases(db: D1Database, site: string, from: number, to: number): Promise<PurchaseRow[]> {
  const { results } = await db
    .prepare(
      `SELECT id, visitor_id AS visitorId, user_id AS userId, COALESCE(price, 0) * COALESCE(quantity, 1) AS revenue, received_at AS at
         FROM events WHERE site = ?1 AND type = 'purchase' AND received_at >= ?2 AND received_at < ?3 ORDER BY received_at LIMIT ?4`,
    )
    .bind(site, from, to, MAX_ROWS)
    .all<PurchaseRow>();
  return results;
}

/** Each (visitor id, user id) pair seen on one event before `to`: who signed in where. */
export async function signIns(db: D1Database, site: string, to: number): Promise<{ visitorId: string; userId: string }[]> {
  const { results } = await db
    .prepare(
      `SELECT DISTINCT visitor_id AS visitorId, user_id AS userId FROM events
        WHERE site = ?1 AND user_id IS NOT NULL AND received_at < ?2 LIMIT ?3`,
    )
    .bind(site, to, MAX_ROWS)
    .all<{ visitorId: string; userId: string }>();
  return results;
}

export { ATTRIBUTION_WINDOW_MS };
