import { describe, expect, it } from 'vitest';
import type { CatalogItem } from '../../../schema/catalog.js';
import { affinity, attributeProfile, type ExploreContext, exploreSlot, newArrivals, sampleBeta } from './cold-start.js';
import { type Policy, quantile, type SimOptions, type SimResult, seeded, simulate } from './cold-start-sim.js';

const item = (id: string, category?: string, tags?: string[], inStock?: boolean): CatalogItem => ({
  id,
  title: id,
  category,
  tags,
  inStock,
});

describe('newArrivals', () => {
  it('lists in-stock catalog rows the pack does not know, in catalog order', () => {
    const catalog = new Map(
      [item('a', 'tea'), item('n1', 'tea'), item('gone', 'tea', [], false), item('n2', 'coffee', [], true), item('b')].map((x) => [
        x.id,
        x,
      ]),
    );
    const index = new Map([
      ['a', 0],
      ['b', 1],
    ]);
    expect(newArrivals(catalog, index).map((x) => x.id)).toEqual(['n1', 'n2']);
    expect(newArrivals(new Map(), index)).toEqual([]);
  });
});

describe('attributeProfile and affinity', () => {
  const profile = attributeProfile([
    { item: item('1', 'tea', ['green', 'gift', 'green']), weight: 3 },
    { item: item('2', 'coffee', ['gift']), weight: 1 },
    { item: item('3', undefined, ['organic']), weight: 4 },
    { item: undefined, weight: 5 },
    { item: item('4', 'baby'), weight: 0 },
  ]);

  it('gives each category its share of the weight and each tag the share of tagged weight', () => {
    expect(Object.fromEntries(profile.categories)).toEqual({ tea: 0.75, coffee: 0.25 });
    expect(Object.fromEntries(profile.tags)).toEqual({ green: 3 / 8, gift: 4 / 8, organic: 4 / 8 });
  });

  it('blends the category share with the mean tag share; a missing part drops out', () => {
    expect(affinity(profile, item('x', 'tea'))).toBeCloseTo(0.75);
    expect(affinity(profile, item('x', undefined, ['gift', 'unknown']))).toBeCloseTo(0.25);
    expect(affinity(profile, item('x', 'coffee', ['green']))).toBeCloseTo(0.6 * 0.25 + 0.4 * 0.375);
    expect(affinity(profile, item('x', 'pets', ['toys']))).toBe(0);
    expect(affinity(undefined, item('x', 'tea'))).toBe(0);
    expect(affinity(attributeProfile([]), item('x', 'tea', ['green']))).toBe(0);
  });
});

describe('sampleBeta', () => {
  it.each([
    [1, 29],
    [3, 5],
    [0.5, 0.5],
  ])('draws Beta(%d, %d) with the right mean, within [0, 1]', (a, b) => {
    const r = seeded(42);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = sampleBeta(a, b, r);
      expect(x >= 0 && x <= 1).toBe(true);
      sum += x;
    }
    expect(sum / 20_000).toBeCloseTo(a / (a + b), 2);
  });
});

describe('exploreSlot', () => {
  const arrivals = [item('tea1', 'tea', ['green']), item('tea2', 'tea', ['black']), item('dog1', 'pets', ['toys'])];
  const ctx = (over: Partial<ExploreContext> = {}): ExploreContext => ({
    k: 10,
    arrivals,
    allowed: () => true,
    random: seeded(1),
    ...over,
  });
  const every = { rate: 1 };
  const draws = (n: number, over: Partial<ExploreContext>, options = every) => {
    const random = seeded(7);
    return Array.from({ length: n }, () => exploreSlot(ctx({ random, ...over }), options)?.item.id);
  };

  it('labels the pick new and places it third, or last in a list of 2–3; none in a list of 1', () => {
    expect(exploreSlot(ctx(), every)).toMatchObject({ position: 2, reason: { type: 'new' } });
    expect(exploreSlot(ctx({ k: 3 }), every)?.position).toBe(2);
    expect(exploreSlot(ctx({ k: 2 }), every)?.position).toBe(1);
    expect(exploreSlot(ctx({ k: 1 }), every)).toBeUndefined();
    expect(exploreSlot(ctx(), { rate: 1, position: 9 })?.position).toBe(9);
    expect(exploreSlot(ctx({ k: 5 }), { rate: 1, position: 9 })?.position).toBe(4);
  });

  it('never returns an item the predicate refuses, nor one out of stock', () => {
    const stale = [...arrivals, item('sold', 'tea', ['green'], false)];
    const ids = draws(500, { arrivals: stale, allowed: (x) => x.id !== 'tea1' });
    expect(new Set(ids)).toEqual(new Set(['tea2', 'dog1']));
  });

  it('gives no slot when no candidate passes, when there are no arrivals, or when the list is not drawn', () => {
    expect(exploreSlot(ctx({ allowed: () => false }), every)).toBeUndefined();
    expect(exploreSlot(ctx({ arrivals: [item('sold', 'tea', [], false)] }), every)).toBeUndefined();
    expect(exploreSlot(ctx({ arrivals: [] }), every)).toBeUndefined();
    expect(draws(200, {}, { rate: 0 }).every((x) => x === undefined)).toBe(true);
    const carried = draws(2000, {}, { rate: 0.3 }).filter((x) => x !== undefined).length / 2000;
    expect(carried).toBeGreaterThan(0.26);
    expect(carried).toBeLessThan(0.34);
  });

  it('is deterministic for a seeded random source', () => {
    expect(draws(50, {})).toEqual(draws(50, {}));
  });

  it('sends new items to shoppers whose evidence shares their attributes', () => {
    const profile = attributeProfile([{ item: item('k', 'pets', ['toys']), weight: 2 }]);
    const ids = draws(1000, { profile });
    expect(ids.filter((x) => x === 'dog1').length).toBeGreaterThan(800);
    // No profile: every candidate gets its turn.
    const blind = draws(3000, {});
    for (const a of arrivals) expect(blind.filter((x) => x === a.id).length).toBeGreaterThan(800);
  });

  it('spreads exploration away from items shown often without a click, toward items that were clicked', () => {
    const twoTeas = arrivals.slice(0, 2);
    const impressions = new Map([['tea1', 300]]);
    expect(draws(500, { arrivals: twoTeas, impressions }).filter((x) => x === 'tea2').length).toBeGreaterThan(450);
    const both = new Map([
      ['tea1', 300],
      ['tea2', 300],
    ]);
    const clicks = new Map([['tea1', 30]]);
    expect(draws(500, { arrivals: twoTeas, impressions: both, clicks }).filter((x) => x === 'tea1').length).toBeGreaterThan(450);
  });

  it('looks at no more than maxCandidates arrivals, from a random window', () => {
    const many = Array.from({ length: 50 }, (_, i) => item(`n${i}`, 'tea'));
    const random = seeded(3);
    const asked = new Set<string>();
    for (let i = 0; i < 200; i++) {
      let calls = 0;
      const pick = exploreSlot({ k: 10, arrivals: many, allowed: () => ++calls > 0, random }, { rate: 1, maxCandidates: 5 });
      expect(calls).toBe(5);
      asked.add(pick!.item.id);
    }
    expect(asked.size).toBeGreaterThan(40);
  });
});

describe('cold start simulation (2,000 shoppers, 320 known + 32 new products, 20,000 lists of 10)', () => {
  // Impressions a new product may need for its first click under the attribute-aware slot (≥ 90 % of them).
  const BUDGET = 100;
  const SEEDS = [1, 2];
  const run = (policy: Policy, explore?: SimOptions['explore']) => SEEDS.map((seed) => simulate({ seed, policy, explore }));
  const pooled = (rs: SimResult[], key: 'impressionsToFirstClick' | 'listsToFirstClick') => rs.flatMap((r) => r[key]);
  const ctr = (rs: SimResult[]) => rs.reduce((s, r) => s + r.ctr, 0) / rs.length;

  it('the attribute-aware slot gets new products their first click sooner than a random slot, at a small CTR cost', () => {
    const runs = {
      none: run('none'),
      random: run('random'),
      'blind (no profile)': run('blind'),
      attribute: run('attribute'),
      'attribute, ε = 0.2': run('attribute', { rate: 0.2 }),
      'attribute, slot 10': run('attribute', { position: 9 }),
    };
    const base = ctr(runs.none);
    const rows = Object.entries(runs).map(([policy, rs]) => {
      const imp = pooled(rs, 'impressionsToFirstClick');
      const lists = pooled(rs, 'listsToFirstClick');
      return {
        policy,
        'imp. median': quantile(imp, 0.5),
        'imp. p90': quantile(imp, 0.9),
        [`≤ ${BUDGET} imp.`]: `${Math.round((100 * imp.filter((x) => x <= BUDGET).length) / imp.length)} %`,
        'never clicked': imp.filter((x) => x === Number.POSITIVE_INFINITY).length,
        'lists median': quantile(lists, 0.5),
        'lists p90': quantile(lists, 0.9),
        'clicks/list': ctr(rs).toFixed(4),
        'CTR change': `${((100 * (ctr(rs) - base)) / base).toFixed(1)} %`,
      };
    });
    console.log(`cold start, seeds ${SEEDS.join(', ')} pooled (${rows.length} policies × 32 new products × ${SEEDS.length})`);
    console.table(rows);

    // Without exploration a new product has no factors, so it is never shown: no first click ever.
    expect(pooled(runs.none, 'impressionsToFirstClick').every((x) => x === Number.POSITIVE_INFINITY)).toBe(true);
    const attr = pooled(runs.attribute, 'impressionsToFirstClick');
    const random = pooled(runs.random, 'impressionsToFirstClick');
    expect(attr.filter((x) => x <= BUDGET).length / attr.length).toBeGreaterThanOrEqual(0.9);
    expect(quantile(attr, 0.5)).toBeLessThanOrEqual(quantile(random, 0.5) / 2);
    // The cost: one of ten slots on every list loses under 10 % of clicks, and less than a random slot.
    expect(ctr(runs.attribute)).toBeGreaterThan(0.9 * base);
    expect(ctr(runs.attribute)).toBeGreaterThan(ctr(runs.random));
  }, 120_000);
});
