import { describe, expect, it } from 'vitest';
import { openPack } from '../../../models/pack/reader.js';
import { buildPack } from '../../../models/pack/writer.js';
import { RecommendationsRequest } from '../../../schema/recommendations.js';
import { catalog, knownModel } from '../../../test/workers/fixtures.js';
import { prepare } from './model.js';
import { recommend } from './recommend.js';

async function loaded(options: { userItems?: boolean } = {}) {
  const { manifest, body } = await buildPack(knownModel(options));
  return prepare('v1', 'p', await openPack(manifest, body), catalog.items);
}
const req = (r: object) => RecommendationsRequest.parse(r);
const ids = (m: Awaited<ReturnType<typeof loaded>>, picks: { index: number }[]) => picks.map((p) => m.pack.itemIds[p.index]);

describe('recommend', () => {
  it('chooses model, realtime or popular', async () => {
    const m = await loaded();
    expect(recommend(m, req({ userId: 'alice', k: 2 })).source).toBe('model');
    expect(recommend(m, req({ visitorId: 'v', k: 2 })).source).toBe('popular');
    const rt = recommend(m, req({ visitorId: 'v', k: 3, recent: [{ itemId: 'a4', type: 'purchase' }] }));
    expect(rt.source).toBe('realtime');
    expect(ids(m, rt.picks).every((id) => id.startsWith('a') && id !== 'a4')).toBe(true);
  });

  it('sums the weights of an item seen several times', async () => {
    const m = await loaded();
    // One purchase of b0 (weight 5) against clicks on a0: two clicks (2+2) lose, three (6) win.
    const two = recommend(
      m,
      req({
        k: 1,
        recent: [
          { itemId: 'b0', type: 'purchase' },
          { itemId: 'a0', type: 'click' },
          { itemId: 'a0', type: 'click' },
        ],
      }),
    );
    const three = recommend(
      m,
      req({ k: 1, recent: [{ itemId: 'b0', type: 'purchase' }, ...Array.from({ length: 3 }, () => ({ itemId: 'a0', type: 'click' }))] }),
    );
    expect(ids(m, two.picks)[0]).toMatch(/^b/);
    expect(ids(m, three.picks)[0]).toMatch(/^a/);
  });

  it('returns fewer than k when exclusions leave fewer items', async () => {
    const m = await loaded();
    const r = recommend(m, req({ userId: 'bob', k: 100, filter: { category: 'pets' }, exclude: ['b0', 'b1'] }));
    expect(ids(m, r.picks).sort()).toEqual(['b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9']);
  });

  describe('a known shopper’s own items (the pack’s user_items)', () => {
    const own = { alice: ['a0', 'a2'], bob: ['b1'], 'v-anon': ['b0'] } as const;

    it('never come back, whatever the source, together with recent and exclude', async () => {
      const m = await loaded({ userItems: true });
      const alice = recommend(m, req({ userId: 'alice', k: 20 }));
      expect(alice.source).toBe('model');
      expect(ids(m, alice.picks)).toHaveLength(18);
      expect(ids(m, alice.picks).slice(0, 4)).toEqual(['a1', 'a3', 'a4', 'a5']);
      for (const [user, items] of Object.entries(own)) {
        for (const r of [
          { userId: user, k: 100 },
          { userId: user, k: 100, recent: [{ itemId: 'a5', type: 'purchase' }], exclude: ['b9'] },
          { userId: user, k: 100, filter: { category: 'pets' } },
        ]) {
          const got = ids(m, recommend(m, req(r)).picks);
          for (const id of [...items, ...(r.recent ?? []).map((x) => x.itemId), ...(r.exclude ?? [])]) expect(got).not.toContain(id);
        }
      }
      const rt = recommend(m, req({ userId: 'bob', k: 3, recent: [{ itemId: 'b5', type: 'click' }], exclude: ['b2'] }));
      expect(rt.source).toBe('realtime');
      expect(ids(m, rt.picks)).toEqual(['b0', 'b3', 'b4']);
    });

    it('a visitor trained under their visitorId is a known shopper too (userId first)', async () => {
      const m = await loaded({ userItems: true });
      const v = recommend(m, req({ visitorId: 'v-anon', k: 3 }));
      expect(v.source).toBe('model');
      expect(ids(m, v.picks)).toEqual(['b1', 'b2', 'b3']);
      // A userId the pack does not know falls back to the visitorId; a known one wins.
      expect(ids(m, recommend(m, req({ userId: 'new-login', visitorId: 'v-anon', k: 3 })).picks)).toEqual(['b1', 'b2', 'b3']);
      expect(ids(m, recommend(m, req({ userId: 'alice', visitorId: 'v-anon', k: 2 })).picks)).toEqual(['a1', 'a3']);
    });

    it('come back when a placement allows re-buys (excludeOwned: false), and without the sections (an older pack)', async () => {
      const m = await loaded({ userItems: true });
      expect(ids(m, recommend(m, req({ userId: 'alice', k: 3 }), { excludeOwned: false }).picks)).toEqual(['a0', 'a1', 'a2']);
      const old = await loaded();
      expect(old.pack.userItems).toBeUndefined();
      expect(ids(old, recommend(old, req({ userId: 'alice', k: 3 })).picks)).toEqual(['a0', 'a1', 'a2']);
      expect(ids(old, recommend(old, req({ userId: 'bob', k: 3 })).picks)).toEqual(['b0', 'b1', 'b2']);
    });
  });
});
