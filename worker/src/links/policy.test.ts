import { describe, expect, it } from 'vitest';
import { type LinkDefinition, LinkDefinition as LinkSchema } from '../../../schema/routing.js';
import { offSiteUrls, urlAllowed } from './policy.js';

const HOSTS = ['shop.example'];
const link = (target: Record<string, unknown>): LinkDefinition => LinkSchema.parse({ slug: 'p', default: { type: 'target', target } });
const douyin = (over: Record<string, unknown>) => link({ kind: 'douyin-miniprogram', appId: 'tt0123456789abcdef', path: '', ...over });
const wechat = (urlLink: string) => link({ kind: 'wechat-miniprogram', appId: 'wx0123456789abcdef', path: '', urlLink });

describe('offSiteUrls on platform link fields', () => {
  it("allows a platform's link host in its own target's urlLink only", () => {
    expect(offSiteUrls(douyin({ urlLink: 'https://z.douyin.com/79lNBpL' }), HOSTS)).toEqual([]);
    expect(offSiteUrls(wechat('https://wxaurl.cn/abc'), HOSTS)).toEqual([]);
    // WeChat's current docs give URL Links on either host.
    expect(offSiteUrls(wechat('https://wxmpurl.cn/abc'), HOSTS)).toEqual([]);
    expect(offSiteUrls(wechat('https://evil.wxmpurl.cn/abc'), HOSTS)).toMatchObject([{ code: 'host_not_allowed' }]);
    // Crossed over: a WeChat host in a Douyin target and the other way round.
    expect(offSiteUrls(douyin({ urlLink: 'https://wxaurl.cn/abc' }), HOSTS)).toMatchObject([
      { code: 'host_not_allowed', path: ['default', 'target', 'urlLink'] },
    ]);
    expect(offSiteUrls(wechat('https://z.douyin.com/x'), HOSTS)).toMatchObject([{ code: 'host_not_allowed' }]);
  });

  it("refuses a Douyin fallbackUrl off the site's hosts, even on z.douyin.com", () => {
    expect(offSiteUrls(douyin({ fallbackUrl: 'https://shop.example/p' }), HOSTS)).toEqual([]);
    for (const fallbackUrl of ['https://evil.example/p', 'https://z.douyin.com/x', 'https://shop.example.evil.com/'])
      expect(offSiteUrls(douyin({ fallbackUrl }), HOSTS), fallbackUrl).toMatchObject([
        { code: 'host_not_allowed', path: ['default', 'target', 'fallbackUrl'] },
      ]);
  });
});

describe('urlAllowed for the pages the worker builds', () => {
  const self = 'https://edge.example/r/x';
  it('allows ds.alipay.com and alipays:// for Alipay targets only', () => {
    expect(urlAllowed('https://ds.alipay.com/?scheme=alipays%3A%2F%2F', self, HOSTS, 'alipay-miniprogram')).toBe(true);
    expect(urlAllowed('alipays://platformapi/startapp?appId=2021002161234567', self, HOSTS, 'alipay-miniprogram')).toBe(true);
    expect(urlAllowed('https://ds.alipay.com/?scheme=x', self, HOSTS, 'h5')).toBe(false);
    expect(urlAllowed('https://ds.alipay.com.evil.com/', self, HOSTS, 'alipay-miniprogram')).toBe(false);
  });

  it('allows z.douyin.com for Douyin targets only', () => {
    expect(urlAllowed('https://z.douyin.com/79lNBpL', self, HOSTS, 'douyin-miniprogram')).toBe(true);
    expect(urlAllowed('https://z.douyin.com/79lNBpL', self, HOSTS, 'wechat-miniprogram')).toBe(false);
    expect(urlAllowed('https://wxaurl.cn/abc', self, HOSTS, 'douyin-miniprogram')).toBe(false);
  });
});
