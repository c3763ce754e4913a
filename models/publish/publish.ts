import { Catalog, type CatalogItem } from '../../schema/catalog.js';
import { ActivePointer, kvKeys } from '../../schema/pack-manifest.js';
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

const SITE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Uploads a pack (and optionally a catalog) under a new version, then switches the site's
 * active pointer in one final write: readers see the old pack or the new one, never a mix,
 * because every versioned key is written before the pointer and never changed afterwards.
 */
export async function publishPack(kv: KvTarget, site: string, packBytes: Uint8Array, catalogJson?: unknown): Promise<PublishResult> {
  if (!SITE_ID.test(site)) throw new InputError(`--site must match ${SITE_ID} (lowercase letters, digits, dashes), got ${JSON.stringify(site)}`);
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

  const currentRaw = await kv.get(kvKeys.active(site));
  const current = currentRaw ? ActivePointer.safeParse(JSON.parse(currentRaw)) : undefined;
  const prev = current?.success ? current.data : undefined;
  const n = prev ? Number(prev.version.replace(/^v/, '')) : 0;
  const version = `v${(Number.isFinite(n) ? n : 0) + 1}`;

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
      ? [{ version: prev.version, packPrefix: prev.packPrefix, ...(prev.catalogKey ? { catalogKey: prev.catalogKey } : {}) }, ...prev.previous].slice(0, 10)
      : [],
  };
  await kv.put(kvKeys.active(site), JSON.stringify(pointer));
  return { site, version, packId: manifest.id, chunks: chunks.length, catalogItems: catalog?.length, previous: prev?.version };
}
