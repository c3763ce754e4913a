import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import demoLink from '../../../examples/demo-link.json';
import { kvKeys } from '../../../schema/pack-manifest.js';
import { LinkDefinition } from '../../../schema/routing.js';
import { LinkResolution } from '../../../schema/routing-decision.js';
import { putLink } from './kv-store.js';

const UA = {
  swan: 'Mozilla/5.0 (iPhone; CPU iPhone OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 swan/2.4.0 swan-baiduboxapp/11.9.0.1 baiduboxapp/11.9.0.1 (Baidu; P2 12.2)',
  wechatIos:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 9_3 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Mobile/13E233 MicroMessenger/6.3.15 NetType/WIFI Language/zh_CN',
  safari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 10_3_1 like Mac OS X) AppleWebKit/603.1.30 (KHTML, like Gecko) Version/10.0 Mobile/14E304 Safari/602.1',
  desktop: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/75.0.3770.142 Safari/537.36',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
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
