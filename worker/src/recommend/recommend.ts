import { foldIn, type Weighted } from '../../../models/pack/serve/fold-in.js';
import { exclusion, type Pick, popularItems, scoreUser } from '../../../models/pack/serve/score.js';
import { DEFAULT_EVENT_WEIGHTS } from '../../../schema/events.js';
import type { RecommendationSource, RecommendationsRequest } from '../../../schema/recommendations.js';
import type { LoadedModel } from './model.js';

/**
 * Personal picks for a validated request:
 * - `realtime` when `recent` holds at least one item the pack knows with a positive event weight:
 *   the visitor's vector is folded in from those items at request time. For a user the model also
 *   knows, the trained vector is the prior that the recent evidence moves (see `foldIn`'s `prior`):
 *   with no new evidence the answer equals the trained vector, and strong evidence outweighs it.
 *   (We chose this over averaging two vectors: it weighs history against recent items by how much
 *   each actually constrains the solve, instead of a fixed 50/50.)
 * - `model` when `userId` is a user of the pack.
 * - `popular` otherwise.
 * Items in `recent` (all of them, impressions included), `exclude` and items failing `filter` are
 * never returned. Unknown ids in `recent` and `exclude` are ignored.
 */
export function recommend(model: LoadedModel, req: RecommendationsRequest): { source: RecommendationSource; picks: Pick[] } {
  const { pack } = model;
  const weights = pack.manifest.model.params.eventWeights;
  // An item seen several times sums its weights (as the trainer merges duplicate interactions).
  const seen = new Map<number, number>();
  for (const r of req.recent ?? []) {
    const i = model.itemIndex.get(r.itemId);
    if (i !== undefined) seen.set(i, (seen.get(i) ?? 0) + (weights[r.type] ?? DEFAULT_EVENT_WEIGHTS[r.type] ?? 1));
  }
  const excluded = [...seen.keys()];
  for (const id of req.exclude ?? []) {
    const i = model.itemIndex.get(id);
    if (i !== undefined) excluded.push(i);
  }
  const skip = exclusion(model, excluded, req.filter);
  const f = pack.factors;
  const u = req.userId === undefined ? undefined : model.userIndex.get(req.userId);
  const trained = u !== undefined && pack.userFactors ? pack.userFactors.subarray(u * f, u * f + f) : undefined;
  const evidence: Weighted[] = [];
  for (const [index, weight] of seen) if (weight > 0) evidence.push({ index, weight });
  if (evidence.length > 0) return { source: 'realtime', picks: scoreUser(model, foldIn(pack, evidence, trained), req.k, skip) };
  if (trained) return { source: 'model', picks: scoreUser(model, trained, req.k, skip) };
  return { source: 'popular', picks: popularItems(model, req.k, skip) };
}
