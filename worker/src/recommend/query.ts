import { z } from 'zod';
import { EventType } from '../../../schema/events.js';
import { EXCLUDE_MAX, ItemFilter, K_MAX, RECENT_MAX, RecommendationsRequest } from '../../../schema/recommendations.js';

/**
 * Query-string forms of the JSON requests. Every value arrives as a string; `to…Request` turns the
 * strings into the JSON shape and the JSON schema validates it, so GET and POST share one set of
 * rules and messages. The descriptions here are what /openapi.json lists as query parameters.
 */
const param = (description: string, example: string) =>
  z
    .string()
    .optional()
    .meta({ description, examples: [example] });

export const ListQuery = z.object({
  k: param(`Number of items, an integer 1–${K_MAX}; default 10`, '10'),
  exclude: param(`Comma-separated item ids never to return (at most ${EXCLUDE_MAX})`, 'p0007,p0008'),
  category: param('Comma-separated categories to keep', 'tea,coffee'),
  minPrice: param('Lowest price to keep (items without a price are dropped)', '10'),
  maxPrice: param('Highest price to keep (items without a price are dropped)', '300'),
});
export type ListQuery = z.infer<typeof ListQuery>;

export const RecommendationsQuery = z.object({
  userId: param('The shop user id; a user known to the model gets source "model"', 'u0001'),
  visitorId: param('The SDK visitor id (anonymous)', 'v_8c1f'),
  recent: param(
    `The visitor's latest interactions for real-time fold-in, newest last: comma-separated \`itemId\` or \`itemId:type\` (type: ${EventType.options.join(', ')}; default view), at most ${RECENT_MAX}`,
    'p0042:click,p0107',
  ),
  ...ListQuery.shape,
  placement: param('Widget placement, echoed into events for attribution', 'for-you'),
});
export type RecommendationsQuery = z.infer<typeof RecommendationsQuery>;

/** The JSON form of popular / similar requests (validated after the query is translated). */
export const ListRequest = z.object({
  k: RecommendationsRequest.shape.k,
  exclude: RecommendationsRequest.shape.exclude,
  filter: ItemFilter.optional(),
});
export type ListRequest = z.infer<typeof ListRequest>;

/** `a,b, c` → ['a','b','c']; absent stays absent. */
export const list = (v: string | undefined) =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

/**
 * A plain decimal number (`10`, `-2`, `9.5`); anything else — `abc`, `0x10`, `0b11`, `1e3`, ` 5`,
 * `Infinity` — becomes NaN so zod reports it (never silently read as something else). Absent stays
 * absent; an empty value is an error too (`k=`).
 */
export const num = (v: string | undefined) => (v === undefined ? undefined : /^-?\d{1,15}(\.\d{1,15})?$/.test(v) ? Number(v) : Number.NaN);

/** `p1:click` → {itemId: 'p1', type: 'click'}. A suffix that names no event type is part of the id (`sku:12`). */
export function recentItem(token: string): { itemId: string; type?: string } {
  const j = token.lastIndexOf(':');
  const type = j > 0 ? token.slice(j + 1) : '';
  return (EventType.options as readonly string[]).includes(type) ? { itemId: token.slice(0, j), type } : { itemId: token };
}

function filterOf(q: ListQuery) {
  if (q.category === undefined && q.minPrice === undefined && q.maxPrice === undefined) return undefined;
  return { category: list(q.category), minPrice: num(q.minPrice), maxPrice: num(q.maxPrice) };
}

export function toListRequest(q: ListQuery): unknown {
  return { k: num(q.k), exclude: list(q.exclude), filter: filterOf(q) };
}

export function toRecommendationsRequest(q: RecommendationsQuery): unknown {
  return {
    userId: q.userId,
    visitorId: q.visitorId,
    k: num(q.k),
    exclude: list(q.exclude),
    recent: list(q.recent)?.map(recentItem),
    filter: filterOf(q),
    placement: q.placement,
  };
}

/** An opaque, recognisable response id: `r_` + 18 random hex digits (72 bits). */
export function newRecommendationId(): string {
  const b = crypto.getRandomValues(new Uint8Array(9));
  return `r_${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}
