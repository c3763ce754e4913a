import type { ItemFilter } from '../../../schema/recommendations.js';
import { topK } from './top-k.js';

// Serving math over a pack's item side, shared by the worker (per request), `edgepick eval` and
// `edgepick recommend`. Plain typed-array code: no worker, Node or trainer imports, runs in workerd.
// Functions take the smallest structural view they read, so the worker's LoadedModel, a Pack, a
// TrainedModel or a PackInput all fit without adapters.

/** A ranked item: its row in the pack and its score. */
export interface Pick {
  index: number;
  score: number;
}

/** The item factors: nItems × factors, row-major. */
export interface ItemFactors {
  factors: number;
  itemFactors: Float32Array;
}

/**
 * What scoring needs: the pack's item factors and a score buffer of nItems (float32 in the
 * worker, to halve the memory it touches; float64 in the CLI, where it is reused across users).
 */
export interface ScoringModel {
  pack: ItemFactors;
  scratch: Float32Array | Float64Array;
}

/** For cosine similarity: 1/‖yᵢ‖ per item (0 for a zero vector). */
export interface SimilarityModel extends ScoringModel {
  itemInvNorms: Float32Array;
}

/**
 * For the popular fallback: summed interaction weight per item and, when precomputed (the worker
 * does it once per pack), the item indices by descending popularity, ties lower index first.
 */
export interface PopularityModel {
  pack: { itemPopularity: Float32Array };
  popularOrder?: Int32Array;
}

/** For filters: the catalog row per item index (undefined when the catalog lacks it). */
export interface FilterModel {
  catalog?: readonly ({ category?: string; price?: number } | undefined)[];
  /** Items never to return (out of stock or deleted in the live catalog), ascending. */
  unavailable?: Int32Array;
}

/**
 * Which items a response may not contain: already seen, explicitly excluded, owned (a known
 * user's trained items, `Pack.userItems(u)`: ascending, looked up by binary search, so a long
 * history costs neither a copy nor an nItems-sized buffer per request), or failing the filter
 * (catalog category / price; an item without a catalog row fails any filter on it).
 */
export function exclusion(
  model: FilterModel,
  excludeIndices: Iterable<number>,
  filter?: ItemFilter,
  owned?: Int32Array,
): (i: number) => boolean {
  const excluded = new Set(excludeIndices);
  const gone = model.unavailable && model.unavailable.length > 0 ? model.unavailable : undefined;
  const mine = owned && owned.length > 0 ? owned : undefined;
  const listed =
    gone || mine
      ? (i: number) => excluded.has(i) || (mine !== undefined && sortedHas(mine, i)) || (gone !== undefined && sortedHas(gone, i))
      : (i: number) => excluded.has(i);
  const passes = itemFilter(filter);
  if (!passes) return listed;
  const catalog = model.catalog ?? [];
  return (i) => listed(i) || !passes(catalog[i]);
}

/**
 * A predicate for `filter` over catalog rows (categories, price range; a row without the field
 * fails a filter on it), or undefined when the filter keeps everything. One definition for every
 * list: scored picks (through `exclusion`) and lists by id such as trending.
 */
export function itemFilter(filter?: ItemFilter): ((item: { category?: string; price?: number } | undefined) => boolean) | undefined {
  if (!filter || (filter.category === undefined && filter.minPrice === undefined && filter.maxPrice === undefined)) return undefined;
  const cats = filter.category === undefined ? undefined : new Set(Array.isArray(filter.category) ? filter.category : [filter.category]);
  const { minPrice, maxPrice } = filter;
  return (item) => {
    if (cats && (!item?.category || !cats.has(item.category))) return false;
    if (minPrice !== undefined && !(item?.price !== undefined && item.price >= minPrice)) return false;
    if (maxPrice !== undefined && !(item?.price !== undefined && item.price <= maxPrice)) return false;
    return true;
  };
}

/** Whether ascending `sorted` holds `x` (binary search). */
export function sortedHas(sorted: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === x;
}

/**
 * Writes yᵢ·v (times `scale[i]` when given) for every item i into `out` (nItems long) and returns
 * it. Sums are taken in float64 in item-factor order, so a float64 `out` holds the exact same
 * numbers as a naive loop; a float32 `out` rounds each once.
 *
 * The worker passes its per-pack scratch buffer: safe because scoring is synchronous and requests
 * in one isolate only interleave across awaits; callers must finish with it before awaiting.
 */
export function dotScores<T extends Float32Array | Float64Array>(pack: ItemFactors, v: Float32Array, out: T, scale?: Float32Array): T {
  const { itemFactors: Y, factors: f } = pack;
  const n = Y.length / f;
  if (out.length < n) throw new RangeError(`score buffer holds ${out.length} values, the pack has ${n} items`);
  // Four items per pass share each load of v[c] (5 loads per 4 multiply-adds instead of 8) and keep
  // four independent sums in registers: ~1.7× faster than one item at a time in V8. A full scan
  // reads the whole factor matrix (100k × 64 float32 = 25.6 MB): ≈ 6–10 ms on this project's
  // shared 2-core test machine, a few ms on an idle core (see BENCHMARKS.md).
  const n4 = n - (n % 4);
  let i = 0;
  for (; i < n4; i += 4) {
    const o0 = i * f;
    const o1 = o0 + f;
    const o2 = o1 + f;
    const o3 = o2 + f;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let c = 0; c < f; c++) {
      const vc = v[c];
      s0 += Y[o0 + c] * vc;
      s1 += Y[o1 + c] * vc;
      s2 += Y[o2 + c] * vc;
      s3 += Y[o3 + c] * vc;
    }
    out[i] = s0;
    out[i + 1] = s1;
    out[i + 2] = s2;
    out[i + 3] = s3;
  }
  for (; i < n; i++) {
    const o = i * f;
    let s0 = 0;
    for (let c = 0; c < f; c++) s0 += Y[o + c] * v[c];
    out[i] = s0;
  }
  if (scale) for (let j = 0; j < n; j++) out[j] *= scale[j];
  return out;
}

/** Top-k items by dot product with a user vector (scores written to `model.scratch`). */
export function scoreUser(model: ScoringModel, user: Float32Array, k: number, skip: (i: number) => boolean): Pick[] {
  const scores = dotScores(model.pack, user, model.scratch);
  return Array.from(topK(scores, k, skip), (index) => ({ index, score: scores[index] }));
}

/** Items most similar to `item` by cosine of factor vectors, never the item itself. Scores are in [−1, 1]. */
export function similarItems(model: SimilarityModel, item: number, k: number, skip: (i: number) => boolean): Pick[] {
  const f = model.pack.factors;
  const q = model.pack.itemFactors.subarray(item * f, item * f + f);
  // cos(q, yᵢ) = q·yᵢ / (‖q‖‖yᵢ‖): ranking by q·yᵢ/‖yᵢ‖ is the same order, ‖q‖ is applied after.
  const scores = dotScores(model.pack, q, model.scratch, model.itemInvNorms);
  const qInv = model.itemInvNorms[item];
  return Array.from(
    topK(scores, k, (i) => i === item || skip(i)),
    (index) => ({ index, score: scores[index] * qInv }),
  );
}

/**
 * The most popular items that pass `skip`, with their popularity as score: a walk down
 * `popularOrder` when the model has it, else the top-K of the popularity column (same answer,
 * same tie order).
 */
export function popularItems(model: PopularityModel, k: number, skip: (i: number) => boolean): Pick[] {
  const pop = model.pack.itemPopularity;
  const order = model.popularOrder;
  if (!order) return Array.from(topK(pop, k, skip), (index) => ({ index, score: pop[index] }));
  const out: Pick[] = [];
  for (let j = 0; j < order.length && out.length < k; j++) {
    const i = order[j];
    if (!skip(i)) out.push({ index: i, score: pop[i] });
  }
  return out;
}
