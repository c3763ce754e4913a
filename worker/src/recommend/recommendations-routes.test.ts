import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { kvKeys } from '../../../schema/pack-manifest.js';
import { catalog, knownModel, publish } from '../../../test/workers/fixtures.js';

type Recs = {
  recommendationId: string;
  source: string;
  modelVersion: string;
  items: { id: string; score: number; title?: string; image?: string; url?: string }[];
};
const get = async (path: string) => SELF.fetch(`https://edge.test${path}`);
const post = async (path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  SELF.fetch(`https://edge.test${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('recommendations', () => {
  it('serves a trained user from the model, best first, with catalog fields', async () => {
    await publish('rec-model', 'v1');
    const res = await get('/v1/sites/rec-model/recommendations?userId=alice&k=5');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Recs;
    expect(body.source).toBe('model');
    expect(body.modelVersion).toBe('v1');
    expect(body.recommendationId).toMatch(/^r_[0-9a-f]{18}\.v1$/);
    expect(body.items.map((i) => i.id)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(body.items[0].title).toBe('Tea 0');
    // Worker-relative catalog paths become absolute; absolute ones are kept.
    expect(body.items[0].image).toBe('https://edge.test/demo/img/a0.svg?c=tea');
    const bob = (await (await get('/v1/sites/rec-model/recommendations?userId=bob&k=3')).json()) as Recs;
    expect(bob.items.map((i) => i.id)).toEqual(['b0', 'b1', 'b2']);
    expect(bob.items[0].url).toBe('https://shop.example/p/b0');
  });

  it('falls back to popular items for an unknown visitor', async () => {
    await publish('rec-popular', 'v1');
    const body = (await (await get('/v1/sites/rec-popular/recommendations?visitorId=v1&k=3')).json()) as Recs;
    expect(body.source).toBe('popular');
    expect(body.items.map((i) => i.id)).toEqual(['b0', 'b1', 'b2']);
  });

  it('folds recent clicks into a visitor vector at request time and excludes them', async () => {
    await publish('rec-realtime', 'v1');
    const res = await post('/v1/sites/rec-realtime/recommendations', {
      visitorId: 'v2',
      k: 4,
      recent: [{ itemId: 'a3', type: 'click' }, { itemId: 'a5', type: 'view' }, { itemId: 'unknown-item' }],
    });
    const body = (await res.json()) as Recs;
    expect(body.source).toBe('realtime');
    const ids = body.items.map((i) => i.id);
    expect(ids.every((id) => id.startsWith('a'))).toBe(true);
    expect(ids).not.toContain('a3');
    expect(ids).not.toContain('a5');
    // GET form: itemId:type pairs.
    const viaGet = (await (await get('/v1/sites/rec-realtime/recommendations?k=4&recent=a3:click,a5')).json()) as Recs;
    expect(viaGet.items.map((i) => i.id)).toEqual(ids);
  });

  it('moves a known user towards what they just did', async () => {
    await publish('rec-blend', 'v1');
    const before = (await (await post('/v1/sites/rec-blend/recommendations', { userId: 'alice', k: 10 })).json()) as Recs;
    expect(before.items.every((i) => i.id.startsWith('a'))).toBe(true);
    const body = (await (
      await post('/v1/sites/rec-blend/recommendations', {
        userId: 'alice',
        k: 10,
        recent: [0, 1, 2, 3, 4, 5].map((i) => ({ itemId: `b${i}`, type: 'purchase' })),
      })
    ).json()) as Recs;
    expect(body.source).toBe('realtime');
    expect(body.items.filter((i) => i.id.startsWith('b')).length).toBeGreaterThanOrEqual(2);
    expect(body.items.map((i) => i.id)).not.toContain('b0');
  });

  it('applies exclude and filter', async () => {
    await publish('rec-filter', 'v1');
    const ex = (await (
      await post('/v1/sites/rec-filter/recommendations', { userId: 'alice', k: 3, exclude: ['a0', 'a2'] })
    ).json()) as Recs;
    expect(ex.items.map((i) => i.id)).toEqual(['a1', 'a3', 'a4']);
    const cat = (await (
      await post('/v1/sites/rec-filter/recommendations', { userId: 'alice', k: 3, filter: { category: 'pets' } })
    ).json()) as Recs;
    expect(cat.items.every((i) => i.id.startsWith('b'))).toBe(true);
    const price = (await (await get('/v1/sites/rec-filter/recommendations?userId=alice&k=20&minPrice=30&maxPrice=60')).json()) as Recs;
    expect(price.items.map((i) => i.id).sort()).toEqual(['a2', 'a3', 'a4', 'a5']);
  });

  it.each([
    ['k=0', 'k'],
    ['k=101', 'k'],
    ['k=abc', 'k'],
    ['k=2.5', 'k'],
    ['minPrice=9&maxPrice=1', 'filter'],
  ])('answers 400 with issues for %s', async (query, field) => {
    await publish('rec-bad', 'v1');
    const res = await get(`/v1/sites/rec-bad/recommendations?${query}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; issues: { path: (string | number)[] }[] } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.issues[0].path[0]).toBe(field);
  });

  it('answers invalid JSON, wrong types and oversized bodies with 4xx', async () => {
    await publish('rec-body', 'v1');
    const bad = await post('/v1/sites/rec-body/recommendations', '{"k": 3,');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
    const types = await post('/v1/sites/rec-body/recommendations', { k: '3', recent: 'a1' });
    expect(types.status).toBe(400);
    const big = await post('/v1/sites/rec-body/recommendations', { userId: 'x'.repeat(100_000) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    // The largest valid request (500 excluded ids and 50 recent items of 128 characters) fits under the limit.
    const id = (i: number) => `${i}`.padStart(128, 'x');
    const maximal = await post('/v1/sites/rec-body/recommendations', {
      k: 100,
      exclude: Array.from({ length: 500 }, (_, i) => id(i)),
      recent: Array.from({ length: 50 }, (_, i) => ({ itemId: id(1000 + i), type: 'add_to_cart', ts: 1767225600000 })),
    });
    expect(maximal.status).toBe(200);
    const form = await post('/v1/sites/rec-body/recommendations', 'k=3', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(((await form.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    const beacon = await post('/v1/sites/rec-body/recommendations', JSON.stringify({ k: 2 }), {
      'content-type': 'text/plain;charset=UTF-8',
    });
    expect(beacon.status).toBe(200);
  });

  it('answers other methods with 405 and an Allow header', async () => {
    await publish('rec-method', 'v1');
    const res = await SELF.fetch('https://edge.test/v1/sites/rec-method/recommendations', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
    expect((await SELF.fetch('https://edge.test/v1/sites/rec-method/popular', { method: 'POST' })).status).toBe(405);
    expect((await get('/v1/sites/rec-method/nothing-here')).status).toBe(404);
  });

  it('uses defaults and ignores what the model does not know', async () => {
    await publish('rec-defaults', 'v1');
    const body = (await (await get('/v1/sites/rec-defaults/recommendations?userId=stranger')).json()) as Recs;
    expect(body.source).toBe('popular');
    expect(body.items).toHaveLength(10);
    // Impressions carry weight 0: seen (so excluded) but no evidence, so no fold-in.
    const shown = (await (await get('/v1/sites/rec-defaults/recommendations?k=3&recent=b0:impression,nope:click')).json()) as Recs;
    expect(shown.source).toBe('popular');
    expect(shown.items.map((i) => i.id)).toEqual(['b1', 'b2', 'b3']);
  });

  it('answers 404 for an unknown site and 503 for a site without a model', async () => {
    const unknown = await get('/v1/sites/nobody-here/recommendations');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('site_not_found');
    expect((await get('/v1/sites/Bad_Site!/recommendations')).status).toBe(404);
    await env.PACKS.put(kvKeys.config('no-model'), JSON.stringify({ id: 'no-model', allowedOrigins: [] }));
    const none = await get('/v1/sites/no-model/recommendations');
    expect(none.status).toBe(503);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('model_unavailable');
  });

  it('refuses a corrupt or truncated pack and serves the previous version', async () => {
    await publish('rec-corrupt', 'v1');
    await publish('rec-corrupt', 'v2', { previous: ['v1'], corrupt: 'flip' });
    const body = (await (await get('/v1/sites/rec-corrupt/recommendations?userId=alice&k=2')).json()) as Recs;
    expect(body.modelVersion).toBe('v1');
    expect(body.items.map((i) => i.id)).toEqual(['a0', 'a1']);
    await publish('rec-trunc', 'v1');
    await publish('rec-trunc', 'v2', { previous: ['v1'], corrupt: 'truncate' });
    expect(((await (await get('/v1/sites/rec-trunc/recommendations?k=1')).json()) as Recs).modelVersion).toBe('v1');
    expect(catalog.items.length).toBe(20);
  });

  it('leaves out what a trained shopper already has, found by userId or visitorId, from a pack published in chunks', async () => {
    await publish('rec-own', 'v1', { model: knownModel({ userItems: true }), chunkSize: 64 });
    const alice = (await (await get('/v1/sites/rec-own/recommendations?userId=alice&k=3')).json()) as Recs;
    expect(alice.source).toBe('model');
    expect(alice.items.map((i) => i.id)).toEqual(['a1', 'a3', 'a4']);
    const anon = (await (await post('/v1/sites/rec-own/recommendations', { visitorId: 'v-anon', k: 3, exclude: ['b2'] })).json()) as Recs;
    expect(anon.source).toBe('model');
    expect(anon.items.map((i) => i.id)).toEqual(['b1', 'b3', 'b4']);
  });
});

describe('query and id hygiene', () => {
  it('refuses k in hex, binary or exponent form and an empty category with 400', async () => {
    await publish('rec-hygiene', 'v1');
    for (const q of ['k=0x10', 'k=0b11', 'k=1e1', 'k=%2010', 'category=', 'minPrice=0x5', 'category=tea,']) {
      const res = await SELF.fetch(`https://edge.test/v1/sites/rec-hygiene/popular?${q}`);
      expect(res.status, q).toBe(q === 'category=tea,' ? 200 : 400);
    }
  });

  it('refuses ids holding a lone surrogate or a control character (events stored as valid UTF-8 only)', async () => {
    await publish('rec-hygiene', 'v1');
    const base = { type: 'view', visitorId: 'v_hygiene_1', itemId: 'a1' };
    const res = await SELF.fetch('https://edge.test/v1/sites/rec-hygiene/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        events: [
          { ...base, id: 'hygiene-ok-1' },
          { ...base, id: 'hygiene-2', itemId: 'a\ud800' },
          { ...base, id: 'hygiene-3', visitorId: 'v\u0000x' },
          { ...base, id: 'hygiene-\udc00-4' },
          { ...base, id: 'hygiene-5', userId: 'u\u0085' },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: number; rejected: { index: number; message: string }[] };
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r) => r.index)).toEqual([1, 2, 3, 4]);
    expect(body.rejected[0].message).toMatch(/lone surrogate/);
    expect(body.rejected[1].message).toMatch(/control character/);
    const recs = await SELF.fetch('https://edge.test/v1/sites/rec-hygiene/recommendations?userId=%00u');
    expect(recs.status).toBe(400);
  });

  it('says why: because_you_viewed names the recent item most like each pick; popular and trending say so', async () => {
    await publish('rec-reason', 'v1');
    type WithReason = { source: string; items: { id: string; reason?: { type: string; itemId?: string } }[] };
    const rt = (await (
      await post('/v1/sites/rec-reason/recommendations', {
        k: 4,
        recent: [
          { itemId: 'a1', type: 'click' },
          { itemId: 'b1', type: 'view' },
        ],
      })
    ).json()) as WithReason;
    expect(rt.source).toBe('realtime');
    for (const item of rt.items) {
      expect(item.reason?.type).toBe('because_you_viewed');
      // a-items ("tea") are explained by the tea the shopper clicked, b-items by the pet item.
      expect(item.reason?.itemId).toBe(item.id.startsWith('a') ? 'a1' : 'b1');
    }
    const pop = (await (await get('/v1/sites/rec-reason/recommendations?visitorId=nobody&k=2')).json()) as WithReason;
    expect(pop.items.map((i) => i.reason)).toEqual([{ type: 'popular' }, { type: 'popular' }]);
    const popular = (await (await get('/v1/sites/rec-reason/popular?k=2')).json()) as WithReason;
    expect(popular.items[0].reason).toEqual({ type: 'popular' });
    const similar = (await (await get('/v1/sites/rec-reason/items/a1/similar?k=2')).json()) as WithReason;
    expect(similar.items[0].reason).toBeUndefined();
  });

  it('shows an item a friend shared first, labelled shared_with_you, unless the shopper shared it or a filter refuses it', async () => {
    await publish('rec-shared', 'v1');
    type WithReason = { source: string; items: { id: string; reason?: { type: string; itemId?: string } }[] };
    const ask = async (body: object) => (await (await post('/v1/sites/rec-shared/recommendations', body)).json()) as WithReason;
    const shared = await ask({
      k: 3,
      visitorId: 'v-me',
      recent: [
        { itemId: 'b3', type: 'view', ref: 'friend' },
        { itemId: 'a1', type: 'click' },
      ],
    });
    expect(shared.items[0]).toMatchObject({ id: 'b3', reason: { type: 'shared_with_you' } });
    expect(shared.items.slice(1).every((i) => i.reason?.type === 'because_you_viewed')).toBe(true);
    expect(shared.items).toHaveLength(3);
    // My own share is not "shared with me".
    const own = await ask({ k: 3, visitorId: 'v-me', recent: [{ itemId: 'b3', type: 'view', ref: 'v-me' }] });
    expect(own.items.map((i) => i.id)).not.toContain('b3');
    // Filters and exclude still apply.
    const filtered = await ask({ k: 3, recent: [{ itemId: 'b3', ref: 'friend' }], filter: { category: 'tea' } });
    expect(filtered.items.map((i) => i.id)).not.toContain('b3');
    const excluded = await ask({ k: 3, recent: [{ itemId: 'b3', ref: 'friend' }], exclude: ['b3'] });
    expect(excluded.items.map((i) => i.id)).not.toContain('b3');
  });

  it('a share opened in the WeChat mini-program shows first in the same user’s web picks', async () => {
    await publish('rec-shared-x', 'v1');
    const sent = await post('/v1/sites/rec-shared-x/events', {
      events: [
        { id: 'shared-x-0001', type: 'view', visitorId: 'v-wx', userId: 'u-shared', itemId: 'b4', ref: 'u-friend', channel: 'wechat' },
      ],
    });
    expect(sent.status).toBe(200);
    const web = (await (await get('/v1/sites/rec-shared-x/recommendations?userId=u-shared&visitorId=v-web&k=3')).json()) as {
      items: { id: string; reason?: { type: string } }[];
    };
    expect(web.items[0]).toMatchObject({ id: 'b4', reason: { type: 'shared_with_you' } });
  });

  it('labels the landing item of each visit through a share, not everything browsed during it', async () => {
    await publish('rec-shared-visits', 'v1');
    const t0 = Date.now() - 3 * 3_600_000;
    const ev = (n: number, itemId: string, minutes: number) => ({
      id: `shared-visit-${n}`,
      type: 'view',
      visitorId: 'v-visits',
      userId: 'u-visits',
      itemId,
      ref: 'u-friend',
      ts: t0 + minutes * 60_000,
    });
    // Visit 1 lands on a1 and browses a2; two hours later visit 2 lands on a3 (the same friend's next share).
    const sent = await post('/v1/sites/rec-shared-visits/events', { events: [ev(1, 'a1', 0), ev(2, 'a2', 5), ev(3, 'a3', 125)] });
    expect(sent.status).toBe(200);
    const r = (await (await get('/v1/sites/rec-shared-visits/recommendations?userId=u-visits&k=4')).json()) as {
      items: { id: string; reason?: { type: string } }[];
    };
    const shared = r.items.filter((i) => i.reason?.type === 'shared_with_you').map((i) => i.id);
    expect(shared).toEqual(['a1', 'a3']);
  });
});
