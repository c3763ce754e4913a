import { Hono } from 'hono';
import { toIssues } from '../../../schema/errors.js';
import { Event, EventsBatch, type EventsResponse } from '../../../schema/events.js';
import { ApiError, invalid, jsonBodyLimit, methodNotAllowed, readJson } from '../http/errors.js';
import { rememberInteractions } from '../shoppers/history.js';
import type { SiteEnv } from '../sites/middleware.js';
import { EVENTS_VISITOR_PERIOD_S } from './limits.js';
import { type AcceptedEvent, enqueueEvents } from './pipeline.js';

/**
 * Largest events body, in bytes: 100 events (EVENTS_MAX_BATCH) of up to ~2.5 KiB each. Bodies over
 * it are refused whole with 413 payload_too_large; split the batch.
 */
export const EVENTS_BODY_LIMIT = 256 * 1024;
export { EVENTS_VISITOR_LIMIT, EVENTS_VISITOR_PERIOD_S } from './limits.js';

/**
 * `POST /v1/sites/:site/events` → 200 EventsResponse. Validates each event on its own (bad ones are
 * listed in `rejected` with the reason, the rest are kept) and hands the accepted ones to the
 * pipeline (worker/src/events/pipeline.ts): durable in R2 and/or the queue before the answer, then
 * stored in D1 exactly once per (site, id) and archived to R2 as NDJSON, usually within seconds.
 * Identified shoppers' interactions reach their cross-channel history before the answer.
 * Accepts `text/plain` bodies too (navigator.sendBeacon).
 *
 * Limits: a batch is ≤ 100 events and ≤ 256 KiB (400/413); a visitor over its rate limit gets 429
 * with `Retry-After` when the batch is all theirs, else its events are rejected as `rate_limited`.
 * No per-IP limit: shoppers on Chinese mobile networks share carrier-grade NAT addresses; floods
 * that rotate visitor ids are for the zone's WAF rate-limiting rules (docs/shop.md).
 */
export const eventsRoutes = new Hono<SiteEnv>();

eventsRoutes.post('/', jsonBodyLimit(EVENTS_BODY_LIMIT, 'send at most 100 events per batch'), async (c) => {
  const parsed = EventsBatch.safeParse(await readJson(c));
  if (!parsed.success) throw invalid(parsed.error, 'body');
  const site = c.get('site');
  const now = Date.now();
  const res: EventsResponse = { accepted: 0, duplicates: 0, rejected: [] };
  const valid: (AcceptedEvent & { index: number })[] = [];
  const seen = new Set<string>();
  parsed.data.events.forEach((raw, index) => {
    const ev = Event.safeParse(raw);
    if (!ev.success) {
      const issue = toIssues(ev.error)[0];
      const id = typeof (raw as { id?: unknown })?.id === 'string' ? ((raw as { id: string }).id as string).slice(0, 64) : undefined;
      res.rejected.push({
        index,
        ...(id ? { id } : {}),
        code: 'invalid_event',
        message: `${issue.path.join('.') || 'event'}: ${issue.message}`,
      });
    } else if (seen.has(ev.data.id)) res.duplicates++;
    else {
      seen.add(ev.data.id);
      valid.push({ raw, event: ev.data, index });
    }
  });

  const limited = await limitedVisitors(c.env.EVENTS_VISITOR_LIMIT, site, valid);
  const accepted = valid.filter((v) => !limited.has(v.event.visitorId));
  if (limited.size && !accepted.length)
    throw new ApiError('rate_limited', `too many event batches from this visitor; retry after ${EVENTS_VISITOR_PERIOD_S} s`, undefined, {
      'Retry-After': String(EVENTS_VISITOR_PERIOD_S),
    });
  for (const v of valid)
    if (limited.has(v.event.visitorId))
      res.rejected.push({
        index: v.index,
        id: v.event.id,
        code: 'rate_limited',
        message: `visitor over its rate limit; send again after ${EVENTS_VISITOR_PERIOD_S} s`,
      });
  res.rejected.sort((a, b) => a.index - b.index);

  if (accepted.length) {
    try {
      await enqueueEvents(c.env, site, accepted, now);
    } catch (e) {
      console.error(`events: could not keep a batch of ${site}: ${e}`);
      throw new ApiError('unavailable', 'events could not be stored right now; send them again', undefined, { 'Retry-After': '5' });
    }
    res.accepted = accepted.length;
    // The shopper's cross-channel history (worker/src/shoppers): the next request for this userId,
    // from any channel, folds these in. Awaited, so an answered event is already there; the history
    // de-duplicates on the event id, so a retried batch is counted once.
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

/** Visitors of the batch over their limit (one limiter call per distinct visitor; none without the binding). */
async function limitedVisitors(limiter: RateLimit | undefined, site: string, events: AcceptedEvent[]): Promise<Set<string>> {
  if (!limiter) return new Set();
  const visitors = [...new Set(events.map((e) => e.event.visitorId))];
  const outcomes = await Promise.all(
    visitors.map((v) =>
      limiter.limit({ key: `${site}:${v}` }).then(
        (r) => r.success,
        (e) => (console.warn(`events: rate limiter failed: ${e}`), true), // a limiter failure never loses events
      ),
    ),
  );
  return new Set(visitors.filter((_, i) => !outcomes[i]));
}
