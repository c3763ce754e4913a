import { z } from 'zod';

/** Format name and version written into every pack; readers refuse anything else. */
export const PACK_FORMAT = 'edgepick-pack';
/** The pack format version this code reads and writes. */
export const PACK_FORMAT_VERSION = 1;
/** Cloudflare KV's value limit is 25 MiB; chunks stay 1 MiB under it. */
export const KV_VALUE_LIMIT = 25 * 1024 * 1024;
/** Chunk size the writer uses by default (bytes), under the KV value limit with room to spare. */
export const DEFAULT_CHUNK_SIZE = 24 * 1024 * 1024;

/**
 * Named sections of a pack body that every reader must understand (listed in `sections`).
 * `item_ids` replaced the manifest's inline `itemIds` (packs written before it carry those instead).
 */
export const SectionName = z.enum(['item_factors', 'item_popularity', 'gram', 'user_factors', 'user_ids', 'item_ids']);
export type SectionName = z.infer<typeof SectionName>;
/**
 * Ancillary sections this code knows (listed in `ancillarySections`): a reader that does not know a
 * name skips it, so a pack that carries them still serves on an older worker, without the feature.
 * `user_items_indptr` + `user_items`: each trained user's items, CSR (models/FORMAT.md).
 */
export const AncillarySectionName = z.enum(['user_items_indptr', 'user_items']);
export type AncillarySectionName = z.infer<typeof AncillarySectionName>;
/** Element types of pack sections (little-endian). */
export const Dtype = z.enum(['float32', 'float64', 'int32', 'utf8']);
export type Dtype = z.infer<typeof Dtype>;

const Count = z.number().int().nonnegative();

/** Where one section lies in the pack body, its element type and shape. */
export const PackSection = z.object({
  name: SectionName,
  dtype: Dtype,
  shape: z.array(Count).min(1).max(2),
  /** Byte offset in the body; a multiple of 8 so every typed-array view is aligned. */
  offset: Count.refine((n) => n % 8 === 0, 'offset must be a multiple of 8'),
  byteLength: Count,
});
export type PackSection = z.infer<typeof PackSection>;

/**
 * An ancillary section: laid out like a `PackSection`, but its name and dtype are open strings so
 * that a reader parses, and then skips, ancillary sections written by newer writers.
 */
export const AncillarySection = PackSection.extend({ name: z.string().min(1).max(64), dtype: z.string().min(1).max(16) });
export type AncillarySection = z.infer<typeof AncillarySection>;

/** The JSON manifest that makes a pack self-describing (models/FORMAT.md). */
export const PackManifest = z
  .object({
    format: z.literal(PACK_FORMAT),
    formatVersion: z.literal(PACK_FORMAT_VERSION),
    /** Content id: first 16 hex digits of the body's SHA-256. */
    id: z.string().regex(/^[0-9a-f]{16}$/),
    createdAt: z.string(),
    model: z.object({
      type: z.literal('als-implicit'),
      params: z
        .object({
          factors: z.number().int().positive(),
          regularization: z.number().nonnegative(),
          alpha: z.number().positive(),
          eventWeights: z.record(z.string(), z.number().nonnegative()),
        })
        .catchall(z.unknown()),
    }),
    dims: z.object({ factors: z.number().int().min(1).max(1024) }),
    counts: z.object({ items: Count, users: Count, interactions: Count }),
    /**
     * Item ids inline, in row order: packs written before the `item_ids` section. Writers now put
     * them in the body (1M long ids overflow KV's 25 MiB value limit here); read `Pack.itemIds`,
     * which takes whichever of the two the pack has.
     */
    itemIds: z.array(z.string().min(1)).optional(),
    /** `none`: factors stored as little-endian float32. */
    quantization: z.literal('none'),
    sections: z.array(PackSection),
    /**
     * Sections a reader may skip when it does not know their name (e.g. `user_items`). Kept apart
     * from `sections` because readers before them refuse unknown names there but drop unknown
     * manifest keys: a pack with them still opens on an older worker.
     */
    ancillarySections: z.array(AncillarySection).optional(),
    /** Body size in bytes; split into `chunks` pieces of at most `chunkSize` for KV. */
    byteLength: Count,
    chunkSize: z.number().int().positive().max(KV_VALUE_LIMIT),
    chunks: Count,
    checksum: z.object({ algorithm: z.literal('sha256'), value: z.string().regex(/^[0-9a-f]{64}$/) }),
    metrics: z.record(z.string(), z.number()).optional(),
  })
  .refine((m) => (m.itemIds !== undefined) !== m.sections.some((s) => s.name === 'item_ids'), {
    message: 'a pack has its item ids either inline (itemIds) or as the item_ids section: exactly one of the two',
    path: ['itemIds'],
  })
  .refine((m) => m.itemIds === undefined || m.itemIds.length === m.counts.items, {
    message: 'itemIds length ≠ counts.items',
    path: ['itemIds'],
  })
  .refine((m) => m.chunks === Math.ceil(m.byteLength / m.chunkSize), {
    message: 'chunks ≠ ceil(byteLength / chunkSize)',
    path: ['chunks'],
  });
export type PackManifest = z.infer<typeof PackManifest>;

/** KV value `site/{site}/active`: which pack version a site serves. Written last, so a switch is atomic. */
export const ActivePointer = z.object({
  version: z.string().min(1),
  packId: z.string(),
  /** KV key prefix of the pack: `${prefix}/manifest`, `${prefix}/chunk/${i}`. */
  packPrefix: z.string(),
  catalogKey: z.string().optional(),
  publishedAt: z.string(),
  /** Earlier pointers, newest first, for rollback and as fallbacks when a pack fails to load. */
  previous: z
    .array(z.object({ version: z.string(), packPrefix: z.string(), catalogKey: z.string().optional() }))
    .max(10)
    .default([]),
});
export type ActivePointer = z.infer<typeof ActivePointer>;

/**
 * KV value `site/{site}/versions`: every published version, newest first, kept apart from the
 * pointer so that a pointer that is lost or invalid does not take the fallbacks with it. Publish
 * writes it before the pointer; the worker tries it when the pointer's own candidates fail.
 */
export const VersionHistory = z.object({
  versions: z
    .array(
      z.object({
        version: z.string().min(1),
        packPrefix: z.string().min(1),
        catalogKey: z.string().optional(),
        publishedAt: z.string().optional(),
      }),
    )
    .max(50),
});
export type VersionHistory = z.infer<typeof VersionHistory>;

/**
 * KV value at a version's catalog key (`site/{site}/catalog/{version}`) as `edgepick publish` writes
 * it: the products lie in `chunks` values `{items: [...]}` under `${catalogKey}/${i}`, so a catalog of
 * any size fits KV's 25 MiB value limit. Catalogs published before it are one value `{items: [...]}`
 * at the same key; readers take both.
 */
export const CatalogManifest = z.object({
  format: z.literal('edgepick-catalog'),
  /** Number of chunk values (0 for an empty catalog); 10,000 × 20 MiB is far beyond any catalog. */
  chunks: z.number().int().min(0).max(10_000),
  /** Number of products over all chunks. */
  items: Count,
  /** SHA-256 of the products as JSON (`JSON.stringify(items)`); publish compares it to skip an unchanged catalog. */
  checksum: z.object({ algorithm: z.literal('sha256'), value: z.string().regex(/^[0-9a-f]{64}$/) }),
});
export type CatalogManifest = z.infer<typeof CatalogManifest>;

/** KV key layout, in one place. */
export const kvKeys = {
  active: (site: string) => `site/${site}/active`,
  config: (site: string) => `site/${site}/config`,
  versions: (site: string) => `site/${site}/versions`,
  /** Recent popularity with time decay, computed from events by the cron trigger. */
  trending: (site: string) => `site/${site}/trending`,
  /** A placement's merchandising rules as served (D1 `placement_rules` is the source of truth). */
  placementRules: (site: string, placement: string) => `site/${site}/placement-rules/${placement}`,
  /** The live catalog's meta (version, buckets) and its buckets (catalog API). */
  liveCatalog: (site: string) => `site/${site}/catalog-live`,
  liveCatalogBucket: (site: string, bucket: number) => `site/${site}/catalog-live/${bucket}`,
  /** What a token may do, by the SHA-256 of the token (hex). */
  token: (hash: string) => `token/${hash}`,
  packPrefix: (site: string, version: string) => `site/${site}/pack/${version}`,
  manifest: (prefix: string) => `${prefix}/manifest`,
  chunk: (prefix: string, i: number) => `${prefix}/chunk/${i}`,
  catalog: (site: string, version: string) => `site/${site}/catalog/${version}`,
  /** Chunk `i` of a chunked catalog whose manifest is at `catalogKey` (see `CatalogManifest`). */
  catalogChunk: (catalogKey: string, i: number) => `${catalogKey}/${i}`,
};
