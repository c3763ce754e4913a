import type { z } from 'zod';
import { Catalog, type CatalogItem } from '../../schema/catalog.js';
import { SITE_ID_PATTERN } from '../../schema/ids.js';
import { ActivePointer, kvKeys, VersionHistory } from '../../schema/pack-manifest.js';
import { InputError } from '../data/input-error.js';
import { fileToParts, openPack, splitChunks } from '../pack/index.js';

/** The few KV operations publishing needs; backed by wrangler's local store or the remote API. */
export interface KvTarget {
  get(key: string): Promise<string | null>;
  put(key: string, value: string | Uint8Array): Promise<void>;
}

export interface PublishResult {
  site: string;
  version: string;
  packId: string;
  chunks: number;
  catalogItems?: number;
  previous?: string;
}

/**
 * Uploads a pack (and optionally a catalog) under a new version, then switches the site's
 * active pointer in one final write: readers see the old pack or the new one, never a mix,
 * because every versioned key is written before the pointer and never changed afterwards.
 */
export async function publishPack(kv: KvTarget, site: string, packBytes: Uint8Array, catalogJson?: unknown): Promise<PublishResult> {
  if (!SITE_ID_PATTERN.test(site))
    throw new InputError(`--site must match ${SITE_ID_PATTERN} (lowercase letters, digits, dashes), got ${JSON.stringify(site)}`);
  const { manifest: rawManifest, body } = fileToParts(packBytes);
  // Validate fully (checksum included) before anything is uploaded.
  const pack = await openPack(rawManifest, body);
  const manifest = pack.manifest;

  let catalog: CatalogItem[] | undefined;
  if (catalogJson !== undefined) {
    const parsed = Catalog.safeParse(catalogJson);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new InputError(`catalog is invalid at ${i.path.join('.') || '(root)'}: ${i.message}`);
    }
    catalog = parsed.data.items;
  }

  const prev = parseOr(ActivePointer, await kv.get(kvKeys.active(site)));
  const history = parseOr(VersionHistory, await kv.get(kvKeys.versions(site)))?.versions ?? [];
  // The next number is past every version ever published (pointer or history): a lost or invalid
  // pointer must never make publish overwrite an existing version's immutable keys.
  const numbers = [prev?.version, ...history.map((h) => h.version)].map((v) => Number(v?.replace(/^v/, '')));
  const version = `v${Math.max(0, ...numbers.filter((n) => Number.isInteger(n))) + 1}`;

  const prefix = kvKeys.packPrefix(site, version);
  const chunks = splitChunks(manifest, body);
  for (let i = 0; i < chunks.length; i++) await kv.put(kvKeys.chunk(prefix, i), chunks[i]);
  await kv.put(kvKeys.manifest(prefix), JSON.stringify(manifest));
  let catalogKey = prev?.catalogKey;
  if (catalog) {
    catalogKey = kvKeys.catalog(site, version);
    await kv.put(catalogKey, JSON.stringify({ items: catalog }));
  }
  const pointer: ActivePointer = {
    version,
    packId: manifest.id,
    packPrefix: prefix,
    ...(catalogKey ? { catalogKey } : {}),
    publishedAt: new Date().toISOString(),
    previous: prev
      ? [
          { version: prev.version, packPrefix: prev.packPrefix, ...(prev.catalogKey ? { catalogKey: prev.catalogKey } : {}) },
          ...prev.previous,
        ].slice(0, 10)
      : [],
  };
  // History first, pointer last: the pointer is the switch, the history the fallbacks that outlive it.
  const entry = { version, packPrefix: prefix, ...(catalogKey ? { catalogKey } : {}), publishedAt: pointer.publishedAt };
  await kv.put(kvKeys.versions(site), JSON.stringify({ versions: [entry, ...history].slice(0, 50) } satisfies VersionHistory));
  await kv.put(kvKeys.active(site), JSON.stringify(pointer));
  return { site, version, packId: manifest.id, chunks: chunks.length, catalogItems: catalog?.length, previous: prev?.version };
}

/** The parsed JSON value, or undefined when it is absent, not JSON or not valid. */
function parseOr<T extends z.ZodType>(schema: T, text: string | null): z.infer<T> | undefined {
  if (text === null) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
