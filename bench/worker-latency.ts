// Recommendation latency on the local worker (wrangler dev → workerd), for the demo pack and a
// 100k-item × 64-factor pack, with and without request-time fold-in, next to a trivial route
// (/health) measured in the same run. Sequential requests over loopback; p50/p99 in ms.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePack } from '../models/pack/index.js';
import { cli, startDemoServer } from '../test/e2e/demo-server.js';

const N = Number(process.env.BENCH_REQUESTS ?? 400);

function bigPack(nItems = 100_000, f = 64, nUsers = 2000) {
  let s = 99;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  const clusters = Array.from({ length: 50 }, () => Float32Array.from({ length: f }, rnd));
  const itemFactors = new Float32Array(nItems * f);
  for (let i = 0; i < nItems; i++) {
    const c = clusters[i % 50];
    for (let k = 0; k < f; k++) itemFactors[i * f + k] = 0.3 * c[k] + 0.1 * rnd();
  }
  return {
    params: { factors: f, regularization: 0.1, alpha: 1, eventWeights: { view: 1, click: 2, add_to_cart: 3, share: 4, purchase: 5 } },
    factors: f,
    itemIds: Array.from({ length: nItems }, (_, i) => `b${i}`),
    itemFactors,
    itemPopularity: Float32Array.from({ length: nItems }, (_, i) => 1 / (i + 1)),
    userIds: Array.from({ length: nUsers }, (_, i) => `bu${i}`),
    userFactors: Float32Array.from({ length: nUsers * f }, rnd),
    // 20 trained items per user, as `edgepick train` writes them: the trained-user case pays for excluding them.
    userItemsCsr: {
      indptr: Int32Array.from({ length: nUsers + 1 }, (_, u) => u * 20),
      indices: Int32Array.from({ length: nUsers * 20 }, (_, k) => (Math.floor(k / 20) * 37 + (k % 20) * 4999) % nItems),
    },
    interactions: nItems * 10,
  };
}

/** Requests per second with `concurrency` requests in flight, `total` in all (loopback only). */
async function throughput(url: string, init: RequestInit, total = 2000, concurrency = 16) {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await (await fetch(url, init)).arrayBuffer();
    }),
  );
  return Math.round(total / ((performance.now() - t) / 1000));
}

async function measure(url: string, init?: RequestInit) {
  for (let i = 0; i < 30; i++) await (await fetch(url, init)).arrayBuffer();
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    const res = await fetch(url, init);
    await res.arrayBuffer();
    if (res.status >= 400) throw new Error(`${url} → ${res.status}`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))] * 100) / 100;
  return { p50: q(0.5), p99: q(0.99) };
}

const server = await startDemoServer({
  beforeServe: async (dir, state) => {
    const file = join(dir, 'big.pack');
    writeFileSync(file, await encodePack(bigPack()));
    const res = cli(['publish', file, '--site', 'big', '--local', '--persist-to', state]);
    if (res.status !== 0) throw new Error(res.stderr);
  },
});
try {
  const u = server.url;
  const recent = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i * 7 + 1}:click`).join(',');
  const cases: [string, string][] = [
    ['trivial route (/health)', `${u}/health`],
    ['demo: popular', `${u}/v1/sites/demo/popular?k=20`],
    ['demo: trained user', `${u}/v1/sites/demo/recommendations?userId=u0001&k=20`],
    [
      'demo: fold-in (10 recent)',
      `${u}/v1/sites/demo/recommendations?visitorId=v1&k=20&recent=${recent('p000', 1)},p0002:view,p0003:click,p0010:view,p0011:click,p0012:view,p0013:click,p0020:view,p0021:view,p0022:view`,
    ],
    ['100k×64: trained user', `${u}/v1/sites/big/recommendations?userId=bu7&k=20`],
    ['100k×64: fold-in (10 recent)', `${u}/v1/sites/big/recommendations?visitorId=v1&k=20&recent=${recent('b', 10)}`],
  ];
  const rows: Record<string, { p50: number; p99: number }> = {};
  for (const [name, url] of cases) rows[name] = await measure(url);
  // One shopper across channels: a user with 50 stored interactions (sent from the WeChat channel)
  // against a user with none, same route and site — the cost of reading the Durable Object.
  const history = Array.from({ length: 50 }, (_, i) => ({
    id: `bench-hist-${i}`,
    type: 'click',
    visitorId: 'v_bench_wx',
    userId: 'bench-u50',
    itemId: `p${String((i * 37) % 2000).padStart(4, '0')}`,
    channel: 'wechat',
    ts: Date.now() - (50 - i) * 1000,
  }));
  const sent = await fetch(`${u}/v1/sites/demo/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ events: history }),
  });
  if (!sent.ok) throw new Error(`events for the history case: ${sent.status} ${await sent.text()}`);
  rows['demo: user with no stored history'] = await measure(`${u}/v1/sites/demo/recommendations?userId=bench-u0&k=20`);
  rows['demo: user with 50 stored interactions (cross-channel)'] = await measure(
    `${u}/v1/sites/demo/recommendations?userId=bench-u50&k=20`,
  );
  // Campaign links: /r/demo for a Baidu swan web-view (302 to the swan scheme) and a desktop (QR page).
  const swan = {
    headers: {
      'user-agent':
        'Mozilla/5.0 (iPhone; CPU iPhone OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 swan/2.4.0 baiduboxapp/11.9.0.1 (Baidu; P2 12.2)',
    },
    redirect: 'manual' as const,
  };
  const desk = {
    headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36' },
    redirect: 'manual' as const,
  };
  rows['/r/demo → 302 (swan)'] = await measure(`${u}/r/demo?utm_source=bench`, swan);
  rows['/r/demo → QR page (desktop)'] = await measure(`${u}/r/demo`, desk);
  const tpTrivial = await throughput(`${u}/health`, {});
  const tpLink = await throughput(`${u}/r/demo?utm_source=bench`, swan);
  const base = rows['trivial route (/health)'].p50;
  console.log('| case | p50 ms | p99 ms | p50 ÷ trivial |');
  console.log('|---|---|---|---|');
  for (const [name, r] of Object.entries(rows)) console.log(`| ${name} | ${r.p50} | ${r.p99} | ${(r.p50 / base).toFixed(1)}× |`);
  console.log(
    `\nThroughput, 16 requests in flight, 2,000 each: /health ${tpTrivial} req/s, /r/demo ${tpLink} req/s (ratio ${(tpLink / tpTrivial).toFixed(2)}). Both through wrangler dev's local proxy, which dominates.`,
  );
  console.log(JSON.stringify({ bench: 'worker-latency', requests: N, rows, throughput: { trivial: tpTrivial, link: tpLink } }));
} finally {
  await server.stop();
}
