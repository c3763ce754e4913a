import { foldIn, type Weighted } from '../../../models/pack/serve/fold-in.js';
import { exclusion, type Pick, popularItems, scoreUser } from '../../../models/pack/serve/score.js';
import { DEFAULT_EVENT_WEIGHTS } from '../../../schema/events.js';
import type { Reason, RecommendationSource, RecommendationsRequest } from '../../../schema/recommendations.js';
import type { LoadedModel } from './model.js';

/** How `recommend` treats a known shopper's history; a placement's merchandising rules may relax it. */
export interface RecommendOptions {
  /**
   * Leave out the items the shopper was trained on (the pack's `user_items`): what they already
   * have is not offered again. A placement that allows re-buys (consumables) passes `false`.
   * @default true
   */
  excludeOwned?: boolean;
}

/**
 * Personal picks for a validated request:
 * - `realtime` when `recent` holds at least one item the pack knows with a positive event weight:
 *   the visitor's vector is folded in from those items at request time. For a user the model also
 *   knows, the trained vector is the prior that the recent evidence moves (see `foldIn`'s `prior`):
 *   with no new evidence the answer equals the trained vector, and strong evidence outweighs it.
 *   (We chose this over averaging two vectors: it weighs history against recent items by how much
 *   each actually constrains the solve, instead of a fixed 50/50.)
 * - `model` when the shopper is a user of the pack.
 * - `popular` otherwise.
 * The shopper is looked up by `userId`, then by `visitorId` (the trainer keys an anonymous
 * visitor's events by their visitorId, so a visitor can be a trained user too).
 * Items in `recent` (all of them, impressions included), `exclude`, the known shopper's trained
 * items (unless `options.excludeOwned` is false; packs without `user_items` have none) and items
 * failing `filter` are never returned — except that a `recent` item someone else shared with the
 * shopper (`ref`) comes first, labelled `shared_with_you`. Unknown ids in `recent` and `exclude`
 * are ignored.
 */
export function recommend(
  model: LoadedModel,
  req: RecommendationsRequest,
  options: RecommendOptions = {},
): { source: RecommendationSource; picks: Pick[]; reasons: (Reason | undefined)[] } {
  const { pack } = model;
  const weights = pack.manifest.model.params.eventWeights;
  // An item seen several times sums its weights (as the trainer merges duplicate interactions).
  const seen = new Map<number, number>();
  for (const r of req.recent ?? []) {
    const i = model.itemIndex.get(r.itemId);
    if (i !== undefined) seen.set(i, (seen.get(i) ?? 0) + (weights[r.type] ?? DEFAULT_EVENT_WEIGHTS[r.type] ?? 1));
  }
  // Items someone shared with the shopper (not the shopper themself): shown again, first.
  const self = new Set([req.userId, req.visitorId].filter((x) => x !== undefined));
  const shared = new Map<number, string>();
  for (const r of req.recent ?? []) {
    const i = model.itemIndex.get(r.itemId);
    if (i !== undefined && r.ref !== undefined && !self.has(r.ref)) shared.set(i, r.itemId);
  }
  const requestExcluded: number[] = [];
  for (const id of req.exclude ?? []) {
    const i = model.itemIndex.get(id);
    if (i !== undefined) requestExcluded.push(i);
  }
  const excluded = [...seen.keys(), ...requestExcluded];
  const u = knownUser(model, req);
  const owned = u !== undefined && options.excludeOwned !== false ? pack.userItems?.(u) : undefined;
  const skip = exclusion(model, excluded, req.filter, owned);
  // The shared items pass the request's exclusions, filters and stock like any pick, but not "already seen".
  const sharedSkip = shared.size ? exclusion(model, requestExcluded, req.filter, owned) : undefined;
  const withShared = (r: { source: RecommendationSource; picks: Pick[]; reasons: (Reason | undefined)[] }) => {
    if (!sharedSkip) return r;
    const first = [...shared.keys()].filter((i) => !sharedSkip(i)).slice(0, req.k);
    if (!first.length) return r;
    const top = (r.picks[0]?.score ?? 0) + 1e-6;
    const picks: Pick[] = [...first.map((index) => ({ index, score: top })), ...r.picks].slice(0, req.k);
    const reasons: (Reason | undefined)[] = [...first.map(() => ({ type: 'shared_with_you' as const })), ...r.reasons].slice(0, req.k);
    return { ...r, picks, reasons };
  };
  const f = pack.factors;
  const trained = u !== undefined && pack.userFactors ? pack.userFactors.subarray(u * f, u * f + f) : undefined;
  const evidence: Weighted[] = [];
  for (const [index, weight] of seen) if (weight > 0) evidence.push({ index, weight });
  if (evidence.length > 0) {
    const picks = scoreUser(model, foldIn(pack, evidence, trained), req.k, skip);
    return withShared({ source: 'realtime', picks, reasons: becauseOf(model, picks, evidence) });
  }
  if (trained) {
    const picks = scoreUser(model, trained, req.k, skip);
    const history = pack.userItems?.(u!) ?? [];
    const reasons = becauseOf(
      model,
      picks,
      Array.from(history, (index) => ({ index, weight: 1 })),
    );
    return withShared({ source: 'model', picks, reasons });
  }
  const picks = popularItems(model, req.k, skip);
  return withShared({ source: 'popular', picks, reasons: picks.map(() => ({ type: 'popular' as const })) });
}

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
