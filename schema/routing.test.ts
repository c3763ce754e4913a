import { describe, expect, it } from 'vitest';
import { Condition, LinkDefinition, linkUrls, Target } from './routing.js';

const ok = (t: unknown) => Target.safeParse(t).success;
const alipay = { kind: 'alipay-miniprogram', appId: '2021002161234567', path: 'pages/index/index', query: 'a=1&b=2' };
const douyin = {
  kind: 'douyin-miniprogram',
  appId: 'tt0123456789abcdef',
  path: 'pages/index/index',
  urlLink: 'https://z.douyin.com/79lNBpL',
  urlLinkExpiresAt: '2026-12-01T00:00:00+08:00',
  fallbackUrl: 'https://shop.example/p',
};

describe('Target: alipay-miniprogram', () => {
  it('accepts a 16-digit appId, a page path and a query', () => {
    expect(ok(alipay)).toBe(true);
    expect(ok({ ...alipay, path: '', query: undefined })).toBe(true);
  });

  it('refuses bad app ids, paths and queries', () => {
    for (const appId of ['', '202100216123456', '20210021612345678', '1021002161234567', '2021OO2161234567', 'wx0123456789abcdef'])
      expect(ok({ ...alipay, appId }), appId).toBe(false);
    for (const path of ['pages/index?x=1', 'pages/a b', 'javascript:alert(1)', 'x'.repeat(257)])
      expect(ok({ ...alipay, path }), path).toBe(false);
    expect(ok({ ...alipay, query: 'a=\u0000' })).toBe(false);
    expect(ok({ ...alipay, query: 'q'.repeat(513) })).toBe(false);
  });
});

describe('Target: douyin-miniprogram', () => {
  it('accepts "tt" + 16 hex, a path, a Link with expiry and a fallback', () => {
    expect(ok(douyin)).toBe(true);
    expect(ok({ kind: 'douyin-miniprogram', appId: 'tt0123456789abcdef', path: '' })).toBe(true);
  });

  it('refuses bad app ids, paths, Links and expiry times', () => {
    for (const appId of ['', 'tt0123456789abcde', 'tt0123456789abcdefa', 'TT0123456789abcdef', 'tt0123456789abcdeg', 'wx0123456789abcdef'])
      expect(ok({ ...douyin, appId }), appId).toBe(false);
    expect(ok({ ...douyin, path: '../x?y' })).toBe(false);
    for (const urlLink of ['http://z.douyin.com/x', 'snssdk1128://microapp', 'https://user@z.douyin.com/x', ' https://z.douyin.com/x'])
      expect(ok({ ...douyin, urlLink }), urlLink).toBe(false);
    expect(ok({ ...douyin, urlLinkExpiresAt: '2026-12-01' })).toBe(false);
    expect(ok({ ...douyin, fallbackUrl: '/relative' })).toBe(false);
  });
});

describe('Target: wechat-miniprogram shortLink', () => {
  const wx = { kind: 'wechat-miniprogram', appId: 'wx0123456789abcdef', path: 'pages/index/index' };
  it("accepts WeChat's documented form #小程序://name/title/ticket, titles with spaces or a slash", () => {
    for (const shortLink of [
      '#小程序://小程序示例/示例页面/9pZvnVw3KMCQpVp',
      '#小程序://edgepick 演示店/Homework title/AbC123',
      '#小程序://店铺/春季 / 上新.../x9Y8z7',
    ])
      expect(ok({ ...wx, shortLink }), shortLink).toBe(true);
  });

  it('refuses other forms, URLs, control, bidi and zero-width characters, and over-long parts (name 64, title 96, ticket 64)', () => {
    for (const shortLink of [
      '',
      '小程序://小程序示例/示例页面/9pZvnVw3KMCQpVp',
      '#小程序://小程序示例/9pZvnVw3KMCQpVp',
      '#小程序://小程序示例/示例页面/',
      '#小程序://小程序示例/示例页面/abc!',
      'https://wxaurl.cn/abc',
      '#小程序://a\u0000b/示例页面/9pZvnVw3',
      '#小程序://小程序示例/示例\n页面/9pZvnVw3',
      '#小程序://小程序示例/\u202e页面/9pZvnVw3',
      '#小程序://小\u200b程序/页面/9pZvnVw3',
      `#小程序://${'店'.repeat(65)}/页面/9pZvnVw3`,
      `#小程序://店/${'页'.repeat(97)}/9pZvnVw3`,
      `#小程序://店/页面/${'a'.repeat(65)}`,
    ])
      expect(ok({ ...wx, shortLink }), JSON.stringify(shortLink)).toBe(false);
  });
});

describe('Condition: harmony', () => {
  it('takes equals true or false only', () => {
    expect(Condition.safeParse({ field: 'harmony', op: 'equals', value: true }).success).toBe(true);
    expect(Condition.safeParse({ field: 'harmony', op: 'equals', value: false }).success).toBe(true);
    expect(Condition.safeParse({ field: 'harmony', op: 'equals', value: 'true' }).success).toBe(false);
    expect(Condition.safeParse({ field: 'harmony', op: 'in', values: [true] }).success).toBe(false);
  });
});

describe('linkUrls', () => {
  it('lists the Douyin Link and fallback with their target kind, and nothing for Alipay (the worker builds its URLs)', () => {
    const link = LinkDefinition.parse({
      slug: 'mp',
      rules: [{ id: 'ali', conditions: [{ field: 'host', op: 'in', values: ['alipay'] }], action: { type: 'target', target: alipay } }],
      default: { type: 'target', target: douyin },
    });
    expect(linkUrls(link)).toEqual([
      { path: 'default.target.urlLink', url: 'https://z.douyin.com/79lNBpL', kind: 'douyin-miniprogram' },
      { path: 'default.target.fallbackUrl', url: 'https://shop.example/p', kind: 'douyin-miniprogram' },
    ]);
  });
});
