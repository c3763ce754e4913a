import { CompiledLink, linkKey } from '../../../schema/routing.js';

/** How long an isolate trusts a cached link before reading KV again. */
export const LINK_TTL_MS = 5_000;

const cache = new Map<string, { entry: CompiledLink | null; checkedAt: number }>();

/**
 * The compiled link for `slug`, read from KV at most every LINK_TTL_MS per isolate. When KV fails,
 * the last version in memory keeps serving (stale beats down). `null`: no such link.
 */
export async function getLink(kv: KVNamespace, slug: string, now = Date.now()): Promise<CompiledLink | null> {
  const hit = cache.get(slug);
  if (hit && now - hit.checkedAt < LINK_TTL_MS) return hit.entry;
  try {
    const raw = await kv.get(linkKey(slug), 'json');
    const parsed = raw === null ? null : CompiledLink.safeParse(raw);
    if (parsed && !parsed.success) {
      console.error(`link ${slug}: compiled value is invalid; keeping the last good version`);
      return hit?.entry ?? null;
    }
    const entry = parsed ? parsed.data : null;
    cache.set(slug, { entry, checkedAt: now });
    return entry;
  } catch (e) {
    console.error(`link ${slug}: KV read failed (${(e as Error).message}); serving the cached version`);
    return hit?.entry ?? null;
  }
}

/** Writes a compiled link version (used by the demo seed and, later, the admin API). */
export async function putLink(kv: KVNamespace, compiled: CompiledLink): Promise<void> {
  await kv.put(linkKey(compiled.link.slug), JSON.stringify(CompiledLink.parse(compiled)));
}
