import { z } from 'zod';
import { EventType } from './events.js';
import { Identifier } from './ids.js';

export const K_MAX = 100;
export const RECENT_MAX = 50;
export const EXCLUDE_MAX = 500;

const ItemId = Identifier(128);

/** One of the visitor's latest interactions, folded into a user vector at request time. */
export const RecentInteraction = z.object({
  itemId: ItemId,
  type: EventType.default('view'),
  ts: z.number().int().nonnegative().optional(),
});
export type RecentInteraction = z.infer<typeof RecentInteraction>;

export const ItemFilter = z
  .object({
    category: z.union([Identifier(128), z.array(Identifier(128)).min(1, 'give at least one category').max(50)]).optional(),
    minPrice: z.number().nonnegative().optional(),
    maxPrice: z.number().nonnegative().optional(),
  })
  .refine((f) => f.minPrice === undefined || f.maxPrice === undefined || f.minPrice <= f.maxPrice, {
    message: 'minPrice must be ≤ maxPrice',
    path: ['minPrice'],
  });
export type ItemFilter = z.infer<typeof ItemFilter>;

/** POST body of `/v1/sites/:site/recommendations` (GET takes the same fields as query params). */
export const RecommendationsRequest = z.object({
  userId: Identifier(128).optional(),
  visitorId: Identifier(128).optional(),
  recent: z.array(RecentInteraction).max(RECENT_MAX).optional(),
  k: z.number().int().min(1).max(K_MAX).default(10),
  exclude: z.array(ItemId).max(EXCLUDE_MAX).optional(),
  filter: ItemFilter.optional(),
  placement: Identifier(64).optional(),
});
export type RecommendationsRequest = z.infer<typeof RecommendationsRequest>;

/** An item as widgets render it: catalog fields are present when the site's catalog has them. */
export const RecommendedItem = z
  .object({
    id: z.string(),
    score: z.number(),
    title: z.string().optional(),
    price: z.number().optional(),
    currency: z.string().optional(),
    image: z.string().optional(),
    url: z.string().optional(),
    category: z.string().optional(),
  })
  .catchall(z.unknown());
export type RecommendedItem = z.infer<typeof RecommendedItem>;

export const RecommendationSource = z.enum(['model', 'realtime', 'popular', 'similar']);
export type RecommendationSource = z.infer<typeof RecommendationSource>;

export const RecommendationsResponse = z.object({
  /** Opaque id; send it back with click/purchase events to attribute them to this response. */
  recommendationId: z.string(),
  source: RecommendationSource,
  /** Active model version that produced the items (absent when none). */
  modelVersion: z.string().optional(),
  items: z.array(RecommendedItem),
});
export type RecommendationsResponse = z.infer<typeof RecommendationsResponse>;
