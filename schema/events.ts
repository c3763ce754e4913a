import { z } from 'zod';
import { Identifier } from './ids.js';

/** The one event schema shared by the SDK, the worker, D1 and the trainer's JSONL input. */
export const EventType = z.enum(['view', 'click', 'add_to_cart', 'purchase', 'share', 'impression']);
export type EventType = z.infer<typeof EventType>;

const Id = Identifier(128);

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
  /** Sharer's visitor id (`ref` on a shared link). */
  ref: Id.optional(),
  /** purchase/add_to_cart: units and unit price in the site's currency. */
  quantity: z.number().int().positive().max(10_000).optional(),
  price: z.number().nonnegative().max(1e9).optional(),
});
export type Event = z.infer<typeof Event>;

/** Limits stated in the API reference. */
export const EVENTS_MAX_BATCH = 100;

export const EventsBatch = z.object({
  events: z.array(z.unknown()).min(1).max(EVENTS_MAX_BATCH),
});

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
