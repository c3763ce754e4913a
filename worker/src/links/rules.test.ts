import { describe, expect, it } from 'vitest';
import { LinkDefinition, ROUTING_LIMITS } from '../../../schema/routing.js';
import { fnv1a32 } from '../lib/fnv.js';
import { detectEnv, type VisitorEnv } from './detect-env.js';
import { compiledLink, compileLink, evaluateLink, explainSkipped, testCondition } from './rules.js';
import { bucketOf, pickVariant } from './split.js';

const h5 = (url: string) => ({ type: 'target' as const, target: { kind: 'h5' as const, url } });
const env = (over: Partial<VisitorEnv> = {}): VisitorEnv => ({ host: 'other', os: 'android', bot: false, query: {}, ...over });

const definition = LinkDefinition.parse({
  slug: 'spring',
  rules: [
    { id: 'bots', conditions: [{ field: 'bot', op: 'equals', value: true }], action: h5('https://shop.example/preview') },
    {
      id: 'baidu',
      conditions: [{ field: 'host', op: 'in', values: ['baidu', 'baidu-swan'] }],
      action: { type: 'target', target: { kind: 'baidu-swan', appKey: 'AbCd1234EfGh', path: 'pages/index/index' } },
    },
    {
      id: 'wechat-cn',
      match: 'all',
      conditions: [
        { field: 'host', op: 'in', values: ['wechat', 'wecom'] },
        { field: 'country', op: 'in', values: ['CN', 'HK'] },
      ],
      action: {
        type: 'target',
        target: { kind: 'wechat-miniprogram', appId: 'wx0123456789abcdef', path: 'pages/item/item', query: 'id=42' },
      },
    },
    {
      id: 'campaign',
      match: 'any',
      conditions: [
        { field: 'query', key: 'utm_source', op: 'prefix', value: 'baidu' },
        { field: 'referrerHost', op: 'contains', value: 'baidu.com' },
      ],
      action: h5('https://shop.example/baidu-landing'),
    },
  ],
  default: h5('https://shop.example/'),
});
const link = compileLink(definition);
const ev = (e: VisitorEnv, visitorId = 'v1', now?: number) => evaluateLink(link, { env: e, visitorId, now });

describe('evaluateLink', () => {
  it('takes the first matching rule, in order', () => {
    expect(ev(env({ host: 'baidu', bot: true })).ruleId).toBe('bots');
    expect(ev(env({ host: 'baidu-swan' })).target).toMatchObject({ kind: 'baidu-swan' });
    expect(ev(env({ host: 'wecom', country: 'CN' })).ruleId).toBe('wechat-cn');
  });

  it('requires all conditions for match "all" and one for "any", and explains skipped rules', () => {
    const d = ev(env({ host: 'wechat', country: 'US', referrerHost: 'm.baidu.com' }));
    expect(d.ruleId).toBe('campaign');
    expect(explainSkipped(link, { env: env({ host: 'wechat', country: 'US', referrerHost: 'm.baidu.com' }), visitorId: 'v1' }, d)).toEqual([
      { ruleId: 'bots', condition: 0, reason: 'failed: bot equals true' },
      { ruleId: 'baidu', condition: 0, reason: 'failed: host in ["baidu","baidu-swan"]' },
      { ruleId: 'wechat-cn', condition: 1, reason: 'failed: country in ["CN","HK"]' },
    ]);
    expect(ev(env({ query: { utm_source: 'BaiduSEM' } })).ruleId).toBe('campaign');
  });

  it('falls back to the link default', () => {
    const e = env({ host: 'douyin' });
    const d = ev(e);
    expect(d.ruleId).toBeNull();
    expect(d.ruleIndex).toBe(-1);
    expect(d.target).toEqual({ kind: 'h5', url: 'https://shop.example/' });
    const why = explainSkipped(link, { env: e, visitorId: 'v1' }, d);
    expect(why).toHaveLength(4);
    expect(why.at(-1)).toEqual({ ruleId: 'campaign', condition: -1, reason: 'none of 2 conditions held' });
  });

  it('compiles each link object once', () => {
    expect(compiledLink(definition)).toBe(compiledLink(definition));
    expect(compiledLink(definition)).not.toBe(compiledLink(LinkDefinition.parse(definition)));
  });

  it('routes real user agents end to end', () => {
    const swan = detectEnv({
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 swan/2.4.0 swan-baiduboxapp/11.9.0.1 baiduboxapp/11.9.0.1 (Baidu; P2 12.2)',
    });
    expect(ev(swan).ruleId).toBe('baidu');
    const spider = detectEnv({ userAgent: 'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)' });
    expect(ev(spider).ruleId).toBe('bots');
  });
});

describe('calendar conditions (default time zone Asia/Shanghai)', () => {
  // 2026-11-22T16:30Z is Monday 00:30 in Shanghai, still Sunday in UTC.
  const now = new Date('2026-11-22T16:30:00Z');
  it('weekday and time of day are local to the zone', () => {
    expect(testCondition({ field: 'weekday', op: 'in', values: [1] }, env(), now)).toBe(true);
    expect(testCondition({ field: 'weekday', op: 'in', values: [7], timeZone: 'UTC' }, env(), now)).toBe(true);
    expect(testCondition({ field: 'timeOfDay', op: 'between', from: '00:00', to: '01:00' }, env(), now)).toBe(true);
    expect(testCondition({ field: 'timeOfDay', op: 'between', from: '09:00', to: '18:00' }, env(), now)).toBe(false);
    // A window across midnight.
    expect(testCondition({ field: 'timeOfDay', op: 'between', from: '22:00', to: '02:00' }, env(), now)).toBe(true);
  });
  it('re-reads the local clock when the minute changes (per-zone cache)', () => {
    const c = { field: 'weekday' as const, op: 'in' as const, values: [7] };
    // Sunday 23:59 → Monday 00:00 in Shanghai, one call right after the other.
    expect(testCondition(c, env(), Date.parse('2026-11-22T15:59:30Z'))).toBe(true);
    expect(testCondition(c, env(), Date.parse('2026-11-22T15:59:59Z'))).toBe(true);
    expect(testCondition(c, env(), Date.parse('2026-11-22T16:00:00Z'))).toBe(false);
    expect(
      testCondition({ field: 'timeOfDay', op: 'between', from: '23:59', to: '00:00' }, env(), Date.parse('2026-11-22T15:59:00Z')),
    ).toBe(true);
  });
  it('schedules are half-open instants', () => {
    expect(testCondition({ field: 'schedule', op: 'between', start: '2026-11-22T16:30:00Z' }, env(), now)).toBe(true);
    expect(testCondition({ field: 'schedule', op: 'between', end: '2026-11-22T16:30:00Z' }, env(), now)).toBe(false);
    expect(
      testCondition({ field: 'schedule', op: 'between', start: '2026-11-01T00:00:00+08:00', end: '2026-12-01T00:00:00+08:00' }, env(), now),
    ).toBe(true);
  });
});

describe('numeric ranges', () => {
  it('tests a query parameter against an inclusive range', () => {
    const c = { field: 'queryNumber' as const, key: 'level', op: 'between' as const, min: 2, max: 5 };
    expect(testCondition(c, env({ query: { level: '2' } }), new Date())).toBe(true);
    expect(testCondition(c, env({ query: { level: '5.0' } }), new Date())).toBe(true);
    expect(testCondition(c, env({ query: { level: '6' } }), new Date())).toBe(false);
    expect(testCondition(c, env({ query: { level: 'abc' } }), new Date())).toBe(false);
    expect(testCondition(c, env({ query: {} }), new Date())).toBe(false);
    expect(testCondition({ ...c, max: undefined }, env({ query: { level: '99' } }), new Date())).toBe(true);
  });
});

describe('HarmonyOS', () => {
  // HarmonyOS 3 on a Huawei phone (os android + harmony), HarmonyOS NEXT (os harmonyos + harmony), plain Android.
  const harmony3 = detectEnv({
    userAgent:
      'Mozilla/5.0 (Linux; Android 10; HarmonyOS; NOH-AN00; HMSCore 6.11.0.302) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.0.300 Mobile Safari/537.36',
  });
  const next = detectEnv({
    userAgent:
      'Mozilla/5.0 (Phone; OpenHarmony 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile',
  });
  const android = detectEnv({
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
  });

  it('`harmony equals true|false` tells HarmonyOS 2–4 apart from plain Android, and matches NEXT too', () => {
    expect([harmony3.os, next.os, android.os]).toEqual(['android', 'harmonyos', 'android']);
    const yes = { field: 'harmony' as const, op: 'equals' as const, value: true };
    expect([harmony3, next, android].map((e) => testCondition(yes, e))).toEqual([true, true, false]);
    expect([harmony3, next, android].map((e) => testCondition({ ...yes, value: false }, e))).toEqual([false, false, true]);
  });

  it('routes HarmonyOS phones by rule, and simulate explains a miss', () => {
    const c = compileLink(
      LinkDefinition.parse({
        slug: 'hm',
        rules: [{ id: 'harmony', conditions: [{ field: 'harmony', op: 'equals', value: true }], action: h5('https://shop.example/hm') }],
        default: h5('https://shop.example/'),
      }),
    );
    expect(evaluateLink(c, { env: harmony3, visitorId: 'v' }).ruleId).toBe('harmony');
    const miss = evaluateLink(c, { env: android, visitorId: 'v' });
    expect(miss.ruleId).toBeNull();
    expect(explainSkipped(c, { env: android, visitorId: 'v' }, miss)).toEqual([
      { ruleId: 'harmony', condition: 0, reason: 'failed: harmony equals true' },
    ]);
  });
});

describe('sticky weighted splits', () => {
  it('hashes with FNV-1a 32', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('splits 10,000 visitors 70/30 within ±2% and keeps each visitor in place', () => {
    const counts = [0, 0];
    for (let i = 0; i < 10_000; i++) counts[pickVariant([70, 30], `visitor-${i}`, 'spring:r1')]++;
    expect(counts[0] / 10_000).toBeGreaterThan(0.68);
    expect(counts[0] / 10_000).toBeLessThan(0.72);
    for (let i = 0; i < 100; i++)
      expect(pickVariant([70, 30], `visitor-${i}`, 'spring:r1')).toBe(pickVariant([70, 30], `visitor-${i}`, 'spring:r1'));
  });

  it('computes the bucket as fnv1a32(visitorId + ":" + salt) mod 10000 without joining strings', () => {
    for (const [v, salt] of [
      ['visitor-1', 'spring:r1'],
      ['', ''],
      ['访客-ü', 'demo:default'],
      ['v_0123456789abcdef01234567', 'x'],
    ])
      expect(bucketOf(v, salt)).toBe(fnv1a32(`${v}:${salt}`) % 10_000);
  });

  it('evaluates a 70/30 split over 10,000 visitors within ±2%, stable per visitor', () => {
    const split = compileLink(
      LinkDefinition.parse({
        slug: 'ab',
        rules: [],
        default: {
          type: 'split',
          variants: [
            { weight: 70, target: { kind: 'h5', url: 'https://a.example/' } },
            { weight: 30, target: { kind: 'h5', url: 'https://b.example/' } },
          ],
        },
      }),
    );
    const counts = [0, 0];
    for (let i = 0; i < 10_000; i++) {
      const d = evaluateLink(split, { env: env(), visitorId: `v_${i}` });
      counts[d.variant!]++;
      expect(d.target).toEqual({ kind: 'h5', url: d.variant === 0 ? 'https://a.example/' : 'https://b.example/' });
    }
    expect(Math.abs(counts[0] / 10_000 - 0.7)).toBeLessThan(0.02);
    for (let i = 0; i < 200; i++)
      expect(evaluateLink(split, { env: env(), visitorId: `v_${i}` }).variant).toBe(pickVariant([70, 30], `v_${i}`, 'ab:default'));
  });

  it('splits independently per link salt', () => {
    let same = 0;
    for (let i = 0; i < 10_000; i++) if (pickVariant([50, 50], `v${i}`, 'a') === pickVariant([50, 50], `v${i}`, 'b')) same++;
    expect(same / 10_000).toBeGreaterThan(0.47);
    expect(same / 10_000).toBeLessThan(0.53);
  });
});

describe('LinkDefinition validation', () => {
  const issuePaths = (input: unknown) => {
    const r = LinkDefinition.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  it('rejects unsafe or malformed targets with precise paths', () => {
    expect(issuePaths({ slug: 's', default: h5('http://shop.example/') })[0]).toMatch(/^default\.target\.url/);
    expect(issuePaths({ slug: 's', default: h5('javascript:alert(1)') })[0]).toMatch(/^default\.target\.url/);
    expect(
      issuePaths({ slug: 's', default: { type: 'target', target: { kind: 'wechat-miniprogram', appId: 'wx123', path: 'p' } } })[0],
    ).toMatch(/appId: a WeChat appId is "wx" followed by 16 hex digits/);
    const split = {
      type: 'split',
      variants: [
        { weight: 60, target: h5('https://a.example/').target },
        { weight: 30, target: h5('https://b.example/').target },
      ],
    };
    expect(issuePaths({ slug: 's', default: split })[0]).toBe('default.variants: split weights must sum to 100');
  });
  it('rejects unknown fields, time zones and oversized rule sets', () => {
    expect(
      issuePaths({
        slug: 's',
        rules: [
          {
            id: 'r',
            conditions: [{ field: 'weekday', op: 'in', values: [1], timeZone: 'Mars/Olympus' }],
            action: h5('https://a.example/'),
          },
        ],
        default: h5('https://a.example/'),
      })[0],
    ).toMatch(/timeZone: unknown time zone/);
    expect(
      issuePaths({
        slug: 's',
        rules: [{ id: 'r', conditions: [{ field: 'regex', op: 'matches', value: '(a+)+$' }], action: h5('https://a.example/') }],
        default: h5('https://a.example/'),
      }).length,
    ).toBeGreaterThan(0);
    const many = Array.from({ length: ROUTING_LIMITS.rulesPerLink + 1 }, (_, i) => ({
      id: `r${i}`,
      conditions: [{ field: 'bot', op: 'equals', value: true }],
      action: h5('https://a.example/'),
    }));
    expect(issuePaths({ slug: 's', rules: many, default: h5('https://a.example/') })[0]).toMatch(/^rules: Too big/);
    expect(issuePaths({ slug: 's', rules: [many[0], many[0]], default: h5('https://a.example/') })[0]).toMatch(/rule ids must be unique/);
  });
});

describe('disabled rules', () => {
  it('a rule with enabled: false never matches, and simulate says why', () => {
    const off = LinkDefinition.parse({
      ...definition,
      rules: definition.rules.map((r) => (r.id === 'baidu' ? { ...r, enabled: false } : r)),
    });
    const baidu = env({ host: 'baidu' });
    expect(evaluateLink(compileLink(definition), { env: baidu, visitorId: 'v' }).ruleId).toBe('baidu');
    const compiled = compileLink(off);
    const decision = evaluateLink(compiled, { env: baidu, visitorId: 'v' });
    expect(decision.ruleId).not.toBe('baidu');
    expect(explainSkipped(compiled, { env: baidu, visitorId: 'v' }, decision).find((s) => s.ruleId === 'baidu')).toEqual({
      ruleId: 'baidu',
      condition: -1,
      reason: 'disabled',
    });
  });
});
