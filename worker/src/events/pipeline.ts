import { Event } from '../../../schema/events.js';
import { SITE_ID_PATTERN } from '../../../schema/ids.js';
import { activityStatements } from './activity.js';

/**
 * The event pipeline (docs/api.md "Events: what happens after 200"):
 *
 *   POST /events ──► R2 `incoming/{site}/{ms}-{uuid}.json` (the accepted batch, as sent)
 *                └─► Queue `edgepick-events` (the same batch inline, or only its key when large)
 *   queue consumer ──► D1 `events` (one INSERT per ≤ 1 MB of rows, idempotent on (site, id))
 *                  ──► R2 `events/{site}/{yyyy-mm-dd}/{claim}.ndjson` (each stored event once)
 *                  ──► deletes the `incoming/` objects it stored
 *   cron (every 10 min) ──► stores every `incoming/` object older than a minute that is still
 *                           there (its queue message was lost, dead-lettered or is still
 *                           retrying) and archives every stored event not yet in R2.
 *
 * Why two writes on the hot path: a resolved `Queue.send` is durable on Cloudflare, but the local
 * queue (miniflare's broker) keeps messages in memory, and a message can also exhaust its retries.
 * The `incoming/` object makes "answered 2xx" mean "on disk" in both places; every later step is
 * idempotent, so a message and the sweep handling the same batch store it once.
 */

/** One accepted batch on the queue. `events` is absent when the batch is too big to ride inline. */
export interface EventsMessage {
  v: 1;
  site: string;
  /** Receive time (ms) of the request that accepted the batch. */
  receivedAt: number;
  /** R2 key of the batch under `incoming/`. */
  key: string;
  events?: unknown[];
}

export type PipelineEnv = {
  DB: D1Database;
  EVENTS_LOG?: R2Bucket;
  EVENTS_QUEUE?: Queue<EventsMessage>;
};

/** Queue messages are limited to 128 KB; a batch bigger than this travels as its R2 key only. */
const INLINE_MAX_BYTES = 120_000;
/** Rows per INSERT: their JSON stays under D1's 2 MB limit for one bound value. */
const INSERT_MAX_BYTES = 1_000_000;
/** Rows claimed per archive object. */
const CLAIM_ROWS = 2_000;
/** `incoming/` objects younger than this are left to their queue message by the sweep. */
export const SWEEP_MIN_AGE_MS = 60_000;

export const INCOMING_PREFIX = 'incoming/';
export const ARCHIVE_PREFIX = 'events/';

const utf8Length = (s: string) => new TextEncoder().encode(s).byteLength;

/** An event that passed validation, with the JSON exactly as the client sent it. */
export interface AcceptedEvent {
  raw: unknown;
  event: Event;
}

/** One stored row's origin: the site and the receive time of its request. */
interface Received extends AcceptedEvent {
  site: string;
  receivedAt: number;
}

/**
 * Hands an accepted batch to the pipeline. Resolves `queued` once the batch is durable in R2 or on
 * the queue (or both), `stored` when the queue was unavailable and it was written to D1 at once.
 * Throws only when nothing could keep the batch (the route answers 503 and the client retries).
 */
export async function enqueueEvents(
  env: PipelineEnv,
  site: string,
  events: AcceptedEvent[],
  receivedAt: number,
): Promise<'queued' | 'stored'> {
  const key = `${INCOMING_PREFIX}${site}/${String(receivedAt).padStart(13, '0')}-${crypto.randomUUID()}.json`;
  const raws = events.map((e) => e.raw);
  const body = JSON.stringify({ v: 1, site, receivedAt, events: raws });
  const inline = utf8Length(body) <= INLINE_MAX_BYTES;
  const message: EventsMessage = inline ? { v: 1, site, receivedAt, key, events: raws } : { v: 1, site, receivedAt, key };
  const putLog = async () => {
    if (!env.EVENTS_LOG) throw new Error('no EVENTS_LOG binding');
    await env.EVENTS_LOG.put(key, body, { httpMetadata: { contentType: 'application/json' } });
  };
  const send = async () => {
    if (!env.EVENTS_QUEUE) throw new Error('no EVENTS_QUEUE binding');
    await env.EVENTS_QUEUE.send(message, { contentType: 'json' });
  };
  let logged: boolean;
  let queued: boolean;
  if (inline) {
    // Either write alone keeps the batch: both at once.
    const [l, q] = await Promise.allSettled([putLog(), send()]);
    logged = l.status === 'fulfilled';
    queued = q.status === 'fulfilled';
    if (!logged && queued) console.warn(`events: R2 put failed for ${key} (queued inline): ${(l as PromiseRejectedResult).reason}`);
  } else {
    // The message only points at the object: it must exist first.
    logged = await putLog().then(
      () => true,
      (e) => (console.warn(`events: R2 put failed for ${key}: ${e}`), false),
    );
    queued =
      logged &&
      (await send().then(
        () => true,
        (e) => (console.warn(`events: queue send failed for ${key}: ${e}`), false),
      ));
  }
  if (queued) return 'queued';
  // No queue: store now, as the consumer would.
  try {
    await storeAndArchive(env, [{ site, receivedAt, events }]);
    if (logged) await env.EVENTS_LOG!.delete(key).catch(() => {});
    return 'stored';
  } catch (e) {
    if (logged) return 'queued'; // the sweep stores it
    throw e;
  }
}

/** Events of one accepted batch, re-validated (a queue message is data from the past: trust nothing). */
function received(site: string, receivedAt: number, raws: unknown): Received[] {
  if (!SITE_ID_PATTERN.test(site) || !Number.isFinite(receivedAt) || !Array.isArray(raws)) return [];
  const out: Received[] = [];
  for (const raw of raws) {
    const ev = Event.safeParse(raw);
    if (ev.success) out.push({ site, receivedAt, raw, event: ev.data });
    else console.warn(`events: dropped an invalid queued event of ${site}`);
  }
  return out;
}

/**
 * Writes events to D1, idempotent on (site, client event id): an id already stored, or repeated in
 * the input, is inserted once. Returns how many rows were new.
 */
export async function storeRows(db: D1Database, rows: Received[]): Promise<number> {
  if (!rows.length) return 0;
  const stmt = db.prepare(
    `INSERT INTO events (site, id, type, visitor_id, user_id, item_id, recommendation_id, placement, ref, quantity, price, client_ts, received_at, raw, channel, stored_at)
     SELECT value ->> '$.s', value ->> '$.id', value ->> '$.t', value ->> '$.v', value ->> '$.u', value ->> '$.i', value ->> '$.r',
            value ->> '$.p', value ->> '$.ref', value ->> '$.q', value ->> '$.price', value ->> '$.ts', value ->> '$.at',
            value ->> '$.raw', value ->> '$.ch', ?2
       FROM json_each(?1) WHERE true
     ON CONFLICT (site, id) DO NOTHING`,
  );
  const chunks: string[][] = [[]];
  let size = 0;
  for (const { site, receivedAt, raw, event: e } of rows) {
    const json = JSON.stringify({
      s: site,
      id: e.id,
      t: e.type,
      v: e.visitorId,
      u: e.userId ?? null,
      i: e.itemId,
      r: e.recommendationId ?? null,
      p: e.placement ?? null,
      ref: e.ref ?? null,
      q: e.quantity ?? null,
      price: e.price ?? null,
      ts: e.ts ?? null,
      at: receivedAt,
      // The event as sent (fields this schema does not know yet included), for audit and replays.
      raw: JSON.stringify(raw),
      ch: e.channel ?? null,
    });
    const bytes = utf8Length(json) + 1;
    if (size + bytes > INSERT_MAX_BYTES && chunks.at(-1)!.length) {
      chunks.push([]);
      size = 0;
    }
    chunks.at(-1)!.push(json);
    size += bytes;
  }
  const now = Date.now();
  // The sites' activity in the same batch (atomic with the rows): the cron's steps read it.
  const activity = activityStatements(
    db,
    rows.map((r) => ({ site: r.site, at: r.receivedAt, type: r.event.type })),
  );
  const results = await db.batch([...chunks.map((c) => stmt.bind(`[${c.join(',')}]`, now)), ...activity]);
  return results.slice(0, chunks.length).reduce((n, r) => n + (r.meta.changes ?? 0), 0);
}

/** A stored event as one NDJSON line of the R2 archive (the columns of D1's `events`, camelCased). */
interface ArchiveRow {
  site: string;
  id: string;
  type: string;
  visitorId: string;
  userId: string | null;
  itemId: string;
  recommendationId: string | null;
  placement: string | null;
  ref: string | null;
  quantity: number | null;
  price: number | null;
  ts: number | null;
  receivedAt: number;
  channel: string | null;
}

const ARCHIVE_COLUMNS = `site, id, type, visitor_id AS visitorId, user_id AS userId, item_id AS itemId, recommendation_id AS recommendationId,
  placement, ref, quantity, price, client_ts AS ts, received_at AS receivedAt, channel`;

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Writes one claim's rows as NDJSON, one object per UTC receive day, then marks them archived. */
async function writeClaim(env: PipelineEnv & { EVENTS_LOG: R2Bucket }, site: string, claim: string, rows: ArchiveRow[]): Promise<number> {
  const byDay = new Map<string, ArchiveRow[]>();
  for (const r of rows) {
    const day = utcDay(r.receivedAt);
    byDay.set(day, [...(byDay.get(day) ?? []), r]);
  }
  for (const [day, list] of byDay) {
    list.sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : 1));
    // Same claim → same key and same lines: re-writing after a failure replaces, never duplicates.
    await env.EVENTS_LOG.put(`${ARCHIVE_PREFIX}${site}/${day}/${claim}.ndjson`, `${list.map((r) => JSON.stringify(r)).join('\n')}\n`, {
      httpMetadata: { contentType: 'application/x-ndjson' },
    });
  }
  await env.DB.prepare('UPDATE events SET archived_at = ?3 WHERE site = ?1 AND archive_key = ?2').bind(site, claim, Date.now()).run();
  return rows.length;
}

/**
 * Appends the site's stored-but-not-archived events to R2, each exactly once: rows are claimed
 * with one atomic UPDATE (so two archivers never take the same row), written under the claim's
 * key, then marked archived; a claim left unmarked by a failure is re-written under the same key.
 * Returns the rows written; stops after about `maxRows` (the cron continues a backlog).
 */
export async function archiveSite(env: PipelineEnv, site: string, maxRows = 20_000): Promise<number> {
  if (!env.EVENTS_LOG) return 0;
  const log = env as PipelineEnv & { EVENTS_LOG: R2Bucket };
  let written = 0;
  const { results: stale } = await env.DB.prepare(
    'SELECT DISTINCT archive_key AS claim FROM events WHERE site = ?1 AND archived_at IS NULL AND archive_key IS NOT NULL LIMIT 20',
  )
    .bind(site)
    .all<{ claim: string }>();
  for (const { claim } of stale) {
    const { results } = await env.DB.prepare(`SELECT ${ARCHIVE_COLUMNS} FROM events WHERE site = ?1 AND archive_key = ?2`)
      .bind(site, claim)
      .all<ArchiveRow>();
    written += await writeClaim(log, site, claim, results);
  }
  while (written < maxRows) {
    const claim = `${String(Date.now()).padStart(13, '0')}-${crypto.randomUUID().slice(0, 8)}`;
    const { results } = await env.DB.prepare(
      `UPDATE events SET archive_key = ?2
        WHERE rowid IN (SELECT rowid FROM events WHERE site = ?1 AND archived_at IS NULL AND archive_key IS NULL LIMIT ?3)
        RETURNING ${ARCHIVE_COLUMNS}`,
    )
      .bind(site, claim, CLAIM_ROWS)
      .all<ArchiveRow>();
    if (!results.length) break;
    written += await writeClaim(log, site, claim, results);
  }
  return written;
}

/** Stores batches in D1, then archives the sites they touched. Returns the rows new in D1. */
export async function storeAndArchive(
  env: PipelineEnv,
  batches: { site: string; receivedAt: number; events: AcceptedEvent[] }[],
): Promise<number> {
  const rows = batches.flatMap((b) => b.events.map((e) => ({ ...e, site: b.site, receivedAt: b.receivedAt })));
  const inserted = await storeRows(env.DB, rows);
  for (const site of new Set(rows.map((r) => r.site))) await archiveSite(env, site);
  return inserted;
}

/** Reads a batch object written under `incoming/`; null when it is gone (already stored) or unreadable. */
async function readIncoming(bucket: R2Bucket, key: string): Promise<{ site: string; receivedAt: number; events: unknown } | null> {
  const obj = await bucket.get(key);
  if (!obj) return null;
  try {
    return (await obj.json()) as { site: string; receivedAt: number; events: unknown };
  } catch {
    console.warn(`events: ${key} is not JSON; left for inspection`);
    return null;
  }
}

/**
 * The queue consumer: every message's events to D1 (idempotent), the sites' new rows to the R2
 * archive, then the `incoming/` objects deleted. Any failure throws, and the queue retries the
 * whole batch (every step is idempotent); after the last retry the `incoming/` objects remain for
 * the sweep.
 */
export async function consumeEvents(batch: MessageBatch<EventsMessage>, env: PipelineEnv): Promise<number> {
  const rows: Received[] = [];
  const keys: string[] = [];
  for (const m of batch.messages) {
    const body = m.body as Partial<EventsMessage> | null;
    if (!body || typeof body.key !== 'string' || typeof body.site !== 'string') {
      console.warn(`events: dropped malformed queue message ${m.id}`);
      continue;
    }
    keys.push(body.key);
    if (Array.isArray(body.events)) rows.push(...received(body.site, Number(body.receivedAt), body.events));
    else if (env.EVENTS_LOG) {
      const stored = await readIncoming(env.EVENTS_LOG, body.key);
      if (stored) rows.push(...received(stored.site, Number(stored.receivedAt), stored.events));
    }
  }
  const inserted = await storeRows(env.DB, rows);
  for (const site of new Set(rows.map((r) => r.site))) await archiveSite(env, site);
  if (env.EVENTS_LOG && keys.length) await env.EVENTS_LOG.delete(keys);
  batch.ackAll();
  return inserted;
}

/**
 * The cron's safety net: stores every `incoming/` batch older than `minAgeMs` that is still there
 * and archives every site with unarchived rows. Returns what it did.
 */
export async function sweepEvents(
  env: PipelineEnv,
  now = Date.now(),
  minAgeMs = SWEEP_MIN_AGE_MS,
  maxObjects = 2_000,
): Promise<{ batches: number; inserted: number; archived: number }> {
  let batches = 0;
  let inserted = 0;
  let archived = 0;
  const sites = new Set<string>();
  if (env.EVENTS_LOG) {
    let cursor: string | undefined;
    do {
      const page = await env.EVENTS_LOG.list({ prefix: INCOMING_PREFIX, cursor, limit: 500 });
      // Age from the receive time in the key (`incoming/{site}/{ms}-…`), else the upload time.
      const old = page.objects.filter((o) => {
        const ms = Number(/\/(\d{13})-[^/]*$/.exec(o.key)?.[1] ?? o.uploaded.getTime());
        return now - ms >= minAgeMs;
      });
      const rows: Received[] = [];
      const done: string[] = [];
      for (const o of old) {
        const stored = await readIncoming(env.EVENTS_LOG, o.key);
        if (!stored) continue;
        rows.push(...received(stored.site, Number(stored.receivedAt), stored.events));
        done.push(o.key);
      }
      inserted += await storeRows(env.DB, rows);
      for (const r of rows) sites.add(r.site);
      for (const site of sites) archived += await archiveSite(env, site);
      sites.clear();
      // Objects that are not JSON stay (for a person to look at); every read one is stored now.
      if (done.length) await env.EVENTS_LOG.delete(done);
      batches += done.length;
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor && batches < maxObjects);
    const { results } = await env.DB.prepare('SELECT DISTINCT site FROM events WHERE archived_at IS NULL LIMIT 100').all<{
      site: string;
    }>();
    for (const { site } of results) archived += await archiveSite(env, site);
  }
  return { batches, inserted, archived };
}
