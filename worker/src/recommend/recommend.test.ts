import { describe, expect, it } from 'vitest';
import { openPack } from '../../../models/pack/reader.js';
import { buildPack } from '../../../models/pack/writer.js';
import { RecommendationsRequest } from '../../../schema/recommendations.js';
import { catalog, knownModel } from '../../../test/workers/fixtures.js';
import { prepare } from './model.js';
import { recommend } from './recommend.js';

async function loaded() {
  const { manifest, body } = await buildPack(knownModel());
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
});
