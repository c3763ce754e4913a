import { env, SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { exploreSlot } from '../../../models/pack/serve/cold-start.js';
import { kvKeys } from '../../../schema/pack-manifest.js';
import { publish } from '../../../test/workers/fixtures.js';
import { recordActivity } from '../events/activity.js';
import {
  EXPLORE_STATS_MAX_IDS,
  type ExploreStats,
  exploreStatsFor,
  exploreStatsKey,
  forgetExploreStats,
  refreshExploreStats,
} from './explore-stats.js';

// A fixed clock far from the wall clock and from other test files' fixed clocks, so rows stored "now"
// elsewhere never fall in the windows.
const NOW = Date.parse('2032-03-01T00:00:00Z');
const DAY = 86_400_000;
let seq = 0;

type Row = { type: string; item: string; at: number; rec?: string | null; visitor?: string };
/** Stores events straight into D1 (what the events pipeline writes); `rec` defaults to a recommendation id. */
async function insert(site: string, rows: Row[]) {
  await env.DB.batch(
    rows.map((r) =>
      env.DB.prepare(
        `INSERT INTO events (site, id, type, visitor_id, item_id, recommendation_id, received_at, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '{}')`,
      ).bind(
        site,
        `explore-stats-${++seq}`,
        r.type,
        r.visitor ?? `v${seq}`,
        r.item,
        r.rec === undefined ? 'r_0123456789abcdef01.v1' : r.rec,
        r.at,
      ),
    ),
  );
  await recordActivity(
    env.DB,
    rows.map((r) => ({ site, at: r.at, type: r.type })),
  );
}
const times = (n: number, row: Row): Row[] => Array.from({ length: n }, (_, i) => ({ ...row, at: row.at - i * 60_000 }));

/** Products through the catalog API, as a shop adds them (the site serves the known model first). */
async function upsert(site: string, items: { id: string; title: string; inStock?: boolean }[]) {
  await publish(site, 'v1');
  const res = await SELF.fetch(`https://edge.test/v1/admin/sites/${site}/items`, {
    method: 'PUT',
    headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
    body: JSON.stringify({ items }),
  });
  expect(res.status).toBe(200);
}

/** The real KV with its writes of `only` counted (other tests' sites are refreshed too). */
function countingEnv(only: string) {
  const puts: string[] = [];
  const kv = new Proxy(env.PACKS, {
    get(target, prop) {
      if (prop === 'put') return (key: string, value: string) => (key === only && puts.push(key), target.put(key, value));
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { env: { DB: env.DB, PACKS: kv }, puts };
}

const stored = (site: string) => env.PACKS.get<ExploreStats>(exploreStatsKey(site), 'json');
const plain = (c: { impressions: ReadonlyMap<string, number>; clicks: ReadonlyMap<string, number> }) => ({
  impressions: Object.fromEntries(c.impressions),
  clicks: Object.fromEntries(c.clicks),
});

beforeEach(() => forgetExploreStats());

describe('explore stats (cold-start feedback)', () => {
  it('counts impressions and clicks on recommended cards of live-catalog products in the last 30 days', async () => {
    const site = 'xs-counts';
    await upsert(site, [
      { id: 'new-1', title: 'New one' },
      { id: 'new-2', title: 'New two' },
      { id: 'a1', title: 'Tea one, live too' },
      { id: 'only-clicked', title: 'Clicked, never shown' },
      { id: 'gone', title: 'Out of stock', inStock: false },
    ]);
    await insert(site, [
      ...times(5, { type: 'impression', item: 'new-1', at: NOW - DAY }),
      ...times(2, { type: 'click', item: 'new-1', at: NOW - DAY }),
      // Not answers to a shown card: a cart, a purchase, a view, a click without a recommendation.
      { type: 'add_to_cart', item: 'new-1', at: NOW - DAY },
      { type: 'purchase', item: 'new-1', at: NOW - DAY },
      { type: 'view', item: 'new-1', at: NOW - DAY },
      { type: 'click', item: 'new-1', at: NOW - DAY, rec: null },
      // Older than 30 days, or after `now`: outside the window.
      ...times(4, { type: 'impression', item: 'new-1', at: NOW - 30 * DAY }),
      { type: 'click', item: 'new-1', at: NOW - 31 * DAY },
      { type: 'impression', item: 'new-1', at: NOW + 1 },
      ...times(3, { type: 'impression', item: 'new-2', at: NOW - 29 * DAY }),
      { type: 'impression', item: 'a1', at: NOW },
      // A click without an impression: the item is not written (only ids with ≥ 1 impression).
      { type: 'click', item: 'only-clicked', at: NOW - DAY },
      // Not in the live catalog (pack-only or unknown), or out of stock: not counted.
      ...times(3, { type: 'impression', item: 'b1', at: NOW - DAY }),
      { type: 'impression', item: 'nowhere', at: NOW - DAY },
      { type: 'impression', item: 'gone', at: NOW - DAY },
    ]);
    // Another site's events on the same ids never count here.
    await insert('xs-other', times(7, { type: 'impression', item: 'new-1', at: NOW - DAY }));

    expect(await refreshExploreStats(env, NOW)).toContain(site);
    expect(await stored(site)).toEqual({
      computedAt: new Date(NOW).toISOString(),
      items: { a1: [1, 0], 'new-1': [5, 2], 'new-2': [3, 0] },
    });
    expect(plain(await exploreStatsFor(env.PACKS, site, NOW))).toEqual({
      impressions: { a1: 1, 'new-1': 5, 'new-2': 3 },
      clicks: { a1: 0, 'new-1': 2, 'new-2': 0 },
    });
  });

  it('the counts steer the slot: an arrival shown often without a click is chosen less than an unshown one', async () => {
    const site = 'xs-slot';
    await upsert(site, [
      { id: 'new-shown', title: 'Shown a lot' },
      { id: 'new-fresh', title: 'Never shown' },
    ]);
    await insert(site, times(200, { type: 'impression', item: 'new-shown', at: NOW - DAY }));
    await refreshExploreStats(env, NOW);
    const counts = await exploreStatsFor(env.PACKS, site, NOW);
    const arrivals = [
      { id: 'new-shown', title: '' },
      { id: 'new-fresh', title: '' },
    ];
    let state = 7;
    const random = () => ((state = (state * 48271) % 2147483647) - 1) / 2147483646;
    const chosen = (c?: typeof counts) => {
      let fresh = 0;
      for (let i = 0; i < 400; i++) {
        const slot = exploreSlot({ k: 10, arrivals, allowed: () => true, random, ...c }, { rate: 1 });
        if (slot?.item.id === 'new-fresh') fresh++;
      }
      return fresh / 400;
    };
    // Without feedback the choice is a coin toss (Beta(1, 29) for both); with it the unshown arrival wins ≈ 9 times in 10.
    expect(chosen()).toBeGreaterThan(0.35);
    expect(chosen()).toBeLessThan(0.65);
    expect(chosen(counts)).toBeGreaterThan(0.8);
  });

  it('skips sites without a live catalog and sites with no event in the last 7 days', async () => {
    await insert('xs-no-catalog', [{ type: 'impression', item: 'p1', at: NOW - DAY }]);
    await upsert('xs-quiet', [{ id: 'new-q', title: 'Quiet' }]);
    await insert('xs-quiet', [{ type: 'impression', item: 'new-q', at: NOW - 8 * DAY }]);
    const sites = await refreshExploreStats(env, NOW);
    expect(sites).not.toContain('xs-no-catalog');
    expect(sites).not.toContain('xs-quiet');
    expect(await stored('xs-no-catalog')).toBeNull();
    expect(await stored('xs-quiet')).toBeNull();
  });

  it('writes KV only when the counts change', async () => {
    const site = 'xs-writes';
    await upsert(site, [{ id: 'new-w', title: 'W' }]);
    const { env: counting, puts } = countingEnv(exploreStatsKey(site));
    // Events, but none on a shown live product: no value is written at all.
    await insert(site, [{ type: 'click', item: 'new-w', at: NOW - DAY }]);
    expect(await refreshExploreStats(counting, NOW)).toContain(site);
    expect(puts).toEqual([]);

    await insert(site, [{ type: 'impression', item: 'new-w', at: NOW - DAY }]);
    await refreshExploreStats(counting, NOW);
    expect(puts).toEqual([exploreStatsKey(site)]);
    // Same counts ten minutes later: no second write, and the value keeps when it was first seen.
    await refreshExploreStats(counting, NOW + 600_000);
    expect(puts).toHaveLength(1);
    expect((await stored(site))!.computedAt).toBe(new Date(NOW).toISOString());

    await insert(site, [{ type: 'impression', item: 'new-w', at: NOW + 1_000 }]);
    await refreshExploreStats(counting, NOW + 1_200_000);
    expect(puts).toHaveLength(2);
    expect(await stored(site)).toEqual({ computedAt: new Date(NOW + 1_200_000).toISOString(), items: { 'new-w': [2, 1] } });

    // Every impression aged out of the window (the site still active): emptied once, then left alone.
    await insert(site, [{ type: 'view', item: 'new-w', at: NOW + 31 * DAY }]);
    await refreshExploreStats(counting, NOW + 31 * DAY);
    expect(await stored(site)).toEqual({ computedAt: new Date(NOW + 31 * DAY).toISOString(), items: {} });
    await refreshExploreStats(counting, NOW + 31 * DAY + 600_000);
    expect(puts).toHaveLength(3);
  });

  it(`counts at most the first ${EXPLORE_STATS_MAX_IDS} live products, in bucket order, across 500-id queries`, async () => {
    const site = 'xs-bound';
    const first = Array.from({ length: EXPLORE_STATS_MAX_IDS }, (_, i) => ({ id: `p${String(i).padStart(5, '0')}`, title: '' }));
    await env.PACKS.put(kvKeys.liveCatalog(site), JSON.stringify({ version: 'x', buckets: 2 }));
    await env.PACKS.put(kvKeys.liveCatalogBucket(site, 0), JSON.stringify({ items: first, deleted: [] }));
    await env.PACKS.put(kvKeys.liveCatalogBucket(site, 1), JSON.stringify({ items: [{ id: 'beyond', title: '' }], deleted: [] }));
    const shown = ['p00000', 'p00499', 'p00500', 'p04999', 'beyond'];
    await insert(
      site,
      shown.map((item) => ({ type: 'impression', item, at: NOW - DAY })),
    );
    await refreshExploreStats(env, NOW);
    expect(Object.keys((await stored(site))!.items).sort()).toEqual(['p00000', 'p00499', 'p00500', 'p04999']);
  });

  it('a site whose live catalog is unreadable is logged and skipped; the others still count', async () => {
    await env.PACKS.put(kvKeys.liveCatalog('xs-broken'), '{not json');
    await insert('xs-broken', [{ type: 'impression', item: 'p1', at: NOW - DAY }]);
    await upsert('xs-fine', [{ id: 'new-f', title: 'F' }]);
    await insert('xs-fine', [{ type: 'impression', item: 'new-f', at: NOW - DAY }]);
    const sites = await refreshExploreStats(env, NOW);
    expect(sites).not.toContain('xs-broken');
    expect(sites).toContain('xs-fine');
  });

  it('the reader caches a site’s counts for 60 s per isolate, and reads absent or invalid values as empty', async () => {
    const site = 'xs-cache';
    const put = (items: unknown) => env.PACKS.put(exploreStatsKey(site), JSON.stringify({ computedAt: 'x', items }));
    expect(plain(await exploreStatsFor(env.PACKS, site, NOW))).toEqual({ impressions: {}, clicks: {} });
    await put({ n1: [4, 1] });
    // Still the cached (absent) value within the minute.
    expect(plain(await exploreStatsFor(env.PACKS, site, NOW + 59_999))).toEqual({ impressions: {}, clicks: {} });
    expect(plain(await exploreStatsFor(env.PACKS, site, NOW + 60_000))).toEqual({ impressions: { n1: 4 }, clicks: { n1: 1 } });
    await put({ n1: [9, 2], constructor: [1, 0] });
    expect(plain(await exploreStatsFor(env.PACKS, site, NOW + 119_999))).toEqual({ impressions: { n1: 4 }, clicks: { n1: 1 } });
    const fresh = await exploreStatsFor(env.PACKS, site, NOW + 120_000);
    expect(plain(fresh)).toEqual({ impressions: { n1: 9, constructor: 1 }, clicks: { n1: 2, constructor: 0 } });
    expect(fresh.impressions.get('toString')).toBeUndefined();

    // Invalid: not JSON, items not an object, entries that are not two counts ≥ 0 (dropped one by one).
    await env.PACKS.put(exploreStatsKey(site), '{oops');
    expect(plain(await exploreStatsFor(env.PACKS, site, NOW + 180_000))).toEqual({ impressions: {}, clicks: {} });
    await put([1, 2]);
    expect(plain(await exploreStatsFor(env.PACKS, site, NOW + 240_000))).toEqual({ impressions: {}, clicks: {} });
    await put({ ok: [3, 1], neg: [-1, 0], short: [1], text: ['1', '0'], nan: null });
    expect(plain(await exploreStatsFor(env.PACKS, site, NOW + 300_000))).toEqual({ impressions: { ok: 3 }, clicks: { ok: 1 } });
  });
});
