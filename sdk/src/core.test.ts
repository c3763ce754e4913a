import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalApi, startLocalApi } from '../test/local-api.js';
import { createClient } from './core.js';
import {
  isEdgepickError,
  isHTTPError,
  isNetworkError,
  isTimeoutError,
  isValidationError,
  TimeoutError,
  ValidationError,
} from './errors.js';
import { memoryStorage } from './storage.js';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests = [];
  api.answer = () => ({ json: picks });
});

const picks = { recommendationId: 'r_1', source: 'realtime', items: [{ id: 'p1', score: 1 }] };
const client = (o: Partial<Parameters<typeof createClient>[0]> = {}) =>
  createClient({ site: 'demo', endpoint: api.endpoint, storage: memoryStorage(), flushInterval: 60_000, ...o });

describe('createClient options', () => {
  it.each([
    [{ site: '' }, 'edgepick: options.site must be a site id like "demo", got ""'],
    [{ site: 'Demo!' }, 'edgepick: options.site must be a site id like "demo", got "Demo!"'],
    [{ site: 'demo', timeout: -1 }, 'edgepick: options.timeout must be an integer ≥ 1, got -1'],
    [{ site: 'demo', retries: 1.5 }, 'edgepick: options.retries must be an integer ≥ 0, got 1.5'],
    [{ site: 'demo', batchSize: 1000 }, 'edgepick: options.batchSize must be an integer ≥ 1, ≤ 100, got 1000'],
    [{ site: 'demo', endpoint: 'ftp://x' }, 'edgepick: options.endpoint must be an http(s) origin, got "ftp://x"'],
    [{ site: 'demo', transport: 'wx' as const }, 'edgepick: options.transport "wx" needs the wx global of a mini-program, got "wx"'],
    [{ site: 'demo', consent: 'yes' as 'granted' }, 'edgepick: consent must be granted, pending or denied, got "yes"'],
  ])('throws one ValidationError at creation for %j', (options, message) => {
    // The catch block holds the assertions: without the count, a createClient that no longer threw would pass.
    expect.assertions(3);
    try {
      createClient(options);
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect(isValidationError(e) && isEdgepickError(e)).toBe(true);
      expect((e as Error).message).toBe(message);
    }
  });

  it('needs an absolute endpoint in a mini-program', () => {
    const wx = { request() {}, getStorageSync: () => '', setStorageSync() {} };
    expect(() => createClient({ site: 'demo', transport: wx })).toThrow(/endpoint must be an http\(s\) origin in a mini-program/);
  });

  it('keeps one visitor id per storage', () => {
    const storage = memoryStorage();
    const a = createClient({ site: 'demo', storage });
    expect(a.visitorId).toMatch(/^v_[0-9a-z]{20}$/);
    expect(createClient({ site: 'demo', storage }).visitorId).toBe(a.visitorId);
    expect(createClient({ site: 'demo', storage: memoryStorage() }).visitorId).not.toBe(a.visitorId);
  });
});

describe('reads', () => {
  it('sends the visitor’s latest interactions with the next recommend()', async () => {
    const c = client();
    c.track({ type: 'view', itemId: 'p7' });
    c.track({ type: 'click', itemId: 'sku:9,blue' }); // ids with separators travel intact (JSON body)
    c.track({ type: 'impression', itemId: 'p8' }); // not an interaction
    c.setUserId('u42');
    const res = await c.recommend({ k: 4, exclude: ['p1'], filter: { category: 'tea', maxPrice: 99 }, placement: 'home' });
    expect(res.source).toBe('realtime');
    const req = api.reads().at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/sites/demo/recommendations');
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({
      k: 4,
      exclude: ['p1'],
      filter: { category: 'tea', maxPrice: 99 },
      placement: 'home',
      userId: 'u42',
      visitorId: c.visitorId,
    });
    expect(body.recent.map((r: { itemId: string; type: string }) => `${r.itemId}|${r.type}`)).toEqual(['p7|view', 'sku:9,blue|click']);
    expect(typeof body.recent[0].ts).toBe('number');
  });

  it('sends the client’s channel with recommend() for scene-aware picks; a call may name another', async () => {
    await client({ channel: 'wechat' }).recommend();
    await client({ channel: 'wechat' }).recommend({ channel: 'web' }); // an H5 page the shopper opened outside WeChat
    await client().recommend(); // fetch outside a browser
    expect(api.reads().map((r) => JSON.parse(r.body).channel)).toEqual(['wechat', 'web', 'other']);
  });

  it('keeps only the latest 50 interactions, one per item and type', async () => {
    const c = client();
    for (let i = 0; i < 60; i++) c.track({ type: 'view', itemId: `p${i}` });
    c.track({ type: 'view', itemId: 'p20' });
    await c.recommend();
    const recent = JSON.parse(api.reads().at(-1)!.body).recent as { itemId: string }[];
    expect(recent).toHaveLength(50);
    expect(recent[0].itemId).toBe('p10');
    expect(recent.at(-1)!.itemId).toBe('p20');
    expect(recent.filter((r) => r.itemId === 'p20')).toHaveLength(1);
  });

  it('calls similar, popular and item with their query parameters', async () => {
    const c = client();
    await c.similar('a/b', { k: 3, exclude: ['x', 'y'] });
    await c.popular({ k: 5, category: '茶' });
    await c.item('p 1');
    expect(api.reads().map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v1/sites/demo/items/a%2Fb/similar?k=3&exclude=x%2Cy',
      `GET /v1/sites/demo/popular?k=5&category=${encodeURIComponent('茶')}`,
      'GET /v1/sites/demo/items/p%201',
    ]);
  });

  it('sends the site key as X-Edgepick-Key on reads and event batches, and no extra header without one', async () => {
    const keyed = client({ key: 'ep_pub_test' });
    await keyed.recommend();
    await keyed.popular();
    await keyed.resolveLink('spring');
    keyed.track({ type: 'view', itemId: 'p1' });
    await keyed.flush();
    expect(api.requests.map((r) => `${r.method} ${r.url.split('?')[0]} ${r.headers['x-edgepick-key']}`)).toEqual([
      'POST /v1/sites/demo/recommendations ep_pub_test',
      'GET /v1/sites/demo/popular ep_pub_test',
      'GET /v1/sites/demo/links/spring/resolve ep_pub_test',
      'POST /v1/sites/demo/events ep_pub_test',
    ]);
    // Never in the URL, where logs and referrers would keep it.
    expect(api.requests.every((r) => !r.url.includes('key='))).toBe(true);
    api.requests = [];
    const plain = client();
    await plain.recommend();
    // No key: no custom header, and the JSON goes as text/plain, so a cross-origin POST needs no preflight.
    expect(api.requests[0].headers['x-edgepick-key']).toBeUndefined();
    expect(api.requests[0].headers['content-type']).toBe('text/plain;charset=UTF-8');
  });

  it('retries reads after 5xx with growing backoff, not after 4xx', async () => {
    let n = 0;
    api.answer = () => (++n < 3 ? { status: 503, json: { error: { code: 'model_unavailable', message: 'x' } } } : { json: picks });
    const c = client({ retries: 2 });
    expect((await c.popular()).items[0].id).toBe('p1');
    expect(n).toBe(3);
    const [a, b, d] = api.requests.map((r) => r.at);
    expect(b - a).toBeGreaterThanOrEqual(90); // 200 ms × [0.5, 1.5)
    expect(d - b).toBeGreaterThanOrEqual(190); // 400 ms × [0.5, 1.5)

    n = 0;
    api.answer = () => (
      n++,
      { status: 400, json: { error: { code: 'invalid_request', message: 'k: too big', issues: [{ path: ['k'], message: 'too big' }] } } }
    );
    const refused = c.recommend({ k: 500 });
    await expect(refused).rejects.toSatisfy(isHTTPError);
    await expect(refused).rejects.toMatchObject({ status: 400, code: 'invalid_request', issues: [{ path: ['k'], message: 'too big' }] });
    await expect(refused).rejects.toThrow('400 invalid_request: k: too big');
    expect(n).toBe(1);
  });

  it('gives up after `retries` and reports the last error', async () => {
    api.answer = () => ({ status: 500, json: {} });
    await expect(client({ retries: 1 }).item('p1')).rejects.toMatchObject({ name: 'HTTPError', status: 500, code: 'http_error' });
    expect(api.requests).toHaveLength(2);
  });

  it('times out with TimeoutError', async () => {
    api.answer = () => ({ json: picks, delay: 400 });
    const late = client({ timeout: 50, retries: 0 }).popular();
    await expect(late).rejects.toBeInstanceOf(TimeoutError);
    await expect(late).rejects.toSatisfy(isTimeoutError);
    await expect(late).rejects.toThrow(/^GET http:\/\/127\.0\.0\.1:\d+\/v1\/sites\/demo\/popular timed out after 50 ms$/);
  });

  it('reports an unreachable API as NetworkError', async () => {
    const unreachable = createClient({ site: 'demo', endpoint: 'http://127.0.0.1:1', retries: 0 }).popular();
    await expect(unreachable).rejects.toSatisfy(isNetworkError);
    await expect(unreachable).rejects.not.toSatisfy(isHTTPError);
  });
});

describe('shareLink', () => {
  it('adds this visitor as ref, replacing an earlier sharer, before the hash; tracks a share', () => {
    const c = client();
    const v = c.visitorId;
    expect(c.shareLink('p1', 'https://shop.example/p/1')).toBe(`https://shop.example/p/1?ref=${v}`);
    expect(c.shareLink('p1', 'https://shop.example/p?id=1#top')).toBe(`https://shop.example/p?id=1&ref=${v}#top`);
    expect(c.shareLink('p1', 'https://shop.example/p?ref=v_friend&id=1&refx=2')).toBe(`https://shop.example/p?id=1&refx=2&ref=${v}`);
    expect(c.shareLink('p1', '/#/p/p1')).toBe(`/?ref=${v}#/p/p1`);
    expect(c.shareLink('p1', 'https://shop.example/?')).toBe(`https://shop.example/?ref=${v}`);
    expect(c.pending()).toBe(5);
    expect(c.recent()).toEqual([expect.objectContaining({ itemId: 'p1', type: 'share' })]);
  });

  it('names the signed-in user as the sharer, adds the channel, and builds the share campaign link with shareSlug', () => {
    const c = client();
    c.setUserId('u_alice');
    expect(c.shareLink('p1', { url: 'https://shop.example/p/1?ch=web', channel: 'wechat' })).toBe(
      'https://shop.example/p/1?ref=u_alice&ch=wechat',
    );
    const s = client({ shareSlug: 'share' });
    expect(s.shareLink('p 1', { channel: 'wechat' })).toBe(`${api.endpoint}/r/share?ref=${s.visitorId}&item=p%201&ch=wechat`);
    s.setUserId('u_bob');
    expect(s.shareLink('p1')).toBe(`${api.endpoint}/r/share?ref=u_bob&item=p1`);
    expect(s.pending()).toBe(2);
  });

  it('myShares() reads the shopper’s own results with its visitor id', async () => {
    const mine = { sharer: 'u_alice', level1: { visits: 3, purchases: 1, revenue: 9.9 }, level2: { visits: 0, purchases: 0, revenue: 0 } };
    api.answer = () => ({ json: { ...mine, from: '2026-11-02', to: '2026-12-01' } });
    const c = client();
    expect(await c.myShares()).toMatchObject(mine);
    expect(api.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET /v1/sites/demo/shares/mine?visitorId=${c.visitorId}`]);
  });

  it('uses the current page when no URL is given, and needs one otherwise', () => {
    const c = client();
    expect(() => c.shareLink('p1')).toThrow(ValidationError);
    const g = globalThis as { location?: unknown };
    g.location = { href: 'https://shop.example/p/1?utm_source=wechat' };
    try {
      expect(c.shareLink('p1')).toBe(`https://shop.example/p/1?utm_source=wechat&ref=${c.visitorId}`);
    } finally {
      delete g.location;
    }
  });
});

describe('subscribe', () => {
  it('tells listeners about interactions and user changes, not impressions', () => {
    const c = client();
    const seen: unknown[] = [];
    const off = c.subscribe((e) => seen.push(e?.type ?? 'user'));
    c.track({ type: 'view', itemId: 'p1' });
    c.track({ type: 'impression', itemId: 'p1' });
    c.setUserId('u1');
    off();
    c.track({ type: 'click', itemId: 'p1' });
    expect(seen).toEqual(['view', 'user']);
  });
});
