import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { kvKeys } from '../../../schema/pack-manifest.js';
import { recordActivity } from '../events/activity.js';
import { forgetShareCounts, refreshShareCounts, SHARE_COUNTS_MAX, shareCountsFor, shareCountsKey } from './share-counts.js';

// A fixed clock far from the wall clock, so rows other test files store "now" never fall in the window.
const MIDNIGHT_CST = Date.parse('2031-05-10T00:00:00+08:00'); // = 2031-05-09T16:00:00Z
const H = 3_600_000;
let seq = 0;

/** Stores events straight into D1 (what the events pipeline writes), received at `at`. */
async function insert(site: string, rows: { type?: string; visitor: string; user?: string; item: string; at: number }[]) {
  await env.DB.batch(
    rows.map((r) =>
      env.DB.prepare(
        `INSERT INTO events (site, id, type, visitor_id, user_id, item_id, received_at, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '{}')`,
      ).bind(site, `share-count-${++seq}`, r.type ?? 'share', r.visitor, r.user ?? null, r.item, r.at),
    ),
  );
  await recordActivity(
    env.DB,
    rows.map((r) => ({ site, at: r.at, type: r.type ?? 'share' })),
  );
}
const read = async (site: string, now: number) => Object.fromEntries(await shareCountsFor(env.PACKS, site, now));

beforeEach(() => forgetShareCounts());

describe('share counts (social proof)', () => {
  it('counts each sharer once per item, today only, shares only; the reader serves them from KV', async () => {
    const now = MIDNIGHT_CST + 15 * H;
    await insert('sc-distinct', [
      // v1 presses share ten times on p1: one sharer.
      ...Array.from({ length: 10 }, (_, i) => ({ visitor: 'v1', item: 'p1', at: now - i * 60_000 })),
      { visitor: 'v2', item: 'p1', at: now - H },
      // One signed-in shopper on two devices is one sharer (the user id, as in `ref`).
      { visitor: 'v3-phone', user: 'u3', item: 'p1', at: now - 2 * H },
      { visitor: 'v3-laptop', user: 'u3', item: 'p1', at: now - 3 * H },
      { visitor: 'v1', item: 'p2', at: now - H },
      // Not shares: never counted.
      { type: 'view', visitor: 'v4', item: 'p1', at: now - H },
      { type: 'purchase', visitor: 'v5', item: 'p3', at: now - H },
      // Yesterday (local): not today's.
      { visitor: 'v6', item: 'p1', at: MIDNIGHT_CST - 1 },
      { visitor: 'v6', item: 'p4', at: MIDNIGHT_CST - 1 },
    ]);
    expect(await refreshShareCounts(env, now)).toContain('sc-distinct');
    const stored = await env.PACKS.get<Record<string, unknown>>(shareCountsKey('sc-distinct'), 'json');
    expect(stored).toEqual({
      day: '2031-05-10',
      utcOffsetMinutes: 480,
      computedAt: new Date(now).toISOString(),
      items: { p1: 3, p2: 1 },
    });
    expect(await read('sc-distinct', now)).toEqual({ p1: 3, p2: 1 });
    expect(await read('sc-none', now)).toEqual({});
  });

  it('the day is the site’s local day (UTC+8): counts start again at midnight China time, and a passed day reads as empty', async () => {
    // 23:30 and 00:30 China time are 15:30 and 16:30 UTC of one UTC day.
    await insert('sc-midnight', [
      { visitor: 'a', item: 'p1', at: MIDNIGHT_CST - H / 2 },
      { visitor: 'b', item: 'p1', at: MIDNIGHT_CST + H / 2 },
    ]);
    expect(await refreshShareCounts(env, MIDNIGHT_CST - 1)).toContain('sc-midnight');
    expect(await read('sc-midnight', MIDNIGHT_CST - 1)).toEqual({ p1: 1 });
    // The cached counts of yesterday read as empty the moment the day ends, before any refresh.
    expect(await read('sc-midnight', MIDNIGHT_CST)).toEqual({});
    expect(await refreshShareCounts(env, MIDNIGHT_CST + H)).toContain('sc-midnight');
    forgetShareCounts();
    const today = await env.PACKS.get<{ day: string }>(shareCountsKey('sc-midnight'), 'json');
    expect(today!.day).toBe('2031-05-10');
    expect(await read('sc-midnight', MIDNIGHT_CST + H)).toEqual({ p1: 1 });
  });

  it('counts the day of a site with its own utcOffsetMinutes (here UTC)', async () => {
    await env.PACKS.put(kvKeys.config('sc-utc'), JSON.stringify({ id: 'sc-utc', utcOffsetMinutes: 0 }));
    // 23:30 and 00:30 China time: one UTC day (2031-05-09), two China days.
    const rows = [
      { visitor: 'a', item: 'p1', at: MIDNIGHT_CST - H / 2 },
      { visitor: 'b', item: 'p1', at: MIDNIGHT_CST + H / 2 },
    ];
    await insert('sc-utc', rows);
    await insert('sc-cst', rows);
    await refreshShareCounts(env, MIDNIGHT_CST + H);
    expect(await env.PACKS.get(shareCountsKey('sc-utc'), 'json')).toMatchObject({
      day: '2031-05-09',
      utcOffsetMinutes: 0,
      items: { p1: 2 },
    });
    expect(await read('sc-utc', MIDNIGHT_CST + H)).toEqual({ p1: 2 });
    expect(await read('sc-cst', MIDNIGHT_CST + H)).toEqual({ p1: 1 });
    // UTC midnight (08:00 China time) ends that site's day.
    expect(await read('sc-utc', MIDNIGHT_CST + 8 * H)).toEqual({});
  });

  it('keeps a KV read for a minute per isolate; unchanged counts and a site without shares today are not written', async () => {
    const now = MIDNIGHT_CST + 20 * H;
    await insert('sc-cache', [{ visitor: 'a', item: 'p1', at: now - H }]);
    await refreshShareCounts(env, now);
    expect(await read('sc-cache', now)).toEqual({ p1: 1 });
    await insert('sc-cache', [{ visitor: 'b', item: 'p1', at: now + 1_000 }]);
    await refreshShareCounts(env, now + 2_000);
    expect(await read('sc-cache', now + 59_000)).toEqual({ p1: 1 }); // cached
    expect(await read('sc-cache', now + 60_000)).toEqual({ p1: 2 });
    // Unchanged counts are not written again.
    const before = await env.PACKS.get(shareCountsKey('sc-cache'));
    expect(await refreshShareCounts(env, now + 5 * 60_000)).toContain('sc-cache');
    expect(await env.PACKS.get(shareCountsKey('sc-cache'))).toBe(before);
    // The next day, before anyone shares: nothing written, yesterday's value reads as empty.
    const tomorrow = MIDNIGHT_CST + 24 * H + H;
    expect(await refreshShareCounts(env, tomorrow)).not.toContain('sc-cache');
    expect(await read('sc-cache', tomorrow)).toEqual({});
  });

  it('keeps the most shared items, at most SHARE_COUNTS_MAX', async () => {
    const now = MIDNIGHT_CST + 10 * H;
    const rows = Array.from({ length: SHARE_COUNTS_MAX + 1 }, (_, i) => ({ visitor: 'one', item: `i${i}`, at: now - H }));
    rows.push({ visitor: 'two', item: 'i4999', at: now - H }, { visitor: 'two', item: 'i5000', at: now - H });
    for (let i = 0; i < rows.length; i += 500) await insert('sc-bounded', rows.slice(i, i + 500));
    await refreshShareCounts(env, now);
    const counts = await shareCountsFor(env.PACKS, 'sc-bounded', now);
    expect(counts.size).toBe(SHARE_COUNTS_MAX);
    expect(counts.get('i5000')).toBe(2);
    expect(counts.get('i4999')).toBe(2);
    // Ties go by id as text: of the once-shared items, the last one ("i999") is left out.
    expect([...counts.values()].filter((n) => n === 1)).toHaveLength(SHARE_COUNTS_MAX - 2);
    expect(counts.has('i0')).toBe(true);
    expect(counts.has('i999')).toBe(false);
  });

  it('a KV outage reads as no counts (never a failed list), and one failing site does not stop the others', async () => {
    const broken = { get: async () => Promise.reject(new Error('KV down')) } as unknown as KVNamespace;
    expect((await shareCountsFor(broken, 'sc-kv-down', MIDNIGHT_CST)).size).toBe(0);
    const now = MIDNIGHT_CST + 10 * H;
    await insert('sc-ok', [{ visitor: 'v', item: 'p1', at: now - H }]);
    let puts = 0;
    const flaky = {
      get: (key: string, type?: unknown) =>
        key.includes('sc-ok') ? env.PACKS.get(key, type as 'json') : Promise.reject(new Error('KV down')),
      put: (key: string, value: string) => (puts++, env.PACKS.put(key, value)),
    } as unknown as KVNamespace;
    await insert('sc-bad', [{ visitor: 'v', item: 'p1', at: now - H }]);
    const sites = await refreshShareCounts({ DB: env.DB, PACKS: flaky }, now);
    expect(sites).toContain('sc-ok');
    expect(sites).not.toContain('sc-bad');
    expect(puts).toBeGreaterThanOrEqual(1);
  });
});
