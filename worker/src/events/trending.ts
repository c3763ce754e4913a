import { DEFAULT_EVENT_WEIGHTS, type EventType } from '../../../schema/events.js';
import { kvKeys } from '../../../schema/pack-manifest.js';
import { activeSites } from './activity.js';

/** Events older than this do not count toward trending. */
export const TRENDING_WINDOW_MS = 7 * 86_400_000;
/** An event's weight halves every this long (recent popularity). */
export const TRENDING_HALF_LIFE_MS = 24 * 3_600_000;
/** Items kept per site. */
export const TRENDING_MAX = 200;
/** How long an isolate keeps a site's trending list before reading KV again. */
const TRENDING_TTL_MS = 60_000;

/** KV value `site/{site}/trending`: the site's trending items, best first. */
export interface Trending {
  computedAt: string;
  halfLifeHours: number;
  items: { id: string; score: number }[];
}

/**
 * Trending scores from per-item event counts by type and age: Σ weight(type) · 2^(−age / half-life),
 * with the trainer's event weights (impressions count 0). Best first, at most TRENDING_MAX.
 */
export function trendingScores(
  rows: { item_id: string; type: string; received_at: number }[],
  now: number,
): { id: string; score: number }[] {
  const score = new Map<string, number>();
  for (const r of rows) {
    const w = DEFAULT_EVENT_WEIGHTS[r.type as EventType] ?? 0;
    if (w <= 0) continue;
    const age = Math.max(0, now - r.received_at);
    score.set(r.item_id, (score.get(r.item_id) ?? 0) + w * 2 ** (-age / TRENDING_HALF_LIFE_MS));
  }
  return [...score]
    .map(([id, s]) => ({ id, score: Math.round(s * 1e6) / 1e6 }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, TRENDING_MAX);
}

/**
 * Recomputes trending for every site with events in the window (the worker's cron trigger) and
 * writes it to KV, so the public route never touches D1. Returns the sites refreshed.
 */
export async function refreshTrending(env: { DB: D1Database; PACKS: KVNamespace }, now = Date.now()): Promise<string[]> {
  const since = now - TRENDING_WINDOW_MS;
  const sites = await activeSites(env.DB, since);
  for (const site of sites) {
    const { results } = await env.DB.prepare(
      `SELECT item_id, type, received_at FROM events WHERE site = ?1 AND received_at >= ?2 AND type != 'impression' ORDER BY received_at DESC LIMIT 200000`,
    )
      .bind(site, since)
      .all<{ item_id: string; type: string; received_at: number }>();
    const value: Trending = {
      computedAt: new Date(now).toISOString(),
      halfLifeHours: TRENDING_HALF_LIFE_MS / 3_600_000,
      items: trendingScores(results, now),
    };
    await env.PACKS.put(kvKeys.trending(site), JSON.stringify(value));
  }
  return sites;
}

// Plain data only, read by each request itself when stale (never a shared pending read).
const cache = new Map<string, { at: number; value: Trending | null }>();

/** The site's trending list from KV (cached per isolate for a minute); null before the first computation. */
export async function trendingFor(kv: KVNamespace, site: string, now = Date.now()): Promise<Trending | null> {
  const hit = cache.get(site);
  if (hit && now - hit.at < TRENDING_TTL_MS) return hit.value;
  const value = (await kv.get<Trending>(kvKeys.trending(site), 'json')) ?? null;
  if (cache.size > 1_000) cache.clear();
  cache.set(site, { at: now, value });
  return value;
}

/** Forgets cached lists (tests). */
export const forgetTrending = () => cache.clear();
