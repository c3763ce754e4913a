import type { CatalogItem } from '../../../schema/catalog.js';
import { attributeProfile, type ExploreOptions, exploreSlot } from './cold-start.js';
import { topK } from './top-k.js';

// A seeded shop for measuring the exploration slot (used by cold-start.test.ts, never by serving).
// Shoppers have category and tag tastes; known items are ranked by each shopper's true attractiveness
// plus noise (a stand-in for the CF model, which cannot rank new items: they have no factors); clicks
// follow the position-based click model P(click) = exam(pos) · attract, exam(p) = 1/log2(p + 2)
// for 0-based p (Järvelin & Kekäläinen's DCG discount, the usual examination curve in click models).

export type Policy = 'none' | 'random' | 'blind' | 'attribute';

export interface SimOptions {
  seed: number;
  /** 'blind': the same Thompson slot with no profile; 'attribute': with the shopper's profile. */
  policy: Policy;
  /** Lists served. @default 20000 */
  steps?: number;
  /** @default 10 */
  k?: number;
  /** @default 2000 */
  shoppers?: number;
  /** @default 8 */
  categories?: number;
  /** @default 40 */
  knownPerCategory?: number;
  /** @default 4 */
  newPerCategory?: number;
  /** Lists between two updates of the impression/click counts the slot sees (event queue lag). @default 50 */
  flushEvery?: number;
  /** Slot options, for the random policy too (`rate`, `position`); `rate` defaults to 1 here: every list. */
  explore?: ExploreOptions;
}

export interface SimResult {
  /** Per new product: slot impressions up to and including its first click (Infinity: never clicked). */
  impressionsToFirstClick: number[];
  /** Per new product: 1-based list number of its first click (Infinity: never clicked). */
  listsToFirstClick: number[];
  /** Clicks per list, all items. */
  ctr: number;
  /** Lists that carried a new product. */
  slotLists: number;
  lists: number;
}

/** mulberry32, as models/als/random.ts (copied: serve code does not import the trainer). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TAGS_PER_CATEGORY = 4;
const GLOBAL_TAGS = ['gift', 'sale', 'premium'];

interface World {
  known: CatalogItem[];
  fresh: CatalogItem[];
  /** attract(u, item) for shopper u. */
  attract: (u: number, item: CatalogItem) => number;
  /** Initial history per shopper: known items they interacted with. */
  history: CatalogItem[][];
}

function buildWorld(o: Required<Omit<SimOptions, 'explore' | 'policy'>>, r: () => number): World {
  const quality = new Map<string, number>();
  const makeItem = (id: string, c: number): CatalogItem => {
    const tags = [`c${c}-t${Math.floor(r() * TAGS_PER_CATEGORY)}`];
    if (r() < 0.4) tags.push(GLOBAL_TAGS[Math.floor(r() * GLOBAL_TAGS.length)]);
    quality.set(id, 0.4 + 0.6 * r());
    return { id, title: id, category: `c${c}`, tags };
  };
  const known: CatalogItem[] = [];
  const fresh: CatalogItem[] = [];
  for (let c = 0; c < o.categories; c++) {
    for (let j = 0; j < o.knownPerCategory; j++) known.push(makeItem(`k${c}-${j}`, c));
    for (let j = 0; j < o.newPerCategory; j++) fresh.push(makeItem(`n${c}-${j}`, c));
  }
  // Taste: a favourite category (and for half the shoppers a second one) over a small base for all.
  const prefs: number[][] = [];
  const likedTags: Set<string>[] = [];
  for (let u = 0; u < o.shoppers; u++) {
    const p = Array.from({ length: o.categories }, () => 0.2 * r());
    const fav = Math.floor(r() * o.categories);
    p[fav] += 3;
    if (r() < 0.5) p[Math.floor(r() * o.categories)] += 1.5;
    const sum = p.reduce((a, b) => a + b, 0);
    prefs.push(p.map((x) => x / sum));
    likedTags.push(new Set([`c${fav}-t${Math.floor(r() * TAGS_PER_CATEGORY)}`, GLOBAL_TAGS[Math.floor(r() * GLOBAL_TAGS.length)]]));
  }
  // A favourite-category item of top quality with a liked tag: ≈ 0.002 + 0.12 · 0.7 · 1.5 ≈ 0.13, so a
  // list of ten draws ≈ 0.5 clicks; an item of a category the shopper ignores: ≈ 0.002–0.005.
  const attract = (u: number, item: CatalogItem) => {
    const c = Number(item.category!.slice(1));
    const tagBonus = item.tags!.some((t) => likedTags[u].has(t)) ? 1.5 : 1;
    return 0.002 + 0.12 * prefs[u][c] * quality.get(item.id)! * tagBonus;
  };
  // Five past interactions per shopper, drawn from their category taste.
  const byCat = Array.from({ length: o.categories }, (_, c) => known.filter((it) => it.category === `c${c}`));
  const history = prefs.map((p) =>
    Array.from({ length: 5 }, () => {
      let x = r();
      let c = 0;
      while (c < p.length - 1 && x >= p[c]) x -= p[c++];
      return byCat[c][Math.floor(r() * byCat[c].length)];
    }),
  );
  return { known, fresh, attract, history };
}

const exam = (p: number) => 1 / Math.log2(p + 2);

/** Runs one policy; the world, shoppers' visits and ranking noise are the same for every policy at a seed. */
export function simulate(options: SimOptions): SimResult {
  const o = {
    seed: options.seed,
    steps: options.steps ?? 20_000,
    k: options.k ?? 10,
    shoppers: options.shoppers ?? 2000,
    categories: options.categories ?? 8,
    knownPerCategory: options.knownPerCategory ?? 40,
    newPerCategory: options.newPerCategory ?? 4,
    flushEvery: options.flushEvery ?? 50,
  };
  const explore: ExploreOptions = { rate: 1, ...options.explore };
  const world = buildWorld(o, seeded(o.seed));
  const visits = seeded(o.seed + 1); // shopper sequence and ranking noise: common across policies
  const clicksRng = seeded(o.seed + 2);
  const policyRng = seeded(o.seed + 3);
  const history = world.history.map((h) => h.map((item) => ({ item, weight: 1 })));
  const seenNew = world.history.map(() => new Set<string>());
  const idx = new Map(world.fresh.map((it, j) => [it.id, j]));
  const shown = new Map<string, number>();
  const clicked = new Map<string, number>();
  // What the slot sees: counts as of the last flush (events arrive through a queue).
  let seenShown = new Map<string, number>();
  let seenClicked = new Map<string, number>();
  const impressionsToFirstClick = world.fresh.map(() => Number.POSITIVE_INFINITY);
  const listsToFirstClick = world.fresh.map(() => Number.POSITIVE_INFINITY);
  let clicks = 0;
  let slotLists = 0;
  const nKnown = world.known.length;
  const knownAttract = new Map<number, Float64Array>(); // per shopper, filled on first visit
  const scores = new Float64Array(nKnown);
  for (let step = 0; step < o.steps; step++) {
    if (step % o.flushEvery === 0) {
      seenShown = new Map(shown);
      seenClicked = new Map(clicked);
    }
    const u = Math.floor(visits() * o.shoppers);
    // Stand-in CF ranking: true attractiveness + uniform noise (±0.01), top k.
    let a = knownAttract.get(u);
    if (!a) knownAttract.set(u, (a = Float64Array.from(world.known, (item) => world.attract(u, item))));
    for (let i = 0; i < nKnown; i++) scores[i] = a[i] + 0.02 * (visits() - 0.5);
    const list: CatalogItem[] = Array.from(topK(scores, o.k), (i) => world.known[i]);
    let slot: CatalogItem | undefined;
    let position = -1;
    const allowed = (item: CatalogItem) => !seenNew[u].has(item.id);
    if (options.policy === 'random') {
      const pool = world.fresh.filter(allowed);
      if (pool.length && (explore.rate! >= 1 || policyRng() < explore.rate!)) {
        slot = pool[Math.floor(policyRng() * pool.length)];
        position = Math.min(explore.position ?? 2, o.k - 1);
      }
    } else if (options.policy !== 'none') {
      const pick = exploreSlot(
        {
          k: o.k,
          arrivals: world.fresh,
          allowed,
          profile: options.policy === 'attribute' ? attributeProfile(history[u].slice(-20)) : undefined,
          impressions: seenShown,
          clicks: seenClicked,
          random: policyRng,
        },
        explore,
      );
      if (pick) ({ item: slot, position } = pick);
    }
    if (slot) {
      list.splice(position, 0, slot);
      list.length = o.k;
      slotLists++;
      shown.set(slot.id, (shown.get(slot.id) ?? 0) + 1);
      seenNew[u].add(slot.id); // a shown new product is in the shopper's recent items: not shown again
    }
    list.forEach((item, p) => {
      if (!(clicksRng() < exam(p) * world.attract(u, item))) return;
      clicks++;
      history[u].push({ item, weight: 2 });
      const j = idx.get(item.id);
      if (j === undefined) return;
      clicked.set(item.id, (clicked.get(item.id) ?? 0) + 1);
      if (listsToFirstClick[j] === Number.POSITIVE_INFINITY) {
        listsToFirstClick[j] = step + 1;
        impressionsToFirstClick[j] = shown.get(item.id)!;
      }
    });
  }
  return { impressionsToFirstClick, listsToFirstClick, ctr: clicks / o.steps, slotLists, lists: o.steps };
}

/** The q-quantile (0..1) of `xs` (nearest rank; Infinity sorts last). */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
