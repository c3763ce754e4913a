// Event ingest through the whole local pipeline (wrangler dev → workerd: POST /events → R2 incoming/
// + Queue → consumer → D1 + R2 archive): events/s accepted and stored, and the delay from accept to
// stored (D1 `stored_at − received_at`, p50/p99), per batch size, next to /health throughput in the
// same run. A fresh persisted state; one visitor per batch (the per-visitor limit is not the subject).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryD1, startBareServer } from '../test/e2e/demo-server.js';

const SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_INGEST_CONCURRENCY ?? 8);
const SIZES = (process.env.BENCH_INGEST_BATCH ?? '1,10,100').split(',').map(Number);

const dir = mkdtempSync(join(tmpdir(), 'edgepick-ingest-'));
const server = await startBareServer(join(dir, 'state'));

async function health(seconds: number) {
  let n = 0;
  const end = Date.now() + seconds * 1000;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        await (await fetch(`${server.url}/health`)).arrayBuffer();
        n++;
      }
    }),
  );
  return n / ((performance.now() - t) / 1000);
}

async function ingest(batchSize: number) {
  const run = `ingest-${batchSize}-${Date.now()}`;
  let seq = 0;
  let accepted = 0;
  let errors = 0;
  const end = Date.now() + SECONDS * 1000;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        const b = seq++;
        const events = Array.from({ length: batchSize }, (_, i) => ({
          id: `${run}-${b}-${i}`,
          type: i % 5 === 0 ? 'click' : 'view',
          visitorId: `v-${run}-${b}`,
          itemId: `p${(b * 7 + i) % 5000}`,
          placement: 'for-you',
          ts: Date.now(),
        }));
        const res = await fetch(`${server.url}/v1/sites/demo/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ events }),
        });
        if (res.status === 200) {
          const n = ((await res.json()) as { accepted: number }).accepted; // not `accepted += await …`: lost updates
          accepted += n;
        } else {
          errors++;
          await res.arrayBuffer();
        }
      }
    }),
  );
  const acceptSeconds = (performance.now() - t) / 1000;
  // Wait for the consumer to store everything accepted.
  const count = () =>
    queryD1<{ n: number; first: number; last: number }>(
      dir,
      `SELECT COUNT(*) AS n, MIN(received_at) AS first, MAX(stored_at) AS last FROM events WHERE id LIKE '${run}-%'`,
    )[0];
  let c = count();
  const deadline = Date.now() + 180_000;
  while (c.n < accepted && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    c = count();
  }
  const q = (p: number) =>
    queryD1<{ d: number }>(
      dir,
      `SELECT stored_at - received_at AS d FROM events WHERE id LIKE '${run}-%' ORDER BY d LIMIT 1 OFFSET ${Math.min(c.n - 1, Math.floor(p * c.n))}`,
    )[0].d;
  return {
    batchSize,
    accepted,
    stored: c.n,
    errors,
    acceptedPerS: Math.round(accepted / acceptSeconds),
    storedPerS: Math.round(c.n / ((c.last - c.first) / 1000)),
    p50: q(0.5),
    p99: q(0.99),
  };
}

try {
  const healthRps = await health(5);
  const rows = [];
  for (const size of SIZES) rows.push(await ingest(size));
  console.log(
    `${SECONDS} s per batch size, ${CONCURRENCY} requests in flight, loopback. Queue consumer: max_batch_size 20 messages, max_batch_timeout 1 s (wrangler.toml).\n`,
  );
  console.log(
    '| batch size | events accepted | stored in D1 | errors | accepted events/s | stored events/s | batches/s | accept → stored p50 | p99 |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows)
    console.log(
      `| ${r.batchSize} | ${r.accepted} | ${r.stored} | ${r.errors} | ${r.acceptedPerS} | ${r.storedPerS} | ${Math.round(r.acceptedPerS / r.batchSize)} | ${r.p50} ms | ${r.p99} ms |`,
    );
  console.log(
    `\n/health in the same run: ${Math.round(healthRps)} requests/s; an event batch costs ${rows.map((r) => `${(healthRps / (r.acceptedPerS / r.batchSize)).toFixed(1)}× (batch ${r.batchSize})`).join(', ')} a /health request.`,
  );
  console.log('Every accepted event was stored exactly once:', rows.every((r) => r.stored === r.accepted) ? 'yes' : 'NO');
  console.log(JSON.stringify({ rows, healthRps }));
} finally {
  server.kill('SIGTERM');
}
