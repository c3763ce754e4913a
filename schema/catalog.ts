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
  })
  .catchall(z.unknown());
export type CatalogItem = z.infer<typeof CatalogItem>;

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
});
export type SiteConfig = z.infer<typeof SiteConfig>;
