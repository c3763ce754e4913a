import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from './core.js';
import { isNetworkError } from './errors.js';
import { memoryStorage } from './storage.js';

type Req = { url: string; method: string; data?: string; header?: Record<string, string>; timeout?: number };
type Reply = { statusCode: number; data: unknown } | { errMsg: string };

/** A simulated mini-program API object (`wx` or `swan`): `request` answers with `reply(req)`. */
function miniApi(reply: (r: Req) => Reply) {
  const calls: Req[] = [];
  const store = new Map<string, string>();
  return {
    calls,
    store,
    request(o: Req & { success(r: { statusCode: number; data: unknown }): void; fail(e: { errMsg: string }): void }) {
      const { success, fail, ...req } = o;
      calls.push(req);
      const r = reply(req);
      setTimeout(() => ('errMsg' in r ? fail(r) : success(r)), 1);
    },
    getStorageSync: (k: string) => store.get(k) ?? '',
    setStorageSync: (k: string, v: string) => void store.set(k, v),
  };
}

const picks = { recommendationId: 'r_1', source: 'popular', items: [{ id: 'p1', score: 1 }] };
const g = globalThis as Record<string, unknown>;
const realFetch = globalThis.fetch;
afterEach(() => {
  delete g.wx;
  delete g.swan;
  delete g.tt;
  g.fetch = realFetch;
});

describe('mini-program transports', () => {
  it('uses wx.request and wx storage for transport "wx"', async () => {
    const wx = miniApi((r) =>
      r.url.includes('/popular')
        ? { statusCode: 200, data: picks }
        : r.url.includes('/items/')
          ? { errMsg: 'request:fail timeout' }
          : r.url.endsWith('/events')
            ? { statusCode: 200, data: { accepted: 1, duplicates: 0, rejected: [] } }
            : { statusCode: 404, data: { error: { code: 'site_not_found', message: 'unknown site' } } },
    );
    g.wx = wx;
    const client = createClient({
      site: 'demo',
      endpoint: 'https://picks.example.com',
      key: 'ep_pub_mini',
      transport: 'wx',
      retries: 0,
      timeout: 3000,
    });
    expect((await client.popular({ k: 3 })).items[0].id).toBe('p1');
    expect(wx.calls[0]).toEqual({
      url: 'https://picks.example.com/v1/sites/demo/popular?k=3',
      method: 'GET',
      header: { 'X-Edgepick-Key': 'ep_pub_mini' },
      timeout: 3000,
    });
    expect(wx.store.get('ep:demo:vid')).toBe(client.visitorId);
    await expect(client.item('p1')).rejects.toMatchObject({
      name: 'TimeoutError',
      message: 'GET https://picks.example.com/v1/sites/demo/items/p1 timed out after 3000 ms',
    });
    await expect(client.recommend()).rejects.toMatchObject({ name: 'HTTPError', status: 404, code: 'site_not_found' });
    client.track({ type: 'view', itemId: 'p9' });
    expect(JSON.parse(wx.store.get('ep:demo:queue')!)).toHaveLength(1);
    await client.flush();
    const post = wx.calls.at(-1)!;
    expect(post).toMatchObject({
      method: 'POST',
      url: 'https://picks.example.com/v1/sites/demo/events',
      header: { 'X-Edgepick-Key': 'ep_pub_mini' },
    });
    expect(JSON.parse(post.data!).events[0]).toMatchObject({ type: 'view', itemId: 'p9', visitorId: client.visitorId, channel: 'wechat' });
    expect(JSON.parse(wx.store.get('ep:demo:queue')!)).toEqual([]);
  });

  it('detects wx by itself when there is no fetch', async () => {
    const wx = miniApi(() => ({ statusCode: 200, data: picks }));
    g.wx = wx;
    g.fetch = undefined;
    const client = createClient({ site: 'demo', endpoint: 'https://picks.example.com' });
    await client.similar('p0', { k: 2 });
    expect(wx.calls).toHaveLength(1);
    expect(wx.store.get('ep:demo:vid')).toBe(client.visitorId);
  });

  it('prefers fetch where both exist (a web page that loaded the WeChat JS-SDK defines `wx`)', async () => {
    const wx = miniApi(() => ({ statusCode: 200, data: picks }));
    g.wx = wx;
    const client = createClient({ site: 'demo', endpoint: 'http://127.0.0.1:1', retries: 0, storage: memoryStorage() });
    // fetch to port 1 fails; wx would have answered with picks.
    await expect(client.popular()).rejects.toSatisfy(isNetworkError);
    expect(wx.calls).toHaveLength(0);
  });

  it('takes the wx/swan object itself, for runtimes where it is not a global property', async () => {
    const swan = miniApi(() => ({ statusCode: 200, data: picks }));
    const client = createClient({ site: 'demo', endpoint: 'https://x.example', transport: swan });
    expect((await client.similar('p0', { k: 2 })).items).toHaveLength(1);
    expect(swan.calls[0].url).toBe('https://x.example/v1/sites/demo/items/p0/similar?k=2');
    expect(swan.store.get('ep:demo:vid')).toBe(client.visitorId);
  });

  it('uses swan for transport "swan" and reports a failed request as NetworkError', async () => {
    g.swan = miniApi(() => ({ errMsg: 'request:fail ssl hand shake error' }));
    const client = createClient({ site: 'demo', transport: 'swan', endpoint: 'https://x.example', retries: 1 });
    await expect(client.popular()).rejects.toMatchObject({
      name: 'NetworkError',
      message: 'GET https://x.example/v1/sites/demo/popular failed: request:fail ssl hand shake error',
    });
    expect((g.swan as ReturnType<typeof miniApi>).calls).toHaveLength(2);
  });

  it('names the channel after the mini-program: by name, by the global passed itself, or detected', () => {
    const channel = (o: Partial<Parameters<typeof createClient>[0]>) =>
      createClient({ site: 'demo', endpoint: 'https://x.example', ...o }).channel;
    g.wx = miniApi(() => ({ statusCode: 200, data: picks }));
    g.swan = miniApi(() => ({ statusCode: 200, data: picks }));
    g.tt = miniApi(() => ({ statusCode: 200, data: picks }));
    expect([channel({ transport: 'wx' }), channel({ transport: 'swan' }), channel({ transport: 'tt' })]).toEqual([
      'wechat',
      'baidu',
      'douyin',
    ]);
    expect(channel({ transport: g.swan as ReturnType<typeof miniApi> })).toBe('baidu');
    expect(channel({ transport: miniApi(() => ({ errMsg: 'x' })) })).toBe('other'); // an object that is no known global
    expect(channel({ transport: 'swan', channel: 'app' })).toBe('app');
    g.fetch = undefined;
    expect(channel({})).toBe('wechat'); // detected: wx first
    delete g.wx;
    expect(channel({})).toBe('baidu');
  });

  it('keeps working when mini-program storage throws', async () => {
    const wx = miniApi(() => ({ statusCode: 200, data: picks }));
    wx.getStorageSync = () => {
      throw new Error('getStorageSync:fail');
    };
    wx.setStorageSync = () => {
      throw new Error('setStorageSync:fail exceed storage max size 10MB');
    };
    const client = createClient({ site: 'demo', endpoint: 'https://x.example', transport: wx });
    expect(client.visitorId).toMatch(/^v_/);
    client.track({ type: 'view', itemId: 'p1' });
    expect(client.pending()).toBe(1);
  });
});
