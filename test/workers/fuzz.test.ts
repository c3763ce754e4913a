import { env, SELF } from 'cloudflare:test';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import demoLink from '../../examples/demo-link.json';
import { kvKeys } from '../../schema/pack-manifest.js';
import { publish } from './fixtures.js';
import {
  ALL_METHODS,
  AUTH_OK,
  AUTH_VARIANTS,
  authHeader,
  contentType,
  encoding,
  expectSane,
  field,
  hostileString,
  jsonBody,
  LINK,
  method,
  mutate,
  mutation,
  ORIGIN,
  originHeader,
  PROTO_KEYS,
  pairs,
  pct,
  queryString,
  type Req,
  SHOP,
  segment,
  show,
  TOKEN,
  UAS,
  visitorHeaders,
} from './fuzz-requests.js';

/**
 * Property-based fuzzing of every route the worker answers (fast-check, fixed seeds so a failure
 * replays). Each property sends malformed and hostile requests derived from the zod schemas and
 * asserts the contract every response keeps: never a 5xx, and every 4xx on an API path
 * (`/v1/*`, `/health`, `/openapi.json`, `/demo/img/*`) is `application/json` with
 * `{"error":{"code","message","issues"?}}`. `/r/:slug` may answer 404 with an HTML page.
 *
 * A failure prints the shrunk request and the response. Replay one property with its seed (and
 * the `path` fast-check prints) in `fc.assert(…, { seed, path })`.
 */

const SEED = 20_261_122;
/** A fixed seed per property, from its name (adding a property does not reshuffle the others). */
const seedOf = (name: string) => [...name].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0, SEED) | 0;
/** Each property stops generating (and shrinking) after this long; the file stays within ~60 s. */
const PROPERTY_TIME_LIMIT_MS = 6_000;

// ---------------------------------------------------------------------------------------------
// Valid bases the generators mutate
// ---------------------------------------------------------------------------------------------

const REC_BASE = {
  userId: 'alice',
  visitorId: 'v_8c1f',
  recent: [
    { itemId: 'a1', type: 'click', ts: 1767225600000 },
    { itemId: 'b2', type: 'view' },
  ],
  k: 5,
  exclude: ['a0', 'b0'],
  filter: { category: ['tea', 'pets'], minPrice: 1, maxPrice: 500 },
  placement: 'for-you',
};

const EVENT = {
  id: 'evt-fuzz-0001',
  type: 'click',
  visitorId: 'v_1',
  userId: 'u_1',
  itemId: 'a1',
  ts: 1767225600000,
  recommendationId: 'r_abc',
  placement: 'for-you',
  ref: 'v_2',
  quantity: 1,
  price: 9.9,
};
const EVENTS_BASE = {
  events: [EVENT, { id: 'evt-fuzz-0002', type: 'purchase', visitorId: 'v_1', itemId: 'b1', quantity: 2, price: 19.9 }],
};

/** A link that exercises every condition kind, splits, WeChat (open tag, URL Link) and Baidu targets. */
const linkDef = (slug: string) => ({
  slug,
  name: 'fuzz link',
  salt: 'pepper',
  rules: [
    {
      id: 'campaign',
      match: 'any',
      conditions: [
        { field: 'queryNumber', key: 'level', op: 'between', min: 2, max: 5 },
        { field: 'query', key: 'utm_source', op: 'in', values: ['baidu', 'wechat'] },
        { field: 'referrerHost', op: 'contains', value: 'baidu' },
        { field: 'language', op: 'prefix', value: 'zh' },
      ],
      action: {
        type: 'target',
        target: {
          kind: 'wechat-miniprogram',
          appId: 'wx1234567890abcdef',
          username: 'gh_0123456789ab',
          path: 'pages/item/item',
          query: 'from=fuzz',
          urlLink: 'https://wxaurl.cn/abcdef',
          urlLinkExpiresAt: '2020-01-01T00:00:00Z',
          encryptedScheme: 'weixin://dl/business/?t=AbCd1234',
          encryptedSchemeExpiresAt: '2099-01-01T00:00:00+08:00',
        },
      },
    },
    {
      id: 'weekend',
      conditions: [
        { field: 'weekday', op: 'in', values: [6, 7], timeZone: 'Asia/Shanghai' },
        { field: 'host', op: 'not_in', values: ['other'] },
      ],
      action: {
        type: 'split',
        variants: [
          { weight: 50, target: { kind: 'h5', url: '/weekend?a=1' } },
          { weight: 50, target: { kind: 'qr' } },
        ],
      },
    },
    {
      id: 'office',
      conditions: [
        { field: 'timeOfDay', op: 'between', from: '22:00', to: '06:00', timeZone: 'America/New_York' },
        { field: 'os', op: 'in', values: ['desktop', 'ios'] },
      ],
      action: { type: 'target', target: { kind: 'qr', url: 'https://edgepick.example/qr' } },
    },
    {
      id: 'later',
      conditions: [
        { field: 'schedule', op: 'between', start: '2030-01-01T00:00:00Z', end: '2031-01-01T00:00:00+08:00' },
        { field: 'country', op: 'equals', value: 'CN' },
      ],
      action: { type: 'target', target: { kind: 'h5', url: 'https://shop.edgepick.example/later' } },
    },
  ],
  default: {
    type: 'target',
    target: {
      kind: 'baidu-swan',
      appKey: 'DemoSwanAppKey2026',
      path: 'pages/index/index',
      query: 'from=fuzz',
      fallbackUrl: 'https://edgepick.example/demo',
    },
  },
  passThrough: ['partner', 'level'],
  preview: { title: 'Fuzz <b>link</b>', description: 'a "quoted" description', image: 'https://edgepick.example/og.png' },
});

const SIMULATE_BASE = {
  ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 9_3 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Mobile/13E233 MicroMessenger/6.3.15',
  country: 'CN',
  region: 'Zhejiang',
  city: 'Hangzhou',
  language: 'zh-CN',
  referrer: 'https://www.baidu.com/s?wd=tea',
  query: { utm_source: 'baidu', level: '3', partner: 'p1' },
  time: '2026-06-06T10:00:00+08:00',
  visitorId: 'v-fuzz',
};

/** A link only the explicit tests use (the properties may change or roll back LINK). */
const EXPLICIT = 'fz-explicit';

const admin = (method: string, path: string, body?: unknown) =>
  SELF.fetch(`${ORIGIN}/v1/admin/sites/${path}`, {
    method,
    headers: { authorization: AUTH_OK, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

beforeAll(async () => {
  await publish(SHOP, 'v1');
  await env.PACKS.put(
    kvKeys.config(SHOP),
    JSON.stringify({ id: SHOP, allowedOrigins: ['http://localhost:*'], linkHosts: ['edgepick.example', '*.edgepick.example'] }),
  );
  for (const [site, body] of [
    ['demo', linkDef(EXPLICIT)],
    ['demo', demoLink],
    ['demo', linkDef(LINK)],
    [SHOP, linkDef('fuzz-shop-link')],
  ] as const) {
    const res = await admin('POST', `${site}/links`, body);
    expect(res.status, await res.text()).toBe(201);
  }
  // A second version, so diff and rollback have something to work on.
  for (const slug of [LINK, EXPLICIT]) {
    const res = await admin('PUT', `demo/links/${slug}`, { ...linkDef(slug), name: 'fuzz link v2' });
    expect(res.status, await res.text()).toBe(200);
  }
});

// ---------------------------------------------------------------------------------------------
// Generators per route group
// ---------------------------------------------------------------------------------------------

const SITE_JUNK = [
  'zzz-unknown',
  'FUZZ-SHOP',
  `${SHOP}-`,
  '-x',
  'a'.repeat(63),
  'a'.repeat(64),
  'a'.repeat(600),
  '__proto__',
  'constructor',
  '',
];
/** A site path segment: mostly one of `valid`, else an unknown, malformed or hostile id. */
const site = (...valid: string[]) => pathParam(valid, SITE_JUNK);
/** A path parameter: mostly one of `valid`, else a junk id or a hostile string. */
const pathParam = (valid: string[], junk: string[]) =>
  segment(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...valid) },
      { weight: 1, arbitrary: fc.constantFrom(...junk) },
      { weight: 1, arbitrary: hostileString },
    ),
  );
const ITEM = pathParam(
  ['a1', 'a0', 'b3', 'b9', 'zz-missing'],
  ['__proto__', 'constructor', 'a'.repeat(128), 'a'.repeat(129), 'x'.repeat(600)],
);
const SLUG = pathParam(
  [LINK, LINK, 'demo', 'fuzz-shop-link', 'nope'],
  ['__proto__', 'FUZZ-LINK', '_', 'a'.repeat(63), 'a'.repeat(64), 'a'.repeat(600)],
);

const K = field('1', '5', '10', '100', '101', '0', '-1', '0x10', '0b11', '1e1', '1.5', '');
const IDS = field('a1', 'a1,b1', 'b0,b1,b2', ',,,', Array.from({ length: 501 }, (_, i) => `x${i}`).join(','));
const CATEGORY = field('tea', 'tea,pets', 'pets', '', ',', 'x'.repeat(200), Array.from({ length: 51 }, (_, i) => `c${i}`).join(','));
const PRICE = field('0', '10', '5.5', '1000', '-1', '1e309');
const LIST_FIELDS = { k: K, exclude: IDS, category: CATEGORY, minPrice: PRICE, maxPrice: PRICE };
const RECS_FIELDS = {
  ...LIST_FIELDS,
  userId: field('alice', 'bob', 'nobody'),
  visitorId: field('v1', 'v_8c1f'),
  recent: field(
    'a1',
    'a1:click,b2',
    'a1:purchase,a2:view,a3:share',
    'a1:nope',
    'zz:click',
    Array.from({ length: 51 }, () => 'a1').join(','),
  ),
  placement: field('for-you', 'p'.repeat(65)),
};

const withHeaders = (...hs: [string, string | undefined | null][]) => hs.filter((h): h is [string, string] => typeof h[1] === 'string');

const trailing = fc.constantFrom('', '', '', '/');

const META_PATHS = ['/health', '/openapi.json', '/health/', '/openapi.json/'];
const metaRequests = (methods: readonly string[], paths: string[]): fc.Arbitrary<Req> =>
  fc
    .record({
      method: fc.constantFrom(...methods),
      path: fc.constantFrom(...paths),
      query: queryString(pairs({ x: hostileString })),
      ct: contentType,
      body: jsonBody({ ok: true }, 1),
    })
    .map((r) => ({ method: r.method, path: r.path, query: r.query, headers: withHeaders(['content-type', r.ct]), body: r.body }));

const DEMO_FILES = field(
  'p0001.svg',
  'a.svg',
  `${'x'.repeat(64)}.svg`,
  `${'x'.repeat(65)}.svg`,
  '.svg',
  'p0001.png',
  'p0001.SVG',
  'p0001.svg.svg',
  'p0001',
);
const CATEGORIES = field(
  'tea',
  'coffee',
  'pets',
  'unknown-cat',
  ...PROTO_KEYS,
  '__defineGetter__',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__lookupGetter__',
);
const demoImageRequests = (shapes: ('file' | 'nested' | 'dir' | 'bare')[]): fc.Arbitrary<Req> =>
  fc
    .record({
      method: method('GET'),
      file: segment(
        fc.oneof(
          DEMO_FILES,
          hostileString.map((s) => `${s}.svg`),
        ),
      ),
      shape: fc.constantFrom(...shapes),
      query: queryString(pairs({ c: CATEGORIES, t: field('Tea', 'x'.repeat(100), '<b>x</b>') })),
    })
    .map((r) => ({
      method: r.method,
      path: { file: `/demo/img/${r.file}`, nested: `/demo/img/sub/${r.file}`, dir: '/demo/img/', bare: '/demo/img' }[r.shape],
      query: r.query,
    }));

const ROUTING_QUERY = pairs({
  utm_source: field('baidu', 'wechat', 'x'.repeat(600)),
  utm_campaign: field('spring', 'x'.repeat(2000)),
  level: field('3', '2', '5', '1e309', '0x3', 'NaN', '-0', ' 3'),
  partner: field('p1', 'x'.repeat(1500)),
  ref: field('v_1'),
  ch: field('moments'),
});

const redirectRequests: fc.Arbitrary<Req> = fc
  .record({
    method: method('GET'),
    slug: SLUG,
    shape: fc.constantFrom('slug', 'slug', 'slug', 'slug', 'open-tag', 'root', 'nested'),
    query: queryString(ROUTING_QUERY),
    headers: visitorHeaders,
  })
  .map((r) => ({
    method: r.method,
    path: r.shape === 'slug' ? `/r/${r.slug}` : r.shape === 'open-tag' ? '/r/_/open-tag.js' : r.shape === 'root' ? '/r/' : `/r/${r.slug}/x`,
    query: r.query,
    headers: r.headers,
  }));

const recommendationsGet: fc.Arbitrary<Req> = fc
  .record({
    method: method('GET'),
    site: site(SHOP),
    trailing,
    query: queryString(pairs(RECS_FIELDS)),
    origin: originHeader,
    body: fc.constant(JSON.stringify(REC_BASE)),
  })
  .map((r) => ({
    method: r.method,
    path: `/v1/sites/${r.site}/recommendations${r.trailing}`,
    query: r.query,
    headers: withHeaders(['origin', r.origin], ['content-type', 'application/json']),
    body: r.body,
  }));

const recommendationsPost: fc.Arbitrary<Req> = fc
  .record({
    method: method('POST'),
    site: site(SHOP),
    query: queryString(pairs(RECS_FIELDS), 2),
    ct: contentType,
    origin: originHeader,
    body: jsonBody(REC_BASE),
  })
  .map((r) => ({
    method: r.method,
    path: `/v1/sites/${r.site}/recommendations`,
    query: r.query,
    headers: withHeaders(['content-type', r.ct], ['origin', r.origin]),
    body: r.body,
  }));

const itemsRequests: fc.Arbitrary<Req> = fc
  .record({
    method: method('GET'),
    site: site(SHOP),
    kind: fc.constantFrom('popular', 'item', 'similar', 'items'),
    id: ITEM,
    trailing,
    query: queryString(pairs(LIST_FIELDS)),
    origin: originHeader,
  })
  .map((r) => ({
    method: r.method,
    path:
      r.kind === 'popular'
        ? `/v1/sites/${r.site}/popular${r.trailing}`
        : r.kind === 'items'
          ? `/v1/sites/${r.site}/items${r.trailing}`
          : `/v1/sites/${r.site}/items/${r.id}${r.kind === 'similar' ? '/similar' : ''}${r.trailing}`,
    query: r.query,
    headers: withHeaders(['origin', r.origin]),
  }));

const eventsRequests: fc.Arbitrary<Req> = fc
  .record({ method: method('POST'), site: site(SHOP, 'demo'), ct: contentType, origin: originHeader, body: jsonBody(EVENTS_BASE, 4) })
  .map((r) => ({
    method: r.method,
    path: `/v1/sites/${r.site}/events`,
    headers: withHeaders(['content-type', r.ct], ['origin', r.origin]),
    body: r.body,
  }));

const resolveRequests: fc.Arbitrary<Req> = fc
  .record({
    method: method('GET'),
    site: site('demo', SHOP),
    slug: SLUG,
    query: queryString(
      pairs({
        url: field(
          `${ORIGIN}/r/${LINK}?utm_source=baidu&level=3`,
          'not a url',
          'https://x/?level=1e309',
          `https://x/?utm_source=${'a'.repeat(3000)}`,
          'javascript:alert(1)',
        ),
        visitorId: field('v1', ''),
      }),
    ),
    headers: visitorHeaders,
  })
  .map((r) => ({ method: r.method, path: `/v1/sites/${r.site}/links/${r.slug}/resolve`, query: r.query, headers: r.headers }));

const SEGMENT = segment(field('x', 'items', 'links', 'popular', 'sites', 'admin', 'recommendations', 'events'));
const unknownApiRequests: fc.Arbitrary<Req> = fc
  .record({
    method: fc.constantFrom(...ALL_METHODS),
    site: site(SHOP, 'demo'),
    seg: SEGMENT,
    shape: fc.constantFrom(
      '/v1',
      '/v1/',
      '/v1/$seg',
      '/v1/sites',
      '/v1/sites/$site',
      '/v1/sites/$site/$seg',
      '/v1/sites/$site/links',
      '/v1/sites/$site/links/$seg',
      '/v1/admin',
      '/v1/admin/sites/$site',
      '/v1/admin/sites/$site/$seg',
    ),
    auth: authHeader,
    origin: originHeader,
    body: jsonBody({}, 1),
  })
  .map((r) => ({
    method: r.method,
    path: r.shape.replace('$site', r.site).replace('$seg', r.seg),
    headers: withHeaders(['authorization', r.auth], ['origin', r.origin], ['content-type', 'application/json']),
    body: r.body,
  }));

const ADMIN_SITE = pathParam(
  ['demo', 'demo', SHOP],
  ['zzz-unknown', 'a'.repeat(600), 'a'.repeat(600), 'DEMO', '__proto__', '', 'a'.repeat(64)],
);
const NEW_SLUG = fc.oneof(
  fc.constantFrom('fz-new', 'fz-other', LINK, 'demo'),
  fc.integer({ min: 0, max: 50 }).map((n) => `fz-${n}`),
);
const adminHeaders = (auth: string | undefined, ct: string | undefined) => withHeaders(['authorization', auth], ['content-type', ct]);

const adminCollection: fc.Arbitrary<Req> = fc
  .record({
    method: method('GET', 'POST'),
    site: ADMIN_SITE,
    trailing,
    auth: authHeader,
    ct: contentType,
    body: NEW_SLUG.chain((slug) => jsonBody(linkDef(slug), 3)),
  })
  .map((r) => ({
    method: r.method,
    path: `/v1/admin/sites/${r.site}/links${r.trailing}`,
    headers: adminHeaders(r.auth, r.ct),
    body: r.body,
  }));

const DAY = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '2026-01-01',
      '2026-12-31',
      '9999-99-99',
      '0000-00-00',
      '2026-02-30',
      '2026-13-45',
      '1970-01-01',
      '2026-1-1',
    ),
  },
  { weight: 1, arbitrary: hostileString },
);
const VERSION = field('1', '2', '0', '-1', '1e0', '0x1', '1.0', ' 1', '9'.repeat(30), 'NaN', '');
/** `from=…&to=…` with either side missing now and then, plus junk params. */
const fromTo = (v: fc.Arbitrary<string>) =>
  fc
    .tuple(
      fc.option(v, { nil: undefined, freq: 2 }),
      fc.option(v, { nil: undefined, freq: 2 }),
      queryString(pairs({ from: v, to: v }), 2),
      encoding,
    )
    .map(([from, to, extra, e]) => {
      const enc = (x: string) => (e === 'raw' ? x : pct(x));
      const parts = [from === undefined ? '' : `from=${enc(from)}`, to === undefined ? '' : `to=${enc(to)}`, extra ?? ''].filter(Boolean);
      return parts.length ? parts.join('&') : undefined;
    });
const ADMIN_SLUG = pathParam([LINK, LINK, LINK, 'demo', 'nope'], ['__proto__', 'FUZZ-LINK', '_', 'a'.repeat(64), 'a'.repeat(600)]);
const adminLinkRead: fc.Arbitrary<Req> = fc
  .record({
    method: method('GET', 'GET', 'DELETE'),
    site: ADMIN_SITE,
    slug: ADMIN_SLUG,
    sub: fc.constantFrom('', '', '/versions', '/diff', '/diff', '/audit', '/stats', '/stats', '/nope'),
    diff: fromTo(VERSION),
    stats: fromTo(DAY),
    auth: authHeader,
  })
  .map((r) => ({
    method: r.method,
    // Keep the links the other properties need (deleting them is tested by the admin tests).
    path: `/v1/admin/sites/${r.site}/links/${r.method === 'DELETE' && (r.slug === LINK || r.slug === 'demo') ? 'fz-gone' : r.slug}${r.sub}`,
    query: r.sub === '/diff' ? r.diff : r.sub === '/stats' ? r.stats : undefined,
    headers: adminHeaders(r.auth, undefined),
  }));

const adminLinkWrite: fc.Arbitrary<Req> = fc
  .record({
    method: method('PUT'),
    site: ADMIN_SITE,
    slug: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(LINK, 'fuzz-shop-link', 'fz-new') }, { weight: 1, arbitrary: SLUG }),
    auth: authHeader,
    ct: contentType,
  })
  .chain((r) =>
    jsonBody(linkDef(r.slug), 3).map((body) => ({
      method: r.method,
      path: `/v1/admin/sites/${r.site}/links/${r.slug}`,
      headers: adminHeaders(r.auth, r.ct),
      body,
    })),
  );

const TIMES = field(
  '2026-06-06T10:00:00+08:00',
  '2026-02-30T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '9999-12-31T23:59:59+14:00',
  '0000-01-01T00:00:00Z',
  '2026-06-06T10:00:00',
);
const adminLinkActions: fc.Arbitrary<Req> = fc
  .record({
    method: method('POST'),
    site: ADMIN_SITE,
    slug: fc.oneof({ weight: 4, arbitrary: fc.constant(LINK) }, { weight: 1, arbitrary: SLUG }),
    action: fc.constantFrom('rollback', 'simulate', 'simulate'),
    auth: authHeader,
    ct: contentType,
    rollback: jsonBody({ version: 1 }, 2),
    simulate: fc.oneof(
      jsonBody(SIMULATE_BASE, 3),
      fc.tuple(TIMES, hostileString).map(([time, ua]) => JSON.stringify({ ...SIMULATE_BASE, time, ua })),
    ),
  })
  .map((r) => ({
    method: r.method,
    path: `/v1/admin/sites/${r.site}/links/${r.slug}/${r.action}`,
    headers: adminHeaders(r.auth, r.ct),
    body: r.action === 'rollback' ? r.rollback : r.simulate,
  }));

const adminAuthRequests: fc.Arbitrary<Req> = fc
  .record({
    method: fc.constantFrom(...ALL_METHODS),
    site: ADMIN_SITE,
    // `/fz-auth` for DELETE: a token that passes must not delete the links the other properties use.
    sub: fc.constantFrom(
      '',
      `/${LINK}`,
      '/fz-auth',
      `/${LINK}/versions`,
      `/${LINK}/diff?from=1&to=2`,
      `/${LINK}/audit`,
      `/${LINK}/stats`,
      `/${LINK}/simulate`,
    ),
    auth: fc.constantFrom<string | undefined>(...AUTH_VARIANTS, undefined),
  })
  .map((r) => {
    const [path, query] = `/v1/admin/sites/${r.site}/links${r.method === 'DELETE' && r.sub === `/${LINK}` ? '/fz-auth' : r.sub}`.split('?');
    return { method: r.method, path, query, headers: adminHeaders(r.auth, 'application/json'), body: JSON.stringify(SIMULATE_BASE) };
  });

/** Links that send every visitor to one kind of target: a hostile leaf in them reaches the renderer. */
const TARGETS = [
  { kind: 'h5', url: 'https://edgepick.example/p?a=1' },
  { kind: 'h5', url: '/p/x?y=1' },
  { kind: 'qr', url: 'https://edgepick.example/qr' },
  {
    kind: 'wechat-miniprogram',
    appId: 'wx1234567890abcdef',
    username: 'gh_0123456789ab',
    path: 'pages/index/index',
    query: 'from=fuzz',
    urlLink: 'https://wxaurl.cn/abcdef',
    urlLinkExpiresAt: '2099-01-01T00:00:00Z',
  },
  {
    kind: 'wechat-miniprogram',
    appId: 'wx1234567890abcdef',
    path: 'pages/index/index',
    query: 'from=fuzz',
    encryptedScheme: 'weixin://dl/business/?t=AbCd1234',
  },
  {
    kind: 'baidu-swan',
    appKey: 'DemoSwanAppKey2026',
    path: 'pages/index/index',
    query: 'from=fuzz',
    fallbackUrl: 'https://edgepick.example/demo',
  },
];
const TARGET_LINKS = [
  ...TARGETS.map((target) => ({ slug: '$SLUG', default: { type: 'target', target } })),
  {
    slug: '$SLUG',
    name: 'round trip',
    rules: [
      {
        id: 'campaign',
        conditions: [{ field: 'query', key: 'utm_source', op: 'equals', value: 'fuzz' }],
        action: { type: 'target', target: { kind: 'qr' } },
      },
    ],
    default: {
      type: 'split',
      variants: [
        { weight: 50, target: TARGETS[1] },
        { weight: 50, target: TARGETS[4] },
      ],
    },
    passThrough: ['partner'],
    preview: { title: 'Round trip', description: 'desc', image: 'https://edgepick.example/og.png' },
  },
];
/** Strings a schema may let through that a header, URL or HTML renderer may not. */
const RENDER_HOSTILE = fc.oneof(
  fc.constantFrom(
    'a=1\nb=2',
    '\r\n',
    'a=\u0000',
    'a=\ud800',
    '\udfff',
    '\u2028',
    '中文 b',
    '%0A',
    '%E0%A4%A',
    '"><script>alert(1)</script>',
    '&amp;',
    '?#',
    '1\t2',
  ),
  hostileString,
);
/** Fields whose schema takes any string (up to a length): what reaches headers, URLs and HTML unchecked. */
const FREE_TEXT = ['query', 'name', 'title', 'description', 'value'];
/** One UA per environment the renderer distinguishes. */
const VISITOR_UAS = UAS.slice(0, 9);

/** Create a link with hostile (but mostly schema-valid) leaves, then visit it from every environment, resolve it and simulate it. */
const roundTrip: fc.Arbitrary<Req[]> = fc
  .record({
    link: fc.constantFrom(...TARGET_LINKS),
    leaves: fc.array(fc.tuple(mutation, RENDER_HOSTILE), { minLength: 1, maxLength: 2 }),
    query: queryString(ROUTING_QUERY, 3),
  })
  .map((r) => {
    const body = JSON.stringify(
      mutate(
        r.link,
        r.leaves.map(([m, str]) => ({ ...m, op: 'leaf' as const, str, keys: FREE_TEXT })),
      ),
    );
    const query = Object.fromEntries(new URLSearchParams(r.query ?? ''));
    const admin = adminHeaders(AUTH_OK, 'application/json');
    return [
      { method: 'POST', path: '/v1/admin/sites/demo/links', headers: admin, body },
      ...VISITOR_UAS.map((ua) => ({
        method: 'GET',
        path: '/r/$SLUG',
        query: r.query,
        headers: [['user-agent', ua]] as [string, string][],
      })),
      {
        method: 'GET',
        path: '/v1/sites/demo/links/$SLUG/resolve',
        query: r.query,
        headers: [['user-agent', VISITOR_UAS[4]]] as [string, string][],
      },
      {
        method: 'POST',
        path: '/v1/admin/sites/demo/links/$SLUG/simulate',
        headers: admin,
        body: JSON.stringify({ ua: VISITOR_UAS[4], query }),
      },
    ];
  });

let fresh = 0;
/** Runs a request, or a sequence with a fresh `$SLUG` (link-store caches a slug for 5 s per isolate). */
async function check(x: Req | Req[]) {
  if (!Array.isArray(x)) return expectSane(x);
  const slug = `fz-rt-${++fresh}`;
  const seq = x.map((r) => ({ ...r, path: r.path.replace('$SLUG', slug), body: r.body?.replace('"$SLUG"', JSON.stringify(slug)) }));
  for (const r of seq) {
    try {
      await expectSane(r);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n  after ${show(seq[0])}`);
    }
  }
}

/** Valid requests on every per-site route, `$SITE` to be replaced. */
const PUBLIC_CALLS: Req[] = [
  { method: 'GET', path: '/v1/sites/$SITE/recommendations', query: 'userId=alice&k=3&recent=a1:click' },
  {
    method: 'POST',
    path: '/v1/sites/$SITE/recommendations',
    headers: [['content-type', 'application/json']],
    body: JSON.stringify(REC_BASE),
  },
  { method: 'GET', path: '/v1/sites/$SITE/popular', query: 'k=3&category=tea' },
  { method: 'GET', path: '/v1/sites/$SITE/items/a1' },
  { method: 'GET', path: '/v1/sites/$SITE/items/a1/similar', query: 'k=3' },
  { method: 'POST', path: '/v1/sites/$SITE/events', headers: [['content-type', 'application/json']], body: JSON.stringify(EVENTS_BASE) },
  { method: 'GET', path: `/v1/sites/$SITE/links/${LINK}/resolve` },
  {
    method: 'OPTIONS',
    path: '/v1/sites/$SITE/popular',
    headers: [
      ['origin', 'http://localhost:5173'],
      ['access-control-request-method', 'GET'],
    ],
  },
];
const A: [string, string][] = [
  ['authorization', AUTH_OK],
  ['content-type', 'application/json'],
];
const ADMIN_CALLS: Req[] = [
  { method: 'GET', path: '/v1/admin/sites/$SITE/links', headers: A },
  { method: 'POST', path: '/v1/admin/sites/$SITE/links', headers: A, body: JSON.stringify(linkDef('fz-junk-site')) },
  { method: 'GET', path: `/v1/admin/sites/$SITE/links/${LINK}`, headers: A },
  { method: 'PUT', path: `/v1/admin/sites/$SITE/links/${LINK}`, headers: A, body: JSON.stringify(linkDef(LINK)) },
  { method: 'DELETE', path: '/v1/admin/sites/$SITE/links/fz-junk-site', headers: A },
  { method: 'GET', path: `/v1/admin/sites/$SITE/links/${LINK}/versions`, headers: A },
  { method: 'GET', path: `/v1/admin/sites/$SITE/links/${LINK}/diff`, query: 'from=1&to=2', headers: A },
  { method: 'GET', path: `/v1/admin/sites/$SITE/links/${LINK}/audit`, headers: A },
  { method: 'GET', path: `/v1/admin/sites/$SITE/links/${LINK}/stats`, headers: A },
  { method: 'POST', path: `/v1/admin/sites/$SITE/links/${LINK}/rollback`, headers: A, body: '{"version":1}' },
  { method: 'POST', path: `/v1/admin/sites/$SITE/links/${LINK}/simulate`, headers: A, body: JSON.stringify(SIMULATE_BASE) },
];
/** Every route with a valid request but for the site id: unknown, malformed, overlong, hostile. */
const junkSite = (calls: Req[]): fc.Arbitrary<Req> =>
  fc
    .record({
      call: fc.constantFrom(...calls),
      site: segment(
        fc.oneof(
          { weight: 2, arbitrary: fc.constantFrom(...SITE_JUNK, 'zzz-unknown', 'a'.repeat(600), 'a'.repeat(513)) },
          { weight: 1, arbitrary: hostileString },
        ),
      ),
    })
    .map((r) => ({ ...r.call, path: r.call.path.replace('$SITE', r.site) }));

/** The sites, catalog, models and stats admin routes, and trending: hostile bodies, paths, queries and tokens. */
const shopAdminRequests: fc.Arbitrary<Req> = fc
  .record({
    route: fc.constantFrom(
      [
        'POST',
        '',
        { id: 'fz-site', name: 'Fuzz site', allowedOrigins: ['https://shop.example'], linkHosts: ['shop.example'], currency: 'CNY' },
      ],
      ['GET', '/$SITE', undefined],
      ['PATCH', '/$SITE', { name: 'renamed', allowedOrigins: ['https://m.shop.example'] }],
      ['POST', '/$SITE/keys', { role: 'marketer', label: 'fuzz' }],
      ['GET', '/$SITE/keys', undefined],
      ['DELETE', '/$SITE/keys/key_000000000000', undefined],
      ['PUT', '/$SITE/items', { items: [{ id: 'fz-item', title: 'Fuzz', price: 1, inStock: true, tags: ['x'] }] }],
      ['DELETE', '/$SITE/items/fz-item', undefined],
      ['GET', '/$SITE/models', undefined],
      ['POST', '/$SITE/models/v1/activate', undefined],
      ['POST', '/$SITE/models/rollback', undefined],
      ['GET', '/$SITE/stats', undefined],
    ) as fc.Arbitrary<[string, string, unknown]>,
    otherMethod: fc.option(method('GET'), { freq: 4 }),
    site: ADMIN_SITE,
    auth: authHeader,
    ct: contentType,
    mutations: fc.integer({ min: 1, max: 3 }),
    query: fromTo(DAY),
    seed: fc.integer(),
  })
  .chain((r) =>
    (r.route[2] === undefined ? fc.constant(undefined) : jsonBody(r.route[2], r.mutations)).map((body) => ({
      method: r.otherMethod ?? r.route[0],
      path: `/v1/admin/sites${r.route[1].replace('$SITE', r.site)}`,
      ...(r.route[1].endsWith('/stats') && r.query ? { query: r.query } : {}),
      headers: adminHeaders(r.auth, r.ct),
      body,
    })),
  );

const trendingRequests: fc.Arbitrary<Req> = fc
  .record({
    m: method('GET'),
    site: ADMIN_SITE,
    query: queryString(pairs({ k: field('5', '0', '0x10', '101', ''), category: hostileString, exclude: hostileString })),
  })
  .map((r) => ({ method: r.m, path: `/v1/sites/${r.site}/trending`, query: r.query }));

/** Route group → generator and number of runs (≈ 4,000 requests in all). */
const GROUPS: [name: string, arb: fc.Arbitrary<Req | Req[]>, runs: number][] = [
  ['GET|HEAD /health, /openapi.json', metaRequests(['GET', 'HEAD'], [...META_PATHS, '/health/x', '//health', '/Health']), 150],
  [
    'POST|PUT|PATCH|DELETE|OPTIONS|PROPFIND /health, /openapi.json',
    metaRequests(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND'], META_PATHS),
    100,
  ],
  ['GET|* /demo/img/:file', demoImageRequests(['file']), 400],
  ['GET|* /demo/img, /demo/img/, /demo/img/a/b', demoImageRequests(['dir', 'bare', 'nested']), 100],
  ['GET|* /r/:slug, /r/_/open-tag.js', redirectRequests, 300],
  ['GET|* /v1/sites/:site/recommendations (query)', recommendationsGet, 400],
  ['POST|* /v1/sites/:site/recommendations (body)', recommendationsPost, 400],
  ['GET|* /v1/sites/:site/popular, items/:id, items/:id/similar', itemsRequests, 400],
  ['POST|* /v1/sites/:site/events', eventsRequests, 400],
  ['GET|* /v1/sites/:site/links/:slug/resolve', resolveRequests, 300],
  ['* /v1/* unknown routes', unknownApiRequests, 200],
  ['/v1/sites/:site/* (every route) on unknown, malformed and hostile site ids', junkSite(PUBLIC_CALLS), 200],
  ['/v1/admin/sites/:site/links* (every route) on unknown, malformed and hostile site ids', junkSite(ADMIN_CALLS), 250],
  ['GET|POST|* /v1/admin/sites/:site/links', adminCollection, 300],
  ['GET|DELETE|* /v1/admin/sites/:site/links/:slug{,/versions,/diff,/audit,/stats}', adminLinkRead, 400],
  ['PUT|* /v1/admin/sites/:site/links/:slug', adminLinkWrite, 250],
  ['POST|* /v1/admin/sites/:site/links/:slug/{rollback,simulate}', adminLinkActions, 300],
  ['* /v1/admin/… with odd Authorization headers', adminAuthRequests, 200],
  ['* /v1/admin/sites{,/:site{,/keys*,/items*,/models*,/stats}} (sites, keys, catalog, models, stats)', shopAdminRequests, 400],
  ['GET|* /v1/sites/:site/trending', trendingRequests, 150],
  ['round trip: POST admin link with hostile leaves → GET /r/:slug (every UA), resolve, simulate', roundTrip, 120],
];

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe('fuzz: no 5xx, JSON errors on API paths', () => {
  GROUPS.forEach(([name, arb, runs]) => {
    it(name, async () => {
      await fc.assert(fc.asyncProperty(arb, check), {
        seed: seedOf(name),
        numRuns: runs,
        plugins: [fc.interruptAfterTimeLimit(PROPERTY_TIME_LIMIT_MS)],
      });
    }, 120_000);
  });
});

// ---------------------------------------------------------------------------------------------
// Explicit cases (the right behaviour, stated once)
// ---------------------------------------------------------------------------------------------

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${ORIGIN}${path}`, { headers });
const errorOf = async (res: Response) => {
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  return ((await res.json()) as { error: { code: string; message: string } }).error;
};

describe('fuzz: explicit cases', () => {
  describe('k accepts decimal integers only', () => {
    for (const k of ['0x10', '0b11', '0o7', '1e1', ' 5', '5 ']) {
      for (const path of [`/v1/sites/${SHOP}/recommendations`, `/v1/sites/${SHOP}/popular`, `/v1/sites/${SHOP}/items/a1/similar`]) {
        it(`${path}?k=${JSON.stringify(k)} → 400 invalid_request`, async () => {
          const res = await get(`${path}?k=${encodeURIComponent(k)}`);
          expect(res.status).toBe(400);
          expect((await errorOf(res)).code).toBe('invalid_request');
        });
      }
    }
  });

  for (const path of [`/v1/sites/${SHOP}/recommendations`, `/v1/sites/${SHOP}/popular`]) {
    it(`${path}?category= (empty) → 400 invalid_request`, async () => {
      const res = await get(`${path}?category=`);
      expect(res.status).toBe(400);
      expect((await errorOf(res)).code).toBe('invalid_request');
    });
  }

  describe('events with broken strings in ids are rejected', () => {
    const cases: [string, object][] = [
      ['id with a lone high surrogate', { id: 'evt-\ud800-0001' }],
      ['id with a lone low surrogate', { id: 'evt-\udc00-0002' }],
      ['id with NUL', { id: 'evt-\u0000-0003' }],
      ['itemId with a lone surrogate', { id: 'evt-surr-0004', itemId: 'a1\ud800' }],
      ['itemId with NUL', { id: 'evt-nul-00005', itemId: 'a1\u0000' }],
      ['visitorId with a lone surrogate', { id: 'evt-surr-0006', visitorId: '\udfffv' }],
    ];
    for (const [name, over] of cases) {
      it(name, async () => {
        const res = await SELF.fetch(`${ORIGIN}/v1/sites/${SHOP}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ events: [{ ...EVENT, ...over }] }),
        });
        const text = await res.text();
        if (res.status === 200) {
          const body = JSON.parse(text) as { accepted: number; rejected: { index: number; code: string }[] };
          expect(body.accepted, text).toBe(0);
          expect(body.rejected, text).toMatchObject([{ index: 0, code: 'invalid_event' }]);
        } else expect(res.status, text).toBe(400);
      });
    }
  });

  describe('admin API on an unknown or malformed site → 404 site_not_found', () => {
    const sites = [
      ['zzz-unknown', 'zzz-unknown'],
      ['a 600-character id', 'a'.repeat(600)],
    ];
    const calls: [string, string, unknown?][] = [
      ['GET', ''],
      ['POST', '', linkDef('fz-unknown-site')],
      ['GET', `/${LINK}`],
      ['PUT', `/${LINK}`, linkDef(LINK)],
      ['DELETE', '/fz-unknown-site'],
      ['GET', `/${LINK}/versions`],
      ['GET', `/${LINK}/diff?from=1&to=2`],
      ['GET', `/${LINK}/audit`],
      ['GET', `/${LINK}/stats`],
      ['POST', `/${LINK}/rollback`, { version: 1 }],
      ['POST', `/${LINK}/simulate`, SIMULATE_BASE],
    ];
    for (const [label, id] of sites) {
      for (const [m, sub, body] of calls) {
        it(`${m} /v1/admin/sites/{${label}}/links${sub}`, async () => {
          const res = await admin(m, `${id}/links${sub}`, body);
          const text = await res.text();
          expect(res.status, text).toBe(404);
          expect((JSON.parse(text) as { error: { code: string } }).error.code, text).toBe('site_not_found');
        });
      }
    }
  });

  it('public API on a 600-character site id → 404 site_not_found', async () => {
    const res = await get(`/v1/sites/${'a'.repeat(600)}/popular`);
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('site_not_found');
  });

  for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
    it(`Authorization scheme is case-insensitive: "${scheme} …"`, async () => {
      const res = await SELF.fetch(`${ORIGIN}/v1/admin/sites/demo/links`, { headers: { authorization: `${scheme} ${TOKEN}` } });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(((await res.json()) as { links: unknown[] }).links).toBeInstanceOf(Array);
    });
  }

  describe('other methods on GET-only paths → 405 JSON with Allow', () => {
    for (const path of ['/health', '/openapi.json', '/demo/img/x.svg', `/v1/sites/${SHOP}/popular`]) {
      for (const m of ['POST', 'PUT', 'DELETE', 'PATCH']) {
        it(`${m} ${path}`, async () => {
          const res = await SELF.fetch(`${ORIGIN}${path}`, { method: m, body: m === 'DELETE' ? undefined : '{}' });
          const text = await res.text();
          expect(res.status, text).toBe(405);
          expect(res.headers.get('content-type') ?? '', text).toMatch(/^application\/json/);
          expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe('method_not_allowed');
          expect(res.headers.get('allow')).toMatch(/GET/);
        });
      }
    }
  });

  describe('admin stats: impossible calendar dates → 400 invalid_request', () => {
    for (const q of ['to=9999-99-99', 'to=0000-00-00', 'to=2026-02-30', 'from=2026-13-45', 'from=0000-00-00&to=2026-01-01']) {
      it(`GET …/links/${EXPLICIT}/stats?${q}`, async () => {
        const res = await admin('GET', `demo/links/${EXPLICIT}/stats?${q}`);
        const text = await res.text();
        expect(res.status, text).toBe(400);
        expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe('invalid_request');
      });
    }
  });

  describe('admin diff: versions are decimal integers', () => {
    for (const q of ['from=1e0&to=2', 'from=0x1&to=2', 'from=1&to=0b10', 'from=&to=2', 'from=%201&to=2', 'to=2']) {
      it(`GET …/links/${EXPLICIT}/diff?${q} → 400 invalid_request`, async () => {
        const res = await admin('GET', `demo/links/${EXPLICIT}/diff?${q}`);
        const text = await res.text();
        expect(res.status, text).toBe(400);
        expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe('invalid_request');
      });
    }
  });

  describe('a Baidu target query with characters a Location header cannot carry: refused on save, or /r/ still answers < 500', () => {
    const SWAN = 'Mozilla/5.0 (Linux; Android 9) baiduboxapp/11.0';
    const cases: [string, string][] = [
      ['LF', 'a=1\nb=2'],
      ['CR LF', 'a=1\r\nb=2'],
      ['NUL', 'a=\u0000'],
      ['lone surrogate', 'a=\ud800'],
    ];
    cases.forEach(([name, query], i) => {
      it(name, async () => {
        const slug = `fz-baidu-${i}`;
        const target = { kind: 'baidu-swan', appKey: 'DemoSwanAppKey2026', path: 'pages/index/index', query };
        const saved = await admin('POST', 'demo/links', { slug, default: { type: 'target', target } });
        const savedText = await saved.text();
        if (saved.status === 400) return;
        expect(saved.status, savedText).toBe(201);
        for (const path of [`/r/${slug}`, `/v1/sites/demo/links/${slug}/resolve`]) {
          const res = await SELF.fetch(`${ORIGIN}${path}`, { headers: { 'user-agent': SWAN }, redirect: 'manual' });
          expect(res.status, `${path}: ${await res.text()}`).toBeLessThan(500);
        }
      });
    });
  });

  describe('prototype keys as demo image categories draw a picture', () => {
    for (const c of [...PROTO_KEYS, '__defineGetter__']) {
      it(`/demo/img/p0001.svg?c=${c}`, async () => {
        const res = await get(`/demo/img/p0001.svg?c=${encodeURIComponent(c)}`);
        expect(res.status, await res.clone().text()).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      });
    }
  });
});
