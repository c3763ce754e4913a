import type { z } from 'zod';
import { Catalog, type CatalogItem } from '../../schema/catalog.js';
import { SITE_ID_PATTERN } from '../../schema/ids.js';
import { ActivePointer, CatalogManifest, KV_VALUE_LIMIT, kvKeys, PackManifest, VersionHistory } from '../../schema/pack-manifest.js';
import { InputError } from '../data/input-error.js';
import { fileToParts, openPack, splitChunks } from '../pack/index.js';
import { sha256Hex } from '../pack/sha256.js';

/** The few KV operations publishing needs; backed by wrangler's local store or the remote API. */
export interface KvTarget {
  get(key: string): Promise<string | null>;
  put(key: string, value: string | Uint8Array): Promise<void>;
}

/** Cloudflare KV's key limit (bytes of UTF-8). Values: `KV_VALUE_LIMIT` (25 MiB). */
export const KV_KEY_LIMIT = 512;
/** Largest catalog chunk publish writes by default (bytes of JSON), well under the KV value limit. */
export const DEFAULT_CATALOG_CHUNK_SIZE = 20 * 1024 * 1024;

export interface PublishOptions {
  /** Largest catalog chunk in bytes of JSON (an item larger than this gets a chunk of its own). @default 20 MiB */
  catalogChunkSize?: number;
  /** Publish a new version even when the pack and catalog are those already active. @default false */
  force?: boolean;
}

export interface PublishResult {
  site: string;
  /** The new version, or the active one when `unchanged`. */
  version: string;
  packId: string;
  chunks: number;
  catalogItems?: number;
  catalogChunks?: number;
  previous?: string;
  /** The pack and catalog are those the site already serves: nothing was written. */
  unchanged?: boolean;
}

/** One KV write publish will make, with what it is (for messages). */
interface Put {
  key: string;
  value: string | Uint8Array;
  what: string;
}

const encoder = new TextEncoder();

/**
 * Uploads a pack (and optionally a catalog) under a new version, then switches the site's
 * active pointer in one final write: readers see the old pack or the new one, never a mix,
 * because every versioned key is written before the pointer and never changed afterwards.
 *
 * Everything is validated and every value computed (and checked against KV's key and value
 * limits) before the first write, so a refusal leaves KV untouched. A pack and catalog identical
 * to the active ones write nothing (`unchanged`), unless `options.force`.
 */
export async function publishPack(
  kv: KvTarget,
  site: string,
  packBytes: Uint8Array,
  catalogJson?: unknown,
  options: PublishOptions = {},
): Promise<PublishResult> {
  if (!SITE_ID_PATTERN.test(site))
    throw new InputError(`--site must match ${SITE_ID_PATTERN} (lowercase letters, digits, dashes), got ${JSON.stringify(site)}`);
  const { manifest: rawManifest, body } = fileToParts(packBytes);
  // Validate fully (checksum included) before anything is uploaded.
  const pack = await openPack(rawManifest, body);
  const manifest = pack.manifest;

  let catalog: { items: CatalogItem[]; parts: string[]; checksum: string } | undefined;
  if (catalogJson !== undefined) {
    const parsed = Catalog.safeParse(catalogJson);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new InputError(`catalog is invalid at ${i.path.join('.') || '(root)'}: ${i.message}`);
    }
    const parts = parsed.data.items.map((item) => JSON.stringify(item));
    catalog = { items: parsed.data.items, parts, checksum: await catalogChecksum(parts) };
  }
  const catalogChunks = catalog ? chunkCatalog(catalog.items, catalog.parts, options.catalogChunkSize ?? DEFAULT_CATALOG_CHUNK_SIZE) : [];

  // The large values are known now: refuse them before reading KV at all.
  const packChunks = splitChunks(manifest, body);
  const manifestJson = JSON.stringify(manifest);
  const versioned = (version: string): Put[] => {
    const prefix = kvKeys.packPrefix(site, version);
    const catalogKey = kvKeys.catalog(site, version);
    return [
      ...packChunks.map((value, i) => ({ key: kvKeys.chunk(prefix, i), value, what: `pack chunk ${i}` })),
      {
        key: kvKeys.manifest(prefix),
        value: manifestJson,
        // Only packs written before the item_ids section carry their item ids here (models/FORMAT.md).
        what: manifest.itemIds
          ? `pack manifest (${manifest.itemIds.length} item ids inline; rebuild the pack to move them into its body)`
          : 'pack manifest',
      },
      ...catalogChunks.map((value, i) => ({ key: kvKeys.catalogChunk(catalogKey, i), value, what: `catalog chunk ${i}` })),
      ...(catalog
        ? [
            {
              key: catalogKey,
              value: JSON.stringify({
                format: 'edgepick-catalog',
                chunks: catalogChunks.length,
                items: catalog.items.length,
                checksum: { algorithm: 'sha256', value: catalog.checksum },
              } satisfies CatalogManifest),
              what: 'catalog manifest',
            },
          ]
        : []),
    ];
  };
  checkKvLimits(versioned('v999999'));

  const prev = parseOr(ActivePointer, await kv.get(kvKeys.active(site)));
  if (prev && !options.force && (await isActive(kv, prev, manifest, catalog?.checksum)))
    return {
      site,
      version: prev.version,
      packId: manifest.id,
      chunks: packChunks.length,
      ...(catalog ? { catalogItems: catalog.items.length, catalogChunks: catalogChunks.length } : {}),
      unchanged: true,
    };

  const history = parseOr(VersionHistory, await kv.get(kvKeys.versions(site)))?.versions ?? [];
  // The next number is past every version ever published (pointer or history): a lost or invalid
  // pointer must never make publish overwrite an existing version's immutable keys.
  const numbers = [prev?.version, ...history.map((h) => h.version)].map((v) => Number(v?.replace(/^v/, '')));
  const version = `v${Math.max(0, ...numbers.filter((n) => Number.isInteger(n))) + 1}`;

  const prefix = kvKeys.packPrefix(site, version);
  const catalogKey = catalog ? kvKeys.catalog(site, version) : prev?.catalogKey;
  const publishedAt = new Date().toISOString();
  const pointer: ActivePointer = {
    version,
    packId: manifest.id,
    packPrefix: prefix,
    ...(catalogKey ? { catalogKey } : {}),
    publishedAt,
    previous: prev
      ? [
          { version: prev.version, packPrefix: prev.packPrefix, ...(prev.catalogKey ? { catalogKey: prev.catalogKey } : {}) },
          ...prev.previous,
        ].slice(0, 10)
      : [],
  };
  const entry = { version, packPrefix: prefix, ...(catalogKey ? { catalogKey } : {}), publishedAt };
  const plan: Put[] = [
    ...versioned(version),
    // History before the pointer: the pointer is the switch, the history the fallbacks that outlive it.
    {
      key: kvKeys.versions(site),
      value: JSON.stringify({ versions: [entry, ...history].slice(0, 50) } satisfies VersionHistory),
      what: 'version history',
    },
    { key: kvKeys.active(site), value: JSON.stringify(pointer), what: 'active pointer' },
  ];
  checkKvLimits(plan);
  for (const put of plan) await kv.put(put.key, put.value);
  return {
    site,
    version,
    packId: manifest.id,
    chunks: packChunks.length,
    ...(catalog ? { catalogItems: catalog.items.length, catalogChunks: catalogChunks.length } : {}),
    previous: prev?.version,
  };
}

/**
 * Refuses, in one line, the first write whose key is over 512 bytes or whose value is over KV's
 * 25 MiB limit; called on the whole plan before its first write.
 */
export function checkKvLimits(plan: readonly { key: string; value: string | Uint8Array; what: string }[]): void {
  for (const { key, value, what } of plan) {
    const keyBytes = utf8Length(key);
    if (keyBytes > KV_KEY_LIMIT)
      throw new InputError(
        `${what}: key ${key.slice(0, 60)}… is ${keyBytes} bytes, over KV's ${KV_KEY_LIMIT}-byte key limit; nothing was uploaded`,
      );
    const bytes = typeof value === 'string' ? utf8Length(value) : value.byteLength;
    if (bytes > KV_VALUE_LIMIT)
      throw new InputError(`${what} (${key}) is ${mib(bytes)}, over KV's ${mib(KV_VALUE_LIMIT)} value limit; nothing was uploaded`);
  }
}

/**
 * The catalog as values `{"items":[…]}` of at most `chunkSize` bytes each (greedy, in order); an
 * item larger than that gets a chunk of its own, and one over KV's value limit is refused.
 */
function chunkCatalog(items: readonly CatalogItem[], parts: readonly string[], chunkSize: number): string[] {
  if (!(Number.isInteger(chunkSize) && chunkSize > 0 && chunkSize <= KV_VALUE_LIMIT))
    throw new InputError(`catalog chunk size must be an integer from 1 to ${KV_VALUE_LIMIT} bytes, got ${chunkSize}`);
  const open = '{"items":[';
  const close = ']}';
  const overhead = open.length + close.length;
  const chunks: string[] = [];
  let current: string[] = [];
  let size = overhead;
  for (let i = 0; i < parts.length; i++) {
    const bytes = utf8Length(parts[i]);
    if (overhead + bytes > KV_VALUE_LIMIT)
      throw new InputError(
        `catalog item ${JSON.stringify(String(items[i].id))} is ${mib(bytes)} as JSON, over KV's ${mib(KV_VALUE_LIMIT)} value limit; nothing was uploaded`,
      );
    const add = bytes + (current.length ? 1 : 0);
    if (current.length && size + add > chunkSize) {
      chunks.push(open + current.join(',') + close);
      current = [];
      size = overhead;
    }
    size += bytes + (current.length ? 1 : 0);
    current.push(parts[i]);
  }
  if (current.length) chunks.push(open + current.join(',') + close);
  return chunks;
}

/** SHA-256 of `JSON.stringify(items)`, from the items' own JSON. */
async function catalogChecksum(parts: readonly string[]): Promise<string> {
  return sha256Hex(encoder.encode(`[${parts.join(',')}]`));
}

/**
 * Whether the active version already serves this pack and catalog: the same pack (its manifest
 * as stored, but for when and how it was written and chunked) and, when a catalog is given, the
 * same products (by checksum; a catalog from before chunking is hashed as read).
 */
async function isActive(kv: KvTarget, prev: ActivePointer, manifest: PackManifest, catalogChecksumValue?: string): Promise<boolean> {
  if (prev.packId !== manifest.id) return false;
  const active = parseOr(PackManifest, await kv.get(kvKeys.manifest(prev.packPrefix)));
  if (!active || servingJson(active) !== servingJson(manifest)) return false;
  if (catalogChecksumValue === undefined) return true;
  if (!prev.catalogKey) return false;
  const text = await kv.get(prev.catalogKey);
  const chunked = parseOr(CatalogManifest, text);
  if (chunked) return chunked.checksum.value === catalogChecksumValue;
  const single = parseOr(Catalog, text);
  return single !== undefined && (await catalogChecksum(single.items.map((item) => JSON.stringify(item)))) === catalogChecksumValue;
}

/** A manifest's JSON without what does not change what serves (when and in what chunk size it was written). */
function servingJson(m: PackManifest): string {
  const { createdAt: _c, chunkSize: _s, chunks: _n, ...rest } = m;
  return JSON.stringify(rest);
}

/** Bytes of `s` as UTF-8, without encoding it. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

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
