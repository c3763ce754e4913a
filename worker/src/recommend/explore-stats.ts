import { LiveCatalogBucket, LiveCatalogMeta } from '../../../schema/catalog.js';
import { kvKeys } from '../../../schema/pack-manifest.js';
import { activeSites } from '../events/activity.js';

/**
 * Feedback for the cold-start slot (`exploreSlot` in models/pack/serve/cold-start.ts): how often each
 * product of the live catalog was shown on a recommended card and clicked there, counted by the cron
 * trigger from stored events and written to KV, so the request path never touches D1. The slot's
 * Thompson sampling then tries an item shown often without a click less, and an unshown one more.
 *
 * What counts (events carrying a `recommendationId`, i.e. answers to one of our lists):
 * - an impression is the SDK widget's `impression` event (a card ≥ 50 % visible for ≥ 1 s, once per
 *   card per response: sdk/src/widgets/mount.ts), in any placement — the slot's own position and the
 *   rest of the list alike, since a new product is shown almost only through the slot;
 * - a click is a `click` event only. Add-to-cart and purchase are not counted: a purchase from a card
 *   follows that card's click (counting both would count one answer twice), and the posterior models
 *   the click-through of impressions. Events without a `recommendationId` (a search page's clicks)
 *   are no answer to an impression and would make an item look better in the slot than it is.
 */

const DAY_MS = 86_400_000;
/** Sites counted: those with any event in this window. */
export const EXPLORE_ACTIVE_MS = 7 * DAY_MS;
/** Events counted: received in this window (a month of a small shop's traffic). */
export const EXPLORE_WINDOW_MS = 30 * DAY_MS;
/**
 * Live-catalog products counted per site: the first ones in bucket order (bucket 0 first, ids sorted
 * within a bucket), stable from run to run. Bounds the D1 work (≤ 10 queries of ≤ 500 ids) and the KV
 * value (≈ 5,000 × (id + 2 counts) ≤ ~750 KB). A new arrival beyond it gets no counts: the slot then
 * spreads it by chance, as without feedback.
 */
export const EXPLORE_STATS_MAX_IDS = 5_000;
/** Ids per D1 query (bound as one JSON array, read with json_each). */
const CHUNK = 500;
/** How long an isolate keeps a site's counts before reading KV again. */
const EXPLORE_STATS_TTL_MS = 60_000;

/** KV key of a site's exploration counts. */
export const exploreStatsKey = (site: string) => `site/${site}/explore-stats`;

/** KV value `site/{site}/explore-stats`. */
export interface ExploreStats {
  /** When these counts were first seen (a run that finds the same counts does not write them again). */
  computedAt: string;
  /** item id → [impressions, clicks] in the last 30 days; only items with ≥ 1 impression. */
  items: Record<string, [number, number]>;
}

/** What `exploreSlot` takes as `impressions` / `clicks`. */
export interface ExploreCounts {
  impressions: ReadonlyMap<string, number>;
  clicks: ReadonlyMap<string, number>;
}

/**
 * Counts impressions and clicks of the last 30 days per live-catalog product for every site with an
 * event in the last 7 days, and writes them to KV when they changed. A site without a live catalog
 * (no catalog API use) has no new arrivals and is skipped; a site that fails is logged and the others
 * still run. Returns the sites counted.
 */
export async function refreshExploreStats(env: { DB: D1Database; PACKS: KVNamespace }, now = Date.now()): Promise<string[]> {
  const counted: string[] = [];
  for (const site of await activeSites(env.DB, now - EXPLORE_ACTIVE_MS)) {
    try {
      const ids = await liveIds(env.PACKS, site);
      if (!ids) continue;
      const items = await countEvents(env.DB, site, ids, now);
      // KV writes are the scarce quota (1,000 a day on the free plan; the cron runs 144 times a day):
      // counts that did not change since the last run are not written again, nor an empty first value.
      const old = parseStats(await env.PACKS.get(exploreStatsKey(site)));
      if (old ? !sameItems(old.items, items) : Object.keys(items).length > 0) {
        const value: ExploreStats = { computedAt: new Date(now).toISOString(), items };
        await env.PACKS.put(exploreStatsKey(site), JSON.stringify(value));
      }
      counted.push(site);
    } catch (err) {
      console.error(`site ${site}: explore stats not refreshed (${(err as Error).message})`);
    }
  }
  return counted;
}

/** In-stock product ids of the site's live catalog, at most EXPLORE_STATS_MAX_IDS; null without one. */
async function liveIds(kv: KVNamespace, site: string): Promise<string[] | null> {
  const metaText = await kv.get(kvKeys.liveCatalog(site));
  if (metaText === null) return null;
  const meta = LiveCatalogMeta.safeParse(safeJson(metaText));
  if (!meta.success) throw new Error('live catalog meta is invalid');
  const texts = await Promise.all(Array.from({ length: meta.data.buckets }, (_, b) => kv.get(kvKeys.liveCatalogBucket(site, b))));
  const ids: string[] = [];
  for (const text of texts) {
    if (text === null) continue;
    const bucket = LiveCatalogBucket.safeParse(safeJson(text));
    if (!bucket.success) throw new Error('a live catalog bucket is invalid');
    // Out of stock: never a new arrival (`newArrivals`), so not worth a place under the bound.
    for (const item of bucket.data.items) if (item.inStock !== false) ids.push(item.id);
    if (ids.length >= EXPLORE_STATS_MAX_IDS) break;
  }
  return ids.slice(0, EXPLORE_STATS_MAX_IDS);
}

/** [impressions, clicks] per id with ≥ 1 impression, keys in id order; one D1 round trip (a batch). */
async function countEvents(db: D1Database, site: string, ids: string[], now: number): Promise<Record<string, [number, number]>> {
  if (!ids.length) return {};
  const stmt = db.prepare(
    `SELECT item_id, SUM(type = 'impression') AS impressions, SUM(type = 'click') AS clicks FROM events
      WHERE site = ?1 AND received_at > ?2 AND received_at <= ?3 AND type IN ('impression', 'click')
        AND recommendation_id IS NOT NULL AND item_id IN (SELECT value FROM json_each(?4))
      GROUP BY item_id`,
  );
  const chunks: D1PreparedStatement[] = [];
  for (let i = 0; i < ids.length; i += CHUNK)
    chunks.push(stmt.bind(site, now - EXPLORE_WINDOW_MS, now, JSON.stringify(ids.slice(i, i + CHUNK))));
  const rows = (await db.batch<{ item_id: string; impressions: number; clicks: number }>(chunks)).flatMap((r) => r.results);
  rows.sort((a, b) => (a.item_id < b.item_id ? -1 : a.item_id > b.item_id ? 1 : 0));
  return Object.fromEntries(rows.filter((r) => r.impressions > 0).map((r) => [r.item_id, [r.impressions, r.clicks]]));
}

/** Same ids with the same two counts (key order does not matter). */
function sameItems(a: Record<string, [number, number]>, b: Record<string, [number, number]>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((id) => Object.hasOwn(b, id) && a[id][0] === b[id][0] && a[id][1] === b[id][1]);
}

/** A stored value, or null when absent or not an object with `items`; entries that are not two counts ≥ 0 are dropped. */
function parseStats(text: string | null): ExploreStats | null {
  const v = safeJson(text) as { computedAt?: unknown; items?: unknown } | null;
  if (typeof v !== 'object' || v === null || typeof v.items !== 'object' || v.items === null || Array.isArray(v.items)) return null;
  const items: Record<string, [number, number]> = {};
  for (const [id, pair] of Object.entries(v.items)) {
    if (Array.isArray(pair) && pair.length === 2 && pair.every((n) => Number.isFinite(n) && n >= 0)) items[id] = [pair[0], pair[1]];
  }
  return { computedAt: typeof v.computedAt === 'string' ? v.computedAt : '', items };
}

function safeJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// Plain data only, read by each request itself when stale (never a shared pending read).
const cache = new Map<string, { at: number; counts: ExploreCounts }>();
const NONE: ExploreCounts = { impressions: new Map(), clicks: new Map() };

/**
 * A site's exploration counts (item id → impressions, item id → clicks) from KV, cached per isolate
 * for a minute; empty maps before the first computation or when the value is invalid. Maps, so an
 * item id such as `constructor` never reads an Object prototype member. A KV read that fails keeps
 * the counts this isolate had (else none) for the next minute: picks never fail for want of them.
 */
export async function exploreStatsFor(kv: KVNamespace, site: string, now = Date.now()): Promise<ExploreCounts> {
  let hit = cache.get(site);
  if (!hit || now - hit.at >= EXPLORE_STATS_TTL_MS) {
    let counts = hit?.counts ?? NONE;
    try {
      const value = parseStats(await kv.get(exploreStatsKey(site)));
      const entries = value ? Object.entries(value.items) : [];
      counts = entries.length
        ? { impressions: new Map(entries.map(([id, p]) => [id, p[0]])), clicks: new Map(entries.map(([id, p]) => [id, p[1]])) }
        : NONE;
    } catch (err) {
      console.error(`site ${site}: explore stats unreadable (${(err as Error).message})`);
    }
    hit = { at: now, counts };
    if (cache.size > 1_000) cache.clear();
    cache.set(site, hit);
  }
  return hit.counts;
}

/** Forgets cached counts (tests). */
export const forgetExploreStats = () => cache.clear();
