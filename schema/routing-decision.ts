// The routing decision as the API sends it: `GET /v1/sites/:site/links/:slug/resolve` (public, for the
// SDK and mini-programs) and `POST /v1/admin/sites/:site/links/:slug/simulate` (admin, with reasons).
// Response schemas: they describe what the worker writes, so objects are not strict and URLs are plain
// strings (a plan may hold a `weixin://` or `baiduboxapp://` scheme, not only https URLs).
import { z } from 'zod';
import { SiteId, Slug } from './ids.js';
import { HostName, OsName, Target } from './routing.js';

const PageUrl = z.string().meta({ description: 'What the page opens or shows: an https URL, a mini-program scheme, or the link itself' });

/** What `/r/:slug` does for a decision: redirect, render one of the routing pages, or show a crawler the preview. */
export const Plan = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('redirect'),
    /** An https URL, a same-origin path made absolute, or a `weixin://` / `baiduboxapp://` / `alipays://` scheme. */
    location: z.string(),
  }),
  z.discriminatedUnion('page', [
    /** A tap-to-open page for the WeChat URL Scheme (browsers other than iOS). */
    z.object({ kind: z.literal('page'), page: z.literal('wechat-relay'), url: PageUrl }),
    /** Inside WeChat apps: the hint to open the link in the browser, offering the target's Short Link (`#小程序://…`) to copy into a chat. */
    z.object({ kind: z.literal('page'), page: z.literal('wechat-in-app'), url: PageUrl, shortLink: z.string().optional() }),
    /** A tap-to-open page for the Baidu smart-program scheme, with an H5 page for visitors without the Baidu app. */
    z.object({ kind: z.literal('page'), page: z.literal('baidu-relay'), url: PageUrl, fallbackUrl: z.string().optional() }),
    /** Inside WeChat apps (which do not open Alipay links): a hint to open the link in a browser, with the ds.alipay.com page as `url`. */
    z.object({ kind: z.literal('page'), page: z.literal('alipay-relay'), url: PageUrl }),
    /** No live Douyin Link: a page asking to open the link in Douyin (`url` is the link itself), with an H5 page when the target has one. */
    z.object({ kind: z.literal('page'), page: z.literal('douyin-relay'), url: PageUrl, fallbackUrl: z.string().optional() }),
    /** A QR code to scan with a phone (desktop visitors, `qr` targets). */
    z.object({ kind: z.literal('page'), page: z.literal('qr'), url: PageUrl, qrUrl: z.string().optional() }),
    /** Inside WeChat with the mini-program's original id: the `wx-open-launch-weapp` open-tag page (JS-SDK signed per request). */
    z.object({
      kind: z.literal('page'),
      page: z.literal('wechat-open-tag'),
      url: PageUrl,
      username: z.string(),
      path: z.string(),
      /** For the hint page served instead when the JS-SDK cannot be signed. */
      shortLink: z.string().optional(),
    }),
  ]),
  z.object({ kind: z.literal('preview') }),
]);
export type Plan = z.infer<typeof Plan>;

/** The visitor's environment as rules saw it, without the link URL's query parameters. */
export const PublicEnv = z.object({
  host: HostName,
  os: OsName,
  /** Present on HarmonyOS devices: 2–4 report `os: "android"` (Android underneath), NEXT (5+) `os: "harmonyos"`. */
  harmony: z.literal(true).optional(),
  /** Search crawlers and link-preview fetchers: they get a preview page, never a redirect. */
  bot: z.boolean(),
  /** Primary language tag, lower-case (`zh-cn`, `en`), from Accept-Language. */
  language: z.string().optional(),
  /** ISO country code as Cloudflare reports it (`CN`). */
  country: z.string().optional(),
  region: z.string().optional(),
  city: z.string().optional(),
  referrer: z.string().optional(),
  /** Host name of the referrer, lower-case. */
  referrerHost: z.string().optional(),
});
export type PublicEnv = z.infer<typeof PublicEnv>;

/**
 * Why a decision deserves a marketer's attention, one per entry of `warnings`:
 * - `wechat_url_link_expired`, `wechat_encrypted_scheme_expired`: a pasted WeChat link expired (the plain scheme is used);
 * - `wechat_hint_page_only`: inside WeChat (WeCom, a mini-program web-view) nothing opens the mini-program — no live
 *   URL Link and no open tag (original id `gh_…` plus the WECHAT_OA_* secrets) — so visitors only get the
 *   "open in your browser" page;
 * - `douyin_link_expired`: a pasted Douyin Link expired; `douyin_no_live_link`: no Douyin Link at all, visitors get the
 *   relay page or the H5 fallback; `douyin_link_not_generated`: the app's secret is set but Douyin gave no Link this time.
 */
export const WarningCode = z.enum([
  'wechat_url_link_expired',
  'wechat_encrypted_scheme_expired',
  'wechat_hint_page_only',
  'douyin_link_expired',
  'douyin_no_live_link',
  'douyin_link_not_generated',
]);

/** The fields both the public resolve and the admin simulate answer with. */
const Decision = z.object({
  /** The link version that decided. */
  version: z.number().int().positive(),
  /** The matched rule's id, or null when the link's default applied. */
  ruleId: z.string().nullable(),
  /** Index of the split variant, present only when the action was a split. */
  variant: z.number().int().nonnegative().optional(),
  target: Target,
  plan: Plan,
  env: PublicEnv,
  /** Attribution params (utm_*, ref, ch, pass-through keys) that did not fit the platform's query limit. */
  dropped: z.array(z.string()),
  /** Things worth a marketer's attention, e.g. an expired URL Link that fell back to the URL Scheme. */
  warnings: z.array(z.string()),
  /** The code of each warning, in the same order (for tools and translated messages). */
  warningCodes: z.array(WarningCode),
});

/** `GET /v1/sites/:site/links/:slug/resolve`: the decision `/r/:slug` would make for this visitor, as JSON. */
export const LinkResolution = Decision.extend({
  slug: Slug,
  /** The site that owns the link. */
  site: SiteId,
});
export type LinkResolution = z.infer<typeof LinkResolution>;

/** One rule before the matched one, and why it did not match. */
export const SkippedRule = z.object({
  ruleId: z.string(),
  /** Index of the failing condition; -1 when the rule is "any" and none held. */
  condition: z.number().int().min(-1),
  /** `failed: <field> <op> <values>`, or `none of N conditions held`. */
  reason: z.string(),
});
export type SkippedRule = z.infer<typeof SkippedRule>;

/** `POST /v1/admin/sites/:site/links/:slug/simulate`: the decision for a sample request, with why each earlier rule was skipped. */
export const SimulateResponse = Decision.extend({
  /** Every rule before the matched one (all rules when the default applied), in order. */
  skipped: z.array(SkippedRule),
});
export type SimulateResponse = z.infer<typeof SimulateResponse>;
