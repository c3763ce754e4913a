import { type Progress, trainAls } from '../als/train.js';
import { type Interactions, parseInteractions, toCsr } from '../data/read-interactions.js';
import type { AlsParams } from '../model.js';
import { foldIn, type Weighted } from '../pack/serve/fold-in.js';
import { exclusion, popularItems, scoreUser, sortedHas } from '../pack/serve/score.js';
import type { ActiveModel } from '../publish/read-active.js';
import { evaluateLists, type ListMetrics } from './lists.js';
import { readTimedRows, splitByTime } from './time-split.js';

/** Defaults of the retrain gate: NDCG@10, the latest 20% of interactions held out, 0.005 absolute drop allowed. */
export const GATE_DEFAULTS = { k: 10, holdout: 0.2, maxDrop: 0.005 } as const;

export interface GateOptions {
  params?: Partial<AlsParams>;
  threads?: number;
  k?: number;
  holdout?: number;
  maxDrop?: number;
  onProgress?: (p: Progress) => void;
}

/** What the gate measured and decided. */
export interface GateReport {
  k: number;
  holdout: number;
  maxDrop: number;
  /** Interactions (rows of weight > 0) before and from the cut, and the time of the cut (ms). */
  trainRows: number;
  testRows: number;
  cutoff: number;
  /** Times of the earliest and the latest interaction (ms). */
  from: number;
  to: number;
  /** Distinct (shopper, item) pairs scored: held out, not already in the shopper's training history, not trained on by the active model. */
  testPairs: number;
  /** Held-out pairs left out because the active model trained on them (it would have seen the answers). */
  seenByActive: number;
  /** Shoppers scored: with at least one test pair and a training history (the candidate knows them). */
  users: number;
  /** Shoppers with test pairs but no history before the cut (cold start: both models could only show popular items). */
  coldUsers: number;
  candidate: ListMetrics;
  /** The most popular items of the training split (a floor both models should beat). */
  popularity: ListMetrics;
  active?: ListMetrics & {
    version: string;
    packId: string;
    /** Scored shoppers the active model did not know: their pre-cut history folded in (as the worker's `realtime`), else popular items. */
    foldedIn: number;
    popular: number;
  };
  /** candidate NDCG − active NDCG (undefined without an active model). */
  delta?: number;
  passed: boolean;
  reason: string;
  warnings: string[];
}

/**
 * The retrain gate: splits the exported events by time (the latest `holdout` share of interactions
 * is the test set), trains the candidate on the rest with the given parameters, and ranks the top K
 * for every shopper with held-out interactions and a history, with the models' own serving code
 * (models/pack/serve):
 *
 * - the candidate: the shopper's trained vector (every scored shopper is in its training split);
 * - the active model: its trained vector for shoppers it knows (their items excluded as the worker
 *   excludes them), else the shopper's pre-cut history folded in — what the worker's `realtime`
 *   source does — else its popular items.
 *
 * Each shopper's pre-cut items are excluded from both lists. Both lists are scored by id
 * (`evaluateLists`) against the same test pairs: held out, not in the shopper's pre-cut history, and
 * not among the pairs the active model trained on (its pack's `user_items`), since a model cannot be
 * tested on answers it has seen. A test item one model never saw stays in the denominator for both.
 * The gate refuses when the candidate's NDCG@K is below the active model's by more than `maxDrop`;
 * it passes when there is no active model or nothing to compare on.
 */
export async function holdoutGate(
  text: string,
  name: string,
  active: ActiveModel | undefined,
  options: GateOptions = {},
): Promise<GateReport> {
  const k = options.k ?? GATE_DEFAULTS.k;
  const holdout = options.holdout ?? GATE_DEFAULTS.holdout;
  const maxDrop = options.maxDrop ?? GATE_DEFAULTS.maxDrop;
  const eventWeights = options.params?.eventWeights;
  const timed = readTimedRows(text, name, { eventWeights, format: /\.csv$/i.test(name) ? 'csv' : undefined });
  const split = splitByTime(timed, holdout);
  const warnings: string[] = [];
  const empty: ListMetrics = { users: 0, recall: 0, ndcg: 0, hitRate: 0, ownShare: 0, ownSlots: 0 };
  const base = {
    k,
    holdout,
    maxDrop,
    trainRows: split.trainRows,
    testRows: split.testRows,
    cutoff: split.cutoff,
    from: split.from,
    to: split.to,
    warnings,
  };
  if (split.testRows === 0) {
    return {
      ...base,
      testPairs: 0,
      seenByActive: 0,
      users: 0,
      coldUsers: 0,
      candidate: empty,
      popularity: empty,
      passed: true,
      reason: `${split.trainRows} interaction${split.trainRows === 1 ? '' : 's'}: too few for a holdout, nothing to compare`,
    };
  }
  const train = parseInteractions(split.train, `${name} (before the cut)`, { format: split.format, eventWeights });
  const test = parseInteractions(split.test, `${name} (held out)`, { format: split.format, eventWeights });
  const model = await trainAls(train, options.params ?? {}, { threads: options.threads, onProgress: options.onProgress });

  // Each shopper's pre-cut history: CSR rows (weights summed), and a copy sorted per row for lookups.
  // (No per-pair Set or Map: V8's stop at 2^24 entries, and real logs have more pairs.)
  const history = toCsr(train, true);
  const sortedHistory = history.indices.slice();
  for (let u = 0; u < train.userIds.length; u++) sortedHistory.subarray(history.indptr[u], history.indptr[u + 1]).sort();
  const trainUsers = new Map(train.userIds.map((id, u) => [id, u]));
  const trainItems = new Map(train.itemIds.map((id, i) => [id, i]));
  const inHistory = (user: string, item: string) => {
    const u = trainUsers.get(user);
    const i = trainItems.get(item);
    return u !== undefined && i !== undefined && sortedHas(sortedHistory.subarray(history.indptr[u], history.indptr[u + 1]), i);
  };
  const pack = active?.pack;
  const activeUsers = new Map((pack?.userIds ?? []).map((id, i) => [id, i]));
  if (pack?.userIds && !pack.userItems)
    warnings.push(
      `active model ${active!.pointer.version} does not list its shoppers' items (user_items): pairs it trained on cannot be left out, so its score may be optimistic`,
    );
  const dataWindow = pack?.manifest.model.params.dataWindow as { to?: string } | undefined;
  if (dataWindow?.to && Date.parse(dataWindow.to) >= split.cutoff)
    warnings.push(
      `active model ${active!.pointer.version} was trained on events up to ${dataWindow.to}, after the cut (${new Date(split.cutoff).toISOString()}); the pairs it trained on are left out of the test set`,
    );

  // The test set both models are scored on.
  const keep: number[] = [];
  let seenByActive = 0;
  const activeItemIndex = new Map((pack?.itemIds ?? []).map((id, i) => [id, i]));
  for (let r = 0; r < test.users.length; r++) {
    const user = test.userIds[test.users[r]];
    const item = test.itemIds[test.items[r]];
    if (inHistory(user, item)) continue;
    const au = activeUsers.get(user);
    const ai = activeItemIndex.get(item);
    if (au !== undefined && ai !== undefined && pack?.userItems && sortedHas(pack.userItems(au), ai)) {
      seenByActive++;
      continue;
    }
    keep.push(r);
  }
  const testKept: Interactions = {
    userIds: test.userIds,
    itemIds: test.itemIds,
    users: Int32Array.from(keep, (r) => test.users[r]),
    items: Int32Array.from(keep, (r) => test.items[r]),
    weights: Float32Array.from(keep, (r) => test.weights[r]),
  };
  const testUsers = new Set(keep.map((r) => test.userIds[test.users[r]]));
  const scored = [...testUsers].filter((u) => trainUsers.has(u));

  const candidateLists = new Map<string, string[]>();
  const popularLists = new Map<string, string[]>();
  const activeLists = new Map<string, string[]>();
  const f = model.factors;
  const candItems = new Map(model.itemIds.map((id, i) => [id, i]));
  const candUsers = new Map(model.userIds.map((id, i) => [id, i]));
  const candScoring = { pack: model, scratch: new Float64Array(model.itemIds.length) };
  const activeScoring = pack ? { pack, scratch: new Float64Array(pack.itemIds.length) } : undefined;
  let foldedIn = 0;
  let popular = 0;
  for (const user of scored) {
    const tu = trainUsers.get(user)!;
    const own: { item: string; weight: number }[] = [];
    for (let j = history.indptr[tu]; j < history.indptr[tu + 1]; j++)
      own.push({ item: train.itemIds[history.indices[j]], weight: history.values[j] });
    const cu = candUsers.get(user)!;
    const skip = exclusion(
      {},
      own.map((h) => candItems.get(h.item)!),
    );
    candidateLists.set(
      user,
      scoreUser(candScoring, model.userFactors.subarray(cu * f, cu * f + f), k, skip).map((p) => model.itemIds[p.index]),
    );
    popularLists.set(
      user,
      popularItems({ pack: model }, k, skip).map((p) => model.itemIds[p.index]),
    );
    if (!pack || !activeScoring) continue;
    const known: Weighted[] = [];
    for (const h of own) {
      const i = activeItemIndex.get(h.item);
      if (i !== undefined) known.push({ index: i, weight: h.weight });
    }
    const au = activeUsers.get(user);
    const activeSkip = exclusion(
      {},
      known.map((w) => w.index),
      undefined,
      au === undefined ? undefined : pack.userItems?.(au),
    );
    let picks: { index: number }[];
    if (au !== undefined && pack.userFactors) {
      const af = pack.factors;
      picks = scoreUser(activeScoring, pack.userFactors.subarray(au * af, au * af + af), k, activeSkip);
    } else if (known.length) {
      foldedIn++;
      picks = scoreUser(activeScoring, foldIn(pack, known), k, activeSkip);
    } else {
      popular++;
      picks = popularItems({ pack }, k, activeSkip);
    }
    activeLists.set(
      user,
      picks.map((p) => pack.itemIds[p.index]),
    );
  }

  const candidate = evaluateLists(candidateLists, train, testKept, k);
  const popularity = evaluateLists(popularLists, train, testKept, k);
  const report: GateReport = {
    ...base,
    testPairs: keep.length,
    seenByActive,
    users: scored.length,
    coldUsers: testUsers.size - scored.length,
    candidate,
    popularity,
    passed: true,
    reason: '',
  };
  if (!active) {
    report.reason = 'no active model: nothing to compare with';
    return report;
  }
  report.active = {
    ...evaluateLists(activeLists, train, testKept, k),
    version: active.pointer.version,
    packId: active.pack.manifest.id,
    foldedIn,
    popular,
  };
  if (scored.length === 0) {
    report.reason = 'no shopper has both a history before the cut and new interactions after it: nothing to compare on';
    return report;
  }
  report.delta = candidate.ndcg - report.active.ndcg;
  // A hair of tolerance: equal models must not fail on float noise.
  report.passed = report.delta >= -maxDrop - 1e-12;
  report.reason = report.passed
    ? `candidate NDCG@${k} ${candidate.ndcg.toFixed(4)} ≥ active ${report.active.ndcg.toFixed(4)} − ${maxDrop}`
    : `candidate NDCG@${k} ${candidate.ndcg.toFixed(4)} is ${(-report.delta).toFixed(4)} below the active model ${active.pointer.version}'s ${report.active.ndcg.toFixed(4)} (more than --max-drop ${maxDrop})`;
  return report;
}
