import { z } from 'zod';
import { Channel, EventType } from './events.js';
import { Identifier } from './ids.js';

/** Most items one recommendation request may ask for. */
export const K_MAX = 100;
/** Most recent interactions folded in per request. */
export const RECENT_MAX = 50;
/** Most item ids one request may exclude. */
export const EXCLUDE_MAX = 500;

const ItemId = Identifier(128);

/** One of the visitor's latest interactions, folded into a user vector at request time. */
export const RecentInteraction = z.object({
  itemId: ItemId,
  type: EventType.default('view'),
  ts: z.number().int().nonnegative().optional(),
  /** Who shared this item with the shopper (the share link's `ref`): it is shown again, first, as `shared_with_you`. */
  ref: ItemId.optional(),
});
export type RecentInteraction = z.infer<typeof RecentInteraction>;

/** Catalog filters applied while scoring: categories and a price range. */
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
  /** Where the shopper is (web, wechat, baidu…): the scene that re-ranks picks with what sells there. */
  channel: Channel.optional(),
});
export type RecommendationsRequest = z.infer<typeof RecommendationsRequest>;

/** Why an item is shown (widgets may print a short label): the kinds a list of picks can give. */
export const ReasonType = z.enum(['because_you_viewed', 'shared_with_you', 'trending', 'pinned', 'popular', 'new']);
export type ReasonType = z.infer<typeof ReasonType>;

/** `{type, itemId?}`: `itemId` names the item behind it (the viewed item most like this one). */
export const Reason = z.object({ type: ReasonType, itemId: z.string().optional() });
export type Reason = z.infer<typeof Reason>;

/** An item as widgets render it: catalog fields are present when the site's catalog has them. */
export const RecommendedItem = z
  .object({
    id: z.string(),
    score: z.number(),
    /** Why it is shown; absent when there is nothing to say (e.g. a trained taste with no stored items). */
    reason: Reason.optional(),
    /** People who shared the item today, the site's local day (social proof; absent below 1). */
    sharedToday: z.number().int().min(1).optional(),
    title: z.string().optional(),
    price: z.number().optional(),
    currency: z.string().optional(),
    image: z.string().optional(),
    url: z.string().optional(),
    category: z.string().optional(),
  })
  .catchall(z.unknown());
export type RecommendedItem = z.infer<typeof RecommendedItem>;

/**
 * Where picks came from: a trained user vector, a real-time fold-in, popularity, item similarity,
 * trending, or `rules_fallback` — the placement's merchandising rules left no personal pick, so these
 * are the most popular items within the rules' (and the request's) constraints.
 */
export const RecommendationSource = z.enum(['model', 'realtime', 'popular', 'similar', 'trending', 'rules_fallback']);
export type RecommendationSource = z.infer<typeof RecommendationSource>;

/** Every list of picks: an id for attribution, where the picks came from, and the items best first. */
export const RecommendationsResponse = z.object({
  /** Opaque id; send it back with click/purchase events to attribute them to this response. */
  recommendationId: z.string(),
  source: RecommendationSource,
  /** Active model version that produced the items (absent when none). */
  modelVersion: z.string().optional(),
  items: z.array(RecommendedItem),
});
export type RecommendationsResponse = z.infer<typeof RecommendationsResponse>;

/**
 * Query-string forms of the JSON requests. Every value arrives as a string; `to…Request` turns the
 * strings into the JSON shape and the JSON schema validates it, so GET and POST share one set of
 * rules and messages. The descriptions here are what /openapi.json lists as query parameters; the worker translates
 * them (worker/src/recommend/query.ts).
 */
const param = (description: string, example: string) =>
  z
    .string()
    .optional()
    .meta({ description, examples: [example] });

/** Query parameters of `/popular` and `/items/:id/similar` (strings, translated to `ListRequest`). */
export const ListQuery = z.object({
  k: param(`Number of items, an integer 1–${K_MAX}; default 10`, '10'),
  exclude: param(`Comma-separated item ids never to return (at most ${EXCLUDE_MAX})`, 'p0007,p0008'),
  category: param('Comma-separated categories to keep', 'tea,coffee'),
  minPrice: param('Lowest price to keep (items without a price are dropped)', '10'),
  maxPrice: param('Highest price to keep (items without a price are dropped)', '300'),
});
export type ListQuery = z.infer<typeof ListQuery>;

/** Query parameters of `GET /recommendations` (strings, translated to `RecommendationsRequest`). */
export const RecommendationsQuery = z.object({
  userId: param('The shop user id; a user known to the model gets source "model"', 'u0001'),
  visitorId: param('The SDK visitor id (anonymous)', 'v_8c1f'),
  recent: param(
    `The visitor's latest interactions for real-time fold-in, newest last: comma-separated \`itemId\` or \`itemId:type\` (type: ${EventType.options.join(', ')}; default view), at most ${RECENT_MAX}`,
    'p0042:click,p0107',
  ),
  ...ListQuery.shape,
  placement: param('Widget placement, echoed into events for attribution', 'for-you'),
  channel: param(`Where the shopper is: ${Channel.options.join(', ')}`, 'wechat'),
});
export type RecommendationsQuery = z.infer<typeof RecommendationsQuery>;

/** The JSON form of popular / similar requests (validated after the query is translated). */
export const ListRequest = z.object({
  k: RecommendationsRequest.shape.k,
  exclude: RecommendationsRequest.shape.exclude,
  filter: ItemFilter.optional(),
});
export type ListRequest = z.infer<typeof ListRequest>;
