import { DEFAULT_EVENT_WEIGHTS } from '../../../schema/events.js';

// Scene-aware re-ranking: where and when a request comes from (channel, widget placement, hour of
// the site's day) shifts which items fit, e.g. snacks at lunchtime in WeChat. Per context and item
// a shrunk log-lift vs the item's overall share is learned from the site's events; at request time
// the lifts of the request's contexts are summed (log space) and added to the CF scores in units
// of their spread. Pure code: runs in workerd (the worker) and in Node (the offline evaluation).

/** The `ScenePriors.version` this code writes and reads. */
export const SCENE_PRIORS_VERSION = 1;

/**
 * Default re-ranking weight: score += SCENE_WEIGHT · spread · Σ lift. Chosen by the offline sweep in
 * scene.test.ts (600 users × 300 items, demo-store tastes, weights 0–3): with a planted channel/hour
 * effect NDCG@10 peaks at 1 (+29 % with 8 of 14 categories planted, +8 % with 4; past 1.5 the lifts
 * crowd out the shopper's own taste and the gain falls); without an effect the priors hold no lifts,
 * so any weight leaves the ranking as it is. At 1, twice as likely here (ln 2) moves an item 0.7 σ.
 */
export const SCENE_WEIGHT = 1;

/**
 * Parts of the site's day (local hours). Meal times and the commute shape what Chinese shoppers
 * browse: morning 06–11 (commute, breakfast), lunch 11–14 (the lunch break, food and quick buys),
 * afternoon 14–18, evening 18–22 (the main shopping peak), night 22–06. Five parts, so each still
 * holds ≥ ~10 % of a small shop's traffic (hourly contexts would be 24 sparse ones).
 */
export const HOUR_BUCKETS: readonly string[] = Array.from({ length: 24 }, (_, h) =>
  h < 6 || h >= 22 ? 'night' : h < 11 ? 'morning' : h < 14 ? 'lunch' : h < 18 ? 'afternoon' : 'evening',
);

/** One event as the learner reads it. `hour`: 0–23 in the site's time zone. */
export interface SceneEvent {
  itemId: string;
  type: string;
  channel?: string | null;
  placement?: string | null;
  hour: number;
}

/** The request's scene: any subset; an unknown value or an hour outside 0–23 adds nothing. */
export interface SceneContext {
  channel?: string;
  placement?: string;
  hour?: number;
}

/** The contexts the priors factor a scene into; each is learned on its own and their lifts add up. */
export type SceneDimension = 'channel' | 'placement' | 'hour';
const DIMENSIONS: readonly SceneDimension[] = ['channel', 'placement', 'hour'];

/** Items of one context with their log-lifts (natural log), largest |lift| first. */
export interface ContextLifts {
  items: string[];
  lifts: number[];
  /** The prior strength learned for this context (effective events); null: no effect beyond chance, no lifts. */
  strength: number | null;
}

/** KV value `site/{site}/scene`: per-context item lifts (plain JSON). */
export interface ScenePriors {
  version: typeof SCENE_PRIORS_VERSION;
  computedAt?: string;
  /** Local hour (index 0–23) → part of the day, as learned (serving buckets hours the same way). */
  hourBuckets: string[];
  /** The least prior strength any context was shrunk with (effective events). */
  minPriorStrength: number;
  /** Events with a positive weight the priors were learned from. */
  events: number;
  /** dimension → context value (`wechat`, `for-you`, `lunch`) → lifts. */
  contexts: Record<SceneDimension, Record<string, ContextLifts>>;
}

export interface LearnSceneOptions {
  /**
   * Least strength `a` of the "no effect" prior, in effective events: lift = ln((a + observed) /
   * (a + expected)), expected = the item's weight × the context's share. Each context's `a` is
   * learned from how far its items spread beyond chance (see `priorStrength`); this floor keeps a
   * context with a strong effect from trusting a handful of events per item.
   * @default 5
   */
  minPriorStrength?: number;
  /** Items kept per context, by |lift|. @default 200 */
  maxItemsPerContext?: number;
  /** Context values kept per dimension, by weight (placements are free-form). @default 16 */
  maxContextsPerDimension?: number;
  /** Lifts smaller than this are dropped (they would not move a ranking). @default 0.02 */
  minLift?: number;
  /** Weight per event type. @default DEFAULT_EVENT_WEIGHTS (impressions 0, as the trainer) */
  eventWeights?: Readonly<Record<string, number>>;
  /** Stamped into the priors. */
  computedAt?: string;
}

/**
 * Learns per-context item lifts from events. Per dimension (channel, placement, hour part) over
 * the events where it is known: the item's observed weight in the context vs the weight expected
 * without an effect (item weight × context share), as the posterior mean of their ratio under a
 * Gamma–Poisson prior whose strength each context learns from its own data (empirical Bayes), so a
 * context whose items spread no more than chance gets no lifts at all. Dimensions are learned
 * independently (a naive-Bayes factorisation: combinations such as WeChat × lunch would be too
 * sparse for a small shop) and their log-lifts add up at request time.
 *
 * @example learnScenePriors([{ itemId: 'a', type: 'click', channel: 'wechat', hour: 12 }])
 */
export function learnScenePriors(rows: Iterable<SceneEvent>, options: LearnSceneOptions = {}): ScenePriors {
  const bounds = {
    minPriorStrength: options.minPriorStrength ?? 5,
    maxItemsPerContext: options.maxItemsPerContext ?? 200,
    maxContextsPerDimension: options.maxContextsPerDimension ?? 16,
    minLift: options.minLift ?? 0.02,
  };
  const weights: Readonly<Record<string, number>> = options.eventWeights ?? DEFAULT_EVENT_WEIGHTS;
  const itemIndex = new Map<string, number>();
  const itemIds: string[] = [];
  const stats = DIMENSIONS.map(() => new DimensionStats());
  let events = 0;
  for (const r of rows) {
    const w = Object.hasOwn(weights, r.type) ? weights[r.type] : 0;
    if (!(w > 0) || !Number.isFinite(w)) continue;
    let i = itemIndex.get(r.itemId);
    if (i === undefined) {
      i = itemIds.push(r.itemId) - 1;
      itemIndex.set(r.itemId, i);
    }
    events++;
    const hour = Number.isInteger(r.hour) && r.hour >= 0 && r.hour < 24 ? HOUR_BUCKETS[r.hour] : undefined;
    const values = [r.channel ?? undefined, r.placement ?? undefined, hour];
    values.forEach((v, d) => v !== undefined && v !== '' && stats[d].add(v, i, w));
  }
  const contexts = {} as ScenePriors['contexts'];
  DIMENSIONS.forEach((dim, d) => {
    contexts[dim] = stats[d].lifts(itemIds, bounds);
  });
  return {
    version: SCENE_PRIORS_VERSION,
    ...(options.computedAt ? { computedAt: options.computedAt } : {}),
    hourBuckets: [...HOUR_BUCKETS],
    minPriorStrength: bounds.minPriorStrength,
    events,
    contexts,
  };
}

type Bounds = Required<Pick<LearnSceneOptions, 'minPriorStrength' | 'maxItemsPerContext' | 'maxContextsPerDimension' | 'minLift'>>;

/** Weighted counts of one dimension: per context value and item, per item, per value, in all. */
class DimensionStats {
  cells = new Map<string, Map<number, number>>();
  byValue = new Map<string, number>();
  byItem = new Map<number, number>();
  total = 0;
  /** Σ w², for the weights' dispersion. */
  total2 = 0;

  add(value: string, item: number, w: number) {
    let cell = this.cells.get(value);
    if (!cell) this.cells.set(value, (cell = new Map()));
    cell.set(item, (cell.get(item) ?? 0) + w);
    this.byValue.set(value, (this.byValue.get(value) ?? 0) + w);
    this.byItem.set(item, (this.byItem.get(item) ?? 0) + w);
    this.total += w;
    this.total2 += w * w;
  }

  lifts(itemIds: string[], o: Bounds): Record<string, ContextLifts> {
    // No prototype: a placement named `__proto__` must become a key, not replace the prototype.
    const out: Record<string, ContextLifts> = Object.create(null);
    // Weighted counts in "effective events": a sum of weights w has variance ≈ Σw², so dividing by
    // d = Σw² / Σw makes them Poisson-like (a purchase tells more than a view, not 5 views' worth of certainty).
    const d = this.total > 0 ? this.total2 / this.total : 1;
    const values = [...this.byValue].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, o.maxContextsPerDimension);
    for (const [value, weight] of values) {
      const share = weight / this.total;
      const cell = this.cells.get(value)!;
      const items: number[] = [];
      const observed: number[] = [];
      const expected: number[] = [];
      for (const [item, itemWeight] of this.byItem) {
        items.push(item);
        observed.push((cell.get(item) ?? 0) / d);
        expected.push((itemWeight * share) / d);
      }
      const a = priorStrength(observed, expected, o.minPriorStrength);
      const kept: [number, number][] = [];
      if (Number.isFinite(a))
        // Every item of the dimension, not only those seen here: an item absent where it is
        // expected earns a negative lift (breakfast at night).
        for (let j = 0; j < items.length; j++) {
          const lift = Math.log((a + observed[j]) / (a + expected[j]));
          if (lift !== 0 && Math.abs(lift) >= o.minLift) kept.push([items[j], lift]);
        }
      kept.sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]) || (itemIds[x[0]] < itemIds[y[0]] ? -1 : 1));
      const top = kept.slice(0, o.maxItemsPerContext);
      // Three decimals: a lift of 0.0005 moves a score by < 0.001 σ, and the JSON stays small.
      out[value] = {
        items: top.map(([i]) => itemIds[i]),
        lifts: top.map(([, l]) => Math.round(l * 1000) / 1000),
        strength: Number.isFinite(a) ? Math.round(a * 100) / 100 : null,
      };
    }
    return out;
  }
}

/**
 * The Gamma(a, a) prior on an item's rate ratio θ = P(context | item) / P(context), by the method
 * of moments over the context's items (empirical Bayes): Var θ̂ = τ² + 1/E, so τ² ≈ (χ² − df) / ΣE
 * with Pearson's χ² = Σ (O − E)² / E, and a = 1/τ². No more spread than chance (χ² ≤ df + 2·√(2·df),
 * two standard deviations of a χ² without an effect) gives Infinity: no lifts. Only items expected
 * ≥ 1 time count (χ² is unreliable below), and fewer than 5 of them say nothing.
 */
function priorStrength(observed: number[], expected: number[], min: number): number {
  let chi2 = 0;
  let sumE = 0;
  let k = 0;
  for (let j = 0; j < observed.length; j++) {
    const e = expected[j];
    if (e < 1) continue;
    chi2 += (observed[j] - e) ** 2 / e;
    sumE += e;
    k++;
  }
  const df = k - 1;
  if (k < 5 || chi2 <= df + 2 * Math.sqrt(2 * df)) return Number.POSITIVE_INFINITY;
  return Math.max(min, sumE / (chi2 - df));
}

/**
 * The request's additive lifts by item index (items the model does not know are left out): the
 * sum over the request's channel, placement and hour part of their learned lifts.
 */
export function sceneLifts(priors: ScenePriors, ctx: SceneContext, itemIndex: ReadonlyMap<string, number>): Map<number, number> {
  const out = new Map<number, number>();
  const hour = ctx.hour !== undefined && Number.isInteger(ctx.hour) && ctx.hour >= 0 && ctx.hour < 24 ? ctx.hour : undefined;
  const values: Record<SceneDimension, string | undefined> = {
    channel: ctx.channel,
    placement: ctx.placement,
    hour: hour === undefined ? undefined : priors.hourBuckets[hour],
  };
  for (const dim of DIMENSIONS) {
    const value = values[dim];
    // Own properties only: a request's placement `constructor` must not reach Object.prototype's.
    const lifts = value !== undefined && Object.hasOwn(priors.contexts[dim], value) ? priors.contexts[dim][value] : undefined;
    if (!lifts) continue;
    for (let j = 0; j < lifts.items.length; j++) {
      const i = itemIndex.get(lifts.items[j]);
      if (i !== undefined) out.set(i, (out.get(i) ?? 0) + lifts.lifts[j]);
    }
  }
  return out;
}

/**
 * Adds `weight · spread · lift` to each listed item's score (in place; returns `scores`). `spread`
 * is the scores' own spread (`scoreSpread`), so `weight` is scale-free. Indices outside the buffer
 * are ignored.
 *
 * @example applySceneLifts(scores, sceneLifts(priors, { channel: 'wechat', hour: 12 }, index), SCENE_WEIGHT, scoreSpread(scores, n))
 */
export function applySceneLifts<T extends Float32Array | Float64Array>(
  scores: T,
  lifts: ReadonlyMap<number, number>,
  weight: number,
  spread: number,
): T {
  const step = weight * spread;
  if (step === 0 || !Number.isFinite(step)) return scores;
  for (const [i, lift] of lifts) if (i >= 0 && i < scores.length) scores[i] += step * lift;
  return scores;
}
