// Sustained load through `wrangler dev` (workerd behind wrangler's local proxy) with autocannon, over
// loopback only. For each route: a short probe with 16 connections and no rate limit finds the most
// it serves, then the main measurement runs at ~70% of that (autocannon `overallRate`), so the
// latencies are for a rate the local stack sustains, not for an overload. Statuses, latencies and
// errors are counted per response by this script (a 302 from /r/demo counts as ok).
//
//   LOAD_SECONDS   seconds of the main measurement per route (default 60, as issue 7 asks; `LOAD_SECONDS=20 npm run bench load` for a quicker look)
//   PROBE_SECONDS  seconds of the probe per route (default 5)
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startDemoServer } from '../test/e2e/demo-server.js';

const LOAD_SECONDS = Math.max(1, Math.round(Number(process.env.LOAD_SECONDS ?? 60)));
const PROBE_SECONDS = Math.max(1, Math.round(Number(process.env.PROBE_SECONDS ?? 5)));
const CONNECTIONS = 16;
const RATE_FRACTION = 0.7;
const EVENTS_PER_BATCH = 10;
const STAGGER = process.env.LOAD_STAGGER !== '0';

const SWAN_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 swan/2.4.0 baiduboxapp/11.9.0.1 (Baidu; P2 12.2)';

interface Route {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** A fixed body, or one made fresh for every request. */
  body?: string | (() => string);
  /** The status a healthy answer has. */
  expect: number;
}

interface Phase {
  seconds: number;
  /** Completed responses per second (any status). */
  throughput: number;
  responses: number;
  p50: number;
  p99: number;
  /** Responses that are neither 2xx nor 3xx, by status. */
  bad: Record<string, number>;
  badCount: number;
  errors: number;
  timeouts: number;
  firstBad?: { status: number; body: string };
  firstError?: string;
  events?: { accepted: number; duplicates: number; rejected: number };
}

const ok = (status: number) => status >= 200 && status < 400;
const round2 = (x: number) => Math.round(x * 100) / 100;

function quantile(sorted: Float64Array, p: number) {
  if (!sorted.length) return Number.NaN;
  return round2(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]);
}

/** One autocannon instance inside a phase: its connections, its rate, and when it starts. */
interface Slot {
  connections: number;
  overallRate?: number;
  delayMs: number;
}

/**
 * One bounded phase against `base` + route: one or more autocannon instances (`slots`) run for
 * `seconds` each, counted together. Every instance is stopped by force if it overruns.
 */
async function run(base: string, route: Route, seconds: number, slots: Slot[]): Promise<Phase> {
  const times: number[] = [];
  const bad: Record<string, number> = {};
  let badCount = 0;
  let firstBad: Phase['firstBad'];
  let firstError: string | undefined;
  const events = route.path.endsWith('/events') ? { accepted: 0, duplicates: 0, rejected: 0 } : undefined;
  const makeBody = typeof route.body === 'function' ? route.body : undefined;
  const request: autocannon.Request = {
    method: route.method,
    path: route.path,
    headers: route.headers,
    body: typeof route.body === 'string' ? route.body : makeBody?.(),
    // A fresh body for every request (unique event ids); the first one of each client is built here too.
    // (Leave the key out otherwise: an explicit `undefined` replaces autocannon's default.)
    ...(makeBody ? { setupRequest: (req: autocannon.Request) => ({ ...req, body: makeBody() }) } : {}),
    onResponse: (status, body) => {
      if (!ok(status)) {
        if (!firstBad) firstBad = { status, body: body.slice(0, 500) };
        return;
      }
      if (events) {
        try {
          const r = JSON.parse(body) as { accepted: number; duplicates: number; rejected: unknown[] };
          events.accepted += r.accepted;
          events.duplicates += r.duplicates;
          events.rejected += r.rejected.length;
        } catch {}
      }
    },
  };
  const one = (slot: Slot) =>
    new Promise<{ responses: number; result: autocannon.Result }>((resolve, reject) => {
      let responses = 0;
      let settled = false;
      let instance: autocannon.Instance | undefined;
      const begin = setTimeout(() => {
        instance = autocannon(
          {
            url: base,
            connections: slot.connections,
            duration: seconds,
            ...(slot.overallRate ? { overallRate: slot.overallRate } : {}),
            timeout: 10,
            requests: [request],
            setupClient: (client) => {
              client.on('response', (status: number, _bytes: number, ms: number) => {
                responses++;
                times.push(ms);
                if (!ok(status)) {
                  badCount++;
                  bad[status] = (bad[status] ?? 0) + 1;
                }
              });
            },
          },
          (err, result) => {
            clearTimeout(softStop);
            clearTimeout(hardStop);
            if (settled) return;
            settled = true;
            if (err) reject(err);
            else resolve({ responses, result });
          },
        );
        instance.on('reqError', (e) => (firstError ??= String(e?.message ?? e)));
      }, slot.delayMs);
      // Bounded: ask autocannon to stop shortly after the planned end, and give up a little later.
      const end = slot.delayMs + seconds * 1000;
      const softStop = setTimeout(() => instance?.stop(), end + 15_000);
      const hardStop = setTimeout(() => {
        if (settled) return;
        settled = true;
        clearTimeout(begin);
        instance?.stop();
        reject(new Error(`autocannon on ${route.name} did not finish within ${Math.round(end / 1000) + 45} s`));
      }, end + 45_000);
    });
  const runs = await Promise.all(slots.map(one));
  const sorted = Float64Array.from(times).sort();
  return {
    seconds: Math.max(...runs.map((r) => r.result.duration)),
    // Each instance's rate over its own run, summed (the instances start apart).
    throughput: Math.round(runs.reduce((sum, r) => sum + r.responses / r.result.duration, 0)),
    responses: times.length,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    bad,
    badCount,
    errors: runs.reduce((sum, r) => sum + r.result.errors - r.result.timeouts, 0),
    timeouts: runs.reduce((sum, r) => sum + r.result.timeouts, 0),
    firstBad,
    firstError,
    events,
  };
}

/**
 * The main phase's instances for `target` req/s. autocannon's `overallRate` is a quota per
 * connection per second, spent as fast as the server answers at the start of each second, so 16
 * connections started together make a burst at 16 in flight every second. Staggered (default):
 * `CONNECTIONS` instances of one connection each, the rate split between them, started 1/CONNECTIONS s
 * apart, so the quotas are spread over the second. `LOAD_STAGGER=0`: one instance, 16 connections.
 */
function mainSlots(target: number): Slot[] {
  if (!STAGGER) return [{ connections: CONNECTIONS, overallRate: target, delayMs: 0 }];
  const n = Math.min(CONNECTIONS, target);
  return Array.from({ length: n }, (_, i) => ({
    connections: 1,
    overallRate: Math.floor(target / n) + (i < target % n ? 1 : 0),
    delayMs: Math.round((i * 1000) / n),
  }));
}

async function check(base: string, route: Route) {
  const body = typeof route.body === 'function' ? route.body() : route.body;
  const res = await fetch(base + route.path, {
    method: route.method,
    headers: route.headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (res.status !== route.expect) throw new Error(`${route.name}: expected ${route.expect}, got ${res.status}: ${text.slice(0, 500)}`);
  return { status: res.status, text, location: res.headers.get('location') };
}

const started = Date.now();
const server = await startDemoServer();
try {
  const base = server.url;
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(base)) throw new Error(`refusing to load anything but loopback: ${base}`);
  const setupSeconds = Math.round((Date.now() - started) / 1000);

  // Real ids from the files the demo pipeline made: the catalog and a shopper the model was trained on.
  const catalog = JSON.parse(readFileSync(join(server.dir, 'catalog.json'), 'utf8')) as { items: { id: string }[] };
  const itemIds = catalog.items.map((i) => i.id);
  const userId = readFileSync(join(server.dir, 'interactions.csv'), 'utf8').split('\n')[1].split(',')[0];
  const recent = Array.from({ length: 10 }, (_, i) => ({
    itemId: itemIds[(i * 37 + 5) % itemIds.length],
    type: i % 3 === 0 ? 'click' : 'view',
  }));

  const runId = randomBytes(4).toString('hex');
  let seq = 0;
  const eventsBody = () => {
    const visitor = `load-${runId}-v${seq % 500}`;
    const events = Array.from({ length: EVENTS_PER_BATCH }, (_, i) => ({
      id: `${runId}-${(seq++).toString(36).padStart(8, '0')}`,
      type: i % 4 === 3 ? 'click' : 'view',
      visitorId: visitor,
      itemId: itemIds[(seq * 7919) % itemIds.length],
      ts: Date.now(),
    }));
    return JSON.stringify({ events });
  };

  const json = { 'content-type': 'application/json' };
  const routes: Route[] = [
    { name: 'GET /health', method: 'GET', path: '/health', expect: 200 },
    {
      name: `GET recommendations (userId=${userId}, k=10)`,
      method: 'GET',
      path: `/v1/sites/demo/recommendations?userId=${userId}&k=10`,
      expect: 200,
    },
    {
      name: 'POST recommendations (10 recent, k=10)',
      method: 'POST',
      path: '/v1/sites/demo/recommendations',
      headers: json,
      body: JSON.stringify({ recent, k: 10 }),
      expect: 200,
    },
    {
      name: `POST events (${EVENTS_PER_BATCH} per batch, unique ids)`,
      method: 'POST',
      path: '/v1/sites/demo/events',
      headers: json,
      body: eventsBody,
      expect: 200,
    },
    {
      name: 'GET /r/demo → 302 (swan UA)',
      method: 'GET',
      path: '/r/demo?utm_source=bench',
      headers: { 'user-agent': SWAN_UA },
      expect: 302,
    },
  ];

  // One request per route first: the right status and the answer we mean to measure.
  const sources: string[] = [];
  for (const r of routes) {
    const res = await check(base, r);
    if (r.path.includes('/recommendations')) {
      const body = JSON.parse(res.text) as { source: string; items: unknown[] };
      if (body.items.length !== 10) throw new Error(`${r.name}: expected 10 items, got ${body.items.length}`);
      sources.push(`${r.name.split(' (')[0]} → source "${body.source}"`);
    }
    if (r.path.endsWith('/events')) {
      const body = JSON.parse(res.text) as { accepted: number };
      if (body.accepted !== EVENTS_PER_BATCH) throw new Error(`${r.name}: accepted ${body.accepted} of ${EVENTS_PER_BATCH}: ${res.text}`);
    }
    if (r.expect === 302 && !res.location) throw new Error(`${r.name}: 302 without a location`);
  }

  const loadBefore = loadavg()[0];
  const rows: { route: Route; probe: Phase; target: number; main: Phase }[] = [];
  for (const route of routes) {
    const probe = await run(base, route, PROBE_SECONDS, [{ connections: CONNECTIONS, delayMs: 0 }]);
    await new Promise((r) => setTimeout(r, 1000));
    const target = Math.max(1, Math.round(probe.throughput * RATE_FRACTION));
    const main = await run(base, route, LOAD_SECONDS, mainSlots(target));
    rows.push({ route, probe, target, main });
    await new Promise((r) => setTimeout(r, 1000));
  }

  const mode = STAGGER
    ? `${CONNECTIONS} autocannon instances of 1 connection each, the rate split between them and started 1/${CONNECTIONS} s apart ` +
      `(autocannon spends each connection's per-second quota at the start of its second; staggering spreads the quotas over the second)`
    : `one autocannon instance, ${CONNECTIONS} connections (LOAD_STAGGER=0: each second starts with a burst at up to ${CONNECTIONS} in flight)`;
  console.log(
    `Command: \`npm run bench load\` (${LOAD_SECONDS} s per route; \`LOAD_SECONDS=20 npm run bench load\` for a quicker run; ` +
      `\`PROBE_SECONDS\` sets the probe, default 5). The demo worker through \`wrangler dev\` on 127.0.0.1 (pipeline + startup ${setupSeconds} s). ` +
      `Per route: a ${PROBE_SECONDS} s probe, ${CONNECTIONS} connections, no rate limit ("probe max"), then ${LOAD_SECONDS} s at ` +
      `${Math.round(RATE_FRACTION * 100)}% of it with autocannon \`overallRate\`: ${mode}. ` +
      `p50/p99 are this script's own per-response times over every response of the main run; "achieved" counts every completed response. ` +
      `The load generator shares the machine's ${availableParallelism()} cores with workerd and wrangler's proxy.\n`,
  );
  const base50 = rows[0].main.p50;
  console.log(
    '| route | probe max (req/s) | target rate (req/s) | achieved (req/s) | p50 ms | p99 ms | p50 ÷ /health | non-2xx/3xx | errors / timeouts |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const { route, probe, target, main } of rows) {
    const badDetail = main.badCount
      ? ` (${Object.entries(main.bad)
          .map(([s, n]) => `${s}×${n}`)
          .join(', ')})`
      : '';
    console.log(
      `| ${route.name} | ${probe.throughput} | ${target} | ${main.throughput} | ${main.p50} | ${main.p99} | ${(main.p50 / base50).toFixed(1)}× | ${main.badCount}${badDetail} | ${main.errors} / ${main.timeouts} |`,
    );
  }
  console.log(`\nChecked before the load: ${sources.join('; ')}.`);
  console.log(
    `1-minute load average: ${loadBefore.toFixed(2)} before the load, ${loadavg()[0].toFixed(2)} after (anything well above 0 means other work shared the cores).`,
  );
  const ev = rows.find((r) => r.main.events)?.main.events;
  const evProbe = rows.find((r) => r.probe.events)?.probe.events;
  if (ev && evProbe)
    console.log(
      `Events written: probe ${evProbe.accepted} accepted / ${evProbe.duplicates} duplicates / ${evProbe.rejected} rejected; ` +
        `main ${ev.accepted} / ${ev.duplicates} / ${ev.rejected}.`,
    );
  for (const { route, probe, main } of rows) {
    for (const [phase, p] of [
      ['probe', probe],
      ['main', main],
    ] as const) {
      if (p.badCount) console.log(`${route.name} (${phase}): ${p.badCount} non-2xx/3xx; first: ${p.firstBad?.status} ${p.firstBad?.body}`);
      if (p.errors || p.timeouts)
        console.log(`${route.name} (${phase}): ${p.errors} errors, ${p.timeouts} timeouts; first: ${p.firstError}`);
    }
  }
  console.log(
    JSON.stringify({
      bench: 'load',
      loadSeconds: LOAD_SECONDS,
      probeSeconds: PROBE_SECONDS,
      connections: CONNECTIONS,
      rows: rows.map(({ route, probe, target, main }) => ({
        route: route.name,
        probe: { ...probe, firstBad: undefined },
        target,
        main: { ...main, firstBad: undefined },
      })),
    }),
  );
} finally {
  await server.stop();
}
