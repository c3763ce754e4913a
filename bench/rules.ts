// Rule evaluation time for a 50-rule link where only the last rule matches (the worst case),
// with calendar conditions (time zone lookups) in every rule. Target: ≤ 20 µs per evaluation.
import { LinkDefinition } from '../schema/routing.js';
import { detectEnv } from '../worker/src/links/detect-env.js';
import { compileLink, evaluateLink } from '../worker/src/links/rules.js';

const h5 = (n: number) => ({ type: 'target', target: { kind: 'h5', url: `https://shop.example/${n}` } });
const rules = Array.from({ length: 50 }, (_, i) => ({
  id: `r${i}`,
  conditions: [
    { field: 'host', op: 'in', values: i === 49 ? ['wechat'] : ['alipay'] },
    { field: 'os', op: 'in', values: ['ios', 'android'] },
    { field: 'query', key: 'utm_source', op: 'prefix', value: 'baidu' },
    { field: 'weekday', op: 'in', values: [1, 2, 3, 4, 5, 6, 7] },
  ],
  action:
    i === 49
      ? {
          type: 'split',
          variants: [
            { weight: 50, target: h5(1).target },
            { weight: 50, target: h5(2).target },
          ],
        }
      : h5(i),
}));
const link = compileLink(LinkDefinition.parse({ slug: 'bench', rules, default: h5(0) }));
const env = detectEnv({
  userAgent:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 9_3 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Mobile/13E233 MicroMessenger/6.3.15 NetType/WIFI Language/zh_CN',
  url: 'https://edge.example/r/bench?utm_source=baidu_sem',
});
const now = Date.now();
const run = (n: number) => {
  const t = performance.now();
  for (let i = 0; i < n; i++) evaluateLink(link, { env, visitorId: `visitor-${i & 1023}`, now });
  return ((performance.now() - t) * 1000) / n;
};
run(20_000); // warm up the JIT
const samples = Array.from({ length: 7 }, () => run(50_000)).sort((a, b) => a - b);
const detect = (() => {
  const t = performance.now();
  for (let i = 0; i < 50_000; i++)
    detectEnv({
      userAgent: 'Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/107 Mobile Safari/537.36 MicroMessenger/8.0.34 NetType/WIFI',
      url: 'https://e.example/r/x?a=1',
    });
  return ((performance.now() - t) * 1000) / 50_000;
})();
const decision = evaluateLink(link, { env, visitorId: 'visitor-1', now });
console.log(`50-rule link, last rule matches (${decision.ruleId}), 4 conditions per rule; Node ${process.version} (V8, like workerd)\n`);
console.log('| step | median µs | min µs |');
console.log('|---|---|---|');
console.log(`| evaluateLink (50 rules) | ${samples[3].toFixed(2)} | ${samples[0].toFixed(2)} |`);
console.log(`| detectEnv (UA + URL) | ${detect.toFixed(2)} | – |`);
console.log(JSON.stringify({ bench: 'rules', medianMicros: samples[3], minMicros: samples[0], detectMicros: detect }));
