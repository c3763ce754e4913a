import type { Event } from '../../../schema/events.js';

/** An event that passed validation, with the JSON exactly as the client sent it. */
export interface AcceptedEvent {
  raw: unknown;
  event: Event;
}

/**
 * Writes events to D1 in one batch, idempotent on (site, client event id): a re-sent id changes
 * nothing and is counted in `duplicates`. `now` is the receive time (ms).
 */
export async function storeEvents(
  db: D1Database,
  site: string,
  events: AcceptedEvent[],
  now: number,
): Promise<{ inserted: number; duplicates: number }> {
  const stmt = db.prepare(
    `INSERT INTO events (site, id, type, visitor_id, user_id, item_id, recommendation_id, placement, ref, quantity, price, client_ts, received_at, raw, channel)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) ON CONFLICT (site, id) DO NOTHING`,
  );
  const results = await db.batch(
    events.map(({ raw, event: e }) =>
      stmt.bind(
        site,
        e.id,
        e.type,
        e.visitorId,
        e.userId ?? null,
        e.itemId,
        e.recommendationId ?? null,
        e.placement ?? null,
        e.ref ?? null,
        e.quantity ?? null,
        e.price ?? null,
        e.ts ?? null,
        now,
        // The event as sent (fields this schema does not know yet included), for audit and replays.
        JSON.stringify(raw),
        e.channel ?? null,
      ),
    ),
  );
  let inserted = 0;
  for (const r of results) if ((r.meta.changes ?? 0) > 0) inserted++;
  return { inserted, duplicates: results.length - inserted };
}
