import { type Interactions, toCsr } from '../data/read-interactions.js';

/** Quality of given top-K lists, and how much of them the users' own training items take. */
export interface ListMetrics {
  /** Users with a list and at least one test item (the averages below are over them). */
  users: number;
  /** Recall@K = hits / |test items|; test items never seen in training stay in the denominator. */
  recall: number;
  /** NDCG@K, binary relevance, 1/log2(rank+1), ideal DCG over min(|test items|, K). */
  ndcg: number;
  /** Share of users with at least one test item in the top K. */
  hitRate: number;
  /** Share of users whose top K holds at least one of their own training items. */
  ownShare: number;
  /** Average number of top-K slots taken by the user's own training items. */
  ownSlots: number;
}

/** Item ids per user id (rows of one user, in file order). */
function itemsByUser(x: Interactions): Map<string, Set<string>> {
  const csr = toCsr(x, true);
  const out = new Map<string, Set<string>>();
  for (let u = 0; u < x.userIds.length; u++) {
    const set = new Set<string>();
    for (let j = csr.indptr[u]; j < csr.indptr[u + 1]; j++) set.add(x.itemIds[csr.indices[j]]);
    out.set(x.userIds[u], set);
  }
  return out;
}

/**
 * Scores lists made elsewhere (`recommendTopK`, `edgepick recommend` output) against a held-out
 * split, by id: the first `k` entries of each user's list against the user's `test` items, and
 * against their `train` items to see how many slots re-offer what the user already has.
 */
export function evaluateLists(lists: Map<string, string[]>, train: Interactions, test: Interactions, k: number): ListMetrics {
  const trainBy = itemsByUser(train);
  const sums = { users: 0, recall: 0, ndcg: 0, hitRate: 0, ownShare: 0, ownSlots: 0 };
  for (const [user, relevant] of itemsByUser(test)) {
    const list = lists.get(user);
    if (!list || relevant.size === 0) continue;
    const own = trainBy.get(user) ?? new Set<string>();
    let hits = 0;
    let dcg = 0;
    let owned = 0;
    list.slice(0, k).forEach((id, r) => {
      if (own.has(id)) owned++;
      if (relevant.has(id)) {
        hits++;
        dcg += 1 / Math.log2(r + 2);
      }
    });
    let idcg = 0;
    for (let r = 0; r < Math.min(relevant.size, k); r++) idcg += 1 / Math.log2(r + 2);
    sums.users++;
    sums.recall += hits / relevant.size;
    sums.ndcg += dcg / idcg;
    sums.hitRate += hits > 0 ? 1 : 0;
    sums.ownShare += owned > 0 ? 1 : 0;
    sums.ownSlots += owned;
  }
  const n = sums.users || 1;
  return {
    users: sums.users,
    recall: sums.recall / n,
    ndcg: sums.ndcg / n,
    hitRate: sums.hitRate / n,
    ownShare: sums.ownShare / n,
    ownSlots: sums.ownSlots / n,
  };
}
