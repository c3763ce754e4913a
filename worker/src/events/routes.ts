import { Hono } from 'hono';
import { toIssues } from '../../../schema/errors.js';
import { Event, EventsBatch, type EventsResponse } from '../../../schema/events.js';
import { invalid, jsonBodyLimit, methodNotAllowed, readJson } from '../http/errors.js';
import { rememberInteractions } from '../shoppers/history.js';
import type { SiteEnv } from '../sites/middleware.js';
import { type AcceptedEvent, storeEvents } from './store.js';

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
  const accepted: AcceptedEvent[] = [];
  parsed.data.events.forEach((raw, index) => {
    const ev = Event.safeParse(raw);
    if (ev.success) accepted.push({ raw, event: ev.data });
    else {
      const issue = toIssues(ev.error)[0];
      const id = typeof (raw as { id?: unknown })?.id === 'string' ? ((raw as { id: string }).id as string).slice(0, 64) : undefined;
      res.rejected.push({
        index,
        ...(id ? { id } : {}),
        code: 'invalid_event',
        message: `${issue.path.join('.') || 'event'}: ${issue.message}`,
      });
    }
  });
  if (accepted.length) {
    const stored = await storeEvents(c.env.DB, site, accepted, now);
    res.accepted = stored.inserted;
    res.duplicates = stored.duplicates;
    // The shopper's cross-channel history (worker/src/shoppers): the next request for this userId,
    // from any channel, folds these in. Awaited, so an answered event is already there.
    await rememberInteractions(
      c.env,
      site,
      accepted.map((a) => a.event),
      now,
    );
  }
  return c.json(res);
});

eventsRoutes.all('/', methodNotAllowed('POST'));
