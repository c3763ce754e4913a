import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { cli, queryD1 } from './demo-server.js';

const url = inject('demoUrl');
const dir = inject('demoDir');
const items: { id: string }[] = JSON.parse(readFileSync(join(dir, 'catalog.json'), 'utf8')).items;
const user = readFileSync(join(dir, 'interactions.csv'), 'utf8').split('\n')[1].split(',')[0];

/** Longer than every per-isolate cache TTL in the worker (site/pack pointer 5 s, links 5 s). */
const IDLE_MS = 6_500;
const N = 120;

interface Outcome {
  status: number;
  contentType: string;
  body: string;
}

async function hit(path: string, init?: RequestInit): Promise<Outcome> {
  const res = await fetch(`${url}${path}`, { redirect: 'manual', ...init });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
}

const fiveXX = (outs: Outcome[]) => outs.filter((o) => o.status >= 500).map((o) => `${o.status} ${o.body.slice(0, 200)}`);

/**
 * A burst right after the caches expire was where requests awaited another request's pending KV
 * read and died with "Cannot perform I/O on behalf of a different request" (500, events lost).
 */
const routes: [string, RequestInit?][] = [
  [`/v1/sites/demo/recommendations?userId=${user}&k=10`],
  [
    '/v1/sites/demo/recommendations',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ k: 10, recent: items.slice(0, 5).map((i) => ({ itemId: i.id, type: 'click' })) }),
    },
  ],
  ['/v1/sites/demo/popular?k=10'],
  [`/v1/sites/demo/items/${items[3].id}/similar?k=5`],
  [`/v1/sites/demo/items/${items[4].id}`],
  ['/v1/sites/demo/links/demo/resolve'],
  ['/r/demo'],
];

function eventBatches(run: string) {
  return Array.from({ length: N }, (_, b) => ({
    events: Array.from({ length: 5 }, (_, i) => ({
      id: `${run}-${b}-${i}`,
      type: 'view',
      visitorId: `v_${run}_${b}`,
      itemId: items[(b * 5 + i) % items.length].id,
      ts: Date.now(),
    })),
  }));
}

/**
 * A burst right after the caches expire was where requests awaited another request's pending KV
 * read and died with "Cannot perform I/O on behalf of a different request" (500, events lost).
 */
describe('bursts after idle (every cache TTL expired), through wrangler dev', () => {
  for (const round of [1, 2]) {
    it(`round ${round}: ${N} concurrent requests on each public route and ${N} event batches at once — zero 5xx, every event stored once${round === 2 ? ' (while a newly published pack loads)' : ''}`, async () => {
      if (round === 2) {
        // A new version makes the first request after the TTL download and open a whole pack (the slow path).
        const res = cli([
          'publish',
          join(dir, 'model.pack'),
          '--site',
          'demo',
          '--local',
          '--persist-to',
          join(dir, 'state'),
          '--catalog',
          join(dir, 'catalog.json'),
          // The same pack again: without --force publish is a no-op and nothing new would load.
          '--force',
        ]);
        expect(res.status, res.stderr).toBe(0);
        expect(res.stdout).not.toMatch(/unchanged/);
      }
      await new Promise((r) => setTimeout(r, IDLE_MS));
      const run = `burst-${round}-${Date.now()}`;
      const batches = eventBatches(run);
      const [reads, writes] = await Promise.all([
        Promise.all(routes.flatMap(([path, init]) => Array.from({ length: N }, () => hit(path, init).then((o) => ({ ...o, path }))))),
        Promise.all(
          batches.map((batch) =>
            hit('/v1/sites/demo/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) }),
          ),
        ),
      ]);
      expect(fiveXX([...reads, ...writes])).toEqual([]);
      expect(reads.filter((o) => o.status >= 400).map((o) => `${o.path}: ${o.status}`)).toEqual([]);
      expect(writes.map((o) => o.status).filter((s) => s !== 200)).toEqual([]);
      const accepted = writes.reduce((n, o) => n + (JSON.parse(o.body) as { accepted: number }).accepted, 0);
      expect(accepted).toBe(N * 5);
      // Stored by the queue consumer after the answers, usually within a second or two.
      const count = () =>
        queryD1<{ n: number; distinct_ids: number }>(
          dir,
          `SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS distinct_ids FROM events WHERE id LIKE '${run}-%'`,
        )[0];
      const deadline = Date.now() + 60_000;
      let row = count();
      while (row.n < N * 5 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        row = count();
      }
      expect(row).toEqual({ n: N * 5, distinct_ids: N * 5 });
    });
  }
});
