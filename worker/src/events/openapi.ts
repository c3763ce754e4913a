import { z } from 'zod';
import { EVENTS_MAX_BATCH, Event, EventsResponse } from '../../../schema/events.js';
import { StatsQuery } from '../../../schema/routing-admin.js';
import { adminErrors, bodyErrors, type Components, errorSpec, type Operation, siteParam } from '../http/openapi.js';
import { EVENTS_VISITOR_LIMIT, EVENTS_VISITOR_PERIOD_S } from './limits.js';
import { EVENTS_BODY_LIMIT } from './routes.js';
import { STATS_MAX_DAYS } from './stats-routes.js';

/** The events room's routes, for /openapi.json. */
export const eventsOperations: Operation[] = [
  {
    method: 'post',
    path: '/v1/sites/{site}/events',
    tags: ['events'],
    summary: 'Record a batch of events',
    description: `At most ${EVENTS_MAX_BATCH} events and ${EVENTS_BODY_LIMIT} bytes per batch. Each event is validated on its own; invalid ones are listed in "rejected", the others taken. 200 means durable: the batch is in R2 and/or the events queue, and is stored in D1 (once per site × id, so retries are safe) and archived to R2 as NDJSON within seconds. "duplicates" counts ids repeated within the batch. At most ${EVENTS_VISITOR_LIMIT} batches per visitor per ${EVENTS_VISITOR_PERIOD_S} s. text/plain bodies are accepted (navigator.sendBeacon).`,
    params: { site: siteParam },
    body: {
      component: 'EventsBatch',
      example: {
        events: [
          {
            id: 'e_5b1d0c7a9f3e',
            type: 'click',
            visitorId: 'v_8c1f',
            itemId: 'p0042',
            recommendationId: 'r_3f9a0c1d2e4b5a6978',
            placement: 'for-you',
            ts: 1767225600000,
          },
        ],
      },
    },
    responses: {
      '200': { description: 'Per-batch outcome', body: 'EventsResponse', example: { accepted: 1, duplicates: 0, rejected: [] } },
      '400': errorSpec(
        'Not JSON (`invalid_json`) or not a batch of 1–100 (`invalid_request`)',
        'invalid_json',
        'request body is not valid JSON',
      ),
      '404': errorSpec('Unknown site', 'site_not_found', 'unknown site "nope"'),
      '405': errorSpec('Another method than POST', 'method_not_allowed', 'GET is not allowed here; use POST'),
      ...bodyErrors(EVENTS_BODY_LIMIT),
      '429': errorSpec(
        `Every event of the batch is from a visitor over ${EVENTS_VISITOR_LIMIT} batches per ${EVENTS_VISITOR_PERIOD_S} s (Retry-After header)`,
        'rate_limited',
        `too many event batches from this visitor; retry after ${EVENTS_VISITOR_PERIOD_S} s`,
      ),
      '503': errorSpec(
        'Nothing could keep the batch (R2, queue and D1 failed); send it again (Retry-After)',
        'unavailable',
        'events could not be stored right now; send them again',
      ),
    },
  },
];

eventsOperations.push({
  method: 'get',
  path: '/v1/admin/sites/{site}/stats',
  tags: ['stats (admin)'],
  bearer: true,
  summary: 'Impressions, clicks, CTR, add-to-carts, purchases and revenue per UTC day × placement × model version (developer or marketer)',
  description: `Default: the last 30 days; at most ${STATS_MAX_DAYS} days. The model version comes from the recommendationId the events carry.`,
  params: { site: siteParam },
  query: StatsQuery,
  responses: {
    '200': {
      description:
        '{site, from, to, currency, totals, rows: [{day, placement, modelVersion, impressions, clicks, ctr, addToCarts, purchases, revenue}]}',
    },
    '400': errorSpec('Bad dates or range', 'invalid_request', 'invalid query: from: not a calendar day'),
    ...adminErrors,
  },
});

/** Schemas the events room's operations name. */
export const eventsComponents: Components = {
  Event: { schema: Event, io: 'input' },
  // The wire schema takes `events: unknown[]` so that one bad event never fails its batch; the
  // document shows what each element should be.
  EventsBatch: { schema: z.object({ events: z.array(Event).min(1).max(EVENTS_MAX_BATCH) }), io: 'input' },
  EventsResponse: { schema: EventsResponse },
};
