import { z } from 'zod';

/** One level of a sharer's results: arrivals through shares, purchases attributed, their revenue. */
export const ReferralLevel = z.object({
  visits: z.number().int(),
  purchases: z.number().int(),
  /** Σ price × quantity of the attributed purchases, in the site's currency. */
  revenue: z.number(),
});
export type ReferralLevel = z.infer<typeof ReferralLevel>;

/**
 * A sharer's two-level results: level 1 is what their own shares brought (last touch within 7 days),
 * level 2 what the people they first brought went on to bring. Never deeper.
 */
export const SharerReferrals = z.object({
  /** The `ref` value: the sharer's userId when signed in, else their visitor id. */
  sharer: z.string(),
  level1: ReferralLevel,
  level2: ReferralLevel,
});
export type SharerReferrals = z.infer<typeof SharerReferrals>;

/** `GET /v1/admin/sites/:site/referrals?from&to` → every sharer with results in the range. */
export const ReferralsResponse = z.object({
  site: z.string(),
  from: z.string(),
  to: z.string(),
  currency: z.string(),
  /** Days of last-touch attribution. */
  windowDays: z.number().int(),
  sharers: z.array(SharerReferrals),
});
export type ReferralsResponse = z.infer<typeof ReferralsResponse>;
