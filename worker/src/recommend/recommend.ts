import { adjustScores } from '../../../models/pack/serve/adjust.js';
import { attributeProfile, exploreSlot } from '../../../models/pack/serve/cold-start.js';
import { foldIn, type Weighted } from '../../../models/pack/serve/fold-in.js';
import { dotScores, exclusion, itemFilter, type Pick, popularItems } from '../../../models/pack/serve/score.js';
import { topK } from '../../../models/pack/serve/top-k.js';
import { topKCapped } from '../../../models/pack/serve/top-k-capped.js';
import type { CatalogItem } from '../../../schema/catalog.js';
import { DEFAULT_EVENT_WEIGHTS } from '../../../schema/events.js';
import { DEFAULT_EXPLORE } from '../../../schema/merchandising.js';
import type { Reason, RecommendationSource, RecommendationsRequest } from '../../../schema/recommendations.js';
import type { CompiledRules } from '../merchandising/compile.js';
import type { LoadedModel } from './model.js';

/** How `recommend` treats a shopper's history, and what re-ranks the scores. */
export interface RecommendOptions {
  /**
   * Leave out the items the shopper was trained on (the pack's `user_items`): what they already
   * have is not offered again. Placement rules with `excludePurchased: false` turn it off too.
   * @default true
   */
  excludeOwned?: boolean;
  /** The placement's merchandising rules (compiled against this model). */
  rules?: CompiledRules;
  /** Item ids to demote under the rules' rotation (shown repeatedly without a click). */
  demoted?: ReadonlySet<string>;
  /** Items the shopper bought beyond `recent` (the stored history's purchases). */
  purchased?: Iterable<string>;
  /** Scene lifts for the request's context: items, lift units, and their weight. */
  scene?: { index: ArrayLike<number>; units: ArrayLike<number>; weight: number };
  /** Uniform in [0, 1) for the cold-start slot (`exploreSlot`). @default Math.random */
  random?: () => number;
  /** Impressions and clicks so far per new product id (cold start: an item shown often without a click is tried less). */
  exploreStats?: { impressions: ReadonlyMap<string, number>; clicks: ReadonlyMap<string, number> };
}

/** A pick; `id` is set for a product only the live catalog knows (`index` −1). */
export interface Ranked extends Pick {
  id?: string;
}

/** Picks, where they came from, and why each one is shown (same order). */
export interface Recommendation {
  source: RecommendationSource;
  picks: Ranked[];
  reasons: (Reason | undefined)[];
}

/**
 * Personal picks for a validated request:
 * - `realtime` when `recent` holds at least one item the pack knows with a positive event weight:
 *   the visitor's vector is folded in from those items at request time. For a user the model also
 *   knows, the trained vector is the prior that the recent evidence moves (see `foldIn`'s `prior`).
 * - `model` when the shopper is a user of the pack (by `userId`, then `visitorId`).
 * - `popular` otherwise.
 * Never returned: items in `recent` (impressions included; purchases too unless the rules allow
 * re-buys), `exclude`, the known shopper's trained items (unless `excludeOwned` is false), items
 * failing `filter` or the rules' filter, and unavailable ones.
 *
 * One scoring pass, in this order: dot products (or popularity) → the rules' boosts, scene lifts
 * and rotation adjust the scores (adjustScores) → the best k items, at most `maxPerCategory` of a
 * category (topKCapped) → pinned items at their positions, and items someone else shared with the
 * shopper (`recent[].ref`) first among the free places, labelled `shared_with_you`. When the rules
 * leave no pick at all, popular items within the rules' and request's constraints come back with
 * `source: "rules_fallback"`.
 */
export function recommend(model: LoadedModel, req: RecommendationsRequest, options: RecommendOptions = {}): Recommendation {
  const { pack } = model;
  const n = pack.itemIds.length;
  const rules = options.rules;
  const rebuy = rules?.rules.excludePurchased === false;
  const weights = pack.manifest.model.params.eventWeights;
  // An item seen several times sums its weights (as the trainer merges duplicate interactions).
  const seen = new Map<number, number>();
  const boughtIds = new Set(options.purchased);
  for (const r of req.recent ?? []) {
    if (r.type === 'purchase') boughtIds.add(r.itemId);
    const i = model.itemIndex.get(r.itemId);
    if (i !== undefined) seen.set(i, (seen.get(i) ?? 0) + (weights[r.type] ?? DEFAULT_EVENT_WEIGHTS[r.type] ?? 1));
  }
  const bought = indicesOf(model, boughtIds);
  // Never shown whatever else holds: the request's exclusions and, unless re-buys are allowed, purchases.
  const hard = [...indicesOf(model, req.exclude ?? []), ...(rebuy ? [] : bought)];
  const hardIds = new Set([...(req.exclude ?? []), ...(rebuy ? [] : boughtIds)]);
  const seenOut = [...seen.keys()].filter((i) => !(rebuy && bought.includes(i)));
  const u = knownUser(model, req);
  const owned = u !== undefined && options.excludeOwned !== false && !rebuy ? pack.userItems?.(u) : undefined;
  const refused = rules?.refused;
  const withRules = (skip: (i: number) => boolean) => (refused ? (i: number) => refused[i] === 1 || skip(i) : skip);

  // Fixed places first: pins (the marketer's), then items shared with the shopper.
  const placed = new Map<number, { pick: Ranked; reason: Reason; item: CatalogItem | undefined }>();
  const eligible = withRules(exclusion(model, hard, req.filter, owned));
  // A pin is the marketer's choice: shown even if the shopper saw it before, never if bought or refused.
  const pinnable = withRules(exclusion(model, hard, req.filter));
  const requestFilter = itemFilter(req.filter) ?? (() => true);
  for (const pin of rules?.pins ?? []) {
    if (pin.position > req.k) break;
    const item = pin.index >= 0 ? model.catalog[pin.index] : model.catalogById.get(pin.itemId);
    const ok =
      pin.index >= 0
        ? !pinnable(pin.index)
        : item !== undefined && item.inStock !== false && !hardIds.has(pin.itemId) && requestFilter(item);
    if (ok && rules!.passes(item))
      placed.set(pin.position - 1, {
        pick: { index: pin.index, score: 0, ...(pin.index < 0 && { id: pin.itemId }) },
        reason: { type: 'pinned' },
        item,
      });
  }
  const self = new Set([req.userId, req.visitorId].filter((x) => x !== undefined));
  const pinnedIdx = new Set([...placed.values()].map((p) => p.pick.index));
  let free = 0;
  for (const r of req.recent ?? []) {
    const i = model.itemIndex.get(r.itemId);
    if (i === undefined || r.ref === undefined || self.has(r.ref) || pinnedIdx.has(i) || eligible(i)) continue;
    while (placed.has(free)) free++;
    if (free >= req.k) break;
    if ([...placed.values()].some((p) => p.pick.index === i)) continue;
    placed.set(free, { pick: { index: i, score: 0 }, reason: { type: 'shared_with_you' }, item: model.catalog[i] });
  }

  // Cold start: now and then one place for a product the model does not know yet, labelled `new`.
  const explore = rules?.rules.explore ?? DEFAULT_EXPLORE;
  if (model.newArrivals.length && explore.rate > 0) {
    const recentIds = new Set((req.recent ?? []).map((r) => r.itemId));
    for (const p of placed.values()) recentIds.add(p.pick.id ?? pack.itemIds[p.pick.index]);
    const profileOf = evidenceRows(model, seen, u);
    const slot = exploreSlot(
      {
        k: req.k,
        arrivals: model.newArrivals,
        allowed: (item) => !hardIds.has(item.id) && !recentIds.has(item.id) && requestFilter(item) && (rules?.passes(item) ?? true),
        profile: profileOf.length ? attributeProfile(profileOf) : undefined,
        random: options.random ?? Math.random,
        impressions: options.exploreStats?.impressions,
        clicks: options.exploreStats?.clicks,
      },
      { rate: explore.rate, position: explore.position - 1 },
    );
    if (slot && !placed.has(slot.position))
      placed.set(slot.position, { pick: { index: -1, score: 0, id: slot.item.id }, reason: slot.reason, item: slot.item });
  }

  // Then the scoring pass for the remaining places.
  const taken = [...placed.values()].map((p) => p.pick.index).filter((i) => i >= 0);
  const skip = withRules(exclusion(model, [...seenOut, ...hard, ...taken], req.filter, owned));
  const f = pack.factors;
  const trained = u !== undefined && pack.userFactors ? pack.userFactors.subarray(u * f, u * f + f) : undefined;
  const evidence: Weighted[] = [];
  for (const [index, weight] of seen) if (weight > 0) evidence.push({ index, weight });
  const vector = evidence.length > 0 ? foldIn(pack, evidence, trained) : trained;
  const source: RecommendationSource = evidence.length > 0 ? 'realtime' : trained ? 'model' : 'popular';
  const want = Math.max(0, req.k - placed.size);
  // The scoring pass: scores (dot products, or popularity) → adjustments → the best `count`, capped per category.
  const select = (v: Float32Array | undefined, count: number, pass: (i: number) => boolean): Ranked[] => {
    const adjusted = Boolean(rules?.boostIndex.length || rules?.groupOf || options.demoted?.size || options.scene?.index.length);
    if (!v && !adjusted) return popularItems(model, count, pass);
    const scores = v ? dotScores(pack, v, model.scratch) : copyInto(model.scratch, pack.itemPopularity);
    adjustScores(
      scores,
      n,
      {
        boostIndex: rules?.boostIndex,
        boostUnits: rules?.boostUnits,
        liftIndex: options.scene?.index,
        liftUnits: options.scene?.units,
        liftWeight: options.scene?.weight,
        demoted: options.demoted?.size ? indicesOf(model, options.demoted) : undefined,
      },
      pass,
    );
    const cap = rules?.rules.maxPerCategory;
    let order: Int32Array;
    if (cap !== undefined && rules?.groupOf) {
      const counts = new Map<number, number>();
      for (const p of placed.values()) {
        const g = rules.groupOfCategory(p.item?.category);
        counts.set(g, (counts.get(g) ?? 0) + 1);
      }
      order = topKCapped(scores, rules.groupOf, count, cap, pass, counts);
    } else order = topK(scores, count, pass);
    return Array.from(order, (index) => ({ index, score: scores[index] }));
  };
  const picks = select(vector, want, skip);
  const scoredReasons: (Reason | undefined)[] =
    source === 'popular'
      ? picks.map(() => ({ type: 'popular' }))
      : becauseOf(model, picks, vector === trained && !evidence.length ? history(model, u) : evidence);

  if (!picks.length && !placed.size && rules) {
    // The rules (with the shopper's exclusions) left nothing: popular within the rules and the request.
    // Same pass (boosts, rotation, cap), without the shopper's seen and owned items.
    const fallback = select(undefined, req.k, withRules(exclusion(model, hard, req.filter)));
    return { source: 'rules_fallback', picks: fallback, reasons: fallback.map(() => ({ type: 'popular' })) };
  }
  return merge(req.k, placed, picks, scoredReasons, source);
}

/** Fixed places at their positions, scored picks in the free ones in order; the list has no holes. */
function merge(
  k: number,
  placed: Map<number, { pick: Ranked; reason: Reason }>,
  picks: Ranked[],
  reasons: (Reason | undefined)[],
  source: RecommendationSource,
): Recommendation {
  const out: Recommendation = { source, picks: [], reasons: [] };
  const top = (picks[0]?.score ?? 0) + 1e-6;
  let next = 0;
  for (let pos = 0; pos < k; pos++) {
    const fixed = placed.get(pos);
    if (fixed) {
      out.picks.push({ ...fixed.pick, score: fixed.pick.score || top });
      out.reasons.push(fixed.reason);
    } else if (next < picks.length) {
      out.picks.push(picks[next]);
      out.reasons.push(reasons[next++]);
    } else {
      // Fewer picks than places: later fixed items move up (a pin at 8 in a list of 5 is shown last).
      for (const p of [...placed.keys()].filter((q) => q > pos).sort((a, b) => a - b)) {
        const f = placed.get(p)!;
        out.picks.push({ ...f.pick, score: f.pick.score || top });
        out.reasons.push(f.reason);
      }
      break;
    }
  }
  return out;
}

const copyInto = (out: Float32Array, values: Float32Array) => {
  out.set(values.subarray(0, out.length));
  return out;
};

/** Pack indices of the ids the pack knows. */
function indicesOf(model: LoadedModel, ids: Iterable<string>): number[] {
  const out: number[] = [];
  for (const id of ids) {
    const i = model.itemIndex.get(id);
    if (i !== undefined) out.push(i);
  }
  return out;
}

/** Catalog rows of the shopper's evidence (recent items by weight, else trained items), for attribute likeness. */
function evidenceRows(model: LoadedModel, seen: Map<number, number>, u: number | undefined) {
  const rows = [...seen].filter(([, w]) => w > 0).map(([i, weight]) => ({ item: model.catalog[i], weight }));
  return rows.length ? rows : history(model, u).map(({ index }) => ({ item: model.catalog[index], weight: 1 }));
}

const history = (model: LoadedModel, u: number | undefined): Weighted[] =>
  u === undefined ? [] : Array.from(model.pack.userItems?.(u) ?? [], (index) => ({ index, weight: 1 }));

/**
 * "Because you viewed X" for each pick: X is the item of the shopper's evidence (recent items, or the
 * trained items) whose factors are most like the pick's (largest dot product, weighted by how much
 * the interaction counted). Undefined when there is no evidence. At most 50 × 100 dot products.
 */
export function becauseOf(model: LoadedModel, picks: Pick[], evidence: Weighted[]): (Reason | undefined)[] {
  const { pack } = model;
  const f = pack.factors;
  const Y = pack.itemFactors;
  const ev = evidence.slice(-50);
  return picks.map(({ index }) => {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const { index: j, weight } of ev) {
      let dot = 0;
      for (let k = 0; k < f; k++) dot += Y[index * f + k] * Y[j * f + k];
      const s = dot * Math.sqrt(weight);
      if (s > bestScore) {
        bestScore = s;
        best = j;
      }
    }
    return best < 0 ? undefined : { type: 'because_you_viewed', itemId: pack.itemIds[best] };
  });
}

/** The pack's row for the shopper: their `userId`, else their `visitorId`, else none. */
function knownUser(model: LoadedModel, req: RecommendationsRequest): number | undefined {
  const byUser = req.userId === undefined ? undefined : model.userIndex.get(req.userId);
  return byUser ?? (req.visitorId === undefined ? undefined : model.userIndex.get(req.visitorId));
}
