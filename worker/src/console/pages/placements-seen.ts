/**
 * Widget placements seen in a site's recent events, so a marketer finds the placements that exist
 * before any has rules. Bounded: it reads at most SCAN_ROWS of the newest events (the
 * `events_site_received` index, newest first), so a busy shop costs the same as a quiet one; a
 * placement only seen before that window is missed, and can still be opened by name.
 *
 * (A console read of the events table; it belongs in worker/src/events/store.ts when that module's owner
 * takes it.)
 */

/** Newest events read per call. */
export const SCAN_ROWS = 5_000;
/** Most placements answered. */
export const SEEN_MAX = 50;

/** Distinct placements of `site`'s events received since `sinceMs` (epoch ms), by name. */
export async function seenPlacements(db: D1Database, site: string, sinceMs: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT DISTINCT placement FROM (
         SELECT placement FROM events WHERE site = ?1 AND received_at >= ?2 ORDER BY received_at DESC LIMIT ?3
       ) WHERE placement IS NOT NULL ORDER BY placement LIMIT ?4`,
    )
    .bind(site, sinceMs, SCAN_ROWS, SEEN_MAX)
    .all<{ placement: string }>();
  return results.map((r) => r.placement);
}
