import { CompiledLink, LinkPointer, linkKey, linkVersionKey } from '../../../schema/routing.js';

/** How long an isolate trusts a cached pointer (`link/{slug}` → site, version) before reading KV again. */
export const LINK_TTL_MS = 5_000;
/** Version bodies are immutable: let KV's edge cache keep them for a day (seconds). */
const VERSION_CACHE_TTL_S = 86_400;
/** Links kept per isolate; the least recently checked one is dropped first. */
const MAX_CACHED = 512;

interface Entry {
  /** The version being served; null: no such link (a cached miss). */
  entry: CompiledLink | null;
  checkedAt: number;
}

const cache = new Map<string, Entry>();

function remember(slug: string, e: Entry) {
  cache.delete(slug);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(slug, e);
}

async function readVersion(kv: KVNamespace, pointer: LinkPointer, slug: string): Promise<CompiledLink | undefined> {
  const raw = await kv.get(linkVersionKey(pointer.site, slug, pointer.version), { type: 'json', cacheTtl: VERSION_CACHE_TTL_S });
  const parsed = CompiledLink.safeParse(raw);
  if (!parsed.success || parsed.data.site !== pointer.site || parsed.data.version !== pointer.version || parsed.data.link.slug !== slug)
    return undefined;
  return parsed.data;
}

/**
 * The compiled link for `slug`. Per isolate, the pointer is re-read at most every LINK_TTL_MS and a
 * version body is read and validated once per version (so the compiled rules are reused too). When
 * KV fails or holds something invalid, the last version in memory keeps serving: stale beats down.
 * `null`: no such link.
 */
export async function getLink(kv: KVNamespace, slug: string, now = Date.now()): Promise<CompiledLink | null> {
  const hit = cache.get(slug);
  if (hit && now - hit.checkedAt < LINK_TTL_MS) return hit.entry;
  try {
    const raw = await kv.get(linkKey(slug), 'json');
    if (raw === null) {
      remember(slug, { entry: null, checkedAt: now });
      return null;
    }
    const pointer = LinkPointer.safeParse(raw);
    if (!pointer.success) {
      console.error(`link ${slug}: pointer is invalid; keeping the last good version`);
      return hit?.entry ?? null;
    }
    const { site, version } = pointer.data;
    const same = hit?.entry && hit.entry.site === site && hit.entry.version === version;
    const entry = same ? hit.entry : await readVersion(kv, pointer.data, slug);
    if (!entry) {
      console.error(`link ${slug}: version ${version} is missing or invalid; keeping the last good version`);
      return hit?.entry ?? null;
    }
    remember(slug, { entry, checkedAt: now });
    return entry;
  } catch (e) {
    console.error(`link ${slug}: KV read failed (${(e as Error).message}); serving the cached version`);
    return hit?.entry ?? null;
  }
}

/**
 * Publishes a compiled version: the immutable body first, then the pointer that makes it current.
 * With concurrent writers, pass `current` (the source of truth's current version): the pointer is
 * then written for that version and re-checked until it stops moving, so KV ends on the newest
 * version whichever writer finishes last (versions only grow).
 */
export async function putLink(kv: KVNamespace, compiled: CompiledLink, current?: () => Promise<number | null>): Promise<void> {
  const c = CompiledLink.parse(compiled);
  await kv.put(linkVersionKey(c.site, c.link.slug, c.version), JSON.stringify(c));
  let version: number | null = current ? await current() : c.version;
  for (let attempt = 0; attempt < 10 && version !== null; attempt++) {
    await kv.put(linkKey(c.link.slug), JSON.stringify({ site: c.site, version } satisfies LinkPointer));
    const now: number | null = current ? await current() : version;
    if (now === version) return;
    version = now;
  }
}

/** Unpublishes a slug (its version bodies stay for the audit trail; nothing points at them). */
export async function removeLink(kv: KVNamespace, slug: string): Promise<void> {
  await kv.delete(linkKey(slug));
}
