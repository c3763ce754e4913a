import type { Rotation } from '../../../schema/merchandising.js';

/** Most events read per request for rotation (newest first): a few days of a heavy browser. */
export const ROTATION_EVENTS_MAX = 2_000;

/**
 * Items to demote for a shopper under `rotation`: shown (impression events) at least
 * `afterImpressions` times within the last `hours` with no other interaction on the item after the
 * first of those impressions. Reads the shopper's own events from D1 (index `events_visitor`, site ×
 * visitor × time) — one indexed query, only for placements that enable rotation. Per device: the
 * request's `visitorId` (a signed-in shopper's other devices rotate on their own).
 */
export function demotedBy(
  events: readonly { item_id: string; type: string; received_at: number }[],
  rotation: Rotation,
  now: number,
): Set<string> {
  const since = now - rotation.hours * 3_600_000;
  // A click (any interaction) after being shown ends the streak: count only impressions after the last one.
  const acted = new Map<string, number>();
  for (const e of events) if (e.type !== 'impression') acted.set(e.item_id, Math.max(acted.get(e.item_id) ?? 0, e.received_at));
  const shown = new Map<string, number>();
  for (const e of events)
    if (e.type === 'impression' && e.received_at >= since && e.received_at > (acted.get(e.item_id) ?? -1))
      shown.set(e.item_id, (shown.get(e.item_id) ?? 0) + 1);
  const out = new Set<string>();
  for (const [item, count] of shown) if (count >= rotation.afterImpressions) out.add(item);
  return out;
}

/** The shopper's recent events for rotation (empty on a D1 error: logged, picks still come back). */
export async function rotationEvents(
  db: D1Database,
  site: string,
  visitorIds: readonly string[],
  rotation: Rotation,
  now: number,
): Promise<{ item_id: string; type: string; received_at: number }[]> {
  if (!visitorIds.length) return [];
  try {
    const { results } = await db
      .prepare(
        `SELECT item_id, type, received_at FROM events
          WHERE site = ?1 AND visitor_id IN (SELECT value FROM json_each(?2)) AND received_at >= ?3
          ORDER BY received_at DESC LIMIT ?4`,
      )
      .bind(site, JSON.stringify(visitorIds.slice(0, 20)), now - rotation.hours * 3_600_000, ROTATION_EVENTS_MAX)
      .all<{ item_id: string; type: string; received_at: number }>();
    return results;
  } catch (e) {
    console.error(`rotation: shopper events unreadable: ${(e as Error).message}`);
    return [];
  }
}
