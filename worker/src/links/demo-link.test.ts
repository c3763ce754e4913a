import { describe, expect, it } from 'vitest';
import { demoLinkDefinition } from './demo-link.js';
import { detectEnv } from './detect-env.js';
import { compileLink, evaluateLink } from './rules.js';
import { renderTarget } from './targets.js';

// One real UA per environment the demo link promises to route (sources: detect-env.test.ts).
const UA = {
  baidu:
    'Mozilla/5.0 (Linux; Android 8.1.0; ALP-AL00 Build/HUAWEIALP-AL00; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/63.0.3239.83 Mobile Safari/537.36 T7/10.13 baiduboxapp/10.13.0.11 (Baidu; P1 8.1.0)',
  swan: 'Mozilla/5.0 (iPhone; CPU iPhone OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 swan/2.4.0 swan-baiduboxapp/11.9.0.1 baiduboxapp/11.9.0.1 (Baidu; P2 12.2)',
  wechat:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 9_3 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Mobile/13E233 MicroMessenger/6.3.15 NetType/WIFI Language/zh_CN',
  miniprogram:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 13_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/7.0.15(0x17000f25) NetType/WIFI Language/zh_CN miniProgram',
  wecom:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 10_2 like Mac OS X) AppleWebKit/602.3.12 (KHTML, like Gecko) Mobile/14C92 wxwork/2.4.2 MicroMessenger/6.3.22 Language/zh',
  desktop: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/75.0.3770.142 Safari/537.36',
  bot: 'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)',
  safari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 10_3_1 like Mac OS X) AppleWebKit/603.1.30 (KHTML, like Gecko) Version/10.0 Mobile/14E304 Safari/602.1',
};

describe('demoLinkDefinition', () => {
  const link = compileLink(demoLinkDefinition());
  const route = (ua: string) => {
    const env = detectEnv({ userAgent: ua, url: 'https://edge.test/r/demo' });
    const d = evaluateLink(link, { env, visitorId: 'v' });
    return { rule: d.ruleId, target: d.target.kind, plan: renderTarget(d.target, env, 'https://edge.test/r/demo').plan.kind };
  };

  it('routes every promised environment', () => {
    expect(route(UA.baidu)).toEqual({ rule: 'baidu', target: 'baidu-swan', plan: 'redirect' });
    expect(route(UA.swan)).toEqual({ rule: 'baidu', target: 'baidu-swan', plan: 'redirect' });
    for (const ua of [UA.wechat, UA.miniprogram, UA.wecom])
      expect(route(ua)).toMatchObject({ rule: 'wechat', target: 'wechat-miniprogram', plan: 'page' });
    expect(route(UA.desktop)).toEqual({ rule: 'desktop', target: 'qr', plan: 'page' });
    expect(route(UA.bot)).toEqual({ rule: 'bots', target: 'h5', plan: 'preview' });
    expect(route(UA.safari)).toEqual({ rule: null, target: 'h5', plan: 'redirect' });
  });

  it('returns a fresh copy each time', () => {
    const a = demoLinkDefinition();
    a.rules.length = 0;
    expect(demoLinkDefinition().rules.length).toBe(4);
  });
});
