// The SDK's CommonJS build for mini-programs (dist/miniprogram/edgepick.js, `npm run build`), run the
// way WeChat and Baidu run it: loaded with require(), no fetch, no DOM, and a `wx` / `swan` object
// whose `request` and sync storage are shims answering like the worker. Then both example projects:
// their files checked statically, and their app and pages run in a bare VM context.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { transform } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE = 'dist/miniprogram/edgepick.js';
const ENDPOINT = 'https://picks.example.com';
const KEY = 'ep_pub_demo00000000000000000000000000000';
const OTHER_SITE_KEY = 'ep_pub_othr00000000000000000000000000000';

type Sdk = typeof import('../../sdk/src/miniprogram.js');
const sdk: Sdk = createRequire(import.meta.url)(join(ROOT, BUNDLE));

// ---------------------------------------------------------------------------------------------------
// A mini-program API object (`wx` / `swan`) whose request goes to a stand-in for the worker.

interface MiniRequest {
  url: string;
  method: string;
  header?: Record<string, string>;
  data?: string;
  timeout?: number;
}
type MiniAnswer = { statusCode: number; data: unknown } | { errMsg: string };

const picksOf = (source: string, ids: string[], recommendationId = `r_${source}`) => ({
  recommendationId,
  source,
  items: ids.map((id, i) => ({
    id,
    score: 1 - i / 10,
    title: `商品 ${id}`,
    price: 10 + i,
    currency: 'CNY',
    image: `${ENDPOINT}/img/${id}.jpg`,
  })),
});
const resolution = {
  slug: 'spring',
  site: 'demo',
  version: 3,
  ruleId: 'r1',
  target: { kind: 'wechat-miniprogram', appId: 'wx0123456789abcdef', path: 'pages/index/index', envVersion: 'release' },
  plan: { kind: 'redirect', location: 'weixin://dl/business/?t=abcd' },
  env: { host: 'wechat-miniprogram', os: 'ios', bot: false },
  dropped: [],
  warnings: [],
};

/**
 * What the worker answers for site `demo` with `requireKey` (worker/src/sites/public-key.ts): 401
 * without a key or with an unknown one, 403 with another site's, else canned JSON per route
 * (`realtime` picks once `recent` interactions are sent).
 */
function worker(req: MiniRequest): MiniAnswer {
  const error = (statusCode: number, code: string, message: string) => ({ statusCode, data: { error: { code, message } } });
  const key = req.header?.['X-Edgepick-Key'];
  if (!key) return error(401, 'unauthorized', 'site demo needs its public key: send the X-Edgepick-Key header or ?key=');
  if (key === OTHER_SITE_KEY) return error(403, 'forbidden', 'this key belongs to another site');
  if (key !== KEY) return error(401, 'unauthorized', 'unknown or revoked key');
  const { pathname } = new URL(req.url);
  const path = pathname.replace('/v1/sites/demo', '');
  const body = req.data ? JSON.parse(req.data) : undefined;
  if (path === '/recommendations')
    return { statusCode: 200, data: body?.recent ? picksOf('realtime', ['p3', 'p1']) : picksOf('popular', ['p1', 'p2']) };
  if (path === '/popular') return { statusCode: 200, data: picksOf('popular', ['p1', 'p2']) };
  if (/^\/items\/[^/]+\/similar$/.test(path)) return { statusCode: 200, data: picksOf('similar', ['p7', 'p8']) };
  if (path.startsWith('/items/')) {
    const id = decodeURIComponent(path.slice('/items/'.length));
    return { statusCode: 200, data: { id, title: `商品 ${id}`, price: 19.9, currency: 'CNY' } };
  }
  if (path === '/links/spring/resolve') return { statusCode: 200, data: resolution };
  if (path === '/events') return { statusCode: 200, data: { accepted: body.events.length, duplicates: 0, rejected: [] } };
  return error(404, 'not_found', `no route ${path}`);
}

/** A `wx`/`swan` shim: records each request (without its callbacks) and keeps sync storage in a Map. */
function miniApi(answer: (req: MiniRequest) => MiniAnswer = worker, storage = new Map<string, unknown>()) {
  const api = {
    calls: [] as MiniRequest[],
    storage,
    navigations: [] as string[],
    request(
      o: MiniRequest & { success(r: { statusCode: number; data: unknown; header: object }): void; fail(e: { errMsg: string }): void },
    ) {
      const { success, fail, ...req } = o;
      api.calls.push(req);
      const r = answer(req);
      setTimeout(() => ('errMsg' in r ? fail(r) : success({ ...r, header: {} })), 1);
    },
    // Mini-program storage answers '' for a missing key.
    getStorageSync: (k: string) => (storage.has(k) ? storage.get(k) : ''),
    setStorageSync: (k: string, v: unknown) => void storage.set(k, v),
    navigateTo: (o: { url: string }) => void api.navigations.push(o.url),
    setNavigationBarTitle: () => {},
    showToast: () => {},
  };
  return api;
}
type MiniApi = ReturnType<typeof miniApi>;

/** The events of every batch POSTed so far, in order. */
const sentEvents = (api: MiniApi) =>
  api.calls.filter((c) => c.url.endsWith('/events')).flatMap((c) => JSON.parse(c.data!).events as Record<string, unknown>[]);

// ---------------------------------------------------------------------------------------------------

const g = globalThis as Record<string, unknown>;
const realFetch = globalThis.fetch;
beforeAll(() => {
  // Mini-programs have no fetch: the SDK must not need it.
  delete g.fetch;
});
afterAll(() => {
  g.fetch = realFetch;
});
afterEach(() => {
  delete g.wx;
  delete g.swan;
});

const client = (o: Partial<Parameters<Sdk['createClient']>[0]> = {}) =>
  sdk.createClient({ site: 'demo', key: KEY, endpoint: ENDPOINT, flushInterval: 3_600_000, ...o });

describe('the mini-program build', () => {
  it('is CommonJS with the headless client and the errors, nothing that needs a DOM', () => {
    expect(typeof fetch).toBe('undefined');
    for (const name of [
      'createClient',
      'isHTTPError',
      'isNetworkError',
      'isTimeoutError',
      'isValidationError',
      'HTTPError',
      'memoryStorage',
    ] as const)
      expect(typeof sdk[name], name).toBe('function');
    expect('mountRecommendations' in sdk || 'defineElements' in sdk).toBe(false);
    expect(readFileSync(join(ROOT, BUNDLE), 'utf8')).not.toMatch(
      /customElements|attachShadow|createElement|innerHTML|\beval\(|new Function\(/,
    );
  });

  it('uses no syntax newer than ES2015 (what iOS 10 runs without the developer tools’ ES6→ES5)', async () => {
    const code = readFileSync(join(ROOT, BUNDLE), 'utf8');
    // Lowering to ES2015 changes nothing only if nothing newer is there (async, **, ?., ??, spread…).
    const [es2015, esnext] = await Promise.all([transform(code, { target: 'es2015' }), transform(code, { target: 'esnext' })]);
    expect(es2015.code).toBe(esnext.code);
  });
});

describe('the client on wx (WeChat)', () => {
  it('asks for picks with a POST and lists with GETs, each with X-Edgepick-Key', async () => {
    const wx = (g.wx = miniApi());
    const c = client({ transport: 'wx' });
    c.track({ type: 'click', itemId: 'p2' });
    const picks = await c.recommend({ k: 2, placement: 'mp-home' });
    expect(picks).toMatchObject({ source: 'realtime', items: [{ id: 'p3' }, { id: 'p1' }] });
    await c.popular({ k: 2 });
    await c.similar('p 1', { k: 2 });
    await c.item('p1');
    expect(wx.calls.map((r) => `${r.method} ${r.url}`)).toEqual([
      `POST ${ENDPOINT}/v1/sites/demo/recommendations`,
      `GET ${ENDPOINT}/v1/sites/demo/popular?k=2`,
      `GET ${ENDPOINT}/v1/sites/demo/items/p%201/similar?k=2`,
      `GET ${ENDPOINT}/v1/sites/demo/items/p1`,
    ]);
    for (const r of wx.calls) expect(r.header).toEqual({ 'X-Edgepick-Key': KEY });
    expect(JSON.parse(wx.calls[0].data!)).toMatchObject({
      k: 2,
      placement: 'mp-home',
      visitorId: c.visitorId,
      recent: [{ itemId: 'p2', type: 'click' }],
    });
  });

  it('keeps the visitor id and unsent events in wx storage across launches', async () => {
    const wx = (g.wx = miniApi());
    const first = client({ transport: 'wx' });
    expect(wx.storage.get('ep:demo:vid')).toBe(first.visitorId);
    first.track({ type: 'view', itemId: 'p1' });
    // The app is closed before the batch went out; the next launch finds the same visitor and event.
    const next = client({ transport: 'wx' });
    expect(next.visitorId).toBe(first.visitorId);
    expect(next.pending()).toBe(1);
    await next.flush();
    expect(sentEvents(wx)).toEqual([expect.objectContaining({ itemId: 'p1', visitorId: first.visitorId })]);
    // Another device (storage) is another visitor.
    expect(client({ transport: miniApi() }).visitorId).not.toBe(first.visitorId);
  });

  it('sends tracked events as one batch with channel "wechat", the key and the sharer', async () => {
    const wx = (g.wx = miniApi());
    const c = client({ transport: 'wx', ref: 'v_friend', userId: 'u42' });
    c.track({ type: 'click', itemId: 'p1', recommendationId: 'r_popular', placement: 'mp-home' });
    c.track({ type: 'add_to_cart', itemId: 'p1', quantity: 2, price: 19.9 });
    await c.flush();
    const posts = wx.calls.filter((r) => r.url.endsWith('/events'));
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ method: 'POST', url: `${ENDPOINT}/v1/sites/demo/events`, header: { 'X-Edgepick-Key': KEY } });
    const events = sentEvents(wx);
    expect(events.map((e) => e.type)).toEqual(['click', 'add_to_cart']);
    for (const e of events) expect(e).toMatchObject({ channel: 'wechat', visitorId: c.visitorId, userId: 'u42', ref: 'v_friend' });
    expect(events[0]).toMatchObject({ recommendationId: 'r_popular', placement: 'mp-home' });
    expect(c.pending()).toBe(0);
  });

  it('finds wx by itself when there is no fetch', async () => {
    const wx = (g.wx = miniApi());
    const c = client(); // no transport option
    expect(c.channel).toBe('wechat');
    await c.popular();
    expect(wx.calls).toHaveLength(1);
  });

  it('resolves a campaign link to its routing decision', async () => {
    const wx = (g.wx = miniApi());
    const c = client({ transport: 'wx' });
    const decision = await c.resolveLink('spring', 'https://go.shop.example/r/spring?utm_source=baidu&ref=v_friend');
    expect(decision).toMatchObject({
      slug: 'spring',
      target: { kind: 'wechat-miniprogram', appId: 'wx0123456789abcdef' },
      plan: { kind: 'redirect' },
    });
    const url = new URL(wx.calls[0].url);
    expect(`${wx.calls[0].method} ${url.pathname}`).toBe('GET /v1/sites/demo/links/spring/resolve');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      visitorId: c.visitorId,
      url: 'https://go.shop.example/r/spring?utm_source=baidu&ref=v_friend',
    });
    expect(wx.calls[0].header).toEqual({ 'X-Edgepick-Key': KEY });
  });
});

describe('failures surface as the SDK’s error types', () => {
  it('401 without the key, 403 with another site’s: HTTPError with the worker’s code, not retried', async () => {
    const wx = (g.wx = miniApi());
    const keyless = client({ transport: 'wx', key: undefined });
    const missing = await keyless.popular().catch((e: unknown) => e);
    expect(sdk.isHTTPError(missing)).toBe(true);
    expect(missing).toBeInstanceOf(sdk.HTTPError);
    expect(missing).toMatchObject({ name: 'HTTPError', status: 401, code: 'unauthorized' });
    expect(wx.calls[0].header).toEqual({}); // no key, no header
    const wrong = await client({ transport: 'wx', key: OTHER_SITE_KEY })
      .recommend()
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({
      name: 'HTTPError',
      status: 403,
      code: 'forbidden',
      message: '403 forbidden: this key belongs to another site',
    });
    expect(wx.calls).toHaveLength(2);
  });

  it('a timeout is a TimeoutError, a failed request a NetworkError; reads are retried, then reported', async () => {
    g.swan = miniApi(() => ({ errMsg: 'request:fail timeout' }));
    const late = await client({ transport: 'swan', retries: 0, timeout: 3000 })
      .item('p1')
      .catch((e: unknown) => e);
    expect(sdk.isTimeoutError(late)).toBe(true);
    expect((late as Error).message).toBe(`GET ${ENDPOINT}/v1/sites/demo/items/p1 timed out after 3000 ms`);
    const offline = miniApi(() => ({ errMsg: 'request:fail net::ERR_INTERNET_DISCONNECTED' }));
    const down = await client({ transport: offline, retries: 1 })
      .popular()
      .catch((e: unknown) => e);
    expect(sdk.isNetworkError(down) && !sdk.isHTTPError(down)).toBe(true);
    expect(offline.calls).toHaveLength(2);
  });

  it('events stay queued (and stored) while the network fails, and go out once it is back', async () => {
    let online = false;
    const wx = (g.wx = miniApi((req) => (online ? worker(req) : { errMsg: 'request:fail' })));
    const c = client({ transport: 'wx' });
    c.track({ type: 'view', itemId: 'p1' });
    await expect(c.flush()).rejects.toSatisfy(sdk.isNetworkError);
    expect(JSON.parse(wx.storage.get('ep:demo:queue') as string)).toHaveLength(1);
    online = true;
    await c.flush();
    // The same event (same id) again: the one that failed, then the one the worker took.
    const [failed, taken] = wx.calls.map((r) => JSON.parse(r.data!).events);
    expect(taken).toEqual(failed);
    expect(taken).toEqual([expect.objectContaining({ itemId: 'p1', channel: 'wechat' })]);
    expect(c.pending()).toBe(0);
    expect(JSON.parse(wx.storage.get('ep:demo:queue') as string)).toEqual([]);
  });

  it('bad options throw a ValidationError at once', () => {
    expect(() => sdk.createClient({ site: 'demo', transport: 'swan', endpoint: ENDPOINT })).toThrow(
      /needs the swan global of a mini-program/,
    );
    g.wx = miniApi();
    const e = (() => {
      try {
        sdk.createClient({ site: 'demo', transport: 'wx' }); // no endpoint
      } catch (err) {
        return err;
      }
    })();
    expect(sdk.isValidationError(e)).toBe(true);
  });
});

describe('the client on swan (Baidu)', () => {
  it('uses swan.request and swan storage and sends events with channel "baidu"', async () => {
    const swan = (g.swan = miniApi());
    const c = client({ transport: 'swan' });
    expect(c.channel).toBe('baidu');
    expect(swan.storage.get('ep:demo:vid')).toBe(c.visitorId);
    expect(client({ transport: 'swan' }).visitorId).toBe(c.visitorId);
    await c.recommend({ k: 2 });
    c.track({ type: 'click', itemId: 'p2', placement: 'swan-home' });
    await c.flush();
    expect(swan.calls.map((r) => `${r.method} ${r.url} ${r.header?.['X-Edgepick-Key']}`)).toEqual([
      `POST ${ENDPOINT}/v1/sites/demo/recommendations ${KEY}`,
      `POST ${ENDPOINT}/v1/sites/demo/events ${KEY}`,
    ]);
    expect(sentEvents(swan)).toEqual([expect.objectContaining({ type: 'click', itemId: 'p2', channel: 'baidu', visitorId: c.visitorId })]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The example projects.

const EXAMPLES = [
  { dir: 'examples/wechat-miniprogram', api: 'wx', config: 'project.config.json', markup: '.wxml', channel: 'wechat' },
  { dir: 'examples/baidu-smartprogram', api: 'swan', config: 'project.swan.json', markup: '.swan', channel: 'baidu' },
] as const;

const read = (...p: string[]) => readFileSync(join(ROOT, ...p), 'utf8');
const json = (...p: string[]) => JSON.parse(read(...p));

/**
 * Runs a mini-program project in a bare VM context, as the platform would: its own globals (`wx` or
 * `swan`, App, Page, getApp; no fetch, no window), CommonJS require() relative to each file. `config`
 * replaces the project's config.js (which holds placeholders).
 */
function runProject(dir: string, apiName: 'wx' | 'swan', api: MiniApi, config?: object) {
  type Instance = Record<string, (...a: unknown[]) => Promise<unknown> | undefined> & { data: Record<string, unknown> };
  let app!: Record<string, unknown> & { onLaunch(o: unknown): void; globalData: { edgepick: ReturnType<Sdk['createClient']> } };
  const pageDefs = new Map<string, Record<string, unknown>>();
  let loading = '';
  const context = createContext({
    [apiName]: api,
    App: (o: typeof app) => void (app = o),
    Page: (o: Record<string, unknown>) => void pageDefs.set(loading, o),
    getApp: () => app,
    console,
    setTimeout,
    clearTimeout,
  });
  const root = join(ROOT, dir);
  const modules = new Map<string, { exports: unknown }>();
  if (config) modules.set(join(root, 'config.js'), { exports: config });
  const load = (file: string): unknown => {
    const cached = modules.get(file);
    if (cached) return cached.exports;
    const module = { exports: {} };
    modules.set(file, module);
    const wrapped = runInContext(`(function (module, exports, require) {${readFileSync(file, 'utf8')}\n})`, context, { filename: file });
    wrapped(module, module.exports, (p: string) => load(resolve(dirname(file), p.endsWith('.js') ? p : `${p}.js`)));
    return module.exports;
  };
  load(join(root, 'app.js'));
  return {
    /** App.onLaunch as the platform calls it; returns the app's edgepick client. */
    launch(query: Record<string, string> = {}) {
      app.onLaunch.call(app, { path: 'pages/index/index', query, scene: 1001 });
      return app.globalData.edgepick;
    },
    /** Loads a page's module (once) and makes an instance with `data` and `setData`. */
    page(route: string): Instance {
      loading = route;
      if (!pageDefs.has(route)) load(join(root, `${route}.js`));
      const def = pageDefs.get(route)!;
      const page = Object.create(def) as Instance;
      page.data = JSON.parse(JSON.stringify(def.data ?? {}));
      page.setData = (d: unknown) => void Object.assign(page.data, d);
      return page;
    },
  };
}

describe.each(EXAMPLES)('example $dir', ({ dir, api: apiName, config, markup, channel }) => {
  it('is a complete project: config, every page with its .js, .json and markup, the SDK where app.js requires it', () => {
    const project = json(dir, config);
    if (apiName === 'wx') expect(project).toMatchObject({ appid: 'touristappid', miniprogramRoot: './', compileType: 'miniprogram' });
    else expect(project).toMatchObject({ appid: expect.any(String), host: 'baiduboxapp' });
    const { pages } = json(dir, 'app.json') as { pages: string[] };
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages)
      for (const ext of ['.js', '.json', markup]) expect(existsSync(join(ROOT, dir, page + ext)), page + ext).toBe(true);
    // Every page a page navigates to is declared.
    const targets = pages.flatMap((p) => [...read(dir, `${p}.js`).matchAll(/navigateTo\(\{ url: `\/([^?`]+)/g)].map((m) => m[1]));
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) expect(pages).toContain(t);
    // app.js requires the build's output, which `npm run build` copies into libs/: the same bytes.
    const appJs = read(dir, 'app.js');
    expect(appJs).toContain("require('./libs/edgepick.js')");
    expect(appJs).toContain(`transport: '${apiName}'`);
    expect(appJs).toMatch(/site: config\.site,\s+key: config\.key,/);
    expect(read(dir, 'libs/edgepick.js')).toBe(read(BUNDLE));
    expect(read(dir, '.gitignore')).toMatch(/^libs\/$/m);
  });

  it('with config.js’s placeholder key, the home page says the worker refused it (a site that needs its key)', async () => {
    const api = miniApi();
    const project = runProject(dir, apiName, api);
    project.launch();
    const home = project.page('pages/index/index');
    await home.onShow();
    expect(home.data).toMatchObject({ items: [], source: 'popular', notice: 'edgepick: unauthorized' });
    const placeholder = /key: '(ep_pub_[A-Z_]+)'/.exec(read(dir, 'config.js'))![1];
    expect(api.calls.map((c) => c.header?.['X-Edgepick-Key'])).toEqual([placeholder, placeholder]);
  });

  it(`runs: picks on the home page, a tap tracked with channel "${channel}" and the sharer, then the product page`, async () => {
    const api = miniApi();
    const project = runProject(dir, apiName, api, { site: 'demo', key: KEY, endpoint: ENDPOINT });
    const client = project.launch({ ref: 'v_friend' });
    expect(client.channel).toBe(channel);
    expect(api.storage.get('ep:demo:vid')).toBe(client.visitorId);

    const home = project.page('pages/index/index');
    await home.onShow();
    expect(home.data).toMatchObject({ source: 'popular', items: [{ id: 'p1' }, { id: 'p2' }], recommendationId: 'r_popular', notice: '' });

    home.onTapItem({ currentTarget: { dataset: { id: 'p2' } } });
    expect(api.navigations).toEqual(['/pages/product/product?id=p2&rid=r_popular']);
    const product = project.page('pages/product/product');
    await product.onLoad({ id: 'p2', rid: 'r_popular' });
    expect(product.data).toMatchObject({
      item: { id: 'p2', title: '商品 p2' },
      similar: [{ id: 'p7' }, { id: 'p8' }],
      recommendationId: 'r_similar',
    });

    await client.flush();
    const events = sentEvents(api);
    expect(events.map((e) => `${e.type}:${e.itemId}`)).toEqual(['click:p2', 'view:p2']);
    for (const e of events) expect(e).toMatchObject({ channel, ref: 'v_friend', visitorId: client.visitorId });
    expect(events[0]).toMatchObject({ recommendationId: 'r_popular' });
    // Back on the home page, the picks know about the tap at once.
    await home.onShow();
    expect(home.data).toMatchObject({ source: 'realtime', items: [{ id: 'p3' }, { id: 'p1' }] });
  });
});

/** A page path's query as the platform hands it to onLoad: split, values left URL-encoded. */
const queryOf = (path: string) =>
  Object.fromEntries(
    (path.split('?')[1] ?? '')
      .split('&')
      .filter(Boolean)
      .map((p) => p.split('=') as [string, string]),
  );

describe.each(EXAMPLES)('example $dir: shares', ({ dir, api: apiName, channel }) => {
  it('a share opens the product page: the arrival carries the sharer, the item comes back first, and sharing on names this shopper', async () => {
    const api = miniApi();
    const project = runProject(dir, apiName, api, { site: 'demo', key: KEY, endpoint: ENDPOINT });
    const client = project.launch(); // already running when the share was opened: App.onLaunch saw no ref
    const product = project.page('pages/product/product');
    // What a share card or a campaign link (`/r/<slug>` passing ref, ch and item through) opens.
    await product.onLoad({ item: 'p%202', ref: 'u_friend', ch: 'wechat' });
    expect(product.data).toMatchObject({ item: { id: 'p 2', title: '商品 p 2' } });
    // The landing item's recent entry carries the sharer: the API shows it first as shared_with_you.
    await client.recommend({ k: 2 });
    const read = api.calls.find((c) => c.url.endsWith('/recommendations'))!;
    expect(JSON.parse(read.data!)).toMatchObject({ channel, recent: [{ itemId: 'p 2', type: 'view', ref: 'u_friend' }] });

    // Sharing on: the path names this shopper, with the channel; the share is tracked.
    const share = product.onShareAppMessage({ from: 'menu' }) as unknown as { path: string; title: string };
    expect(share).toMatchObject({ title: '商品 p 2', path: `/pages/product/product?item=p%202&ref=${client.visitorId}&ch=${channel}` });
    await client.flush();
    expect(sentEvents(api).map((e) => `${e.type}:${e.itemId}:${e.ref}:${e.channel}`)).toEqual([
      `view:p 2:u_friend:${channel}`,
      `share:p 2:undefined:${channel}`,
    ]);

    // The friend opens it on their own phone (a cold start): their view names this shopper.
    const friendApi = miniApi();
    const friendProject = runProject(dir, apiName, friendApi, { site: 'demo', key: KEY, endpoint: ENDPOINT });
    const friend = friendProject.launch(queryOf(share.path));
    await friendProject.page('pages/product/product').onLoad(queryOf(share.path));
    await friend.flush();
    expect(sentEvents(friendApi)).toEqual([expect.objectContaining({ type: 'view', itemId: 'p 2', ref: client.visitorId })]);
    expect(friend.recent()).toEqual([expect.objectContaining({ itemId: 'p 2', ref: client.visitorId })]);

    // The sharer opening their own card is no arrival.
    await project.page('pages/product/product').onLoad(queryOf(share.path));
    await client.flush();
    expect(sentEvents(api).at(-1)).toMatchObject({ type: 'view', itemId: 'p 2' });
    expect(sentEvents(api).at(-1)!.ref).toBeUndefined();
  });

  if (apiName === 'wx')
    it('a card’s share button on the home page shares the product page with this shopper as ref', () => {
      const api = miniApi();
      const project = runProject(dir, apiName, api, { site: 'demo', key: KEY, endpoint: ENDPOINT });
      const client = project.launch();
      const home = project.page('pages/index/index');
      const share = home.onShareAppMessage({ from: 'button', target: { dataset: { id: 'p1' } } }) as unknown as { path: string };
      expect(share.path).toBe(`/pages/product/product?item=p1&ref=${client.visitorId}&ch=wechat`);
      expect(client.pending()).toBe(1); // the share, tracked
    });
});
