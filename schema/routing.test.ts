import { describe, expect, it } from 'vitest';
import { LinkDefinition, linkUrls, Target } from './routing.js';

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
