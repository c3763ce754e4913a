import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { publish } from '../../../test/workers/fixtures.js';
import { pickIds, postPicks } from '../../../test/workers/picks.js';
import { waitForStored } from '../../../test/workers/stored-events.js';

// The fixture model (test/workers/fixtures.ts): a0..a9 tea (price 10..100, popularity 10..1), b0..b9
// pets (price 5..14, popularity 100..91); alice likes tea, bob pets; anonymous visitors get popular
// items (b0, b1, …). Each test has its own site, so its rules do not touch the others.
const BASE = 'https://edge.test';
const OWNER = { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' };

async function site(id: string, placementRules?: unknown, placement = 'home') {
  await publish(id, 'v1');
  if (placementRules !== undefined) {
    const res = await SELF.fetch(`${BASE}/v1/admin/sites/${id}/placements/${placement}/rules`, {
      method: 'PUT',
      headers: OWNER,
      body: JSON.stringify(placementRules),
    });
    if (res.status !== 200) throw new Error(`rules: ${res.status} ${await res.text()}`);
  }
}
const recs = postPicks;
const ids = pickIds;
/** Upserts products through the catalog API, then waits out the site store's 5 s TTL (the edge re-reads KV). */
async function catalog(id: string, items: object[]) {
  const res = await SELF.fetch(`${BASE}/v1/admin/sites/${id}/items`, { method: 'PUT', headers: OWNER, body: JSON.stringify({ items }) });
  expect(res.status).toBe(200);
  await new Promise((r) => setTimeout(r, 5_100));
}

describe('merchandising rules change picks', () => {
  it('filter: category and price range; other placements untouched', async () => {
    await site('mp-filter', { filter: { category: ['tea'], maxPrice: 40 } });
    expect(ids(await recs('mp-filter', { visitorId: 'v1', k: 5, placement: 'home' }))).toEqual(['a0', 'a1', 'a2', 'a3']);
    expect(ids(await recs('mp-filter', { visitorId: 'v1', k: 3, placement: 'cart' }))).toEqual(['b0', 'b1', 'b2']);
    expect(ids(await recs('mp-filter', { visitorId: 'v1', k: 3 }))).toEqual(['b0', 'b1', 'b2']);
    // Personal picks of a pets lover stay inside the filter too.
    const bob = await recs('mp-filter', { userId: 'bob', k: 3, placement: 'home' });
    expect(bob.source).toBe('model');
    expect(ids(bob).every((i) => ['a0', 'a1', 'a2', 'a3'].includes(i))).toBe(true);
  });

  it('filter: tags to keep and tags to leave out (live catalog)', async () => {
    await site('mp-tags');
    await catalog(
      'mp-tags',
      [3, 7].map((i) => ({ id: `b${i}`, title: `Pet ${i}`, category: 'pets', price: 5 + i, tags: ['sale'] })),
    );
    await site('mp-tags', { filter: { tags: ['sale'] } });
    expect(ids(await recs('mp-tags', { visitorId: 'v1', k: 5, placement: 'home' }))).toEqual(['b3', 'b7']);
    await site('mp-tags', { filter: { excludeTags: ['sale'] } }, 'other');
    expect(ids(await recs('mp-tags', { visitorId: 'v1', k: 5, placement: 'other' }))).toEqual(['b0', 'b1', 'b2', 'b4', 'b5']);
  });

  it('pins items at fixed positions, labelled pinned, and never an unavailable or filtered one', async () => {
    await site('mp-pins');
    await catalog('mp-pins', [
      { id: 'new-1', title: 'New arrival', category: 'pets', price: 8 },
      { id: 'a7', title: 'Tea 7', category: 'tea', price: 80, inStock: false },
    ]);
    await site('mp-pins', {
      explore: { rate: 0 },
      pins: [
        { itemId: 'a5', position: 2 },
        { itemId: 'new-1', position: 4 },
        { itemId: 'a7', position: 1 },
        { itemId: 'a6', position: 9 },
      ],
    });
    const r = await recs('mp-pins', { visitorId: 'v1', k: 5, placement: 'home' });
    expect(ids(r)).toEqual(['b0', 'a5', 'b1', 'new-1', 'b2']);
    expect(r.items.map((i) => i.reason?.type)).toEqual(['popular', 'pinned', 'popular', 'pinned', 'popular']);
    // A product only the live catalog knows carries its catalog fields.
    expect(r.items[3].title).toBe('New arrival');
    // A pin the request excludes is not shown; its place is filled.
    expect(ids(await recs('mp-pins', { visitorId: 'v1', k: 3, placement: 'home', exclude: ['a5'] }))).toEqual(['b0', 'b1', 'b2']);
  });

  it('boosts and buries by attribute, reaching items far down the list', async () => {
    await site('mp-boost', { boosts: [{ when: { category: ['tea'], minPrice: 95 }, weight: 5 }] });
    // a9 is the least popular item of all (20th); a boost lifts it to the top inside the scoring pass.
    expect(ids(await recs('mp-boost', { visitorId: 'v1', k: 3, placement: 'home' }))).toEqual(['a9', 'b0', 'b1']);
    await site('mp-boost', { boosts: [{ when: { category: ['pets'], maxPrice: 6 }, weight: -5 }] }, 'bury');
    const buried = ids(await recs('mp-boost', { visitorId: 'v1', k: 20, placement: 'bury' }));
    expect(buried.slice(0, 3)).toEqual(['b2', 'b3', 'b4']);
    expect(buried.slice(-2)).toEqual(['b0', 'b1']);
    // A pets lover's picks, with tea boosted: tea comes first.
    await site('mp-boost', { boosts: [{ when: { category: ['tea'] }, weight: 3 }] }, 'tea-week');
    expect(ids(await recs('mp-boost', { userId: 'bob', k: 2, placement: 'tea-week' })).every((i) => i.startsWith('a'))).toBe(true);
    expect(ids(await recs('mp-boost', { userId: 'bob', k: 2 })).every((i) => i.startsWith('b'))).toBe(true);
  });

  it('excludes purchased items unless the placement allows re-buys', async () => {
    await site('mp-bought', { excludePurchased: false }, 'rebuy');
    const recent = [{ itemId: 'b0', type: 'purchase' }];
    expect(ids(await recs('mp-bought', { visitorId: 'v1', k: 3, placement: 'home', recent }))).not.toContain('b0');
    expect(ids(await recs('mp-bought', { visitorId: 'v1', k: 3, placement: 'rebuy', recent }))).toContain('b0');
    // Viewed (not bought) items stay out on a re-buy placement.
    expect(
      ids(await recs('mp-bought', { visitorId: 'v1', k: 3, placement: 'rebuy', recent: [{ itemId: 'b0', type: 'view' }] })),
    ).not.toContain('b0');
  });

  it('a signed-in shopper never gets what they bought, even long after it left their recent items', async () => {
    await site('mp-bought-long', { excludePurchased: false }, 'rebuy');
    const events = [
      { id: 'long-buy-b0', type: 'purchase', visitorId: 'v-long', userId: 'u-long', itemId: 'b0', price: 5 },
      ...Array.from({ length: 60 }, (_, i) => ({
        id: `long-view-${i}`,
        type: 'view',
        visitorId: 'v-long',
        userId: 'u-long',
        itemId: `x${i}`,
      })),
    ];
    const res = await SELF.fetch(`${BASE}/v1/sites/mp-bought-long/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(200);
    // b0 is the most popular item: an unknown shopper would get it first.
    expect(ids(await recs('mp-bought-long', { userId: 'u-long', k: 3 }))).toEqual(['b1', 'b2', 'b3']);
    expect(ids(await recs('mp-bought-long', { userId: 'u-long', k: 3, placement: 'rebuy' }))).toEqual(['b0', 'b1', 'b2']);
  });

  it('honours the diversity cap (pins count toward it)', async () => {
    await site('mp-cap', { maxPerCategory: 2 });
    const r = ids(await recs('mp-cap', { visitorId: 'v1', k: 6, placement: 'home' }));
    expect(r).toEqual(['b0', 'b1', 'a0', 'a1']);
    await site('mp-cap', { maxPerCategory: 2, pins: [{ itemId: 'a9', position: 1 }] }, 'pinned');
    expect(ids(await recs('mp-cap', { visitorId: 'v1', k: 6, placement: 'pinned' }))).toEqual(['a9', 'b0', 'b1', 'a0']);
    // Personal picks too: alice (tea) gets at most 2 tea items.
    const alice = ids(await recs('mp-cap', { userId: 'alice', k: 5, placement: 'home' }));
    expect(alice.filter((i) => i.startsWith('a'))).toHaveLength(2);
  });

  it('rotates: an item shown repeatedly without a click drops to the end for a while', async () => {
    await site('mp-rotate', { rotation: { afterImpressions: 2, hours: 24 } });
    const events = [
      ...['1', '2'].map((n) => ({ id: `rot-imp-b0-${n}`, type: 'impression', visitorId: 'v-rot', itemId: 'b0' })),
      ...['1', '2'].map((n) => ({ id: `rot-imp-b1-${n}`, type: 'impression', visitorId: 'v-rot', itemId: 'b1' })),
      { id: 'rot-imp-b2-1', type: 'impression', visitorId: 'v-rot', itemId: 'b2' },
      { id: 'rot-click-b1', type: 'click', visitorId: 'v-rot', itemId: 'b1' },
    ];
    // The click is later than b1's impressions.
    const res = await SELF.fetch(`${BASE}/v1/sites/mp-rotate/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(200);
    await waitForStored(
      'mp-rotate',
      events.map((e) => e.id),
    );
    const r = ids(await recs('mp-rotate', { visitorId: 'v-rot', k: 20, placement: 'home' }));
    expect(r[0]).toBe('b1');
    expect(r.at(-1)).toBe('b0');
    // Another visitor, and the same visitor elsewhere, are not affected.
    expect(ids(await recs('mp-rotate', { visitorId: 'v-other', k: 1, placement: 'home' }))).toEqual(['b0']);
    expect(ids(await recs('mp-rotate', { visitorId: 'v-rot', k: 1 }))).toEqual(['b0']);
  });

  it('falls back to popular within the rules when they leave no personal pick, and says so', async () => {
    await site('mp-fallback', { filter: { category: ['tea'] } });
    const recent = Array.from({ length: 10 }, (_, i) => ({ itemId: `a${i}`, type: 'view' }));
    const r = await recs('mp-fallback', { visitorId: 'v1', k: 3, placement: 'home', recent });
    expect(r.source).toBe('rules_fallback');
    expect(ids(r)).toEqual(['a0', 'a1', 'a2']);
    expect(r.items[0].reason).toEqual({ type: 'popular' });
    // The same request without rules is ordinary realtime picks.
    expect((await recs('mp-fallback', { visitorId: 'v1', k: 3, recent })).source).toBe('realtime');
    // The fallback keeps the rules' own pass: at most one per category here.
    await site('mp-fallback', { maxPerCategory: 1, explore: { rate: 0 } }, 'capped');
    const everything = [...Array.from({ length: 10 }, (_, i) => `a${i}`), ...Array.from({ length: 10 }, (_, i) => `b${i}`)];
    const capped = await recs('mp-fallback', {
      visitorId: 'v1',
      k: 5,
      placement: 'capped',
      recent: everything.map((itemId) => ({ itemId })),
    });
    expect(capped.source).toBe('rules_fallback');
    expect(ids(capped)).toEqual(['b0', 'a0']);
    // Rules that match nothing at all: an empty list, still labelled.
    await site('mp-fallback', { filter: { category: ['no-such-category'] } }, 'empty');
    const none = await recs('mp-fallback', { visitorId: 'v1', k: 3, placement: 'empty' });
    expect(none).toMatchObject({ source: 'rules_fallback', items: [] });
  });
});
