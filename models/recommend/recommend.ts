import type { FactorModel } from '../eval/evaluate.js';
import { topK } from '../pack/top-k.js';

/**
 * Top-K item ids per user, best first, excluding `exclude.get(user)`. Users unknown to the model
 * get the most popular items (the same fallback the worker serves).
 */
export function recommendTopK(model: FactorModel, users: string[], k: number, exclude: Map<string, Set<string>> = new Map()): Map<string, string[]> {
  const f = model.factors;
  const nItems = model.itemIds.length;
  const itemIndex = new Map(model.itemIds.map((id, i) => [id, i]));
  const userIndex = new Map((model.userIds ?? []).map((id, i) => [id, i]));
  const scores = new Float64Array(nItems);
  const excluded = new Uint8Array(nItems);
  const out = new Map<string, string[]>();
  for (const user of users) {
    const u = userIndex.get(user);
    if (u === undefined || !model.userFactors) for (let i = 0; i < nItems; i++) scores[i] = model.itemPopularity[i];
    else {
      const uo = u * f;
      for (let i = 0; i < nItems; i++) {
        let s = 0;
        const io = i * f;
        for (let c = 0; c < f; c++) s += model.userFactors[uo + c] * model.itemFactors[io + c];
        scores[i] = s;
      }
    }
    const ex = [...(exclude.get(user) ?? [])].map((id) => itemIndex.get(id)).filter((i): i is number => i !== undefined);
    for (const i of ex) excluded[i] = 1;
    out.set(
      user,
      Array.from(
        topK(scores, k, (i) => excluded[i] === 1),
        (i) => model.itemIds[i],
      ),
    );
    for (const i of ex) excluded[i] = 0;
  }
  return out;
}
