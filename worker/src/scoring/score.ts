import { topK } from '../../../models/pack/top-k.js';
import type { CatalogItem } from '../../../schema/catalog.js';
import type { ItemFilter, RecommendedItem } from '../../../schema/recommendations.js';
import type { LoadedModel } from '../pack-store.js';

/** Which items a response may not contain: already seen, explicitly excluded, or filtered out. */
export function exclusion(model: LoadedModel, excludeIndices: Iterable<number>, filter?: ItemFilter): (i: number) => boolean {
  const excluded = new Set(excludeIndices);
  if (!filter) return (i) => excluded.has(i);
  const cats = filter.category === undefined ? undefined : new Set(Array.isArray(filter.category) ? filter.category : [filter.category]);
  const { minPrice, maxPrice } = filter;
  return (i) => {
    if (excluded.has(i)) return true;
    const item = model.catalog[i];
    if (cats && (!item?.category || !cats.has(item.category))) return true;
    if (minPrice !== undefined && !(item?.price !== undefined && item.price >= minPrice)) return true;
    if (maxPrice !== undefined && !(item?.price !== undefined && item.price <= maxPrice)) return true;
    return false;
  };
}

/** Top-k item indices by dot product with `user`. */
export function scoreUser(model: LoadedModel, user: Float32Array, k: number, skip: (i: number) => boolean): { index: number; score: number }[] {
  const { itemFactors, factors: f } = model.pack;
  const scores = model.scratch;
  const n = scores.length;
  if (f === 64) {
    for (let i = 0; i < n; i++) {
      const o = i * 64;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let c = 0; c < 64; c += 4) {
        s0 += itemFactors[o + c] * user[c];
        s1 += itemFactors[o + c + 1] * user[c + 1];
        s2 += itemFactors[o + c + 2] * user[c + 2];
        s3 += itemFactors[o + c + 3] * user[c + 3];
      }
      scores[i] = s0 + s1 + s2 + s3;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const o = i * f;
      let s = 0;
      for (let c = 0; c < f; c++) s += itemFactors[o + c] * user[c];
      scores[i] = s;
    }
  }
  return Array.from(topK(scores, k, skip), (i) => ({ index: i, score: scores[i] }));
}

/** Items most similar to `item` by cosine of their factor vectors. */
export function similarItems(model: LoadedModel, item: number, k: number, skip: (i: number) => boolean) {
  const f = model.pack.factors;
  const y = model.pack.itemFactors.subarray(item * f, item * f + f);
  const top = scoreUser(model, y, Math.min(k + 1, model.scratch.length), (i) => i === item || skip(i));
  const norm = model.itemNorms[item] || 1;
  return top
    .map(({ index, score }) => ({ index, score: score / (norm * (model.itemNorms[index] || 1)) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, k);
}

/** The most popular items that pass the exclusion, with their popularity as score. */
export function popularItems(model: LoadedModel, k: number, skip: (i: number) => boolean) {
  const out: { index: number; score: number }[] = [];
  for (const i of model.popularOrder) {
    if (out.length >= k) break;
    if (!skip(i)) out.push({ index: i, score: model.pack.itemPopularity[i] });
  }
  return out;
}

/** Response items: id, score and the catalog's fields, worker-relative paths made absolute. */
export function present(model: LoadedModel, picks: { index: number; score: number }[], origin: string): RecommendedItem[] {
  return picks.map(({ index, score }) => {
    const item = model.catalog[index];
    const out: RecommendedItem = { ...(item ?? {}), id: model.pack.itemIds[index], score: Math.round(score * 1e6) / 1e6 };
    if (item) absolutize(out, item, origin);
    return out;
  });
}

export function absolutize(out: Record<string, unknown>, item: CatalogItem, origin: string) {
  for (const key of ['image', 'url'] as const) {
    const v = item[key];
    if (typeof v === 'string' && v.startsWith('/') && !v.startsWith('//')) out[key] = origin + v;
  }
}
