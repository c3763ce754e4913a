import { describe, expect, it } from 'vitest';
import type { Target } from '../../../schema/routing.js';
import type { VisitorEnv } from './detect-env.js';
import { expiryWarnings } from './expiry.js';
import { mergeQuery, renderTarget, WECHAT_QUERY_LIMIT } from './targets.js';

const env = (over: Partial<VisitorEnv> = {}): VisitorEnv => ({ host: 'other', os: 'android', bot: false, query: {}, ...over });
const wx: Target = {
  kind: 'wechat-miniprogram',
  appId: 'wx0123456789abcdef',
  path: 'pages/item/item',
  query: 'id=42',
  envVersion: 'release',
};
const swan: Target = {
  kind: 'baidu-swan',
  appKey: 'AbCd1234EfGh',
  path: 'pages/index/index',
  query: 'sku=7',
  fallbackUrl: 'https://shop.example/item/7',
};
const self = 'https://edge.example/r/spring?utm_source=baidu';

describe('renderTarget', () => {
  it('WeChat mini-program: iOS redirect to the URL Scheme, Android relay page, in-app page inside WeChat, QR on desktop', () => {
    const q = { utm_source: 'baidu', ref: 'v_9', other: 'x' };
    const ios = renderTarget(wx, env({ os: 'ios', query: q }), self);
    expect(ios.plan).toEqual({
      kind: 'redirect',
      location:
        'weixin://dl/business/?appid=wx0123456789abcdef&path=pages%2Fitem%2Fitem&query=id%3D42%26utm_source%3Dbaidu%26ref%3Dv_9&env_version=release',
    });
    expect(renderTarget(wx, env({ os: 'android' }), self).plan).toMatchObject({ kind: 'page', page: 'wechat-relay' });
    expect(renderTarget(wx, env({ os: 'ios', host: 'wechat' }), self).plan).toMatchObject({ kind: 'page', page: 'wechat-in-app' });
    expect(renderTarget(wx, env({ os: 'desktop' }), self).plan).toEqual({ kind: 'page', page: 'qr', url: self, qrUrl: self });
  });

  it('inside WeChat, uses the open tag when the mini-program original id is known', () => {
    const tagged: Target = { ...(wx as Extract<Target, { kind: 'wechat-miniprogram' }>), username: 'gh_0123456789ab' };
    expect(renderTarget(tagged, env({ os: 'ios', host: 'wechat', query: { ref: 'v_1' } }), self).plan).toMatchObject({
      kind: 'page',
      page: 'wechat-open-tag',
      username: 'gh_0123456789ab',
      path: 'pages/item/item.html?id=42&ref=v_1',
    });
    // WeCom has no open tag: the hint page.
    expect(renderTarget(tagged, env({ os: 'ios', host: 'wecom' }), self).plan).toMatchObject({ page: 'wechat-in-app' });
  });

  describe('inside WeChat, the main channel', () => {
    const wechat = env({ os: 'ios', host: 'wechat' });
    const tagged = { ...(wx as Extract<Target, { kind: 'wechat-miniprogram' }>), username: 'gh_0123456789ab' } as const;
    const short = '#小程序://小程序示例/示例页面/9pZvnVw3KMCQpVp';

    it('warns when only the "open in your browser" page is reachable: no URL Link, no open tag', () => {
      const bare = renderTarget(wx, wechat, self);
      expect(bare.plan).toEqual({ kind: 'page', page: 'wechat-in-app', url: expect.stringMatching(/^weixin:/) });
      expect(bare.warningCodes).toEqual(['wechat_hint_page_only']);
      expect(bare.warnings[0]).toMatch(/inside wechat .*no live URL Link and no open tag \(the target has no original id/);
      // With the original id but without the signing secrets, the open tag cannot work either.
      const unsigned = renderTarget(tagged, wechat, self, new Date(), [], { openTag: false });
      expect(unsigned.plan).toMatchObject({ page: 'wechat-in-app' });
      expect(unsigned.warnings[0]).toMatch(/WECHAT_OA_APPID/);
      // WeCom and mini-program web-views have no open tag at all.
      for (const host of ['wecom', 'wechat-miniprogram'] as const)
        expect(renderTarget(tagged, env({ host }), self, new Date(), [], { openTag: true }).warningCodes).toEqual([
          'wechat_hint_page_only',
        ]);
    });

    it('does not warn with the open tag set up or a live URL Link, nor outside WeChat', () => {
      expect(renderTarget(tagged, wechat, self, new Date(), [], { openTag: true })).toMatchObject({
        plan: { page: 'wechat-open-tag' },
        warningCodes: [],
      });
      const linked = { ...wx, urlLink: 'https://wxmpurl.cn/abc' } as Target;
      expect(renderTarget(linked, wechat, self)).toMatchObject({ plan: { kind: 'redirect' }, warningCodes: [] });
      expect(renderTarget(wx, env({ os: 'android' }), self).warningCodes).toEqual([]);
    });

    it('offers the Short Link on the hint page (and carries it for the open tag’s fallback)', () => {
      const withShort = { ...wx, shortLink: short } as Target;
      const r = renderTarget(withShort, wechat, self);
      expect(r.plan).toMatchObject({ page: 'wechat-in-app', shortLink: short });
      expect(r.warnings[0]).toMatch(/with the Short Link to copy/);
      expect(renderTarget({ ...tagged, shortLink: short }, wechat, self).plan).toMatchObject({ page: 'wechat-open-tag', shortLink: short });
      // Outside WeChat the Short Link is of no use: the relay page does not carry it.
      expect(renderTarget(withShort, env(), self).plan).toEqual({ kind: 'page', page: 'wechat-relay', url: expect.any(String) });
    });
  });

  it('prefers a live URL Link and warns about an expired one', () => {
    const withLink: Target = {
      ...(wx as Extract<Target, { kind: 'wechat-miniprogram' }>),
      urlLink: 'https://wxaurl.cn/abc',
      urlLinkExpiresAt: '2026-12-01T00:00:00+08:00',
    };
    expect(renderTarget(withLink, env({ host: 'wechat' }), self, new Date('2026-11-22T00:00:00Z')).plan).toEqual({
      kind: 'redirect',
      location: 'https://wxaurl.cn/abc',
    });
    const late = renderTarget(withLink, env({ os: 'ios' }), self, new Date('2026-12-02T00:00:00Z'));
    expect(late.plan.kind).toBe('redirect');
    expect((late.plan as { location: string }).location).toMatch(/^weixin:\/\//);
    expect(late.warnings[0]).toMatch(/URL Link expired/);
  });

  it('uses a live pre-generated encrypted scheme and warns when it expired', () => {
    const enc: Target = {
      ...(wx as Extract<Target, { kind: 'wechat-miniprogram' }>),
      encryptedScheme: 'weixin://dl/business/?t=AbC123xyz',
      encryptedSchemeExpiresAt: '2026-12-01T00:00:00Z',
    };
    expect(renderTarget(enc, env({ os: 'ios' }), self, new Date('2026-11-22T00:00:00Z')).plan).toEqual({
      kind: 'redirect',
      location: 'weixin://dl/business/?t=AbC123xyz',
    });
    const old = renderTarget(enc, env({ os: 'ios' }), self, new Date('2026-12-05T00:00:00Z'));
    expect((old.plan as { location: string }).location).toMatch(/^weixin:\/\/dl\/business\/\?appid=/);
    expect(old.warnings[0]).toMatch(/encrypted scheme expired/);
  });

  it('Baidu smart program: swan scheme inside the Baidu app, relay with fallback elsewhere', () => {
    expect(renderTarget(swan, env({ host: 'baidu-swan', query: { ch: 'sem' } }), self).plan).toEqual({
      kind: 'redirect',
      location: 'baiduboxapp://swan/AbCd1234EfGh/pages/index/index?sku=7&ch=sem',
    });
    expect(renderTarget(swan, env({ host: 'wechat', query: { ch: 'sem' } }), self).plan).toEqual({
      kind: 'page',
      page: 'baidu-relay',
      url: 'baiduboxapp://swan/AbCd1234EfGh/pages/index/index?sku=7&ch=sem',
      fallbackUrl: 'https://shop.example/item/7?ch=sem',
    });
  });

  it('H5 keeps attribution params; bots always get the preview', () => {
    expect(
      renderTarget({ kind: 'h5', url: 'https://shop.example/p?id=1' }, env({ query: { utm_campaign: 'spring', ref: 'v_2', x: '1' } }), self)
        .plan,
    ).toEqual({
      kind: 'redirect',
      location: 'https://shop.example/p?id=1&utm_campaign=spring&ref=v_2',
    });
    expect(renderTarget(wx, env({ bot: true }), self).plan).toEqual({ kind: 'preview' });
  });

  it('drops and reports params that would overflow the 512-character WeChat query', () => {
    const params: [string, string][] = [
      ['utm_source', 'baidu'],
      ['utm_content', 'x'.repeat(600)],
      ['ref', 'v_1'],
    ];
    const { query, dropped } = mergeQuery('id=1', params, WECHAT_QUERY_LIMIT);
    expect(dropped).toEqual(['utm_content']);
    expect(query).toBe('id=1&utm_source=baidu&ref=v_1');
    expect(encodeURIComponent(query).length).toBeLessThanOrEqual(WECHAT_QUERY_LIMIT);
  });

  describe('Alipay mini-program', () => {
    const ali: Target = { kind: 'alipay-miniprogram', appId: '2021002161234567', path: 'pages/item/item', query: 'id=42' };
    const scheme = 'alipays://platformapi/startapp?appId=2021002161234567&page=pages%2Fitem%2Fitem&query=id%3D42%26ref%3Dv_9';
    const q = { ref: 'v_9', other: 'x' };

    it('inside Alipay redirects to the alipays:// scheme with page and query URL-encoded', () => {
      expect(renderTarget(ali, env({ host: 'alipay', query: q }), self).plan).toEqual({ kind: 'redirect', location: scheme });
    });

    it('in other browsers and apps redirects to the ds.alipay.com page wrapping the encoded scheme', () => {
      const plan = renderTarget(ali, env({ host: 'other', os: 'ios', query: q }), self).plan;
      expect(plan).toEqual({ kind: 'redirect', location: `https://ds.alipay.com/?scheme=${encodeURIComponent(scheme)}` });
      expect(new URL((plan as { location: string }).location).searchParams.get('scheme')).toBe(scheme);
      expect(renderTarget(ali, env({ host: 'douyin', query: q }), self).plan).toMatchObject({ kind: 'redirect' });
    });

    it('inside WeChat shows the open-in-browser page; on desktop the QR page; crawlers the preview', () => {
      expect(renderTarget(ali, env({ host: 'wechat', query: q }), self).plan).toEqual({
        kind: 'page',
        page: 'alipay-relay',
        url: `https://ds.alipay.com/?scheme=${encodeURIComponent(scheme)}`,
      });
      expect(renderTarget(ali, env({ os: 'desktop' }), self).plan).toEqual({ kind: 'page', page: 'qr', url: self, qrUrl: self });
      expect(renderTarget(ali, env({ bot: true }), self).plan).toEqual({ kind: 'preview' });
    });

    it('omits page for the home page and query when there is none', () => {
      const home: Target = { kind: 'alipay-miniprogram', appId: '2021002161234567', path: '' };
      expect(renderTarget(home, env({ host: 'alipay' }), self).plan).toEqual({
        kind: 'redirect',
        location: 'alipays://platformapi/startapp?appId=2021002161234567',
      });
    });
  });

  describe('Douyin mini-program', () => {
    const dy = {
      kind: 'douyin-miniprogram',
      appId: 'tt0123456789abcdef',
      path: 'pages/item/item',
      urlLink: 'https://z.douyin.com/79lNBpL',
      urlLinkExpiresAt: '2026-12-01T00:00:00+08:00',
    } as const satisfies Target;
    const before = new Date('2026-11-01T00:00:00Z');
    const after = new Date('2026-12-02T00:00:00Z');

    it('with a live Link: redirects to it on phones (inside Douyin and elsewhere), reporting the params it cannot carry', () => {
      const inside = renderTarget(dy, env({ host: 'douyin', query: { ref: 'v_1', utm_source: 'dy' } }), self, before);
      expect(inside).toEqual({
        plan: { kind: 'redirect', location: 'https://z.douyin.com/79lNBpL' },
        dropped: ['ref', 'utm_source'],
        warnings: [],
        warningCodes: [],
      });
      expect(renderTarget(dy, env({ host: 'wechat', os: 'ios' }), self, before).plan).toEqual({
        kind: 'redirect',
        location: 'https://z.douyin.com/79lNBpL',
      });
      expect(renderTarget(dy, env({ os: 'desktop' }), self, before).plan).toEqual({ kind: 'page', page: 'qr', url: self, qrUrl: self });
    });

    it('inside Douyin without a valid Link: the relay page, or the fallback URL with attribution params', () => {
      const { urlLink: _l, urlLinkExpiresAt: _e, ...noLink } = dy;
      const r = renderTarget(noLink, env({ host: 'douyin', query: { ref: 'v_1' } }), self);
      expect(r.plan).toEqual({ kind: 'page', page: 'douyin-relay', url: self });
      expect(r.warnings[0]).toMatch(/no live Douyin Link/);
      const withFallback: Target = { ...noLink, fallbackUrl: 'https://shop.example/item/42' };
      expect(renderTarget(withFallback, env({ host: 'douyin', query: { ref: 'v_1' } }), self).plan).toEqual({
        kind: 'redirect',
        location: 'https://shop.example/item/42?ref=v_1',
      });
      expect(renderTarget(withFallback, env({ host: 'other', query: { ref: 'v_1' } }), self).plan).toEqual({
        kind: 'page',
        page: 'douyin-relay',
        url: self,
        fallbackUrl: 'https://shop.example/item/42?ref=v_1',
      });
    });

    it('with a Link generated for this visit: redirects to it, dropping only what did not fit', () => {
      const { urlLink: _l, urlLinkExpiresAt: _e, ...noLink } = dy;
      const link = { url: 'https://z.douyin.com/gen42', expiresAt: '2027-04-01T00:00:00.000Z', dropped: ['utm_term'] };
      const r = renderTarget(noLink, env({ host: 'other', query: { ref: 'v_1' } }), self, before, [], { douyin: { link } });
      expect(r).toEqual({ plan: { kind: 'redirect', location: link.url }, dropped: ['utm_term'], warnings: [], warningCodes: [] });
      // An expired pasted Link does not matter while a generated one exists.
      expect(renderTarget(dy, env(), self, after, [], { douyin: { link } }).warningCodes).toEqual([]);
    });

    it('when Douyin gave no Link this time: says so, then uses the pasted Link or the fallback', () => {
      const failed = { douyin: { link: null } };
      const r = renderTarget(dy, env({ query: { ref: 'v_1' } }), self, before, [], failed);
      expect(r.plan).toEqual({ kind: 'redirect', location: 'https://z.douyin.com/79lNBpL' });
      expect(r.warningCodes).toEqual(['douyin_link_not_generated']);
      const late = renderTarget(dy, env(), self, after, [], failed);
      expect(late.plan).toMatchObject({ page: 'douyin-relay' });
      expect(late.warningCodes).toEqual(['douyin_link_expired', 'douyin_link_not_generated', 'douyin_no_live_link']);
      expect(late.warnings).toHaveLength(3);
    });

    it('warns when the Link expired and stops using it', () => {
      const late = renderTarget(dy, env({ host: 'douyin' }), self, after);
      expect(late.plan).toEqual({ kind: 'page', page: 'douyin-relay', url: self });
      expect(late.warnings[0]).toMatch(/Douyin Link expired at 2026-12-01T00:00:00\+08:00/);
    });

    it('expiryWarnings flags a Douyin Link 7 days ahead and once expired', () => {
      const link = { slug: 'dy', rules: [], passThrough: [], default: { type: 'target' as const, target: dy } };
      expect(expiryWarnings(link, Date.parse('2026-10-01T00:00:00Z'))).toEqual([]);
      expect(expiryWarnings(link, Date.parse('2026-11-27T00:00:00Z'))).toEqual([
        { path: 'default.target.urlLinkExpiresAt', message: expect.stringMatching(/^Douyin Link expires at .* \(in 4 d\)$/) },
      ]);
      expect(expiryWarnings(link, after.getTime())[0].message).toMatch(/Douyin Link expired .*the relay page/);
    });
  });
});
