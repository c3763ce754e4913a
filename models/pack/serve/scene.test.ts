import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../als/random.js';
import { trainAls } from '../../als/train.js';
import { parseInteractions } from '../../data/read-interactions.js';
import { type DemoInteraction, generateDemoStore, splitDemo } from '../../demo-data/generate.js';
import { evaluateLists } from '../../eval/lists.js';
import { applySceneLifts, learnScenePriors, SCENE_WEIGHT, type SceneEvent, type ScenePriors, sceneLifts } from './scene.js';
import { dotScores, exclusion } from './score.js';
import { scoreSpread } from './spread.js';
import { topK } from './top-k.js';

const ev = (itemId: string, channel: string | undefined, hour: number, type = 'view'): SceneEvent => ({ itemId, type, channel, hour });
const liftOf = (p: ScenePriors, dim: keyof ScenePriors['contexts'], value: string, item: string) => {
  const c = p.contexts[dim][value];
  const j = c ? c.items.indexOf(item) : -1;
  return j < 0 ? 0 : c!.lifts[j];
};

describe('learnScenePriors', () => {
  /** `n` events of `item` per channel, at one hour (so the hour part says nothing). */
  const split = (item: string, byChannel: Record<string, number>, type = 'view') =>
    Object.entries(byChannel).flatMap(([channel, n]) => Array.from({ length: n }, () => ev(item, channel, 9, type)));
  const ln = (x: number) => Math.round(Math.log(x) * 1000) / 1000;

  it('lift = ln((a + observed) / (a + expected)), a = max(5, ΣE / (χ² − df)) learned per context', () => {
    // Ten items of 100 views each, channel shares 50/50. Items 0–4 lean to web 65:35, items 5–9 to wechat.
    const rows = Array.from({ length: 10 }, (_, i) => split(`i${i}`, i < 5 ? { web: 65, wechat: 35 } : { web: 35, wechat: 65 })).flat();
    const p = learnScenePriors(rows, { minLift: 0 });
    // Per channel: E = 50 per item, χ² = 10 · 15² / 50 = 45, df = 9 → a = 500 / 36.
    const a = 500 / 36;
    expect(p.contexts.channel.web.strength).toBe(Math.round(a * 100) / 100);
    expect(liftOf(p, 'channel', 'web', 'i0')).toBe(ln((a + 65) / (a + 50)));
    expect(liftOf(p, 'channel', 'web', 'i9')).toBe(ln((a + 35) / (a + 50)));
    expect(liftOf(p, 'channel', 'wechat', 'i9')).toBe(ln((a + 65) / (a + 50)));
    // Every event is at 09:00: the hour part says nothing.
    expect(p.contexts.hour.morning).toEqual({ items: [], lifts: [], strength: null });
    expect(p).toMatchObject({ version: 1, minPriorStrength: 5, events: 1000 });
    expect(p.hourBuckets[12]).toBe('lunch');
  });

  it('a strong effect is shrunk by the floor minPriorStrength', () => {
    const rows = Array.from({ length: 10 }, (_, i) => split(`i${i}`, i < 5 ? { web: 20 } : { wechat: 20 })).flat();
    const p = learnScenePriors(rows);
    expect(p.contexts.channel.web.strength).toBe(5);
    expect(liftOf(p, 'channel', 'web', 'i0')).toBe(ln((5 + 20) / (5 + 10)));
    expect(liftOf(p, 'channel', 'web', 'i7')).toBe(ln(5 / (5 + 10)));
  });

  it('weighs events like the trainer (impressions and unknown types count for nothing), in effective events', () => {
    const rows = Array.from({ length: 10 }, (_, i) => split(`i${i}`, i < 5 ? { web: 30, baidu: 10 } : { web: 10, baidu: 30 })).flat();
    const noise = Array.from({ length: 500 }, (_, i) => ev('i1', 'baidu', 3, i % 2 ? 'impression' : 'scroll'));
    const p = learnScenePriors(rows);
    expect(liftOf(p, 'channel', 'web', 'i0')).toBeGreaterThan(0.2);
    expect(learnScenePriors([...rows, ...noise])).toEqual(p);
    // Purchases weigh 5 views, but 40 purchases are not 200 views' worth of evidence: same lifts.
    expect(learnScenePriors(rows.map((r) => ({ ...r, type: 'purchase' })))).toEqual(p);
  });

  it('gives no lifts for events without a scene effect, sparse contexts or rare items', () => {
    const r = mulberry32(3);
    const channels = ['web', 'wechat', 'baidu'];
    const types = ['view', 'view', 'view', 'click', 'add_to_cart', 'purchase'];
    const rows = Array.from({ length: 20_000 }, () =>
      ev(`i${Math.floor(r() * 50)}`, channels[Math.floor(r() * 3)], Math.floor(r() * 24), types[Math.floor(r() * types.length)]),
    );
    rows.push(ev('i1', 'douyin', 12, 'purchase'), ev('i2', 'douyin', 12, 'purchase'), ev('rare', 'web', 12, 'purchase'));
    const p = learnScenePriors(rows);
    for (const byValue of Object.values(p.contexts)) for (const c of Object.values(byValue)) expect(c.items).toEqual([]);
    expect(Object.keys(p.contexts.channel).sort()).toEqual(['baidu', 'douyin', 'web', 'wechat']);
  });

  it('is bounded: items per context, contexts per dimension, three decimals; plain JSON', () => {
    const rows: SceneEvent[] = [];
    for (let i = 0; i < 300; i++) for (let k = 0; k < 60; k++) rows.push({ ...ev(`i${i}`, 'web', 12), placement: `pl${(i + k) % 30}` });
    for (let i = 0; i < 300; i++) rows.push(...Array.from({ length: 60 }, () => ev(`i${i}`, i % 2 ? 'wechat' : 'web', 20)));
    const p = learnScenePriors(rows, { maxItemsPerContext: 25, maxContextsPerDimension: 4, minPriorStrength: 1 });
    expect(Object.keys(p.contexts.placement)).toHaveLength(4);
    for (const byValue of Object.values(p.contexts))
      for (const c of Object.values(byValue)) {
        expect(c.items.length).toBeLessThanOrEqual(25);
        expect(c.lifts.length).toBe(c.items.length);
        for (let j = 1; j < c.lifts.length; j++) expect(Math.abs(c.lifts[j])).toBeLessThanOrEqual(Math.abs(c.lifts[j - 1]));
        for (const l of c.lifts) expect(Math.round(l * 1000) / 1000).toBe(l);
      }
    expect(p.contexts.channel.wechat.items).toHaveLength(25);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it('a placement named __proto__ is a key like any other', () => {
    // Items a–e show up three times as often under `__proto__` as under `home`, items f–j the other way round.
    const rows = [...'abcdefghij'].flatMap((item, i) =>
      Array.from({ length: 40 }, (_, k) => ({ ...ev(item, 'web', 12), placement: (k % 4 === 0) === i < 5 ? 'home' : '__proto__' })),
    );
    const p = learnScenePriors(rows);
    expect(Object.getPrototypeOf(p.contexts.placement)).toBe(null);
    expect(Object.keys(p.contexts.placement).sort()).toEqual(['__proto__', 'home']);
    expect(liftOf(p, 'placement', '__proto__', 'a')).toBeGreaterThan(0.2);
    expect(sceneLifts(JSON.parse(JSON.stringify(p)), { placement: 'constructor' }, new Map([['a', 0]])).size).toBe(0);
  });
});

describe('sceneLifts and applySceneLifts', () => {
  const priors: ScenePriors = {
    version: 1,
    hourBuckets: Array.from({ length: 24 }, (_, h) => (h >= 11 && h < 14 ? 'lunch' : 'other')),
    minPriorStrength: 5,
    events: 1,
    contexts: {
      channel: { wechat: { items: ['a', 'b', 'gone'], lifts: [0.5, -0.25, 1], strength: 5 } },
      placement: { cart: { items: ['b'], lifts: [0.125], strength: 5 } },
      hour: { lunch: { items: ['a', 'c'], lifts: [0.25, 0.75], strength: 5 } },
    },
  };
  const index = new Map([
    ['a', 0],
    ['b', 1],
    ['c', 2],
  ]);

  it('sums the request’s channel, placement and hour part, by item index; unknown items and values add nothing', () => {
    expect(sceneLifts(priors, { channel: 'wechat', placement: 'cart', hour: 12 }, index)).toEqual(
      new Map([
        [0, 0.75],
        [1, -0.125],
        [2, 0.75],
      ]),
    );
    expect(sceneLifts(priors, { channel: 'web', hour: 9 }, index).size).toBe(0);
    expect(sceneLifts(priors, { hour: 24 }, index).size).toBe(0);
    expect(sceneLifts(priors, { hour: 11.5 }, index).size).toBe(0);
    expect(sceneLifts(priors, {}, index).size).toBe(0);
  });

  it('adds weight · spread · lift in place, ignoring indices outside the buffer', () => {
    const scores = Float32Array.from([1, 2, 3]);
    const lifts = new Map([
      [0, 0.5],
      [2, -1],
      [7, 9],
    ]);
    expect(Array.from(applySceneLifts(scores, lifts, 2, 0.25))).toEqual([1.25, 2, 2.5]);
    expect(Array.from(applySceneLifts(Float64Array.from([1, 2, 3]), lifts, 0, 0.25))).toEqual([1, 2, 3]);
  });
});

// ---- Offline evaluation: does the scene re-ranking help when there is a scene effect, and do no harm without one?

const CHANNELS: [string, number][] = [
  ['web', 0.3],
  ['wechat', 0.5],
  ['baidu', 0.2],
];
/** Relative traffic by local hour: quiet nights, a lunch bump, the evening peak. */
const HOURLY = [1, 0.6, 0.3, 0.2, 0.2, 0.3, 1, 2, 3, 3, 3, 4, 5, 4, 3, 3, 3, 4, 5, 6, 7, 6, 4, 2];
/** The planted effect: these categories happen mostly (70 %) in one channel and one part of the day. */
const SCENES: [category: string, channel: string, hours: [number, number]][] = [
  ['snacks', 'wechat', [11, 14]], // lunchtime snacks in WeChat
  ['coffee', 'web', [7, 10]], // morning coffee on the web
  ['books', 'baidu', [19, 22]], // evening reading found through Baidu
  ['pets', 'wechat', [18, 22]],
  ['beauty', 'wechat', [20, 24]],
  ['digital', 'baidu', [14, 18]],
  ['baby', 'wechat', [0, 6]], // night feeds
  ['kitchen', 'web', [17, 19]],
];

function draw(r: () => number, weights: number[]) {
  let x = r() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) if ((x -= weights[i]) < 0) return i;
  return weights.length - 1;
}

/**
 * A 600-user × 300-item demo store (14 categories, taste groups) whose events carry a channel and
 * an hour, with `scenes` of the planted categories (0: no context effect). Shoppers have a
 * favourite channel and shop in sessions (half the events continue the session's channel and
 * hour), so even without an effect the contexts are clustered, as real ones are. The
 * interactions, their split and every random draw are the same for any `scenes`.
 */
function sceneStore(scenes: number) {
  const store = generateDemoStore({ products: 300, users: 600, interactions: 15_000, seed: 11 });
  const category = new Map(store.catalog.map((c) => [c.id, c.category!]));
  const planted = new Map(SCENES.slice(0, scenes).map(([cat, channel, hours]) => [cat, { channel, hours }]));
  const r = mulberry32(5);
  const ctx = new Map<DemoInteraction, { channel: string; hour: number }>();
  const session = new Map<string, { favourite: string; channel: string; hour: number }>();
  for (const x of store.interactions) {
    let channel =
      CHANNELS[
        draw(
          r,
          CHANNELS.map((c) => c[1]),
        )
      ][0];
    let hour = draw(r, HOURLY);
    const [same, loyal, c1, c2, h] = [r(), r(), r(), r(), r()];
    const s = session.get(x.user);
    if (!s) session.set(x.user, { favourite: channel, channel, hour });
    else if (same < 0.5) ({ channel, hour } = s);
    else {
      if (loyal < 0.7) channel = s.favourite;
      Object.assign(s, { channel, hour });
    }
    const scene = planted.get(category.get(x.item)!);
    if (scene && c1 < 0.7) channel = scene.channel;
    if (scene && c2 < 0.7) hour = scene.hours[0] + Math.floor(h * (scene.hours[1] - scene.hours[0]));
    ctx.set(x, { channel, hour });
  }
  return { ...splitDemo(store.interactions), ctx };
}

const csv = (rows: string[][]) => ['user,item,event', ...rows.map((r) => r.join(','))].join('\n');

/** NDCG@10 of plain CF vs CF + scene lifts at each weight, over held-out (user, channel, hour) queries. */
async function experiment(scenes: number, weights: number[]) {
  const { train, test, ctx } = sceneStore(scenes);
  const trainX = parseInteractions(csv(train.map((x) => [x.user, x.item, x.event])), 'train.csv');
  const model = await trainAls(trainX, { factors: 16, iterations: 8, seed: 3 }, { threads: 1 });
  const priors = learnScenePriors(train.map((x) => ({ itemId: x.item, type: x.event, ...ctx.get(x)! })));
  const itemIndex = new Map(model.itemIds.map((id, i) => [id, i]));
  const userIndex = new Map(model.userIds.map((id, i) => [id, i]));
  const owned = new Map<string, number[]>();
  for (const x of train) owned.set(x.user, [...(owned.get(x.user) ?? []), itemIndex.get(x.item)!]);
  // One query per held-out (user, channel, hour); its relevant items are that user's held-out items there.
  const queries = new Map<string, { user: string; channel: string; hour: number }>();
  const testRows: string[][] = [];
  for (const x of test) {
    const c = ctx.get(x)!;
    const q = `${x.user}|${c.channel}|${c.hour}`;
    queries.set(q, { user: x.user, ...c });
    testRows.push([q, x.item, x.event]);
  }
  const testX = parseInteractions(csv(testRows), 'test.csv');
  const n = model.itemIds.length;
  const f = model.factors;
  const lists = weights.map(() => new Map<string, string[]>());
  const scores = new Float64Array(n);
  const adjusted = new Float64Array(n);
  for (const [q, { user, channel, hour }] of queries) {
    const u = userIndex.get(user)!;
    dotScores(model, model.userFactors.subarray(u * f, u * f + f), scores);
    const skip = exclusion({}, owned.get(user) ?? []);
    const spread = scoreSpread(scores, n, skip);
    const lifts = sceneLifts(priors, { channel, hour }, itemIndex);
    weights.forEach((w, k) => {
      adjusted.set(scores);
      applySceneLifts(adjusted, lifts, w, spread);
      lists[k].set(
        q,
        Array.from(topK(adjusted, 10, skip), (i) => model.itemIds[i]),
      );
    });
  }
  const ndcg = lists.map((l) => evaluateLists(l, trainX, testX, 10).ndcg);
  return { queries: queries.size, ndcg, priors };
}

describe('scene re-ranking offline (NDCG@10, 600 users × 300 items)', () => {
  const weights = [0, 0.25, 0.5, SCENE_WEIGHT, 1.5, 2, 3].filter((w, i, a) => a.indexOf(w) === i).sort((a, b) => a - b);
  const at = (r: { ndcg: number[] }, w: number) => r.ndcg[weights.indexOf(w)];
  const report = (name: string, r: { queries: number; ndcg: number[] }) =>
    console.log(
      `${name}: ${r.queries} held-out (user, channel, hour) queries; NDCG@10 by weight: ${weights
        .map((w) => `${w}: ${at(r, w).toFixed(4)} (${((at(r, w) / r.ndcg[0] - 1) * 100).toFixed(1)} %)`)
        .join(', ')}`,
    );
  const liftsOf = (p: ScenePriors) => Object.values(p.contexts).flatMap((byValue) => Object.values(byValue).flatMap((c) => c.lifts));

  it(`with a planted channel/hour effect (8 of 14 categories), SCENE_WEIGHT = ${SCENE_WEIGHT} raises NDCG@10 by ≥ 15 %`, async () => {
    const r = await experiment(8, weights);
    report('planted effect, 8 of 14 categories', r);
    expect(r.ndcg[0]).toBeGreaterThan(0.15); // the CF model itself works
    expect(at(r, SCENE_WEIGHT)).toBeGreaterThanOrEqual(r.ndcg[0] * 1.15);
    // The priors found the planted scenes: snacks lifted in WeChat and at lunch, lowered on Baidu.
    const snacks = generateDemoStore({ products: 300, users: 600, interactions: 15_000, seed: 11 })
      .catalog.filter((c) => c.category === 'snacks')
      .map((c) => c.id);
    const mean = (dim: 'channel' | 'hour', value: string) =>
      snacks.reduce((s, id) => s + liftOf(r.priors, dim, value, id), 0) / snacks.length;
    expect(mean('channel', 'wechat')).toBeGreaterThan(0.2);
    expect(mean('hour', 'lunch')).toBeGreaterThan(0.5);
    expect(mean('channel', 'baidu')).toBeLessThan(-0.2);
  });

  it(`with a weaker effect (4 of 14 categories), SCENE_WEIGHT = ${SCENE_WEIGHT} still raises NDCG@10 by ≥ 3 %`, async () => {
    const r = await experiment(4, weights);
    report('planted effect, 4 of 14 categories', r);
    expect(at(r, SCENE_WEIGHT)).toBeGreaterThanOrEqual(r.ndcg[0] * 1.03);
  });

  it(`without a context effect, the priors hold ≈ no lifts and SCENE_WEIGHT = ${SCENE_WEIGHT} keeps NDCG@10 ≥ 0.98 × plain CF`, async () => {
    const r = await experiment(0, weights);
    report('no effect', r);
    expect(Math.max(0, ...liftsOf(r.priors).map(Math.abs))).toBeLessThan(0.1);
    for (const w of weights) expect(at(r, w)).toBeGreaterThanOrEqual(r.ndcg[0] * 0.98);
  });
});
