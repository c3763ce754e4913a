import { kvKeys } from '../../../schema/pack-manifest.js';
import { TokenGrant } from '../../../schema/sites.js';
import { looksLikeToken, tokenHash } from './tokens.js';

/**
 * How long an isolate trusts what KV said about a token (a grant, or "no such token"). With KV's
 * own propagation (≤ 60 s between locations, per Cloudflare's docs) a revoked key stops working
 * everywhere within about a minute; in the location that revoked it, within this TTL.
 */
export const GRANT_TTL_MS = 30_000;
const MAX_CACHED = 2_000;

interface Cached {
  grant: TokenGrant | null;
  at: number;
}

// Plain data only (never a pending read): requests look tokens up with their own KV reads.
const cache = new Map<string, Cached>();

/**
 * What a token may do, from KV `token/{sha256(token)}` (cached per isolate for GRANT_TTL_MS);
 * null for anything that is not a live token. The token itself is never logged or stored.
 */
export async function grantFor(kv: KVNamespace, token: string, now = Date.now()): Promise<TokenGrant | null> {
  if (!looksLikeToken(token)) return null;
  const hash = await tokenHash(token);
  const hit = cache.get(hash);
  if (hit && now - hit.at < GRANT_TTL_MS) return hit.grant;
  const parsed = TokenGrant.safeParse(await kv.get(kvKeys.token(hash), 'json'));
  const grant = parsed.success ? parsed.data : null;
  cache.delete(hash);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(hash, { grant, at: now });
  return grant;
}

/** Forgets every cached grant (tests; a revoke in this isolate). */
export function forgetGrants(): void {
  cache.clear();
}
