import { z } from 'zod';
import { Identifier, SiteId } from './ids.js';

/** A product as the site's catalog holds it (published to KV beside the pack). */
export const CatalogItem = z
  .object({
    id: Identifier(128),
    title: z.string().max(500),
    price: z.number().nonnegative().optional(),
    currency: z.string().length(3).optional(),
    /** Absolute URL, or a path on the worker (`/demo/img/…`) that responses make absolute. */
    image: z.string().max(2048).optional(),
    url: z.string().max(2048).optional(),
    category: z.string().max(128).optional(),
    /** Free labels merchandising rules can filter on. */
    tags: z.array(z.string().max(64)).max(50).optional(),
    /** `false`: never recommended (still served by `/items/:id`). @default true */
    inStock: z.boolean().optional(),
  })
  .catchall(z.unknown());
export type CatalogItem = z.infer<typeof CatalogItem>;

/** Most items one catalog upsert may carry. */
export const CATALOG_BATCH_MAX = 1_000;

/**
 * `PUT /v1/admin/sites/:site/items`: up to 1,000 products, each validated on its own (a bad one is
 * listed in `rejected`, the others stored).
 */
export const CatalogUpsertRequest = z.object({ items: z.array(z.unknown()).min(1).max(CATALOG_BATCH_MAX) });
export type CatalogUpsertRequest = z.infer<typeof CatalogUpsertRequest>;

/** What a catalog upsert answers: how many were stored, and each refused item with its issues. */
export const CatalogUpsertResponse = z.object({
  upserted: z.number().int(),
  rejected: z.array(
    z.object({
      index: z.number().int(),
      id: z.string().optional(),
      issues: z.array(z.object({ code: z.string(), path: z.array(z.union([z.string(), z.number()])), message: z.string() })),
    }),
  ),
});
export type CatalogUpsertResponse = z.infer<typeof CatalogUpsertResponse>;

/**
 * KV value `site/{site}/catalog-live/{bucket}`: the products the catalog API holds for one hash
 * bucket of ids, and the ids deleted through it (which hide the pack's own catalog rows).
 */
export const LiveCatalogBucket = z.object({ items: z.array(CatalogItem), deleted: z.array(z.string()) });
export type LiveCatalogBucket = z.infer<typeof LiveCatalogBucket>;

/** KV value `site/{site}/catalog-live`: the live catalog's version and bucket count (read every few seconds). */
export const LiveCatalogMeta = z.object({ version: z.string(), buckets: z.number().int().min(1).max(4096) });
export type LiveCatalogMeta = z.infer<typeof LiveCatalogMeta>;

/** A catalog upload: the items published beside a pack. */
export const Catalog = z.object({ items: z.array(CatalogItem) });
export type Catalog = z.infer<typeof Catalog>;

/** Per-site settings read at the edge (KV `site/{site}/config`). */
export const SiteConfig = z.object({
  id: SiteId,
  name: z.string().max(200).optional(),
  /** Origins allowed to call the public API from a browser. `http://localhost:*` matches any port. */
  allowedOrigins: z.array(z.string().max(200)).max(100).default([]),
  currency: z.string().length(3).default('CNY'),
  /** Hosts that routing links may send visitors to (exact host, or `*.example.com` for its subdomains); WeChat URL Links (wxaurl.cn) are allowed in `urlLink` fields only. */
  linkHosts: z.array(z.string().max(253)).max(100).default([]),
  /**
   * The origin the site's links and absolute URLs are printed with (`https://go.shop.example`).
   * When set, the `Host` a request arrives with is never trusted for relative targets, QR codes or
   * item URLs. @default the request's own origin
   */
  publicOrigin: z
    .string()
    .regex(/^https:\/\/[a-z0-9.-]{1,253}(:\d{1,5})?$/, 'an https origin such as https://go.shop.example (no path)')
    .optional(),
  /** Sites created through the admin API: public routes need the site's public key. @default false */
  requireKey: z.boolean().default(false),
  /**
   * The site's time zone as minutes east of UTC (−720 … +840, whole minutes; no daylight saving),
   * used for the hour of day in scene-aware picks (lunchtime is the shoppers' lunchtime).
   * @default 480 (China Standard Time, UTC+8)
   */
  utcOffsetMinutes: z.number().int().min(-720).max(840).optional(),
});
export type SiteConfig = z.infer<typeof SiteConfig>;
