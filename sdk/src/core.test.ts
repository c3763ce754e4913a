import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from './core.js';
import { isHTTPError, isTimeoutError, isValidationError, TimeoutError } from './errors.js';
import { memoryStorage } from './storage.js';

/** A real local HTTP server standing in for the worker; each test sets how it answers. */
let server: Server;
let endpoint: string;
let requests: { method: string; url: string; body: string }[] = [];
let handler: (req: IncomingMessage, body: string) => { status?: number; json?: unknown; delay?: number } = () => ({ json: {} });

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, body });
      const out = handler(req, body);
      setTimeout(() => {
        res.writeHead(out.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(out.json ?? {}));
      }, out.delay ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  requests = [];
  handler = (req) =>
    req.url!.includes('/events') ? { json: { accepted: 1, duplicates: 0, rejected: [] } } : { json: { recommendationId: 'r_1', source: 'popular', items: [] } };
});

const picks = { recommendationId: 'r_1', source: 'realtime', items: [{ id: 'p1', score: 1 }] };
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sentEvents = () => requests.filter((r) => r.url.endsWith('/events')).flatMap((r) => JSON.parse(r.body).events as { id: string; type: string }[]);

describe('createClient', () => {
  it('throws one clear ValidationError for bad options', () => {
    expect(() => createClient({ site: '' })).toThrow(/options\.site/);
    expect(() => createClient({ site: 'Demo!' })).toThrow(/options\.site/);
    expect(() => createClient({ site: 'demo', timeout: -1 })).toThrow(/options\.timeout/);
    expect(() => createClient({ site: 'demo', endpoint: 'ftp://x' })).toThrow(/options\.endpoint/);
    expect(() => createClient({ site: 'demo', transport: 'wx' })).toThrow(/needs the wx global/);
    try {
      createClient({ site: 'demo', batchSize: 1000 });
    } catch (e) {
      expect(isValidationError(e)).toBe(true);
    }
  });

  it('sends the visitor’s recent interactions with the next recommend()', async () => {
    handler = (req) => ({ json: req.url!.includes('/events') ? { accepted: 1 } : picks });
    const client = createClient({ site: 'demo', endpoint, storage: memoryStorage(), flushInterval: 60_000 });
    client.track({ type: 'view', itemId: 'p7' });
    client.track({ type: 'click', itemId: 'p9' });
    const res = await client.recommend({ k: 4, exclude: ['p1'] });
    expect(res.source).toBe('realtime');
    const url = new URL(requests.at(-1)!.url, endpoint);
    expect(url.pathname).toBe('/v1/sites/demo/recommendations');
    expect(url.searchParams.get('recent')).toBe('p7:view,p9:click');
    expect(url.searchParams.get('k')).toBe('4');
    expect(url.searchParams.get('exclude')).toBe('p1');
    expect(url.searchParams.get('visitorId')).toBe(client.visitorId);
  });

  it('retries reads after 5xx with backoff, and not after 4xx', async () => {
    let n = 0;
    handler = () => (++n < 3 ? { status: 503, json: { error: { code: 'model_unavailable', message: 'x' } } } : { json: picks });
    const client = createClient({ site: 'demo', endpoint, storage: memoryStorage(), retries: 2 });
    expect((await client.recommend()).items[0].id).toBe('p1');
    expect(n).toBe(3);
    n = 0;
    handler = () => (n++, { status: 400, json: { error: { code: 'invalid_request', message: 'k: too big' } } });
    const err = await client.recommend({ k: 500 }).catch((e) => e);
    expect(isHTTPError(err)).toBe(true);
    expect(err).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(err.message).toBe('400 invalid_request: k: too big');
    expect(n).toBe(1);
  });

  it('times out with TimeoutError', async () => {
    handler = () => ({ json: picks, delay: 400 });
    const client = createClient({ site: 'demo', endpoint, storage: memoryStorage(), timeout: 50, retries: 0 });
    const err = await client.popular().catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(isTimeoutError(err)).toBe(true);
  });

  it('batches events by size and by interval, each with a unique id', async () => {
    const client = createClient({ site: 'demo', endpoint, storage: memoryStorage(), batchSize: 3, flushInterval: 100 });
    for (const id of ['a', 'b', 'c']) client.track({ type: 'view', itemId: id });
    await wait(30);
    expect(requests.filter((r) => r.url.endsWith('/events'))).toHaveLength(1);
    client.track({ type: 'click', itemId: 'd' });
    expect(requests.filter((r) => r.url.endsWith('/events'))).toHaveLength(1);
    await wait(250);
    const events = sentEvents();
    expect(events.map((e) => e.type)).toEqual(['view', 'view', 'view', 'click']);
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
    expect(client.pending()).toBe(0);
  });

  it('keeps events in storage while offline and sends them later, without duplicates', async () => {
    const storage = memoryStorage();
    handler = () => ({ status: 503, json: { error: { code: 'internal', message: 'down' } } });
    const first = createClient({ site: 'demo', endpoint, storage, flushInterval: 50 });
    first.track({ type: 'purchase', itemId: 'p1', quantity: 1, price: 9.9 });
    first.track({ type: 'add_to_cart', itemId: 'p2' });
    await first.flush().catch(() => {});
    expect(first.pending()).toBe(2);
    // A new page load (same storage) while the server is back: the queued events go out once.
    handler = () => ({ json: { accepted: 2, duplicates: 0, rejected: [] } });
    requests = [];
    const second = createClient({ site: 'demo', endpoint, storage, flushInterval: 50 });
    await wait(150);
    // Both pages may resend the same queued events; the ids stay the same, so the API de-duplicates.
    const sent = sentEvents();
    expect(new Set(sent.map((e) => e.type))).toEqual(new Set(['purchase', 'add_to_cart']));
    expect(new Set(sent.map((e) => e.id)).size).toBe(2);
    expect(second.pending()).toBe(0);
    expect(second.visitorId).toBe(first.visitorId);
  });

  it('sends nothing while consent is pending, then everything once granted', async () => {
    const client = createClient({ site: 'demo', endpoint, storage: memoryStorage(), consent: 'pending', flushInterval: 30 });
    client.track({ type: 'view', itemId: 'p1' });
    await client.recommend();
    await wait(80);
    expect(sentEvents()).toHaveLength(0);
    expect(new URL(requests.at(-1)!.url, endpoint).searchParams.get('recent')).toBeNull();
    client.setConsent('granted');
    await wait(80);
    expect(sentEvents().map((e) => e.type)).toEqual(['view']);
  });

  it('respects Global Privacy Control unless the developer decides', async () => {
    const nav = globalThis.navigator as unknown as { globalPrivacyControl?: boolean };
    Object.defineProperty(nav, 'globalPrivacyControl', { value: true, configurable: true });
    try {
      const client = createClient({ site: 'demo', endpoint, storage: memoryStorage(), flushInterval: 30 });
      client.track({ type: 'click', itemId: 'p1' });
      await wait(80);
      expect(sentEvents()).toHaveLength(0);
      const explicit = createClient({ site: 'demo', endpoint, storage: memoryStorage(), flushInterval: 30, consent: 'granted' });
      explicit.track({ type: 'click', itemId: 'p2' });
      await wait(80);
      expect(sentEvents()).toHaveLength(1);
    } finally {
      Object.defineProperty(nav, 'globalPrivacyControl', { value: undefined, configurable: true });
    }
  });

  it('builds share links carrying the visitor as ref', () => {
    const client = createClient({ site: 'demo', endpoint, storage: memoryStorage(), flushInterval: 60_000 });
    expect(client.shareLink('p1', 'https://shop.example/p/1')).toBe(`https://shop.example/p/1?ref=${client.visitorId}`);
    expect(client.shareLink('p1', 'https://shop.example/p?id=1#top')).toBe(`https://shop.example/p?id=1&ref=${client.visitorId}#top`);
    expect(client.pending()).toBe(2);
  });
});

describe('resolveLink', () => {
  it('asks the worker for a link decision with the visitor id', async () => {
    handler = () => ({
      json: {
        slug: 'spring',
        version: 2,
        ruleId: 'wechat',
        target: { kind: 'wechat-miniprogram' },
        plan: { kind: 'redirect', location: 'weixin://dl/business/?appid=wx1' },
        env: { host: 'wechat', os: 'ios', bot: false },
        dropped: [],
        warnings: [],
      },
    });
    const client = createClient({ site: 'demo', endpoint, storage: memoryStorage() });
    const res = await client.resolveLink('spring', 'https://edge.example/r/spring?utm_source=x');
    expect(res.ruleId).toBe('wechat');
    const url = new URL(requests.at(-1)!.url, endpoint);
    expect(url.pathname).toBe('/v1/sites/demo/links/spring/resolve');
    expect(url.searchParams.get('visitorId')).toBe(client.visitorId);
    expect(url.searchParams.get('url')).toBe('https://edge.example/r/spring?utm_source=x');
  });
});

describe('mini-program transports', () => {
  it('uses wx.request and wx storage when there is no fetch', async () => {
    const calls: { url: string; method: string; data?: string }[] = [];
    const store = new Map<string, string>();
    const wx = {
      request(o: { url: string; method: string; data?: string; success(r: { statusCode: number; data: unknown }): void; fail(e: { errMsg: string }): void }) {
        calls.push({ url: o.url, method: o.method, data: o.data });
        if (o.url.includes('/popular')) setTimeout(() => o.success({ statusCode: 200, data: picks }), 1);
        else if (o.url.includes('/items/')) setTimeout(() => o.fail({ errMsg: 'request:fail timeout' }), 1);
        else setTimeout(() => o.success({ statusCode: 404, data: { error: { code: 'site_not_found', message: 'unknown site' } } }), 1);
      },
      getStorageSync: (k: string) => store.get(k) ?? '',
      setStorageSync: (k: string, v: string) => void store.set(k, v),
    };
    (globalThis as Record<string, unknown>).wx = wx;
    try {
      const client = createClient({ site: 'demo', endpoint: 'https://picks.example.com', transport: 'wx', retries: 0, flushInterval: 60_000 });
      expect((await client.popular({ k: 3 })).items[0].id).toBe('p1');
      expect(calls[0]).toMatchObject({ url: 'https://picks.example.com/v1/sites/demo/popular?k=3', method: 'GET' });
      expect(store.get('ep:demo:vid')).toBe(client.visitorId);
      expect(await client.item('p1').catch((e) => e.name)).toBe('TimeoutError');
      const err = await client.recommend().catch((e) => e);
      expect(err).toMatchObject({ name: 'HTTPError', status: 404, code: 'site_not_found' });
    } finally {
      delete (globalThis as Record<string, unknown>).wx;
    }
  });

  it('uses swan the same way', async () => {
    const swan = {
      request: (o: { url: string; success(r: { statusCode: number; data: unknown }): void }) => o.success({ statusCode: 200, data: picks }),
      getStorageSync: () => '',
      setStorageSync: () => {},
    };
    (globalThis as Record<string, unknown>).swan = swan;
    try {
      const client = createClient({ site: 'demo', transport: 'swan', endpoint: 'https://x.example' });
      expect((await client.similar('p0', { k: 2 })).items).toHaveLength(1);
    } finally {
      delete (globalThis as Record<string, unknown>).swan;
    }
  });
});
