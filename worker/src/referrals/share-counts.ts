import { kvKeys } from '../../../schema/pack-manifest.js';
import { activeSites } from '../events/activity.js';
import { DEFAULT_UTC_OFFSET_MINUTES, localDay, siteUtcOffset } from '../lib/local-time.js';

/**
 * Social proof for cards ("Shared 12 times today"): how many people shared each item today, counted
 * by the cron trigger from stored `share` events (the SDK's `shareLink()` and the widgets' share
 * button track one per press) and written to KV, so the request path never touches D1.
 */

const DAY_MS = 86_400_000;
/** Items kept per site, most shared first: bounds the KV value (≈ 5,000 × (id + count) bytes). */
export const SHARE_COUNTS_MAX = 5_000;
/** How long an isolate keeps a site's counts before reading KV again. */
const SHARE_COUNTS_TTL_MS = 60_000;

/** KV key of a site's share counts. */
export const shareCountsKey = (site: string) => `site/${site}/share-counts`;

/** KV value `site/{site}/share-counts`: people who shared each item on the site's local day `day`. */
export interface ShareCounts {
  /** The local day counted, `YYYY-MM-DD` at `utcOffsetMinutes`. */
  day: string;
  /** The offset the day was counted at (minutes east of UTC), so a reader can tell when it has passed. */
  utcOffsetMinutes: number;
  /** When these counts were first seen (a run that finds the same counts does not write them again). */
  computedAt: string;
  /** item id → distinct sharers today (≥ 1); at most SHARE_COUNTS_MAX items, the most shared. */
  items: Record<string, number>;
}

/**
 * Counts today's shares per item for every site with a share in the last 24 h (any site's local day
 * began within them) and writes them to KV. A sharer is counted once per item however often they
 * press share: distinct `user_id` when signed in, else visitor id — the same id a share link names as
 * `ref`. Sites without a share today are not written (a stored older day reads as empty). Returns the
 * sites counted.
 */
export async function refreshShareCounts(env: { DB: D1Database; PACKS: KVNamespace }, now = Date.now()): Promise<string[]> {
  const counted: string[] = [];
  for (const site of await activeSites(env.DB, now - DAY_MS, { shares: true })) {
    try {
      if (await countSite(env, site, now)) counted.push(site);
    } catch (e) {
      // One site's D1 or KV failure is logged; the others are still counted.
      console.error(`share counts for ${site}: ${(e as Error).message}`);
    }
  }
  return counted;
}

/** Counts and stores one site's shares of today; false when it had none today. */
async function countSite(env: { DB: D1Database; PACKS: KVNamespace }, site: string, now: number): Promise<boolean> {
  const utcOffsetMinutes = await siteOffset(env.PACKS, site);
  const { day, start } = localDay(now, utcOffsetMinutes);
  const { results } = await env.DB.prepare(
    `SELECT item_id, COUNT(DISTINCT COALESCE(user_id, visitor_id)) AS n FROM events
      WHERE site = ?1 AND type = 'share' AND received_at >= ?2 AND received_at <= ?3
      GROUP BY item_id ORDER BY n DESC, item_id LIMIT ?4`,
  )
    .bind(site, start, now, SHARE_COUNTS_MAX)
    .all<{ item_id: string; n: number }>();
  if (!results.length) return false;
  const items = Object.fromEntries(results.map((r) => [r.item_id, r.n]));
  // KV writes are the scarce quota (1,000 a day on the free plan; the cron runs 144 times a day):
  // counts that did not change since the last run are not written again.
  const old = await env.PACKS.get<ShareCounts>(shareCountsKey(site), 'json');
  if (old?.day === day && old.utcOffsetMinutes === utcOffsetMinutes && JSON.stringify(old.items) === JSON.stringify(items)) return true;
  const value: ShareCounts = { day, utcOffsetMinutes, computedAt: new Date(now).toISOString(), items };
  await env.PACKS.put(shareCountsKey(site), JSON.stringify(value));
  return true;
}

/** The site's `utcOffsetMinutes` from its KV config; the default when absent, invalid or unreadable JSON. */
async function siteOffset(kv: KVNamespace, site: string): Promise<number> {
  let config: unknown = null;
  try {
    config = JSON.parse((await kv.get(kvKeys.config(site))) ?? 'null');
  } catch {} // a corrupt config: the default, as the site store treats it
  return siteUtcOffset(config);
}

// Plain data only, read by each request itself when stale (never a shared pending read).
const cache = new Map<string, { at: number; value: ShareCounts | null; counts: ReadonlyMap<string, number> }>();
const NONE: ReadonlyMap<string, number> = new Map();

/**
 * Today's share counts of a site (item id → distinct sharers), from KV, cached per isolate for a
 * minute; empty before the first computation and once the counted day has passed. A Map, so an item
 * id such as `constructor` never reads an Object prototype member.
 */
export async function shareCountsFor(kv: KVNamespace, site: string, now = Date.now()): Promise<ReadonlyMap<string, number>> {
  let hit = cache.get(site);
  if (!hit || now - hit.at >= SHARE_COUNTS_TTL_MS) {
    let value: ShareCounts | null;
    try {
      value = (await kv.get<ShareCounts>(shareCountsKey(site), 'json')) ?? null;
    } catch (e) {
      // Social proof is never worth a failed list: keep what we had (or nothing) for the next minute.
      console.error(`share counts for ${site} unreadable: ${(e as Error).message}`);
      value = hit?.value ?? null;
    }
    hit = { at: now, value, counts: value?.items ? new Map(Object.entries(value.items)) : NONE };
    if (cache.size > 1_000) cache.clear();
    cache.set(site, hit);
  }
  // Checked on every call: a cached value turns empty at the site's midnight, not up to a minute later.
  const v = hit.value;
  return v && v.day === localDay(now, v.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES).day ? hit.counts : NONE;
}

/** Forgets cached counts (tests). */
export const forgetShareCounts = () => cache.clear();
