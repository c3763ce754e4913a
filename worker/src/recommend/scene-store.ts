import { learnScenePriors, SCENE_PRIORS_VERSION, type ScenePriors } from '../../../models/pack/serve/scene.js';
import { kvKeys } from '../../../schema/pack-manifest.js';
import { activeSites } from '../events/activity.js';
import { localHour, siteUtcOffset } from '../lib/local-time.js';

/** Events older than this do not count toward a site's scene priors. */
export const SCENE_WINDOW_MS = 30 * 86_400_000;
/** Most events read per site and refresh (the newest), as for trending: bounds the cron's D1 reads and memory. */
export const SCENE_MAX_ROWS = 200_000;
/**
 * Priors younger than this are not learned again: a 30-day window hardly moves in hours, and each
 * refresh reads up to SCENE_MAX_ROWS rows from D1 and writes KV, however often the cron fires.
 */
export const SCENE_REFRESH_MS = 6 * 3_600_000;
/** How long an isolate keeps a site's priors before reading KV again. */
const SCENE_TTL_MS = 60_000;

/** KV key of a site's scene priors (a `ScenePriors` JSON value). */
export const sceneKey = (site: string) => `site/${site}/scene`;

/**
 * Learns each site's scene priors from its last 30 days of events (the worker's cron trigger) and
 * writes them to KV, so requests never touch D1. The hour of an event is its client time when sent
 * (`ts`, else when received) in the site's time zone (`utcOffsetMinutes` of its config, else UTC+8);
 * impressions are left out. A site whose priors are younger than `everyMs` is skipped; a site that
 * fails is logged and the others still refresh. Returns the sites refreshed.
 */
export async function refreshScenePriors(
  env: { DB: D1Database; PACKS: KVNamespace },
  now = Date.now(),
  options: { everyMs?: number } = {},
): Promise<string[]> {
  const everyMs = options.everyMs ?? SCENE_REFRESH_MS;
  const since = now - SCENE_WINDOW_MS;
  const done: string[] = [];
  for (const site of await activeSites(env.DB, since)) {
    try {
      // A KV outage skips the site (logged); an unreadable value counts as none, as the site store treats configs.
      const [configText, currentText] = await Promise.all([env.PACKS.get(kvKeys.config(site)), env.PACKS.get(sceneKey(site))]);
      const current = safeJson(currentText) as { computedAt?: unknown } | null;
      const at = typeof current?.computedAt === 'string' ? Date.parse(current.computedAt) : Number.NaN;
      if (now - at >= 0 && now - at < everyMs) continue;
      const offset = siteUtcOffset(safeJson(configText));
      const { results } = await env.DB.prepare(
        `SELECT item_id, type, channel, placement, COALESCE(client_ts, received_at) AS ts FROM events
         WHERE site = ?1 AND received_at >= ?2 AND type != 'impression' ORDER BY received_at DESC LIMIT ${SCENE_MAX_ROWS}`,
      )
        .bind(site, since)
        .all<{ item_id: string; type: string; channel: string | null; placement: string | null; ts: number }>();
      const priors = learnScenePriors(
        results.map((r) => ({
          itemId: r.item_id,
          type: r.type,
          channel: r.channel,
          placement: r.placement,
          hour: localHour(r.ts, offset),
        })),
        { computedAt: new Date(now).toISOString() },
      );
      await env.PACKS.put(sceneKey(site), JSON.stringify(priors));
      done.push(site);
    } catch (err) {
      console.error(`site ${site}: scene priors not refreshed (${(err as Error).message})`);
    }
  }
  return done;
}

function safeJson(text: string | null): unknown {
  try {
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

// Plain data only, read by each request itself when stale (never a shared pending read).
const cache = new Map<string, { at: number; value: ScenePriors | null }>();

/**
 * The site's scene priors from KV (cached per isolate for a minute); null before the first refresh
 * or when invalid. Scene lifts only refine picks, so a failed KV read answers the last priors this
 * isolate read (or null) instead of failing the request, and the next request reads again.
 */
export async function scenePriorsFor(kv: KVNamespace, site: string, now = Date.now()): Promise<ScenePriors | null> {
  const hit = cache.get(site);
  if (hit && now - hit.at < SCENE_TTL_MS) return hit.value;
  let text: string | null;
  try {
    text = await kv.get(sceneKey(site));
  } catch {
    return hit?.value ?? null;
  }
  const value = asScenePriors(safeJson(text));
  if (cache.size > 1_000) cache.clear();
  cache.set(site, { at: now, value });
  return value;
}

/** Forgets cached priors (tests). */
export const forgetScenePriors = () => cache.clear();

/**
 * `value` when it has the shape `sceneLifts` reads (this version, 24 hour parts, parallel arrays of
 * ids and finite lifts per context), else null: a value written by another version or cut short
 * never reaches scoring.
 */
export function asScenePriors(value: unknown): ScenePriors | null {
  const v = value as Partial<ScenePriors> | null;
  if (!v || typeof v !== 'object' || v.version !== SCENE_PRIORS_VERSION) return null;
  if (!Array.isArray(v.hourBuckets) || v.hourBuckets.length !== 24 || !v.hourBuckets.every((b) => typeof b === 'string')) return null;
  const contexts = v.contexts as Record<string, unknown> | undefined;
  if (!contexts || typeof contexts !== 'object') return null;
  for (const dim of ['channel', 'placement', 'hour']) {
    const byValue = contexts[dim];
    if (!byValue || typeof byValue !== 'object' || Array.isArray(byValue)) return null;
    for (const c of Object.values(byValue as Record<string, { items?: unknown; lifts?: unknown }>)) {
      if (!c || !Array.isArray(c.items) || !Array.isArray(c.lifts) || c.items.length !== c.lifts.length) return null;
      if (!c.items.every((id) => typeof id === 'string') || !c.lifts.every((l) => typeof l === 'number' && Number.isFinite(l))) return null;
    }
  }
  return v as ScenePriors;
}
