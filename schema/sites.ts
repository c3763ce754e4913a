import { z } from 'zod';
import { SiteConfig } from './catalog.js';
import { SafeText, SiteId } from './ids.js';

/** A key's role: `public` (the SDK: read picks, send events), `developer` (models, keys, catalog, stats), `marketer` (links, rules, stats). */
export const KeyRole = z.enum(['public', 'developer', 'marketer']);
export type KeyRole = z.infer<typeof KeyRole>;

/** `POST /v1/admin/sites`: a new storefront (owner token only). */
export const CreateSiteRequest = z
  .object({
    id: SiteId,
    name: SafeText(200).min(1),
    allowedOrigins: SiteConfig.shape.allowedOrigins,
    linkHosts: SiteConfig.shape.linkHosts,
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY')
      .default('CNY'),
    publicOrigin: SiteConfig.shape.publicOrigin,
    utcOffsetMinutes: SiteConfig.shape.utcOffsetMinutes,
  })
  .strict();
export type CreateSiteRequest = z.infer<typeof CreateSiteRequest>;

/** `PATCH /v1/admin/sites/:site`: any of the settings (the id never changes); absent fields keep their value. */
export const PatchSiteRequest = z
  .object({
    name: SafeText(200).min(1),
    allowedOrigins: z.array(z.string().max(200)).max(100),
    linkHosts: z.array(z.string().max(253)).max(100),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY'),
    publicOrigin: SiteConfig.shape.publicOrigin.unwrap(),
    utcOffsetMinutes: SiteConfig.shape.utcOffsetMinutes.unwrap(),
  })
  .partial()
  .strict();
export type PatchSiteRequest = z.infer<typeof PatchSiteRequest>;

/** A site as the admin API shows it. */
export const SiteInfo = z.object({
  id: SiteId,
  name: z.string(),
  allowedOrigins: z.array(z.string()),
  linkHosts: z.array(z.string()),
  currency: z.string(),
  publicOrigin: z.string().optional(),
  /** The site's time zone, minutes east of UTC (its days and hours: share counts, scene); absent = UTC+8. */
  utcOffsetMinutes: z.number().int().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SiteInfo = z.infer<typeof SiteInfo>;

/** `POST /v1/admin/sites/:site/keys`: a new key of one role. */
export const CreateKeyRequest = z.object({ role: KeyRole, label: SafeText(100).optional() }).strict();
export type CreateKeyRequest = z.infer<typeof CreateKeyRequest>;

/** A key as lists show it: never the secret, only its last four characters. */
export const KeyInfo = z.object({
  id: z.string(),
  role: KeyRole,
  label: z.string().optional(),
  hint: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  revokedAt: z.string().optional(),
});
export type KeyInfo = z.infer<typeof KeyInfo>;

/** A key just made: the only time its token is shown. */
export const NewKey = z.object({ id: z.string(), role: KeyRole, label: z.string().optional(), token: z.string() });
export type NewKey = z.infer<typeof NewKey>;

/** `201` of `POST /v1/admin/sites`: the site and one token per role, shown once. */
export const CreateSiteResponse = z.object({
  site: SiteInfo,
  keys: z.object({ public: NewKey, developer: NewKey, marketer: NewKey }),
});
export type CreateSiteResponse = z.infer<typeof CreateSiteResponse>;

/** KV value `token/{sha256}`: what a token may do, compiled from D1 (deleted on revoke). */
export const TokenGrant = z.object({ site: SiteId, role: KeyRole, keyId: z.string() });
export type TokenGrant = z.infer<typeof TokenGrant>;
