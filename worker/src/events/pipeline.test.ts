import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { Event } from '../../../schema/events.js';
import { waitForStored } from '../../../test/workers/stored-events.js';
import {
  ARCHIVE_PREFIX,
  archiveSite,
  consumeEvents,
  type EventsMessage,
  enqueueEvents,
  INCOMING_PREFIX,
  type PipelineEnv,
  sweepEvents,
} from './pipeline.js';

const SITE = 'demo';
const post = (events: unknown[], site = SITE) =>
  SELF.fetch(`https://edge.test/v1/sites/${site}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });

const ev = (id: string, extra: object = {}) => ({ id, type: 'click', visitorId: `v-${id}`, itemId: 'p0001', ts: 1767225600000, ...extra });
const accepted = (raw: ReturnType<typeof ev>) => ({ raw, event: Event.parse(raw) });

/** Every NDJSON line archived for `site` whose id starts with `prefix`. */
async function archivedLines(prefix: string, site = SITE): Promise<{ id: string; receivedAt: number; type: string }[]> {
  const lines: { id: string; receivedAt: number; type: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.EVENTS_LOG.list({ prefix: `${ARCHIVE_PREFIX}${site}/`, cursor });
    for (const o of page.objects) {
      const text = await (await env.EVENTS_LOG.get(o.key))!.text();
      for (const line of text.split('\n').filter(Boolean)) {
        const row = JSON.parse(line);
        if (row.id.startsWith(prefix)) lines.push(row);
      }
      expect(o.key).toMatch(new RegExp(`^events/${site}/\\d{4}-\\d{2}-\\d{2}/\\d{13}-[0-9a-f]{8}\\.ndjson$`));
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return lines;
}

async function storedCount(prefix: string, site = SITE): Promise<{ n: number; distinct: number }> {
  const row = await env.DB.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM events WHERE site = ?1 AND id LIKE ?2')
    .bind(site, `${prefix}%`)
    .first<{ n: number; d: number }>();
  return { n: row!.n, distinct: row!.d };
}

/** Waits until the archive holds `n` lines for ids starting with `prefix`. */
async function waitForArchived(prefix: string, n: number, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await archivedLines(prefix)).length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 150));
}

describe('events pipeline through the local queue', () => {
  it('N events sent with duplicates and retried batches → exactly N rows in D1 and N lines in R2', async () => {
    const N = 250;
    const ids = Array.from({ length: N }, (_, i) => `pipe-n-${String(i).padStart(4, '0')}`);
    const batches: string[][] = [];
    for (let i = 0; i < N; i += 50) batches.push(ids.slice(i, i + 50));
    // Every batch once, then three retried whole, one with a repeated id inside, and overlapping slices.
    const sends = [...batches, batches[0], batches[2], batches[4], [...batches[1].slice(0, 10), batches[1][0]], ids.slice(40, 140)];
    const answers = await Promise.all(sends.map((b) => post(b.map((id) => ev(id)))));
    for (const a of answers) expect(a.status).toBe(200);
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as { accepted: number; duplicates: number }[];
    expect(bodies[8]).toEqual({ accepted: 10, duplicates: 1, rejected: [] });
    await waitForStored(SITE, ids);
    await waitForArchived('pipe-n-', N);
    expect(await storedCount('pipe-n-')).toEqual({ n: N, distinct: N });
    const lines = await archivedLines('pipe-n-');
    expect(lines).toHaveLength(N);
    expect(new Set(lines.map((l) => l.id)).size).toBe(N);
    // Every accepted batch left R2 incoming/ once stored.
    expect((await env.EVENTS_LOG.list({ prefix: `${INCOMING_PREFIX}${SITE}/` })).objects).toEqual([]);
  });

  it('keeps the valid events of a batch that also carries a malformed one', async () => {
    const res = await post([ev('pipe-mixed-0001'), { id: 'pipe-mixed-0002', type: 'teleport' }, ev('pipe-mixed-0003'), 42]);
    expect(await res.json()).toMatchObject({ accepted: 2, rejected: [{ index: 1, code: 'invalid_event' }, { index: 3 }] });
    await waitForStored(SITE, ['pipe-mixed-0001', 'pipe-mixed-0003']);
    expect(await storedCount('pipe-mixed-')).toEqual({ n: 2, distinct: 2 });
  });

  it('sends a batch too big for one queue message as its R2 key, and stores it', async () => {
    const big = Array.from({ length: 60 }, (_, i) => ev(`pipe-big-${String(i).padStart(4, '0')}`, { note: 'x'.repeat(2_000) }));
    expect(JSON.stringify(big).length).toBeGreaterThan(120_000);
    expect(((await (await post(big)).json()) as { accepted: number }).accepted).toBe(60);
    await waitForStored(
      SITE,
      big.map((e) => e.id),
    );
    await waitForArchived('pipe-big-', 60);
    expect(await archivedLines('pipe-big-')).toHaveLength(60);
  });
});

describe('events consumer', () => {
  it('stores a message batch once even when the queue delivers it twice', async () => {
    const raws = [ev('cons-0001'), ev('cons-0002', { type: 'purchase', price: 9.5, quantity: 2, channel: 'wechat' })];
    const msg = (id: string): { id: string; timestamp: Date; attempts: number; body: EventsMessage } => ({
      id,
      timestamp: new Date(),
      attempts: 1,
      body: { v: 1, site: SITE, receivedAt: Date.now(), key: `${INCOMING_PREFIX}${SITE}/0-cons.json`, events: raws },
    });
    for (const id of ['m1', 'm2']) {
      const batch = createMessageBatch<EventsMessage>('edgepick-events', [msg(id)]);
      await consumeEvents(batch, env);
      expect((await getQueueResult(batch, createExecutionContext())).ackAll).toBe(true);
    }
    expect(await storedCount('cons-')).toEqual({ n: 2, distinct: 2 });
    const row = await env.DB.prepare('SELECT channel, price, quantity FROM events WHERE site = ? AND id = ?')
      .bind(SITE, 'cons-0002')
      .first();
    expect(row).toEqual({ channel: 'wechat', price: 9.5, quantity: 2 });
    expect(await archivedLines('cons-')).toHaveLength(2);
  });

  it('drops malformed messages and re-validates queued events', async () => {
    const batch = createMessageBatch<EventsMessage>('edgepick-events', [
      { id: 'bad1', timestamp: new Date(), attempts: 1, body: null as unknown as EventsMessage },
      {
        id: 'bad2',
        timestamp: new Date(),
        attempts: 1,
        body: {
          v: 1,
          site: SITE,
          receivedAt: Date.now(),
          key: 'incoming/demo/x.json',
          events: [{ id: 'cons-bad-01' }, ev('cons-ok-0001')],
        },
      },
      {
        id: 'bad3',
        timestamp: new Date(),
        attempts: 1,
        body: { v: 1, site: '../evil', receivedAt: 1, key: 'k', events: [ev('cons-evil-01')] },
      },
    ]);
    expect(await consumeEvents(batch, env)).toBe(1);
    expect(await storedCount('cons-ok-')).toEqual({ n: 1, distinct: 1 });
    expect(await storedCount('cons-evil-', '../evil')).toEqual({ n: 0, distinct: 0 });
  });
});

describe('archive', () => {
  it('a claim whose R2 write or mark failed is written again under the same key, never twice', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => accepted(ev(`arch-${String(i).padStart(3, '0')}`)));
    // Stored, not archived yet (no EVENTS_LOG).
    await enqueueEvents({ DB: env.DB }, SITE, rows, Date.now());
    expect(await storedCount('arch-')).toEqual({ n: 30, distinct: 30 });
    const failing = {
      put: async () => {
        throw new Error('R2 down');
      },
    } as unknown as R2Bucket;
    await expect(archiveSite({ DB: env.DB, EVENTS_LOG: failing }, SITE)).rejects.toThrow('R2 down');
    const pending = (sql: string) => env.DB.prepare(sql).bind(SITE).first<{ n: number }>();
    expect(
      (await pending(
        "SELECT COUNT(*) AS n FROM events WHERE site = ? AND id LIKE 'arch-%' AND archive_key IS NOT NULL AND archived_at IS NULL",
      ))!.n,
    ).toBe(30);
    // The object is written, but marking the rows fails: the next run must replace it, not add one.
    const markFails = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === 'prepare')
          return (sql: string) => {
            if (sql.startsWith('UPDATE events SET archived_at')) throw new Error('D1 went away');
            return target.prepare(sql);
          };
        const v = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    await expect(archiveSite({ DB: markFails, EVENTS_LOG: env.EVENTS_LOG }, SITE)).rejects.toThrow('D1 went away');
    expect(await archivedLines('arch-')).toHaveLength(30);
    await archiveSite(env, SITE);
    await archiveSite(env, SITE);
    expect(await archivedLines('arch-')).toHaveLength(30);
    expect((await pending("SELECT COUNT(*) AS n FROM events WHERE site = ? AND id LIKE 'arch-%' AND archived_at IS NULL"))!.n).toBe(0);
  });

  it('two archivers at once write each row once', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => accepted(ev(`arch2-${String(i).padStart(3, '0')}`)));
    await enqueueEvents({ DB: env.DB }, SITE, rows, Date.now());
    await Promise.all([archiveSite(env, SITE), archiveSite(env, SITE), archiveSite(env, SITE)]);
    const lines = await archivedLines('arch2-');
    expect(lines).toHaveLength(120);
  });
});

describe('sweep and fallbacks', () => {
  it('stores a batch whose queue message was lost, from R2 incoming/, and leaves unreadable objects', async () => {
    const receivedAt = Date.now() - 120_000;
    const key = `${INCOMING_PREFIX}${SITE}/${receivedAt}-lost.json`;
    await env.EVENTS_LOG.put(key, JSON.stringify({ v: 1, site: SITE, receivedAt, events: [ev('lost-0001'), ev('lost-0002')] }));
    await env.EVENTS_LOG.put(`${INCOMING_PREFIX}${SITE}/${receivedAt}-junk.json`, 'not json');
    const fresh = `${INCOMING_PREFIX}${SITE}/${Date.now()}-fresh.json`;
    await env.EVENTS_LOG.put(fresh, JSON.stringify({ v: 1, site: SITE, receivedAt: Date.now(), events: [ev('lost-fresh-1')] }));
    // Young objects are left to their queue message…
    const swept = await sweepEvents(env, Date.now() + 30_000);
    expect(swept.inserted).toBe(2);
    expect(await storedCount('lost-0')).toEqual({ n: 2, distinct: 2 });
    expect(await env.EVENTS_LOG.head(key)).toBeNull();
    expect(await env.EVENTS_LOG.head(fresh)).not.toBeNull();
    expect(await env.EVENTS_LOG.head(`${INCOMING_PREFIX}${SITE}/${receivedAt}-junk.json`)).not.toBeNull();
    expect((await archivedLines('lost-0')).length).toBe(2);
    // …until they are old enough; sweeping again changes nothing.
    await sweepEvents(env, Date.now() + 120_000);
    await sweepEvents(env, Date.now() + 120_000);
    expect(await storedCount('lost-')).toEqual({ n: 3, distinct: 3 });
    expect(await archivedLines('lost-')).toHaveLength(3);
    await env.EVENTS_LOG.delete(`${INCOMING_PREFIX}${SITE}/${receivedAt}-junk.json`);
  });

  it('stores at once when the queue refuses the batch, and throws only when nothing can keep it', async () => {
    const broken = {
      send: async () => {
        throw new Error('queue down');
      },
    } as unknown as Queue<EventsMessage>;
    const pipelineEnv: PipelineEnv = { DB: env.DB, EVENTS_LOG: env.EVENTS_LOG, EVENTS_QUEUE: broken };
    expect(await enqueueEvents(pipelineEnv, SITE, [accepted(ev('fallback-0001'))], Date.now())).toBe('stored');
    expect(await storedCount('fallback-')).toEqual({ n: 1, distinct: 1 });
    const deadDb = {
      prepare: () => {
        throw new Error('D1 down');
      },
    } as unknown as D1Database;
    const deadR2 = {
      put: async () => {
        throw new Error('R2 down');
      },
    } as unknown as R2Bucket;
    // Queue and D1 down, R2 up: kept in incoming/ for the sweep.
    expect(
      await enqueueEvents({ DB: deadDb, EVENTS_LOG: env.EVENTS_LOG, EVENTS_QUEUE: broken }, SITE, [accepted(ev('fallback-0002'))], 5),
    ).toBe('queued');
    await expect(
      enqueueEvents({ DB: deadDb, EVENTS_LOG: deadR2, EVENTS_QUEUE: broken }, SITE, [accepted(ev('fallback-0003'))], 5),
    ).rejects.toThrow('D1 down');
    await sweepEvents(env, Date.now());
    expect(await storedCount('fallback-')).toEqual({ n: 2, distinct: 2 });
  });
});

describe('per-visitor rate limit', () => {
  it('answers 429 with Retry-After once a visitor sends more than 30 batches in 10 s', async () => {
    // Windows are aligned to the clock (every 10 s): start early in one so all 34 requests share it.
    const into = Date.now() % 10_000;
    if (into > 6_000) await new Promise((r) => setTimeout(r, 10_050 - into));
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 34; i++) {
      const res = await post([ev(`rl-burst-${String(i).padStart(4, '0')}`, { visitorId: 'v-flood' })]);
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
      } else await res.body?.cancel();
    }
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429, 429, 429]);
    expect(retryAfter).toBe('10');
    // Another visitor in the same batch still gets through; the limited one is listed.
    const mixed = await post([ev('rl-other-0001', { visitorId: 'v-calm' }), ev('rl-flood-0001', { visitorId: 'v-flood' })]);
    expect(mixed.status).toBe(200);
    expect(await mixed.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1, id: 'rl-flood-0001', code: 'rate_limited' }] });
    await waitForStored(SITE, ['rl-other-0001']);
    expect(await storedCount('rl-flood-')).toEqual({ n: 0, distinct: 0 });
  });
});
