import type { CatalogItem } from '../../../schema/catalog.js';

// Cold start for new products: items in the live catalog that the pack has no factors for yet (added
// through the catalog API after the last training), so dot-product scoring can never rank them and
// the retrain that would give them factors needs interactions they cannot get. An exploration slot
// gives one of k positions to one of them, chosen by Thompson sampling on its click-through in the
// slot, scaled by how well its category/tags match the shopper's recent evidence. Pure code: no
// worker, Node or trainer imports; runs in workerd. Measured in cold-start.test.ts (simulation).

/**
 * Products that are in the live catalog, in stock (`inStock !== false`) and unknown to the pack, in
 * catalog order. One pass over the catalog: computed by the caller once per (pack, catalog) version.
 */
export function newArrivals(catalogById: ReadonlyMap<string, CatalogItem>, itemIndex: ReadonlyMap<string, number>): CatalogItem[] {
  const out: CatalogItem[] = [];
  for (const [id, item] of catalogById) if (item.inStock !== false && !itemIndex.has(id)) out.push(item);
  return out;
}

/** What a shopper's evidence says about the attributes they like: shares of evidence weight, each in [0, 1]. */
export interface AttributeProfile {
  /** Per category: its share of the weight of evidence items that have a category (the shares sum to 1). */
  categories: Map<string, number>;
  /** Per tag: the share of the weight of evidence items that have tags carried by items with this tag. */
  tags: Map<string, number>;
}

/**
 * A profile from weighted catalog rows: the shopper's recent items (weight = event weight) and, for a
 * shopper without recent items, the rows of their top personal picks (a lower weight, e.g. 0.5) as a
 * proxy for their trained taste. Rows that are undefined or weigh ≤ 0 are ignored. O(evidence × tags).
 */
export function attributeProfile(evidence: Iterable<{ item: CatalogItem | undefined; weight: number }>): AttributeProfile {
  const categories = new Map<string, number>();
  const tags = new Map<string, number>();
  let catTotal = 0;
  let tagTotal = 0;
  for (const { item, weight } of evidence) {
    if (!item || !(weight > 0)) continue;
    if (item.category) {
      categories.set(item.category, (categories.get(item.category) ?? 0) + weight);
      catTotal += weight;
    }
    if (item.tags?.length) {
      // A tag listed twice on one row counts once.
      for (const t of new Set(item.tags)) tags.set(t, (tags.get(t) ?? 0) + weight);
      tagTotal += weight;
    }
  }
  for (const [c, w] of categories) categories.set(c, w / catTotal);
  for (const [t, w] of tags) tags.set(t, w / tagTotal);
  return { categories, tags };
}

/** Weight of the category match in `affinity` when both parts are known; tags take the rest. */
const CATEGORY_WEIGHT = 0.6;

/**
 * How well `item` matches `profile`, in [0, 1]: the profile's share of the item's category blended with
 * the mean share of its tags. A part the item or the profile lacks drops out; neither known → 0.
 */
export function affinity(profile: AttributeProfile | undefined, item: CatalogItem): number {
  if (!profile) return 0;
  const hasCat = item.category !== undefined && profile.categories.size > 0;
  const tags = item.tags?.length && profile.tags.size > 0 ? new Set(item.tags) : undefined;
  const cat = hasCat ? (profile.categories.get(item.category!) ?? 0) : 0;
  let tag = 0;
  if (tags) {
    for (const t of tags) tag += profile.tags.get(t) ?? 0;
    tag /= tags.size;
  }
  if (hasCat && tags) return CATEGORY_WEIGHT * cat + (1 - CATEGORY_WEIGHT) * tag;
  return hasCat ? cat : tag;
}

/** Tuning of the exploration slot; the defaults are the ones measured in cold-start.test.ts. */
export interface ExploreOptions {
  /**
   * Share of lists that carry a slot (ε), in [0, 1]. Impressions to a first click do not depend on it;
   * the CTR cost grows with it and the time to a first click shrinks (∝ 1/ε). Simulation: ε = 1 costs
   * ≈ 6 % of list CTR, ε = 0.2 ≈ 0.5 %. A site with little traffic or many arrivals raises it. @default 0.2
   */
  rate?: number;
  /**
   * 0-based slot, clamped to k − 1: below the two strongest personal picks, still well examined. The last
   * of 10 halves the CTR cost (≈ 3 %) but needs about twice the impressions for a first click. @default 2
   */
  position?: number;
  /** Lists shorter than this never carry a slot (a single pick is too costly to give away). @default 2 */
  minK?: number;
  /**
   * Beta prior of a new item's click-through in the slot, as pseudo-counts: mean 1/30, about a slot's CTR.
   * A weaker prior (1, 1) starves an item after a few unlucky impressions (a longer tail in the simulation).
   * @default { clicks: 1, skips: 29 }
   */
  prior?: { clicks: number; skips: number };
  /** Added to affinity so that items matching nothing in the profile are still explored. @default 0.1 */
  affinityFloor?: number;
  /** Most arrivals looked at per request (a window at a random offset beyond it), bounding the cost. @default 1000 */
  maxCandidates?: number;
}

/** What one request knows when it considers a slot. */
export interface ExploreContext {
  /** Number of picks in the list the slot goes into. */
  k: number;
  /** `newArrivals(...)` for the current catalog. */
  arrivals: readonly CatalogItem[];
  /** The caller's filters, merchandising rules and exclusions (ids in `recent`/`exclude`): false → never chosen. */
  allowed: (item: CatalogItem) => boolean;
  /** The shopper's attributes (`attributeProfile`); undefined or empty → choice by exploration alone. */
  profile?: AttributeProfile;
  /** Slot impressions per new item id so far (may lag: counts from the event queue). */
  impressions?: ReadonlyMap<string, number>;
  /** Clicks per new item id on those impressions. */
  clicks?: ReadonlyMap<string, number>;
  /** Uniform in [0, 1) (Math.random in production, a seeded generator in tests). */
  random: () => number;
}

/** A new product to show at `position` (0-based) of the list, labelled `new`. */
export interface ExploreSlot {
  item: CatalogItem;
  position: number;
  reason: { type: 'new' };
}

/**
 * At most one new product for a list of `k` picks, or undefined (no slot drawn, list too short, no
 * candidate passes `allowed` and is in stock).
 *
 * Choice: each candidate j gets θⱼ ~ Beta(prior.clicks + cⱼ, prior.skips + nⱼ − cⱼ) (its slot click-through,
 * nⱼ impressions, cⱼ clicks) and the score θⱼ · (affinityFloor + affinity(profile, j)); the best score
 * wins. The posterior spreads exploration (an item shown often without a click samples low, an unshown
 * one high), the affinity sends each item to the shoppers likeliest to click it, and the floor keeps
 * items no profile matches reachable. Sampling rather than a deterministic UCB bonus because
 * impression counts reach the edge late and in batches (event queue): a deterministic rule would send
 * every request between two updates to the same item, a sample spreads them (Chapelle & Li 2011,
 * "An Empirical Evaluation of Thompson Sampling", on delayed feedback).
 *
 * Cost: one of k positions goes to an unproven item on a share `rate` of lists. The caller inserts the
 * item at `position` (clamped to its list length) and drops its last pick, so the top picks stay; the
 * simulation measures the CTR change. O(candidates × tags) per request, ≤ `maxCandidates`.
 */
export function exploreSlot(ctx: ExploreContext, options: ExploreOptions = {}): ExploreSlot | undefined {
  const { k, arrivals, random } = ctx;
  if (k < (options.minK ?? 2) || arrivals.length === 0) return undefined;
  const rate = options.rate ?? 0.2;
  if (rate < 1 && !(random() < rate)) return undefined;
  const a0 = options.prior?.clicks ?? 1;
  const b0 = options.prior?.skips ?? 29;
  const floor = options.affinityFloor ?? 0.1;
  const n = Math.min(arrivals.length, Math.max(1, options.maxCandidates ?? 1000));
  const start = n < arrivals.length ? Math.floor(random() * arrivals.length) : 0;
  let best: CatalogItem | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let s = 0; s < n; s++) {
    const item = arrivals[(start + s) % arrivals.length];
    if (item.inStock === false || !ctx.allowed(item)) continue;
    const shown = ctx.impressions?.get(item.id) ?? 0;
    const clicked = Math.min(shown, ctx.clicks?.get(item.id) ?? 0);
    const score = sampleBeta(a0 + clicked, b0 + shown - clicked, random) * (floor + affinity(ctx.profile, item));
    if (score > bestScore) {
      bestScore = score;
      best = item;
    }
  }
  if (!best) return undefined;
  return { item: best, position: Math.max(0, Math.min(options.position ?? 2, k - 1)), reason: { type: 'new' } };
}

/** A draw from Beta(a, b), a, b > 0, as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function sampleBeta(a: number, b: number, random: () => number): number {
  const x = sampleGamma(a, random);
  const y = sampleGamma(b, random);
  return x + y > 0 ? x / (x + y) : 0.5;
}

/**
 * A draw from Gamma(shape, 1): Marsaglia & Tsang (2000), "A Simple Method for Generating Gamma
 * Variables", with Gamma(s) = Gamma(s + 1) · U^(1/s) for s < 1. About 1.05 normal draws per sample.
 */
function sampleGamma(shape: number, random: () => number): number {
  if (shape < 1) return sampleGamma(shape + 1, random) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random(); // (0, 1]: log(u) is finite
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A standard normal draw (Box–Muller; one of the pair is discarded to keep the function stateless). */
function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
