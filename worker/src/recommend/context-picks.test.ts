import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { learnScenePriors, type SceneEvent } from '../../../models/pack/serve/scene.js';
import { publish } from '../../../test/workers/fixtures.js';
import { type Picks, pickIds, postPicks } from '../../../test/workers/picks.js';
import { localDay } from '../lib/local-time.js';
import { shareCountsKey } from '../referrals/share-counts.js';
import { sceneKey } from './scene-store.js';

// Fixture model (test/workers/fixtures.ts): a0..a9 tea, b0..b9 pets; popularity favours b0 > b1 > … > a9.
const BASE = 'https://edge.test';
const OWNER = { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' };
const recs = postPicks;
const ids = pickIds;

describe('picks in context', () => {
  it('re-ranks by scene: what sells in WeChat comes up for a WeChat shopper, not on the web', async () => {
    await publish('ctx-scene', 'v1');
    // Learned from events: in WeChat b7–b9 sell far above their share; on the web, the usual mix.
    const rows: SceneEvent[] = [];
    const all = [...Array.from({ length: 10 }, (_, i) => `a${i}`), ...Array.from({ length: 10 }, (_, i) => `b${i}`)];
    for (let r = 0; r < 20; r++) for (const itemId of all) rows.push({ itemId, type: 'click', channel: 'web', hour: 10 });
    for (let r = 0; r < 5; r++) for (const itemId of all) rows.push({ itemId, type: 'click', channel: 'wechat', hour: 10 });
    for (let r = 0; r < 60; r++) for (const itemId of ['b7', 'b8', 'b9']) rows.push({ itemId, type: 'click', channel: 'wechat', hour: 10 });
    await env.PACKS.put(sceneKey('ctx-scene'), JSON.stringify(learnScenePriors(rows, { computedAt: new Date().toISOString() })));
    const web = ids(await recs('ctx-scene', { visitorId: 'v1', k: 5, channel: 'web' }));
    const wechat = ids(await recs('ctx-scene', { visitorId: 'v1', k: 5, channel: 'wechat' }));
    expect(web).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
    expect(wechat.slice(0, 3).sort()).toEqual(['b7', 'b8', 'b9']);
    // No channel: no scene lift for it (the hour bucket alone has no effect in these events).
    expect(ids(await recs('ctx-scene', { visitorId: 'v1', k: 5 }))).toEqual(web);
    // GET carries the channel too.
    const viaGet = (await (await SELF.fetch(`${BASE}/v1/sites/ctx-scene/recommendations?visitorId=v1&k=5&channel=wechat`)).json()) as Picks;
    expect(ids(viaGet)).toEqual(wechat);
    expect((await SELF.fetch(`${BASE}/v1/sites/ctx-scene/recommendations?channel=moon`)).status).toBe(400);
  });

  it('says how many people shared an item today (social proof)', async () => {
    await publish('ctx-shares', 'v1');
    const now = Date.now();
    await env.PACKS.put(
      shareCountsKey('ctx-shares'),
      JSON.stringify({
        day: localDay(now, 480).day,
        utcOffsetMinutes: 480,
        computedAt: new Date(now).toISOString(),
        items: { b0: 12, b2: 1 },
      }),
    );
    const r = await recs('ctx-shares', { visitorId: 'v1', k: 3 });
    expect(r.items.map((i) => i.sharedToday)).toEqual([12, undefined, 1]);
  });

  it('gives new products (live catalog, no interactions yet) a place, labelled new', async () => {
    await publish('ctx-new', 'v1');
    const put = (path: string, body: unknown) =>
      SELF.fetch(`${BASE}/v1/admin/sites/ctx-new/${path}`, { method: 'PUT', headers: OWNER, body: JSON.stringify(body) });
    expect(
      (
        await put('items', {
          items: [
            { id: 'new-tea', title: 'New tea', category: 'tea', price: 30 },
            { id: 'new-gone', title: 'Sold out', category: 'tea', price: 30, inStock: false },
          ],
        })
      ).status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 5_100)); // the site store's TTL: the edge re-reads the live catalog
    expect((await put('placements/always/rules', { explore: { rate: 1, position: 2 } })).status).toBe(200);
    expect((await put('placements/never/rules', { explore: { rate: 0 } })).status).toBe(200);
    expect((await put('placements/pets/rules', { explore: { rate: 1 }, filter: { category: ['pets'] } })).status).toBe(200);
    expect((await put('placements/pinned/rules', { explore: { rate: 1 }, pins: [{ itemId: 'new-tea', position: 1 }] })).status).toBe(200);
    const recent = [{ itemId: 'a1', type: 'click' }];
    const always = await recs('ctx-new', { visitorId: 'v1', k: 4, placement: 'always', recent });
    expect(always.items[1]).toMatchObject({ id: 'new-tea', reason: { type: 'new' }, title: 'New tea' });
    expect(ids(always)).toHaveLength(4);
    expect(ids(await recs('ctx-new', { visitorId: 'v1', k: 4, placement: 'never', recent }))).not.toContain('new-tea');
    // The placement's filter holds for new products too; an excluded one is never shown.
    expect(ids(await recs('ctx-new', { visitorId: 'v1', k: 4, placement: 'pets', recent }))).not.toContain('new-tea');
    expect(ids(await recs('ctx-new', { visitorId: 'v1', k: 4, placement: 'always', recent, exclude: ['new-tea'] }))).not.toContain(
      'new-tea',
    );
    // Pinned and new at once: shown once, as the pin.
    const pinned = await recs('ctx-new', { visitorId: 'v1', k: 4, placement: 'pinned', recent });
    expect(ids(pinned).filter((i) => i === 'new-tea')).toEqual(['new-tea']);
    expect(pinned.items[0].reason).toEqual({ type: 'pinned' });
    // Without rules: one list in five, about. Never the sold-out one.
    let shown = 0;
    for (let i = 0; i < 60; i++) {
      const r = ids(await recs('ctx-new', { visitorId: `v${i}`, k: 5 }));
      expect(r).not.toContain('new-gone');
      if (r.includes('new-tea')) shown++;
    }
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(40);
  });
});
