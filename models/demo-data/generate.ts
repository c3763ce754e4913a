import type { CatalogItem } from '../../schema/catalog.js';
import { mulberry32, shuffle } from '../als/random.js';
import { heldOut } from '../eval/split.js';
import { ADJECTIVES, BRANDS, CATEGORIES, TASTE_GROUPS } from './vocabulary.js';

export interface DemoOptions {
  /** @default 2000 */
  products?: number;
  /** @default 2500 */
  users?: number;
  /** Target number of interaction rows. @default 50000 */
  interactions?: number;
  /** @default 7 */
  seed?: number;
}

export interface DemoInteraction {
  user: string;
  item: string;
  event: 'view' | 'click' | 'add_to_cart' | 'share' | 'purchase';
  /** Unix ms; all within the 30 days before 2026-01-01 UTC, so output never depends on today. */
  timestamp: number;
}

export interface DemoStore {
  catalog: CatalogItem[];
  interactions: DemoInteraction[];
  /** user → taste group names, for explaining the demo. */
  groups: Record<string, string[]>;
}

/** The same seedable PRNG the trainer uses (models/als/random.ts). */
export const rng = mulberry32;

function pickWeighted(r: number, cumulative: Float64Array): number {
  const x = r * cumulative[cumulative.length - 1];
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function cumulate(weights: number[]): Float64Array {
  const c = new Float64Array(weights.length);
  let s = 0;
  weights.forEach((w, i) => {
    s += w;
    c[i] = s;
  });
  return c;
}

const EVENTS: [DemoInteraction['event'], number][] = [
  ['view', 0.65],
  ['click', 0.2],
  ['add_to_cart', 0.08],
  ['share', 0.03],
  ['purchase', 0.04],
];
const EVENT_CUM = cumulate(EVENTS.map((e) => e[1]));
const END = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

/**
 * A deterministic synthetic store: products in categories (Chinese and English names, prices,
 * worker-served SVG images), power-law popularity, and shoppers drawn from latent taste groups.
 */
export function generateDemoStore(options: DemoOptions = {}): DemoStore {
  const nProducts = options.products ?? 2000;
  const nUsers = options.users ?? 2500;
  const target = options.interactions ?? 50_000;
  const r = rng(options.seed ?? 7);

  const catalog: CatalogItem[] = [];
  const byCategory = new Map<string, number[]>();
  for (let i = 0; i < nProducts; i++) {
    const cat = CATEGORIES[i % CATEGORIES.length];
    const [nounZh, nounEn] = cat.nouns[Math.floor(r() * cat.nouns.length)];
    const [adjZh, adjEn] = ADJECTIVES[Math.floor(r() * ADJECTIVES.length)];
    const [brandZh, brandEn] = BRANDS[Math.floor(r() * BRANDS.length)];
    const [lo, hi] = cat.price;
    const price = Math.max(1, Math.round(Math.exp(Math.log(lo) + r() * (Math.log(hi) - Math.log(lo))))) - 0.1;
    const id = `p${String(i + 1).padStart(4, '0')}`;
    catalog.push({
      id,
      title: `${brandZh}${adjZh}${nounZh}`,
      titleEn: `${brandEn} ${adjEn} ${nounEn}`,
      price: Math.round(price * 10) / 10,
      currency: 'CNY',
      image: `/demo/img/${id}.svg?c=${cat.key}`,
      url: `/#/p/${id}`,
      category: cat.key,
    });
    byCategory.set(cat.key, [...(byCategory.get(cat.key) ?? []), i]);
  }

  // Within a category, a global Zipf order (popular products) blended with a per-group order
  // (what that taste group likes), so groups share categories yet prefer different products.
  const zipf = (rank: number) => 1 / (rank + 1) ** 0.9;
  const globalOrder = new Map<string, number[]>();
  for (const [key, items] of byCategory) globalOrder.set(key, shuffle([...items], r));
  const groupCat = TASTE_GROUPS.map((g) => {
    const cats = Object.keys(g.categories);
    const catCum = cumulate(cats.map((c) => g.categories[c]));
    const itemPick = new Map<string, { items: number[]; cum: Float64Array }>();
    for (const c of cats) {
      const items = globalOrder.get(c)!;
      const groupRank = new Map(shuffle([...items], r).map((it, rank) => [it, rank]));
      const weights = items.map((it, rank) => 0.35 * zipf(rank) + 0.65 * zipf(groupRank.get(it)!));
      itemPick.set(c, { items, cum: cumulate(weights) });
    }
    return { cats, catCum, itemPick };
  });
  // Noise: any product by global power-law popularity.
  const allByPopularity = shuffle(
    catalog.map((_, i) => i),
    r,
  );
  const globalCum = cumulate(allByPopularity.map((_, rank) => zipf(rank)));

  const groups: Record<string, string[]> = {};
  const interactions: DemoInteraction[] = [];
  const meanPerUser = target / nUsers;
  for (let u = 0; u < nUsers; u++) {
    const user = `u${String(u + 1).padStart(4, '0')}`;
    const g1 = Math.floor(r() * TASTE_GROUPS.length);
    const mine = r() < 0.3 ? [g1, (g1 + 1 + Math.floor(r() * (TASTE_GROUPS.length - 1))) % TASTE_GROUPS.length] : [g1];
    groups[user] = mine.map((g) => TASTE_GROUPS[g].name);
    // Heavy-tailed activity: exponential with the target mean, at least 3 rows.
    const n = Math.max(3, Math.round(-Math.log(1 - r()) * meanPerUser));
    for (let k = 0; k < n; k++) {
      let item: number;
      if (r() < 0.15) item = allByPopularity[pickWeighted(r(), globalCum)];
      else {
        const g = groupCat[mine[Math.floor(r() * mine.length)]];
        const cat = g.cats[pickWeighted(r(), g.catCum)];
        const pick = g.itemPick.get(cat)!;
        item = pick.items[pickWeighted(r(), pick.cum)];
      }
      const event = EVENTS[pickWeighted(r(), EVENT_CUM)][0];
      interactions.push({ user, item: catalog[item].id, event, timestamp: END - Math.floor(r() * 30 * DAY) });
    }
  }
  interactions.sort((a, b) => a.timestamp - b.timestamp || (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
  return { catalog, interactions, groups };
}

/**
 * Per-user random holdout of distinct items (test gets ~fraction of each user's items, train keeps
 * ≥ 1): `heldOut` over each user's distinct items in first-seen order, the same split `edgepick eval`
 * workflows and the benchmarks use. Every row of a held-out (user, item) pair goes to test.
 */
export function splitDemo(
  interactions: DemoInteraction[],
  fraction = 0.2,
  seed = 42,
): { train: DemoInteraction[]; test: DemoInteraction[] } {
  const keysByUser = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const x of interactions) {
    const key = `${x.user}\u0000${x.item}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const list = keysByUser.get(x.user);
    if (list) list.push(key);
    else keysByUser.set(x.user, [key]);
  }
  const held = new Set(heldOut(keysByUser.values(), fraction, seed));
  const train: DemoInteraction[] = [];
  const test: DemoInteraction[] = [];
  for (const x of interactions) (held.has(`${x.user}\u0000${x.item}`) ? test : train).push(x);
  return { train, test };
}
