import { env, SELF } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import demoLink from '../../../examples/demo-link.json';
import { kvKeys } from '../../../schema/pack-manifest.js';
import { LinkDefinition } from '../../../schema/routing.js';
import { LinkResolution } from '../../../schema/routing-decision.js';
import { DOUYIN_LINK_URL } from './douyin-link.js';
import { DOUYIN_TOKEN_URL } from './douyin-token.js';
import { putLink } from './kv-store.js';
import { redirectRoutes } from './public-routes.js';

const UA = {
  swan: 'Mozilla/5.0 (iPhone; CPU iPhone OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 swan/2.4.0 swan-baiduboxapp/11.9.0.1 baiduboxapp/11.9.0.1 (Baidu; P2 12.2)',
  wechatIos:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 9_3 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Mobile/13E233 MicroMessenger/6.3.15 NetType/WIFI Language/zh_CN',
  safari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 10_3_1 like Mac OS X) AppleWebKit/603.1.30 (KHTML, like Gecko) Version/10.0 Mobile/14E304 Safari/602.1',
  desktop: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/75.0.3770.142 Safari/537.36',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  douyin:
    'Mozilla/5.0 (Linux; Android 12; V2183A Build/SP1A.210812.003; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/91.0.4472.114 Mobile Safari/537.36 aweme_230400 JsSdk/1.0 NetType/WIFI Channel/douyin_tencent_and1 app_version/23.4.0 ByteLocale/zh-CN Region/CN AppSkin/white AppTheme/light',
};
const open = (path: string, ua: string, headers: Record<string, string> = {}) =>
  SELF.fetch(`https://edge.test${path}`, { headers: { 'user-agent': ua, ...headers }, redirect: 'manual' });

beforeAll(async () => {
  await putLink(env.PACKS, { site: 'demo', version: 1, publishedAt: '2026-11-22T00:00:00Z', link: LinkDefinition.parse(demoLink) });
  await putLink(env.PACKS, {
    site: 'demo',
    version: 3,
    publishedAt: '2026-11-22T00:00:00Z',
    link: LinkDefinition.parse({
      slug: 'hostile',
      name: '"><script>alert(1)</script>',
      rules: [],
      default: { type: 'target', target: { kind: 'h5', url: '/' } },
    }),
  });
});

describe('GET /r/:slug (the demo campaign link)', () => {
  it('sends the Baidu smart-program web-view to the swan scheme, keeping attribution', async () => {
    const res = await open('/r/demo?utm_source=baidu&ref=v_1&other=x', UA.swan);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(
      'baiduboxapp://swan/DemoSwanAppKey2026/pages/index/index?from=edgepick&utm_source=baidu&ref=v_1',
    );
  });

  it('shows WeChat visitors the in-app page with the mini-program scheme', async () => {
    const res = await open('/r/demo', UA.wechatIos);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('weixin://dl/business/?appid=wx1234567890abcdef&amp;path=pages%2Findex%2Findex');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('redirects other phones to the H5 default with params, and desktops to the QR page', async () => {
    const phone = await open('/r/demo?utm_campaign=spring', UA.safari);
    expect(phone.status).toBe(302);
    expect(phone.headers.get('location')).toBe('https://edge.test/?utm_campaign=spring');
    const desk = await open('/r/demo', UA.desktop);
    expect(desk.status).toBe(200);
    const page = await desk.text();
    expect(page).toContain('https://edge.test/r/demo');
    expect(page).toMatch(/<img alt="QR" width="222" height="222" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+">/);
  });

  it('gives crawlers an Open Graph preview, escaped, never a redirect', async () => {
    const res = await open('/r/demo', UA.googlebot);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<meta property="og:title" content="edgepick 演示店 · demo store">');
    const hostile = await (await open('/r/hostile', UA.googlebot)).text();
    expect(hostile).not.toContain('<script>alert(1)</script>');
    expect(hostile).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('sets a first-party visitor cookie once', async () => {
    const first = await open('/r/demo', UA.safari);
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^ep_vid=v_[0-9a-f]{24};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Secure/);
    const again = await open('/r/demo', UA.safari, { cookie: cookie.split(';')[0] });
    expect(again.headers.get('set-cookie')).toBeNull();
  });

  it('answers an unknown slug with a friendly 404 page', async () => {
    const res = await open('/r/nope', UA.safari);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('链接不存在');
  });
});

describe('the WeChat open tag', () => {
  it('renders a signed wx-open-launch-weapp page inside WeChat when the gh_ id is configured', async () => {
    const link = LinkDefinition.parse({
      slug: 'opentag',
      rules: [],
      default: {
        type: 'target',
        target: {
          kind: 'wechat-miniprogram',
          appId: 'wx1234567890abcdef',
          username: 'gh_0123456789ab',
          path: 'pages/index/index',
          query: 'from=tag',
        },
      },
    });
    await putLink(env.PACKS, { site: 'demo', version: 1, publishedAt: '2026-11-22T00:00:00Z', link });
    const res = await open('/r/opentag', UA.wechatIos);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('<wx-open-launch-weapp username="gh_0123456789ab" path="pages/index/index.html?from=tag">');
    expect(body).toMatch(/data-app-id="wxoa000000000001" data-timestamp="\d+" data-nonce-str="[0-9a-f]{16}" data-signature="[0-9a-f]{40}"/);
    expect(body).toContain('<script src="/r/_/open-tag.js"></script>');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self' https://res.wx.qq.com");
    const script = await SELF.fetch('https://edge.test/r/_/open-tag.js');
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain("openTagList:['wx-open-launch-weapp']");
  });
});

describe('GET /v1/sites/:site/links/:slug/resolve', () => {
  it('returns the decision and the detected environment as JSON', async () => {
    const res = await open('/v1/sites/demo/links/demo/resolve?visitorId=v_test', UA.swan, { 'accept-language': 'zh-CN,zh;q=0.9' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      ruleId: string;
      env: Record<string, unknown>;
      plan: { kind: string; location?: string };
      version: number;
    };
    expect(body.ruleId).toBe('baidu');
    expect(body.version).toBe(1);
    expect(body.env).toMatchObject({ host: 'baidu-swan', os: 'ios', bot: false, language: 'zh-cn' });
    expect(body.plan).toMatchObject({ kind: 'redirect' });
    // The wire shape is the contract's (the SDK's LinkResolution type), field for field.
    expect(LinkResolution.parse(body)).toEqual(body);
  });

  it('answers 404 JSON for a link of another site or an unknown slug', async () => {
    await env.PACKS.put(kvKeys.config('other-shop'), JSON.stringify({ id: 'other-shop', linkHosts: ['other.example'] }));
    await putLink(env.PACKS, {
      site: 'other-shop',
      version: 1,
      publishedAt: '2026-11-22T00:00:00Z',
      link: LinkDefinition.parse({ slug: 'other-shops-link', default: { type: 'target', target: { kind: 'h5', url: '/elsewhere' } } }),
    });
    // Its own site resolves it (so the 404 below is about the site, not a missing link) …
    expect((await open('/v1/sites/other-shop/links/other-shops-link/resolve', UA.safari)).status).toBe(200);
    // … another site does not, and neither does an unknown slug.
    for (const path of ['/v1/sites/demo/links/other-shops-link/resolve', '/v1/sites/demo/links/nope/resolve']) {
      const res = await open(path, UA.safari);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });
});

describe('a site that pins its public origin', () => {
  it('never prints the request Host: relative targets, QR pages and resolve use the pinned origin', async () => {
    await env.PACKS.put(
      kvKeys.config('pinned-shop'),
      JSON.stringify({ id: 'pinned-shop', linkHosts: ['shop.example'], publicOrigin: 'https://go.shop.example' }),
    );
    await putLink(env.PACKS, {
      site: 'pinned-shop',
      version: 1,
      publishedAt: '2026-11-22T00:00:00Z',
      link: LinkDefinition.parse({ slug: 'pinned-link', default: { type: 'target', target: { kind: 'h5', url: '/landing' } } }),
    });
    const spoofed = (path: string, ua: string) =>
      SELF.fetch(`https://evil.example${path}`, { headers: { 'user-agent': ua }, redirect: 'manual' });
    const r = await spoofed('/r/pinned-link?utm_source=x', UA.safari);
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('https://go.shop.example/landing?utm_source=x');
    await putLink(env.PACKS, {
      site: 'pinned-shop',
      version: 1,
      publishedAt: '2026-11-22T00:00:00Z',
      link: LinkDefinition.parse({ slug: 'pinned-qr', default: { type: 'target', target: { kind: 'qr' } } }),
    });
    const qr = await (await spoofed('/r/pinned-qr', UA.desktop)).text();
    expect(qr).toContain('https://go.shop.example/r/pinned-qr');
    expect(qr).not.toContain('evil.example');
    const resolved = (await (await spoofed('/v1/sites/pinned-shop/links/pinned-link/resolve', UA.safari)).json()) as {
      plan: { location: string };
    };
    expect(resolved.plan.location).toBe('https://go.shop.example/landing');
  });
});

describe('Douyin Links generated per visit (DOUYIN_APP_SECRETS)', () => {
  /** A published link to a Douyin target of `appId`, and a visit with that app's secret bound. */
  const publish = (slug: string, appId: string) =>
    putLink(env.PACKS, {
      site: 'demo',
      version: 1,
      publishedAt: '2026-11-22T00:00:00Z',
      link: LinkDefinition.parse({
        slug,
        default: {
          type: 'target',
          target: { kind: 'douyin-miniprogram', appId, path: 'pages/item/item', query: 'id=42', fallbackUrl: 'https://edge.test/item/42' },
        },
      }),
    });
  // The sub-app with the secret bound (the test worker's own bindings have none).
  const visitor =
    (appId: string) =>
    (path: string, ua = UA.douyin) =>
      redirectRoutes.request(
        `https://edge.test${path}`,
        { headers: { 'user-agent': ua }, redirect: 'manual' },
        { ...env, DOUYIN_APP_SECRETS: JSON.stringify({ [appId]: 'dy-secret' }) },
      );
  afterEach(() => vi.restoreAllMocks());

  it('redirects to the Link Douyin generates with the attribution params, once per sharer', async () => {
    const appId = 'tt00000000c0ffee01';
    await publish('dy-live', appId);
    const visit = visitor(appId);
    const real = globalThis.fetch;
    const bodies: unknown[] = [];
    // Douyin's open platform, answered here (no network in tests); anything else goes to the real fetch.
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url === DOUYIN_TOKEN_URL)
        return Response.json({ data: { access_token: 'clt.route', error_code: 0, expires_in: 7200 }, message: 'success' });
      if (url === DOUYIN_LINK_URL) {
        bodies.push(JSON.parse(String(init?.body)));
        return Response.json({ err_no: 0, err_msg: '', log_id: 'x', data: { url_link: `https://z.douyin.com/r${bodies.length}` } });
      }
      return real(input, init);
    });
    const res = await visit('/dy-live?utm_source=dy&ref=v_7');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://z.douyin.com/r1');
    expect(bodies).toEqual([
      expect.objectContaining({ app_id: appId, path: 'pages/item/item', query: '{"id":"42","utm_source":"dy","ref":"v_7"}' }),
    ]);
    expect((await visit('/dy-live?utm_source=dy&ref=v_7')).headers.get('location')).toBe('https://z.douyin.com/r1');
    expect(bodies).toHaveLength(1);
    // Desktops get the QR page of the link itself: nothing is generated.
    expect((await visit('/dy-live', UA.desktop)).status).toBe(200);
    expect(bodies).toHaveLength(1);
  });

  it("never fails the redirect when Douyin's API is down: the fallback, as without the secret", async () => {
    await publish('dy-down', 'tt00000000c0ffee02');
    vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('network connection lost'));
    const res = await visitor('tt00000000c0ffee02')('/dy-down?ref=v_1');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://edge.test/item/42?ref=v_1');
  });
});

describe('the WeChat hint page with a Short Link', () => {
  it('offers the #小程序:// link with a copy button enabled by /r/_/copy.js, under a CSP that allows only that script', async () => {
    const shortLink = '#小程序://edgepick 演示店/春季上新/9pZvnVw3KMCQpVp';
    await putLink(env.PACKS, {
      site: 'demo',
      version: 1,
      publishedAt: '2026-11-22T00:00:00Z',
      link: LinkDefinition.parse({
        slug: 'wx-short',
        default: {
          type: 'target',
          target: { kind: 'wechat-miniprogram', appId: 'wx1234567890abcdef', path: 'pages/index/index', shortLink },
        },
      }),
    });
    const res = await open('/r/wx-short', UA.wechatIos);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain(`<input id="ep-short" type="text" readonly value="${shortLink}"`);
    expect(body).toContain('<button type="button" class="btn" id="ep-copy" data-copied="已复制 · Copied" hidden>');
    expect(body).toContain('<script src="/r/_/copy.js"></script>');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'self'; style-src 'unsafe-inline';/);
    const script = await SELF.fetch('https://edge.test/r/_/copy.js');
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain("getElementById('ep-short')");
    // A title is free text: it is escaped like every other value.
    await putLink(env.PACKS, {
      site: 'demo',
      version: 1,
      publishedAt: '2026-11-22T00:00:00Z',
      link: LinkDefinition.parse({
        slug: 'wx-short-hostile',
        default: {
          type: 'target',
          target: {
            kind: 'wechat-miniprogram',
            appId: 'wx1234567890abcdef',
            path: '',
            shortLink: '#小程序://店/"><script>alert(1)</script>/abcd1234',
          },
        },
      }),
    });
    const hostile = await (await open('/r/wx-short-hostile', UA.wechatIos)).text();
    expect(hostile).not.toContain('<script>alert(1)');
    expect(hostile).toContain('value="#小程序://店/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;/abcd1234"');
    // Without a Short Link the page stays script-free.
    const plain = await open('/r/demo', UA.wechatIos);
    expect(await plain.text()).not.toContain('<script');
    expect(plain.headers.get('content-security-policy')).not.toContain('script-src');
  });
});
