import { z } from 'zod';
import { Identifier } from './ids.js';

/** Where an event happened: the web storefront or a mini-program / app host (the SDK sets it from its transport). */
export const Channel = z.enum(['web', 'wechat', 'baidu', 'douyin', 'alipay', 'app', 'other']);
export type Channel = z.infer<typeof Channel>;

/** The one event schema shared by the SDK, the worker, D1 and the trainer's JSONL input. */
export const EventType = z.enum(['view', 'click', 'add_to_cart', 'purchase', 'share', 'impression']);
export type EventType = z.infer<typeof EventType>;

/**
 * How much each event type says about a shopper's taste: the trainer's interaction weight (a pack
 * records the weights it was trained with) and the fold-in weight of `recent` at request time.
 */
export const DEFAULT_EVENT_WEIGHTS: Readonly<Record<EventType, number>> = {
  impression: 0,
  view: 1,
  click: 2,
  add_to_cart: 3,
  share: 4,
  purchase: 5,
};

const Id = Identifier(128);

/** One shopper event as the SDK sends it; validated one by one, so a bad event never drops its batch. */
export const Event = z.object({
  /** Client event id, unique per visitor; the worker de-duplicates on (site, id). */
  id: Identifier(64, 8),
  type: EventType,
  /** Anonymous, persisted visitor id (SDK-generated). */
  visitorId: Id,
  /** Shop's own user id once known (login). */
  userId: Id.optional(),
  itemId: Id,
  /** Client time, ms since the Unix epoch. */
  ts: z.number().int().nonnegative().optional(),
  /** The `recommendationId` of the response that showed this item, for attribution. */
  recommendationId: Identifier(64).optional(),
  /** Widget placement, e.g. `for-you`, `similar`, `popular`. */
  placement: Identifier(64).optional(),
  /** Where it happened (`web`, `wechat`, `baidu`, …). @default unknown (absent) */
  channel: Channel.optional(),
  /** Sharer's visitor id (`ref` on a shared link). */
  ref: Id.optional(),
  /** purchase/add_to_cart: units and unit price in the site's currency. */
  quantity: z.number().int().positive().max(10_000).optional(),
  price: z.number().nonnegative().max(1e9).optional(),
});
export type Event = z.infer<typeof Event>;

/**
 * One line of the trainer's JSONL input: an `Event` as the worker stores and `edgepick export`
 * writes it (client id and visitor optional, a shop user or visitor required), with an optional
 * explicit `weight` that overrides the event type's.
 */
export const TrainingEvent = Event.partial({ id: true, visitorId: true, type: true })
  .extend({ weight: z.number().nonnegative().max(1e6).optional() })
  .refine((e) => e.userId !== undefined || e.visitorId !== undefined, { message: 'missing userId (or visitorId)', path: ['userId'] });
export type TrainingEvent = z.infer<typeof TrainingEvent>;

/** Limits stated in the API reference. */
export const EVENTS_MAX_BATCH = 100;

/** `POST /v1/sites/:site/events` body: 1–100 events (each validated on its own). */
export const EventsBatch = z.object({
  events: z.array(z.unknown()).min(1).max(EVENTS_MAX_BATCH),
});

/**
 * What the events endpoint answers. `accepted`: events taken for storage — each is stored once, so an
 * id that was already stored by an earlier batch (a retry) is dropped by the pipeline, not stored
 * again. `duplicates`: events whose id repeats an earlier event of the same batch. `rejected`: each
 * refused event with its reason (`invalid_event`, or `rate_limited` for a visitor over the limit in
 * a batch that also carries other visitors' events — send those again later).
 */
export const EventsResponse = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(
    z.object({
      index: z.number().int(),
      id: z.string().optional(),
      code: z.string(),
      message: z.string(),
    }),
  ),
});
export type EventsResponse = z.infer<typeof EventsResponse>;
