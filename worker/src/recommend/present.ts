import type { Pick } from '../../../models/pack/serve/score.js';
import type { CatalogItem } from '../../../schema/catalog.js';
import type { Reason, RecommendedItem } from '../../../schema/recommendations.js';
import type { LoadedModel } from './model.js';

/**
 * Response items: id, score (6 decimals), `reason` when one is given (same order as `picks`) and the
 * catalog's fields, worker-relative paths made absolute.
 */
export function present(
  model: LoadedModel,
  picks: (Pick & { id?: string })[],
  origin: string,
  reasons: (Reason | undefined)[] = [],
): RecommendedItem[] {
  return picks.map(({ index, score, id }, i) => {
    // index −1: a product only the live catalog knows (a pinned or new arrival), by its id.
    const item = index >= 0 ? model.catalog[index] : model.catalogById.get(id!);
    const reason = reasons[i];
    return {
      ...(item ? withAbsoluteUrls(item, origin) : {}),
      id: index >= 0 ? model.pack.itemIds[index] : id!,
      score: Math.round(score * 1e6) / 1e6,
      ...(reason ? { reason } : {}),
    };
  });
}

/**
 * A copy of a catalog item whose `image` and `url`, when they are paths on this worker (`/demo/img/…`),
 * are made absolute against `origin` — widgets may render them on another origin (a storefront, a
 * mini-program web-view). Absolute and protocol-relative (`//cdn…`) values are kept as they are.
 */
export function withAbsoluteUrls(item: CatalogItem, origin: string): CatalogItem {
  const out: CatalogItem = { ...item };
  for (const key of ['image', 'url'] as const) {
    const v = item[key];
    if (typeof v === 'string' && v.startsWith('/') && !v.startsWith('//')) out[key] = origin + v;
  }
  return out;
}
