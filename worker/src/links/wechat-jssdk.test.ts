import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { jsapiTicket, signPage } from './wechat-jssdk.js';

describe('WeChat JS-SDK signing', () => {
  it('signs like WeChat’s documented example (JS-SDK docs, appendix 1)', async () => {
    const cfg = await signPage(
      'wxoa',
      'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg',
      'http://mp.weixin.qq.com?params=value#ignored-hash',
      1414587457 * 1000,
      'Wm3WZYTPz0wzccnW',
    );
    expect(cfg).toEqual({
      appId: 'wxoa',
      timestamp: 1414587457,
      nonceStr: 'Wm3WZYTPz0wzccnW',
      signature: '0f9de62fce790f9a083d5c99e95740ceb90c27ed',
    });
  });

  it('fetches the ticket through the official account token once, then serves it from KV', async () => {
    const e = env as unknown as { PACKS: KVNamespace; WECHAT_OA_APPID: string; WECHAT_OA_SECRET: string };
    expect(await jsapiTicket(e)).toBe('TEST_TICKET');
    expect(await e.PACKS.get('wechat/jsapi-ticket/wxoa000000000001', 'json')).toMatchObject({ ticket: 'TEST_TICKET' });
    // With KV holding a fresh ticket, no API call is needed even with a wrong secret.
    expect(await jsapiTicket({ ...e, WECHAT_OA_SECRET: 'wrong' })).toBe('TEST_TICKET');
  });

  it('returns null without credentials or when WeChat refuses them', async () => {
    expect(await jsapiTicket({ PACKS: env.PACKS })).toBeNull();
    expect(await jsapiTicket({ PACKS: env.PACKS, WECHAT_OA_APPID: 'wxother', WECHAT_OA_SECRET: 'wrong' })).toBeNull();
  });
});
