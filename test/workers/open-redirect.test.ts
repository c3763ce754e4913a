import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { linkKey, linkVersionKey } from '../../schema/routing.js';
import { packStore } from '../../worker/src/sites/middleware.js';
import { CONTROLS, CORPUS, type CorpusEntry, printable } from './redirect-corpus.js';

/**
 * Open-redirect corpus: every hostile URL string in every URL field a link can hold (h5.url, qr.url,
 * baidu-swan.fallbackUrl, wechat-miniprogram.urlLink, douyin-miniprogram.urlLink and .fallbackUrl), placed in the default action, in a rule
 * action and in a split variant. The admin API must refuse (400 invalid_request, with an issue at
 * each placement) whatever would land a visitor off-site; whatever it accepts is then fetched at
 * `/r/:slug` with many user agents, and no Location header or URL in the page may leave the site.
 *
 * The expectation is computed, not hand-labelled: a string is hostile when the WHATWG URL parser
 * (the one a browser uses to follow a Location header, here resolving against an https page of this
 * worker) takes it — as sent, or after the JS `trim()` the schema applies before storing it — to
 * anything but an https URL on an allowed host. Strings that land on an allowed host may be accepted
 * or refused; either is fine.
 */

const ORIGIN = 'https://edge.test';
const WORKER_HOST = 'edge.test';
const TOKEN = 'test-admin-token';

/** The demo site's linkHosts (worker/src/sites/site-store.ts, parseConfig). */
const LINK_HOSTS = ['edgepick.example', '*.edgepick.example'];
/** WeChat URL Links (both hosts WeChat's docs give): acceptable as a wechat-miniprogram `urlLink`, nowhere else. */
const WECHAT_URL_LINK_HOSTS = ['wxaurl.cn', 'wxmpurl.cn'];
/** Douyin Link V2 links: acceptable as a douyin-miniprogram `urlLink`, nowhere else. */
const DOUYIN_URL_LINK_HOSTS = ['z.douyin.com'];
/** Schemes the routing pages and redirects legitimately use to open the apps (targets.ts). */
const PLATFORM_SCHEMES = ['weixin:', 'baiduboxapp:', 'alipays:'];
/** Pages the worker itself builds for Alipay targets (`https://ds.alipay.com/?scheme=…`), never from a link field. */
const PLATFORM_PAGE_HOSTS = ['ds.alipay.com'];
/** Third-party hosts the routing pages themselves load from (pages.ts: the WeChat JS-SDK on the open-tag page). */
const PAGE_ASSET_HOSTS = ['res.wx.qq.com'];

type Field =
  | 'h5.url'
  | 'qr.url'
  | 'baidu-swan.fallbackUrl'
  | 'wechat-miniprogram.urlLink'
  | 'douyin-miniprogram.urlLink'
  | 'douyin-miniprogram.fallbackUrl';

const FIELDS: Record<Field, { tag: string; key: string; target: (url: string) => Record<string, unknown> }> = {
  'h5.url': { tag: 'h5', key: 'url', target: (url) => ({ kind: 'h5', url }) },
  'qr.url': { tag: 'qr', key: 'url', target: (url) => ({ kind: 'qr', url }) },
  'baidu-swan.fallbackUrl': {
    tag: 'bd',
    key: 'fallbackUrl',
    target: (fallbackUrl) => ({
      kind: 'baidu-swan',
      appKey: 'DemoSwanAppKey2026',
      path: 'pages/index/index',
      query: 'from=edgepick',
      fallbackUrl,
    }),
  },
  'wechat-miniprogram.urlLink': {
    tag: 'wx',
    key: 'urlLink',
    target: (urlLink) => ({
      kind: 'wechat-miniprogram',
      appId: 'wx1234567890abcdef',
      username: 'gh_0123456789ab',
      path: 'pages/index/index',
      urlLink,
    }),
  },
  'douyin-miniprogram.urlLink': {
    tag: 'dyl',
    key: 'urlLink',
    target: (urlLink) => ({ kind: 'douyin-miniprogram', appId: 'tt0123456789abcdef', path: 'pages/index/index', urlLink }),
  },
  'douyin-miniprogram.fallbackUrl': {
    tag: 'dyf',
    key: 'fallbackUrl',
    target: (fallbackUrl) => ({ kind: 'douyin-miniprogram', appId: 'tt0123456789abcdef', path: 'pages/index/index', fallbackUrl }),
  },
};
const FIELD_NAMES = Object.keys(FIELDS) as Field[];

/** Where the hostile URL sits in a link, the issue path the API must report for it, and how a visitor reaches it. */
const PLACEMENTS = [
  { name: 'default', path: ['default', 'target'], query: '' },
  { name: 'rule', path: ['rules', 0, 'action', 'target'], query: 'ep=rule&' },
  { name: 'split', path: ['rules', 1, 'action', 'variants', 1, 'target'], query: 'ep=split&' },
] as const;

/** One link per corpus entry and field: the URL in the default action, in a rule, and in the 100 % variant of a split. */
function linkFor(slug: string, field: Field, url: string) {
  const t = FIELDS[field].target;
  return {
    slug,
    rules: [
      { id: 'rule', conditions: [{ field: 'query', key: 'ep', op: 'equals', value: 'rule' }], action: { type: 'target', target: t(url) } },
      {
        id: 'split',
        conditions: [{ field: 'query', key: 'ep', op: 'equals', value: 'split' }],
        action: {
          type: 'split',
          variants: [
            { weight: 0, target: t('https://edgepick.example/never') },
            { weight: 100, target: t(url) },
          ],
        },
      },
    ],
    default: { type: 'target', target: t(url) },
  };
}

const USER_AGENTS = [
  {
    name: 'desktop Chrome',
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  },
  {
    name: 'iPhone Safari',
    ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  },
  {
    name: 'Android Chrome',
    ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  },
  {
    name: 'WeChat iOS',
    ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN',
  },
  {
    name: 'WeChat Android',
    ua: 'Mozilla/5.0 (Linux; Android 14; V2307A Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
  },
  {
    name: 'WeChat mini-program web-view',
    ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F30) NetType/WIFI Language/zh_CN miniProgram/wx1234567890abcdef',
  },
  {
    name: 'Baidu app',
    ua: 'Mozilla/5.0 (Linux; Android 10; ELE-AL00 Build/HUAWEIELE-AL00; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/76.0.3809.89 Mobile Safari/537.36 T7/13.32 SP-engine/2.70.0 baiduboxapp/13.32.0.10 (Baidu; P1 10) NABar/1.0',
  },
  {
    name: 'Baidu swan web-view',
    ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 swan/2.4.0 swan-baiduboxapp/11.9.0.1 baiduboxapp/11.9.0.1 (Baidu; P2 12.2)',
  },
  { name: 'Googlebot', ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
  { name: 'curl', ua: 'curl/8.5.0' },
] as const;

// ---------------------------------------------------------------------------------------------
// The oracle.

const PAGE_URL = `${ORIGIN}/r/open-redirect-oracle`;

const matchesHost = (host: string, patterns: readonly string[]) =>
  patterns.some((p) => (p.startsWith('*.') ? host.endsWith(p.slice(1)) : host === p));

/** Hosts a visitor may be sent to from `field` (a trailing dot names the same DNS host). */
function hostAllowed(hostname: string, field: Field | 'page'): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === WORKER_HOST || matchesHost(host, LINK_HOSTS)) return true;
  if (field === 'wechat-miniprogram.urlLink' && matchesHost(host, WECHAT_URL_LINK_HOSTS)) return true;
  if (field === 'douyin-miniprogram.urlLink' && matchesHost(host, DOUYIN_URL_LINK_HOSTS)) return true;
  return false;
}

interface Verdict {
  mustRefuse: boolean;
  /** Why (for reports): where the WHATWG parser lands. */
  reason: string;
}

/** How the WHATWG parser reads `raw` as a link target: as sent, and as the schema stores it (trimmed). */
function judge(raw: string, field: Field): Verdict {
  const readings =
    raw.trim() === raw
      ? [['as sent', raw]]
      : [
          ['as sent', raw],
          ['after trim()', raw.trim()],
        ];
  for (const [how, s] of readings) {
    let u: URL;
    try {
      u = new URL(s, PAGE_URL);
    } catch {
      return { mustRefuse: true, reason: `unparseable (${how})` };
    }
    if (u.protocol !== 'https:') return { mustRefuse: true, reason: `scheme ${u.protocol} (${how})` };
    if (!hostAllowed(u.hostname, field)) return { mustRefuse: true, reason: `host ${u.hostname} (${how})` };
  }
  return { mustRefuse: false, reason: `host ${new URL(raw, PAGE_URL).hostname}` };
}

// ---------------------------------------------------------------------------------------------
// What a served response may contain.

const unescapeHtml = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** `where: url` for every place a response could send a visitor off-site. */
function offSite(res: Response, body: string, requestUrl: string, field: Field, platformPages = false): string[] {
  const out: string[] = [];
  const check = (value: string, where: string, opts: { assets?: boolean; data?: boolean; platformPages?: boolean } = {}) => {
    opts.platformPages = platformPages;
    let u: URL;
    try {
      u = new URL(value, requestUrl);
    } catch {
      out.push(`${where}: unparseable ${printable(value)}`);
      return;
    }
    if (u.protocol === 'https:' || u.protocol === 'http:') {
      if (hostAllowed(u.hostname, field)) return;
      if (opts.assets && PAGE_ASSET_HOSTS.includes(u.hostname)) return;
      if (opts.platformPages && PLATFORM_PAGE_HOSTS.includes(u.hostname)) return;
      out.push(`${where}: ${printable(value)} → host ${u.hostname}`);
    } else if (PLATFORM_SCHEMES.includes(u.protocol) || (opts.data && u.protocol === 'data:')) {
      return;
    } else out.push(`${where}: ${printable(value).slice(0, 120)} → scheme ${u.protocol}`);
  };
  const location = res.headers.get('location');
  if (location !== null) check(location, 'Location');
  const refresh = res.headers.get('refresh');
  if (refresh !== null) {
    const m = /url\s*=\s*['"]?([^'"]*)/i.exec(refresh);
    if (m) check(m[1], 'Refresh header');
  }
  if (!body) return out;
  const attr = /\s([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (const m of body.matchAll(attr)) {
    const name = m[1].toLowerCase();
    const value = unescapeHtml(m[2] ?? m[3]).trim();
    if (['href', 'src', 'action', 'formaction', 'poster', 'background', 'cite', 'data', 'srcset'].includes(name))
      check(value, `attribute ${name}`, { assets: true, data: name === 'src' });
    // Any other attribute (meta content, data-*, event handlers): values shaped like a URL.
    else if (/^([a-z][a-z0-9+.-]*:\/\/|\/\/|\\\\|(javascript|vbscript|data):)/i.test(value))
      check(value, `attribute ${name}`, { assets: true });
  }
  // Every absolute http(s) URL anywhere else: text (QR page's <code>), JS string literals, JSON-escaped slashes.
  const text = unescapeHtml(body).replace(/\\\//g, '/');
  for (const m of text.matchAll(/https?:\/\/[^\s"'<>`)\\]+/gi)) check(m[0], 'body text', { assets: true });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Helpers.

const admin = (method: string, path: string, body?: unknown, site = 'demo') =>
  SELF.fetch(`${ORIGIN}/v1/admin/sites/${site}/links${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

type ErrorBody = { error?: { code?: string; issues?: { code: string; path: (string | number)[]; message: string }[] } };

/** Runs `fn` over `items`, at most `n` at a time. */
async function pool<T>(items: readonly T[], n: number, fn: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

interface Failure {
  field: Field;
  entry: string;
  cause: string;
  detail: string;
}

/** Prints failures grouped by cause, so a red run reads as a to-do list. */
function report(title: string, failures: Failure[]) {
  if (!failures.length) return;
  const byCause = new Map<string, Failure[]>();
  for (const f of failures) byCause.set(f.cause, [...(byCause.get(f.cause) ?? []), f]);
  const lines = [`${title}: ${failures.length}`];
  for (const [cause, list] of byCause) {
    lines.push(`  ${cause} (${list.length})`);
    for (const f of list) lines.push(`    ${f.entry}    ${f.detail}`);
  }
  console.log(lines.join('\n'));
}

interface Accepted {
  slug: string;
  entry: CorpusEntry;
  mustRefuse: boolean;
}

/** User agents that reach the link's URL in every field (redirect, QR page, Baidu relay page): enough for the rule and split placements. */
const FOLLOW_UP_UAS = new Set(['iPhone Safari', 'Android Chrome', 'WeChat Android']);
/** For links accepted in error (already a failure): enough user agents to show where they send people. */
const WRONGLY_ACCEPTED_UAS = new Set(['desktop Chrome', 'iPhone Safari', 'WeChat Android', 'Baidu app', 'Googlebot']);

/**
 * Fetches accepted links at `/r/:slug` and reports what leaves the site. Links the API was right to
 * accept: the default placement with every user agent, the rule and split placements (same URL,
 * other paths through the rules) with a few. Links accepted in error are a failure already: their
 * default placement with a few user agents shows where they send people, and keeps the run bounded
 * while the guard is broken.
 */
async function serveAll(field: Field, accepted: Accepted[]): Promise<Failure[]> {
  const seen = new Map<string, { failure: Failure; where: string[] }>();
  const add = (a: Accepted, cause: string, violation: string, where: string) => {
    const key = `${cause}\u0000${a.entry.url}\u0000${violation}`;
    const hit = seen.get(key);
    if (hit) hit.where.push(where);
    else seen.set(key, { failure: { field, entry: a.entry.label, cause, detail: violation }, where: [where] });
  };
  const jobs = accepted.flatMap((a) =>
    PLACEMENTS.flatMap((p) =>
      USER_AGENTS.filter((ua) =>
        a.mustRefuse ? p.name === 'default' && WRONGLY_ACCEPTED_UAS.has(ua.name) : p.name === 'default' || FOLLOW_UP_UAS.has(ua.name),
      ).map((ua) => ({ a, p, ua })),
    ),
  );
  await pool(jobs, 24, async ({ a, p, ua }) => {
    const requestUrl = `${ORIGIN}/r/${a.slug}?${p.query}utm_source=corpus`;
    const res = await SELF.fetch(requestUrl, { headers: { 'user-agent': ua.ua }, redirect: 'manual' });
    const body = await res.text();
    const where = `${p.name}/${ua.name}`;
    if (res.status >= 500) add(a, `/r/ answers ${res.status}`, '', where);
    else for (const v of offSite(res, body, requestUrl, field)) add(a, `served off-site: ${v.split(':')[0]}`, v, where);
  });
  return [...seen.values()].map(({ failure, where }) => {
    const all = USER_AGENTS.every((ua) => where.includes(`default/${ua.name}`)) ? ['default/every UA'] : [];
    const rest = where.filter((w) => !(all.length && w.startsWith('default/'))).sort();
    return { ...failure, detail: `${failure.detail}${failure.detail ? ' ' : ''}[${[...all, ...rest].join(', ')}]` };
  });
}

// ---------------------------------------------------------------------------------------------

describe('open-redirect corpus', () => {
  it('has a corpus of at least 150 entries, most of them hostile in every field', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(150);
    for (const field of FIELD_NAMES) expect(CORPUS.filter((e) => judge(e.url, field).mustRefuse).length).toBeGreaterThanOrEqual(150);
  });

  it('classifies the reference cases as the WHATWG parser does', () => {
    const h5 = (u: string) => judge(u, 'h5.url').mustRefuse;
    expect(h5('https://evil.com@edgepick.example')).toBe(false);
    expect(h5('https://edgepick.example@evil.com/')).toBe(true);
    expect(h5('HTTPS://evil.com/phish')).toBe(true);
    expect(h5('\u0000https://evil.com/')).toBe(true);
    expect(h5('\u00a0https://evil.com/')).toBe(true);
    expect(h5('https://eviledgepick.example/')).toBe(true);
    expect(h5('https://edgepick.ex\u0430mple/')).toBe(true);
    expect(h5('https://edgepick\u3002example/ok')).toBe(false);
    expect(h5('https://wxaurl.cn/anything')).toBe(true);
    expect(judge('https://wxaurl.cn/anything', 'wechat-miniprogram.urlLink').mustRefuse).toBe(false);
    expect(judge('https://z.douyin.com/79lNBpL', 'douyin-miniprogram.urlLink').mustRefuse).toBe(false);
    expect(judge('https://z.douyin.com/79lNBpL', 'douyin-miniprogram.fallbackUrl').mustRefuse).toBe(true);
    expect(judge('https://wxaurl.cn/anything', 'douyin-miniprogram.urlLink').mustRefuse).toBe(true);
    expect(h5('/ok')).toBe(false);
    expect(h5('//evil.com')).toBe(true);
  });

  it('accepts the on-site controls in every field and serves them on-site (a baseline for the checks below)', async () => {
    const failures: Failure[] = [];
    const accepted: Record<Field, Accepted[]> = {
      'h5.url': [],
      'qr.url': [],
      'baidu-swan.fallbackUrl': [],
      'wechat-miniprogram.urlLink': [],
      'douyin-miniprogram.urlLink': [],
      'douyin-miniprogram.fallbackUrl': [],
    };
    for (const field of FIELD_NAMES) {
      await pool(CONTROLS[field], 8, async (url, i) => {
        const slug = `orc-${FIELDS[field].tag}-${i}`;
        const res = await admin('POST', '/', linkFor(slug, field, url));
        if (res.status !== 201)
          failures.push({ field, entry: printable(url), cause: `control refused (${res.status})`, detail: await res.text() });
        else accepted[field].push({ slug, entry: { label: printable(url), url }, mustRefuse: false });
      });
      failures.push(...(await serveAll(field, accepted[field])));
    }
    // The pages themselves, with no link URL at all: the open-tag page (JS-SDK from res.wx.qq.com),
    // the relay and QR pages, the bot preview. Proves the allow-list above is complete.
    const plain = {
      slug: 'orc-plain',
      rules: [
        {
          id: 'wx',
          conditions: [{ field: 'query', key: 'ep', op: 'equals', value: 'wx' }],
          action: {
            type: 'target',
            target: { kind: 'wechat-miniprogram', appId: 'wx1234567890abcdef', username: 'gh_0123456789ab', path: 'pages/index/index' },
          },
        },
        {
          id: 'bd',
          conditions: [{ field: 'query', key: 'ep', op: 'equals', value: 'bd' }],
          action: { type: 'target', target: { kind: 'baidu-swan', appKey: 'DemoSwanAppKey2026', path: 'pages/index/index' } },
        },
        {
          id: 'qr',
          conditions: [{ field: 'query', key: 'ep', op: 'equals', value: 'qr' }],
          action: { type: 'target', target: { kind: 'qr' } },
        },
        {
          id: 'ali',
          conditions: [{ field: 'query', key: 'ep', op: 'equals', value: 'ali' }],
          action: { type: 'target', target: { kind: 'alipay-miniprogram', appId: '2021002161234567', path: 'pages/index/index' } },
        },
        {
          id: 'dy',
          conditions: [{ field: 'query', key: 'ep', op: 'equals', value: 'dy' }],
          action: { type: 'target', target: { kind: 'douyin-miniprogram', appId: 'tt0123456789abcdef', path: 'pages/index/index' } },
        },
      ],
      default: { type: 'target', target: { kind: 'h5', url: '/' } },
      preview: { title: 'plain', image: 'https://img.edgepick.example/p.png' },
    };
    expect((await admin('POST', '/', plain)).status).toBe(201);
    let sawJsSdk = false;
    for (const q of ['', 'ep=wx&', 'ep=bd&', 'ep=qr&', 'ep=ali&', 'ep=dy&'])
      for (const ua of USER_AGENTS) {
        const requestUrl = `${ORIGIN}/r/orc-plain?${q}utm_source=corpus`;
        const res = await SELF.fetch(requestUrl, { headers: { 'user-agent': ua.ua }, redirect: 'manual' });
        const body = await res.text();
        sawJsSdk ||= body.includes('https://res.wx.qq.com/');
        expect(res.status, `${q} ${ua.name}`).toBeLessThan(500);
        // Only the Alipay rule may lead to Alipay's own scheme page.
        for (const v of offSite(res, body, requestUrl, 'h5.url', q === 'ep=ali&'))
          failures.push({ field: 'h5.url', entry: 'orc-plain', cause: 'page off-site', detail: `${q} ${ua.name} · ${v}` });
      }
    expect(sawJsSdk).toBe(true);
    report('controls', failures);
    expect(failures).toEqual([]);
  });

  for (const field of FIELD_NAMES) {
    it(`${field}: refuses every off-site URL (400 with an issue at each placement) and serves accepted links on-site only`, {
      timeout: 60_000,
    }, async () => {
      const refusals: Failure[] = [];
      const accepted: Accepted[] = [];
      await pool(CORPUS, 16, async (entry, i) => {
        const verdict = judge(entry.url, field);
        const slug = `or-${FIELDS[field].tag}-${i}`;
        const res = await admin('POST', '/', linkFor(slug, field, entry.url));
        const text = await res.text();
        if (res.status === 201) {
          accepted.push({ slug, entry, mustRefuse: verdict.mustRefuse });
          if (verdict.mustRefuse)
            refusals.push({ field, entry: entry.label, cause: 'accepted (201) but lands off-site', detail: verdict.reason });
          return;
        }
        if (res.status !== 400) {
          refusals.push({ field, entry: entry.label, cause: `unexpected status ${res.status}`, detail: text.slice(0, 200) });
          return;
        }
        if (!verdict.mustRefuse) return;
        const body = JSON.parse(text) as ErrorBody;
        if (body.error?.code !== 'invalid_request')
          refusals.push({ field, entry: entry.label, cause: 'refused with the wrong code', detail: String(body.error?.code) });
        const paths = (body.error?.issues ?? []).map((x) => x.path.join('.'));
        const missing = PLACEMENTS.filter(
          (p) =>
            !paths.some(
              (q) => q === [...p.path, FIELDS[field].key].join('.') || q.startsWith(`${[...p.path, FIELDS[field].key].join('.')}.`),
            ),
        );
        if (missing.length)
          refusals.push({
            field,
            entry: entry.label,
            cause: 'refused, but no issue at some placements',
            detail: `missing ${missing.map((p) => p.name).join(', ')}; issues at ${paths.join(' | ') || '(none)'}`,
          });
      });
      const served = await serveAll(field, accepted);
      report(`${field}: admin API`, refusals);
      report(`${field}: /r/ responses`, served);
      expect.soft(refusals, 'links the admin API should have refused').toEqual([]);
      expect.soft(served, 'off-site Locations/URLs served by /r/').toEqual([]);
    });
  }
});

// ---------------------------------------------------------------------------------------------

describe('rollback re-checks the restored version against the current guard', () => {
  it('refuses to roll back to a version whose host the site no longer allows', async () => {
    const site = 'or-rollback';
    const setHosts = async (linkHosts: string[]) => {
      await env.PACKS.put(`site/${site}/config`, JSON.stringify({ id: site, linkHosts }));
      packStore.clear();
    };
    await setHosts(['old.edgepick-rollback.example']);
    const link = (host: string) => ({ slug: 'or-rb-hosts', default: { type: 'target', target: { kind: 'h5', url: `https://${host}/x` } } });
    expect((await admin('POST', '/', link('old.edgepick-rollback.example'), site)).status).toBe(201);
    await setHosts(['old.edgepick-rollback.example', 'new.edgepick-rollback.example']);
    expect((await admin('PUT', '/or-rb-hosts', link('new.edgepick-rollback.example'), site)).status).toBe(200);
    await setHosts(['new.edgepick-rollback.example']);
    // The new config is in force (a fresh save to the old host is refused)…
    expect((await admin('POST', '/', { ...link('old.edgepick-rollback.example'), slug: 'or-rb-probe' }, site)).status).toBe(400);
    // …so restoring v1 must be refused too, and v2 stays current.
    const rb = await admin('POST', '/or-rb-hosts/rollback', { version: 1 }, site);
    expect(rb.status).toBe(400);
    expect(((await rb.json()) as ErrorBody).error?.code).toBe('invalid_request');
    expect(await env.PACKS.get('link/or-rb-hosts', 'json')).toEqual({ site, version: 2 });
  });

  it('refuses to roll back to a version saved under a weaker guard (stored before the fix)', async () => {
    expect(
      (await admin('POST', '/', { slug: 'or-rb-legacy', default: { type: 'target', target: { kind: 'h5', url: '/safe' } } })).status,
    ).toBe(201);
    const legacy = ['HTTPS://evil.com/phish', '\u0000https://evil.com/', 'https://wxaurl.cn/anything'];
    // Written straight to D1, as the old guard would have saved them: versions 2, 3, 4.
    for (const [i, url] of legacy.entries())
      await env.DB.prepare(
        'INSERT INTO link_versions (slug, version, site, definition, created_at, created_by, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)',
      )
        .bind(
          'or-rb-legacy',
          i + 2,
          'demo',
          JSON.stringify({ slug: 'or-rb-legacy', rules: [], passThrough: [], default: { type: 'target', target: { kind: 'h5', url } } }),
          Date.now(),
          'admin-token',
          'legacy',
        )
        .run();
    const outcomes: string[] = [];
    for (const [i, url] of legacy.entries()) {
      const rb = await admin('POST', '/or-rb-legacy/rollback', { version: i + 2 });
      const code = ((await rb.json()) as ErrorBody).error?.code;
      if (rb.status !== 400 || code !== 'invalid_request') outcomes.push(`${printable(url)} → ${rb.status} ${code ?? ''}`.trim());
    }
    report(
      'rollback to legacy versions',
      outcomes.map((o) => ({ field: 'h5.url', entry: o, cause: 'rollback not refused with 400', detail: '' })),
    );
    expect(outcomes).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('links already in KV from before the guard was fixed', () => {
  it('are never served off-site: /r/ does not trust what KV holds', async () => {
    // What the old guard let through (see the corpus run against it): upper-case schemes and leading
    // control characters in h5 targets, wxaurl.cn outside urlLink, a NUL before a URL Link.
    const legacy: [Field, string][] = [
      ['h5.url', 'HTTPS://evil.com/phish'],
      ['h5.url', '\u0000https://evil.com/'],
      ['h5.url', 'https://wxaurl.cn/anything'],
      ['qr.url', 'https://wxaurl.cn/anything'],
      ['baidu-swan.fallbackUrl', 'https://wxaurl.cn/anything'],
      ['wechat-miniprogram.urlLink', '\u0000https://wxaurl.cn/anything'],
    ];
    const failures: Failure[] = [];
    for (const [i, [field, url]] of legacy.entries()) {
      const slug = `or-legacy-${i}`;
      const link = { ...linkFor(slug, field, url), passThrough: [] };
      await env.PACKS.put(
        linkVersionKey('demo', slug, 1),
        JSON.stringify({ site: 'demo', version: 1, publishedAt: new Date().toISOString(), link }),
      );
      await env.PACKS.put(linkKey(slug), JSON.stringify({ site: 'demo', version: 1 }));
      failures.push(...(await serveAll(field, [{ slug, entry: { label: `${field} ${printable(url)}`, url }, mustRefuse: false }])));
    }
    report('legacy KV links', failures);
    expect(failures).toEqual([]);
  });
});
