import { PlacementRules } from '../../../schema/merchandising.js';
import { kvKeys } from '../../../schema/pack-manifest.js';

/** KV value `site/{site}/placement-rules/{placement}`: what requests apply. */
export interface ServedRules {
  version: number;
  rules: PlacementRules;
}

/**
 * How long an isolate keeps a placement's rules before reading KV again. KV itself takes up to
 * 60 s to show a change in other locations (Cloudflare's docs); in the location that wrote it the
 * change applies at once (the writer forgets its cached copy).
 */
const RULES_TTL_MS = 10_000;
const MAX_CACHED = 2_000;
// Plain data only: each request reads KV itself when its entry is stale.
const cache = new Map<string, { at: number; value: ServedRules | null }>();

/** The rules requests of `placement` apply (null: none set, or unreadable — logged, never fatal). */
export async function servedRules(kv: KVNamespace, site: string, placement: string, now = Date.now()): Promise<ServedRules | null> {
  const key = kvKeys.placementRules(site, placement);
  const hit = cache.get(key);
  if (hit && now - hit.at < RULES_TTL_MS) return hit.value;
  let value: ServedRules | null = null;
  try {
    const raw = await kv.get<{ version: number; rules: unknown }>(key, 'json');
    const parsed = raw ? PlacementRules.safeParse(raw.rules) : undefined;
    if (parsed?.success) value = { version: raw!.version, rules: parsed.data };
    else if (parsed) console.error(`placement rules ${key} do not validate; serving without them`);
  } catch (e) {
    console.error(`placement rules ${key} unreadable: ${(e as Error).message}`);
  }
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, { at: now, value });
  return value;
}

/** Forgets cached rules (a write in this isolate; tests). */
export function forgetServedRules(site?: string, placement?: string): void {
  if (site === undefined || placement === undefined) cache.clear();
  else cache.delete(kvKeys.placementRules(site, placement));
}
