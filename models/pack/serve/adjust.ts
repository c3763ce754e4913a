import { scoreSpread } from './spread.js';

/** What moves items up or down inside the scoring pass, after the dot products and before top-k. */
export interface ScoreAdjustments {
  /** Items to raise or lower and by how much, in units of the score spread (merchandising boosts). */
  boostIndex?: ArrayLike<number>;
  boostUnits?: ArrayLike<number>;
  /** More such items (scene lifts), with their own weight. */
  liftIndex?: ArrayLike<number>;
  liftUnits?: ArrayLike<number>;
  liftWeight?: number;
  /** Items that drop below every item not listed (rotation), keeping their order among themselves. */
  demoted?: Iterable<number>;
}

/**
 * Applies `adj` to `scores` (the first `n`, in place) and returns it: boosts and lifts add
 * `units × spread` where spread is the standard deviation of the scores of the items `skip` lets
 * through (`scoreSpread`), so a weight means the same for any pack; demoted items are lowered by the
 * whole score range plus one spread, so any item not demoted outranks them. Cost: one sample of at
 * most 4,096 scores, the listed items, and one min/max pass over n only when something is demoted.
 */
export function adjustScores<T extends Float32Array | Float64Array>(
  scores: T,
  n: number,
  adj: ScoreAdjustments,
  skip?: (index: number) => boolean,
): T {
  const boosts = adj.boostIndex?.length ?? 0;
  const lifts = adj.liftIndex?.length && adj.liftWeight ? adj.liftIndex.length : 0;
  const demoted = adj.demoted ? [...adj.demoted] : [];
  if (!boosts && !lifts && !demoted.length) return scores;
  const spread = scoreSpread(scores, n, skip);
  for (let j = 0; j < boosts; j++) scores[adj.boostIndex![j]] += adj.boostUnits![j] * spread;
  for (let j = 0; j < lifts; j++) scores[adj.liftIndex![j]] += adj.liftUnits![j] * adj.liftWeight! * spread;
  if (demoted.length) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const s = scores[i];
      if (s < lo) lo = s;
      if (s > hi) hi = s;
    }
    const drop = hi - lo + spread;
    for (const i of demoted) if (i >= 0 && i < n) scores[i] -= drop;
  }
  return scores;
}
