import { describe, expect, it } from 'vitest';
import { openPack, type Pack } from '../reader.js';
import { buildPack } from '../writer.js';
import { dotScores, exclusion, popularItems, scoreUser, similarItems } from './score.js';

/**
 * The serving view these functions read, built here from a pack (the worker builds the same
 * fields once per pack in sites/site-store.ts `prepare`; models tests do not import worker code).
 */
function serving(pack: Pack, catalog: { category?: string; price?: number }[] = []) {
  const n = pack.itemIds.length;
  const f = pack.factors;
  const pop = pack.itemPopularity;
  const itemInvNorms = Float32Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let k = 0; k < f; k++) s += pack.itemFactors[i * f + k] ** 2;
    return s > 0 ? 1 / Math.sqrt(s) : 0;
  });
  const popularOrder = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => pop[b] - pop[a] || a - b);
  return { pack, catalog, itemInvNorms, popularOrder, scratch: new Float32Array(n) };
}

async function model(f: number, n: number, seed = 3) {
  let s = seed;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  const itemIds = Array.from({ length: n }, (_, i) => `i${i}`);
  const { manifest, body } = await buildPack({
    params: { factors: f, regularization: 0.1, alpha: 1, eventWeights: { view: 1 } },
    factors: f,
    itemIds,
    itemFactors: Float32Array.from({ length: n * f }, rnd),
    itemPopularity: Float32Array.from({ length: n }, (_, i) => (i * 7919) % n),
    interactions: 0,
  });
  const catalog = itemIds.map((id, i) => ({ id, title: id, price: i, category: i % 2 ? 'odd' : 'even' }));
  return serving(await openPack(manifest, body), catalog);
}

const naiveDot = (m: Awaited<ReturnType<typeof model>>, i: number, v: Float32Array) => {
  const f = m.pack.factors;
  let s = 0;
  for (let c = 0; c < f; c++) s += m.pack.itemFactors[i * f + c] * v[c];
  return s;
};

describe('scoring', () => {
  it.each([64, 7, 1])('dot products equal the naive sum (f=%i)', async (f) => {
    const m = await model(f, 303); // 303: the last 3 items take the one-at-a-time path
    const v = Float32Array.from({ length: f }, (_, c) => Math.cos(c));
    const scores = dotScores(m.pack, v, m.scratch);
    expect(scores).toBe(m.scratch);
    for (const i of [0, 1, 150, 299, 300, 302]) expect(scores[i]).toBeCloseTo(naiveDot(m, i, v), 4);
    // Into a float64 buffer the sums are exactly the naive loop's (what eval and the CLI rank by).
    const exact = dotScores(m.pack, v, new Float64Array(303));
    for (let i = 0; i < 303; i++) expect(exact[i]).toBe(naiveDot(m, i, v));
    expect(() => dotScores(m.pack, v, new Float64Array(302))).toThrow(RangeError);
  });

  it('scoreUser returns the best dot products first, skipping excluded items', async () => {
    const m = await model(8, 500);
    const v = Float32Array.from({ length: 8 }, (_, c) => c - 3);
    const all = Array.from({ length: 500 }, (_, i) => ({ i, s: naiveDot(m, i, v) })).sort((a, b) => b.s - a.s);
    const top = scoreUser(m, v, 5, exclusion(m, [all[0].i]));
    expect(top.map((p) => p.index)).toEqual(all.slice(1, 6).map((x) => x.i));
  });

  it('similar items rank by cosine, not by dot product, and never include the item', async () => {
    const m = await model(2, 4);
    // Item 0 = (1, 0). Item 1 points the same way but short; item 2 is long but 45° off.
    m.pack.itemFactors.set([1, 0, 0.1, 0, 10, 10, 0, 1]);
    const fresh = serving(m.pack);
    const sim = similarItems(fresh, 0, 3, () => false);
    expect(sim.map((p) => p.index)).toEqual([1, 2, 3]);
    expect(sim[0].score).toBeCloseTo(1, 6);
    expect(sim[1].score).toBeCloseTo(Math.SQRT1_2, 6);
    expect(sim[2].score).toBeCloseTo(0, 6);
  });

  it('filters by category and price range using the catalog', async () => {
    const m = await model(4, 100);
    const skip = exclusion(m, [], { category: 'odd', minPrice: 10, maxPrice: 30 });
    const picks = popularItems(m, 100, skip);
    expect(picks.length).toBe(10);
    expect(picks.every(({ index }) => index % 2 === 1 && index >= 10 && index <= 30)).toBe(true);
    expect(exclusion(m, [], { category: ['odd', 'even'] })(5)).toBe(false);
    // Without a catalog every item fails a filter; without a filter only the excluded are skipped.
    expect(exclusion({}, [], { category: 'odd' })(5)).toBe(true);
    expect(exclusion({}, [3])(3)).toBe(true);
    expect(exclusion({}, [3])(4)).toBe(false);
  });

  it('excludes owned items (ascending, by binary search) together with excluded ones and the filter', async () => {
    const m = await model(4, 100);
    const owned = Int32Array.from([0, 3, 4, 17, 50, 99]);
    for (const filter of [undefined, { category: 'odd' }]) {
      const skip = exclusion(m, [8], filter, owned);
      for (let i = 0; i < 100; i++) expect(skip(i)).toBe(owned.includes(i) || i === 8 || (filter !== undefined && i % 2 === 0));
    }
    expect(exclusion(m, [], undefined, new Int32Array(0))(0)).toBe(false);
  });

  it('lists popular items in descending popularity', async () => {
    const m = await model(4, 50);
    const picks = popularItems(m, 5, () => false);
    const pops = picks.map((p) => p.score);
    expect(pops).toEqual([...pops].sort((a, b) => b - a));
    expect(pops[0]).toBe(49);
  });

  it('gives the same popular picks with and without a precomputed order (ties included)', async () => {
    const m = await model(4, 60);
    m.pack.itemPopularity.set(Float32Array.from({ length: 60 }, (_, i) => i % 7)); // many ties
    const ordered = serving(m.pack);
    const skip = (i: number) => i % 5 === 0;
    for (const k of [1, 10, 60, 100]) {
      const viaTopK = popularItems({ pack: m.pack }, k, skip);
      expect(viaTopK).toEqual(popularItems(ordered, k, skip));
      expect(viaTopK.length).toBe(Math.min(k, 48));
    }
  });
});
