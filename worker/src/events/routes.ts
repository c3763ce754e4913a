import { Hono } from 'hono';
import { toIssues } from '../../../schema/errors.js';
import { Event, EventsBatch, type EventsResponse } from '../../../schema/events.js';
import { invalid, jsonBodyLimit, methodNotAllowed, readJson } from '../http/errors.js';
import type { SiteEnv } from '../sites/middleware.js';

/**
 * Largest events body, in bytes: 100 events (EVENTS_MAX_BATCH) of up to ~2.5 KiB each. Bodies over
 * it are refused whole with 413 payload_too_large; split the batch.
 */
export const EVENTS_BODY_LIMIT = 256 * 1024;

/**
 * `POST /v1/sites/:site/events` → 200 EventsResponse. Validates each event on its own (bad ones are
 * listed in `rejected` with the reason, the rest are kept) and stores accepted events in D1,
 * idempotently on (site, client event id): a re-sent id is counted in `duplicates`, not stored
 * again. Accepts `text/plain` bodies too (navigator.sendBeacon). 200 rather than 202: the events
 * are durably written before the answer.
 */
export const eventsRoutes = new Hono<SiteEnv>();

eventsRoutes.post('/', jsonBodyLimit(EVENTS_BODY_LIMIT, 'send at most 100 events per batch'), async (c) => {
  const parsed = EventsBatch.safeParse(await readJson(c));
  if (!parsed.success) throw invalid(parsed.error, 'body');
  const site = c.get('site');
  const now = Date.now();
  const res: EventsResponse = { accepted: 0, duplicates: 0, rejected: [] };
  const accepted: { raw: unknown; event: Event }[] = [];
  parsed.data.events.forEach((raw, index) => {
    const ev = Event.safeParse(raw);
    if (ev.success) accepted.push({ raw, event: ev.data });
    else {
      const issue = toIssues(ev.error)[0];
      const id = typeof (raw as { id?: unknown })?.id === 'string' ? ((raw as { id: string }).id as string).slice(0, 64) : undefined;
      res.rejected.push({ index, ...(id ? { id } : {}), code: 'invalid_event', message: `${issue.path.join('.') || 'event'}: ${issue.message}` });
    }
  });
  if (accepted.length) {
    const stmt = c.env.DB.prepare(
      `INSERT INTO events (site, id, type, visitor_id, user_id, item_id, recommendation_id, placement, ref, quantity, price, client_ts, received_at, raw)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) ON CONFLICT (site, id) DO NOTHING`,
    );
    const results = await c.env.DB.batch(
      accepted.map(({ raw, event: e }) =>
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
        ),
      ),
    );
    for (const r of results) {
      if ((r.meta.changes ?? 0) > 0) res.accepted++;
      else res.duplicates++;
    }
  }
  return c.json(res);
});

eventsRoutes.all('/', methodNotAllowed('POST'));
