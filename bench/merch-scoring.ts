// The cost of a placement's merchandising rules, scene lifts and cold start inside the scoring pass, next
// to plain scoring, on a 100k-item × 64-factor pack (random factors, 500 categories, 20 tags), in one
// process and one run: per-request time of `recommend()` (the worker's function) for a folded-in
// visitor (10 recent items), median of 9 rounds of 200 requests each.
import { buildPack, openPack } from '../models/pack/index.js';
import { PlacementRules } from '../schema/merchandising.js';
import { compileRules } from '../worker/src/merchandising/compile.js';
import { prepare } from '../worker/src/recommend/model.js';
import { type RecommendOptions, recommend } from '../worker/src/recommend/recommend.js';

const N = 100_000;
const F = 64;
let seed = 42;
const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const itemIds = Array.from({ length: N }, (_, i) => `i${i}`);
const itemFactors = Float32Array.from({ length: N * F }, () => rand() - 0.5);
const itemPopularity = Float32Array.from({ length: N }, () => Math.floor(rand() ** 4 * 1000));
const { manifest, body } = await buildPack({
  params: {
    factors: F,
    regularization: 1,
    alpha: 4,
    eventWeights: { impression: 0, view: 1, click: 2, add_to_cart: 3, share: 4, purchase: 5 },
  },
  factors: F,
  itemIds,
  itemFactors,
  itemPopularity,
  interactions: N,
});
const pack = await openPack(manifest, body);
const catalog = itemIds.map((id, i) => ({
  id,
  title: id,
  price: Math.round(rand() * 500),
  category: `c${i % 500}`,
  tags: [`t${i % 20}`, `t${(i * 7) % 20}`],
}));
// 200 products the pack does not know (cold start candidates).
for (let j = 0; j < 200; j++) catalog.push({ id: `new${j}`, title: `new ${j}`, price: 50, category: `c${j % 500}`, tags: ['t1', 't2'] });
const model = prepare('v1', 'bench', pack, catalog);
const recent = Array.from({ length: 10 }, (_, j) => ({ itemId: `i${j * 977}`, type: 'click' as const }));
const req = { visitorId: 'v1', k: 10, recent };

const full = PlacementRules.parse({
  filter: { maxPrice: 400, excludeTags: ['t13'] },
  pins: [{ itemId: 'i5', position: 1 }],
  boosts: Array.from({ length: 20 }, (_, j) => ({ when: { tags: [`t${j}`] }, weight: j % 2 ? 0.5 : -0.5 })),
  maxPerCategory: 2,
  rotation: {},
  explore: { rate: 1 },
});
const rules = compileRules(model, 1, full);
const demoted = new Set(Array.from({ length: 50 }, (_, j) => `i${j * 1999}`));
const lifts = {
  index: Int32Array.from({ length: 600 }, (_, j) => j * 166),
  units: Float64Array.from({ length: 600 }, () => rand()),
  weight: 1,
};

const cases: [string, RecommendOptions][] = [
  ['plain scoring (no rules)', { random: rand }],
  [
    '+ filter (price, tags)',
    { random: rand, rules: compileRules(model, 2, PlacementRules.parse({ filter: full.filter, explore: { rate: 0 } })) },
  ],
  ['+ 20 boosts', { random: rand, rules: compileRules(model, 3, PlacementRules.parse({ boosts: full.boosts, explore: { rate: 0 } })) }],
  [
    '+ max 2 per category (500 categories)',
    { random: rand, rules: compileRules(model, 4, PlacementRules.parse({ maxPerCategory: 2, explore: { rate: 0 } })) },
  ],
  ['+ scene lifts (600 items)', { random: rand, scene: lifts }],
  ['all: filter, pin, boosts, cap, rotation (50 demoted), scene, cold-start slot', { random: rand, rules, demoted, scene: lifts }],
];
const time = (o: RecommendOptions, n: number) => {
  const t = performance.now();
  for (let i = 0; i < n; i++) recommend(model, req, o);
  return (performance.now() - t) / n;
};
for (const [, o] of cases) time(o, 30); // warm up
const rounds: number[][] = cases.map(() => []);
for (let r = 0; r < 9; r++) cases.forEach(([, o], c) => rounds[c].push(time(o, 200 / 10)));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(rounds[0]);
const compileMs = (() => {
  const t = performance.now();
  compileRules(model, 99, full);
  return performance.now() - t;
})();
console.log(
  `${N.toLocaleString('en')} items × ${F} factors, k = 10, visitor folded in from 10 recent clicks; rounds interleaved, median of 9.\n`,
);
console.log('| case | ms per request | ÷ plain |');
console.log('|---|---|---|');
cases.forEach(([label], c) => {
  const m = median(rounds[c]);
  console.log(`| ${label} | ${m.toFixed(2)} | ${(m / base).toFixed(2)}× |`);
});
console.log(`\nCompiling the full rule set against the catalog (once per model × rules version): ${compileMs.toFixed(1)} ms.`);
console.log(JSON.stringify({ bench: 'merch-scoring', baseMs: base, compileMs }));
