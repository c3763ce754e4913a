import { EventType } from '../../../schema/events.js';
import type { ListQuery, RecommendationsQuery } from '../../../schema/recommendations.js';

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
    channel: q.channel,
  };
}

/**
 * A recognisable response id: `r_` + 18 random hex digits (72 bits), then `.` and the model version
 * that produced the picks when there is one (`r_3f9a….v12`), so that events carrying it can be
 * counted per model version in stats without a lookup.
 */
export function newRecommendationId(modelVersion?: string): string {
  const b = crypto.getRandomValues(new Uint8Array(9));
  const version = modelVersion?.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 24);
  return `r_${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}${version ? `.${version}` : ''}`;
}
