import { type Interactions, toCsr } from '../data/read-interactions.js';
import { exclusion, popularItems, type Pick as Ranked, scoreUser } from '../pack/serve/score.js';
import type { PackInput } from '../pack/writer.js';

/** What evaluation needs from a model: factor matrices plus id lists (TrainedModel and Pack fit). */
export type FactorModel = Pick<PackInput, 'factors' | 'itemIds' | 'itemFactors' | 'itemPopularity' | 'userIds' | 'userFactors'>;

export interface Metrics {
  users: number;
  skippedUsers: number;
  [metric: string]: number;
}

/** The top `k` items for model user `u`, never one `skip` refuses. */
type Ranker = (u: number, k: number, skip: (i: number) => boolean) => Ranked[];

/**
 * Full-ranking evaluation: for each test user known to the model, score all items, drop the
 * user's training items, and compare the top K with the user's test items.
 * Recall@K = hits/|test|, NDCG@K (binary, 1/log2(rank+1), IDCG over min(|test|,K)),
 * Precision@K = hits/K, Coverage@K = distinct recommended items / all items.
 */
export function evaluate(
  model: FactorModel,
  train: Interactions,
  test: Interactions,
  ks: number[] = [10, 20],
): { model: Metrics; popularity: Metrics } {
  const f = model.factors;
  const nItems = model.itemIds.length;
  const itemIndex = new Map(model.itemIds.map((id, i) => [id, i]));
  const userIndex = new Map((model.userIds ?? []).map((id, i) => [id, i]));
  const uf = model.userFactors;
  // The serving functions the worker answers with; scores go to a float64 buffer reused per user.
  const scoring = { pack: model, scratch: new Float64Array(nItems) };
  const modelRanker: Ranker = (u, k, skip) => scoreUser(scoring, uf!.subarray(u * f, u * f + f), k, skip);
  const popRanker: Ranker = (_u, k, skip) => popularItems({ pack: model }, k, skip);
  return {
    model: run(modelRanker, model, itemIndex, userIndex, train, test, ks),
    popularity: run(popRanker, model, itemIndex, userIndex, train, test, ks),
  };
}

function groupByUser(x: Interactions, itemIndex: Map<string, number>): Map<string, number[]> {
  const csr = toCsr(x, true);
  const out = new Map<string, number[]>();
  for (let u = 0; u < x.userIds.length; u++) {
    const list: number[] = [];
    for (let j = csr.indptr[u]; j < csr.indptr[u + 1]; j++) {
      const i = itemIndex.get(x.itemIds[csr.indices[j]]);
      if (i !== undefined) list.push(i);
    }
    out.set(x.userIds[u], list);
  }
  return out;
}

function run(
  rank: Ranker,
  model: FactorModel,
  itemIndex: Map<string, number>,
  userIndex: Map<string, number>,
  train: Interactions,
  test: Interactions,
  ks: number[],
): Metrics {
  const nItems = model.itemIds.length;
  const maxK = Math.max(...ks);
  const trainBy = groupByUser(train, itemIndex);
  const testBy = groupByUser(test, itemIndex);
  const sums: Record<string, number> = {};
  const covered = ks.map(() => new Uint8Array(nItems));
  let users = 0;
  let skipped = 0;
  for (const [user, relevantList] of testBy) {
    if (relevantList.length === 0) continue;
    const u = userIndex.get(user);
    if (u === undefined) {
      skipped++;
      continue;
    }
    users++;
    const top = rank(u, maxK, exclusion({}, trainBy.get(user) ?? [])).map((p) => p.index);
    const relevant = new Set(relevantList);
    ks.forEach((k, ki) => {
      let hits = 0;
      let dcg = 0;
      for (let r = 0; r < Math.min(k, top.length); r++) {
        covered[ki][top[r]] = 1;
        if (relevant.has(top[r])) {
          hits++;
          dcg += 1 / Math.log2(r + 2);
        }
      }
      let idcg = 0;
      for (let r = 0; r < Math.min(relevant.size, k); r++) idcg += 1 / Math.log2(r + 2);
      sums[`recall@${k}`] = (sums[`recall@${k}`] ?? 0) + hits / relevant.size;
      sums[`ndcg@${k}`] = (sums[`ndcg@${k}`] ?? 0) + dcg / idcg;
      sums[`precision@${k}`] = (sums[`precision@${k}`] ?? 0) + hits / k;
    });
  }
  const out: Metrics = { users, skippedUsers: skipped };
  for (const [name, s] of Object.entries(sums)) out[name] = users ? s / users : 0;
  ks.forEach((k, ki) => {
    out[`coverage@${k}`] = covered[ki].reduce((a, b) => a + b, 0) / nItems;
  });
  return out;
}
