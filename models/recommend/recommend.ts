import type { FactorModel } from '../eval/evaluate.js';
import type { Pack } from '../pack/reader.js';
import { exclusion, popularItems, scoreUser } from '../pack/serve/score.js';

/**
 * Top-K item ids per user, best first, excluding `exclude.get(user)` — or, when `exclude` is not
 * given, the items the pack stored for the user (`user_items`, what the worker excludes by
 * default), so offline lists match what the worker serves. Users unknown to the model get the
 * most popular items. Ranks with the worker's own serving functions (models/pack/serve), so a
 * known user gets the list the worker's `model` source serves, and an unknown one its `popular`
 * fallback (before catalog filters).
 */
export function recommendTopK(
  model: FactorModel & Pick<Pack, 'userItems'>,
  users: string[],
  k: number,
  exclude?: Map<string, Set<string>>,
): Map<string, string[]> {
  const f = model.factors;
  const itemIndex = new Map(model.itemIds.map((id, i) => [id, i]));
  const userIndex = new Map((model.userIds ?? []).map((id, i) => [id, i]));
  const scoring = { pack: model, scratch: new Float64Array(model.itemIds.length) };
  const out = new Map<string, string[]>();
  for (const user of users) {
    const u = userIndex.get(user);
    const ex: number[] = [];
    for (const id of exclude?.get(user) ?? []) {
      const i = itemIndex.get(id);
      if (i !== undefined) ex.push(i);
    }
    const skip = exclusion({}, ex, undefined, exclude || u === undefined ? undefined : model.userItems?.(u));
    const picks =
      u === undefined || !model.userFactors
        ? popularItems({ pack: model }, k, skip)
        : scoreUser(scoring, model.userFactors.subarray(u * f, u * f + f), k, skip);
    out.set(
      user,
      picks.map((p) => model.itemIds[p.index]),
    );
  }
  return out;
}
