import { z } from 'zod';
import { SafeText, Slug } from './ids.js';

/** Limits stated in docs/routing.md. */
export const ROUTING_LIMITS = { rulesPerLink: 50, conditionsPerRule: 20, valuesPerCondition: 200, valueLength: 512 } as const;

/** Host apps a visitor can open a link in (ARCHITECTURE.md, routing rules). */
export const HostName = z.enum(['wechat', 'wechat-miniprogram', 'wecom', 'baidu', 'baidu-swan', 'alipay', 'douyin', 'qq', 'other']);
/** Operating systems a rule can test. */
export const OsName = z.enum(['ios', 'android', 'harmonyos', 'desktop', 'other']);
/** A host app name (the one list: detection, rules and the console use it). */
export type HostName = z.infer<typeof HostName>;
/** An operating system name. */
export type OsName = z.infer<typeof OsName>;

const Text = z.string().max(ROUTING_LIMITS.valueLength);
const Texts = z.array(Text).min(1).max(ROUTING_LIMITS.valuesPerCondition);
const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24 h)');
/** IANA time zone; validated by Intl at parse time. */
const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'unknown time zone');

const StringField = z.enum(['country', 'region', 'city', 'language', 'referrer', 'referrerHost']);

/**
 * One test on the visitor's environment. No user-supplied regular expressions (ReDoS):
 * only equality, membership, prefix and substring tests, ranges and calendars.
 */
const StringOp = z.enum(['equals', 'not_equals', 'prefix', 'contains', 'in', 'not_in']);
/** `value` for equals/not_equals/prefix/contains, `values` for in/not_in. */
function valueShape(c: { op: string; value?: unknown; values?: unknown }, ctx: z.RefinementCtx) {
  const list = c.op === 'in' || c.op === 'not_in';
  if (list && c.values === undefined) ctx.addIssue({ code: 'custom', path: ['values'], message: `op ${c.op} needs values` });
  if (!list && c.op !== 'exists' && c.op !== 'missing' && c.value === undefined)
    ctx.addIssue({ code: 'custom', path: ['value'], message: `op ${c.op} needs value` });
}

/** One test a routing rule makes on the visitor (host app, OS, bot, geo, time, query, referrer, language). */
export const Condition = z.discriminatedUnion('field', [
  z.object({ field: z.literal('host'), op: z.enum(['in', 'not_in']), values: z.array(HostName).min(1) }),
  z.object({ field: z.literal('os'), op: z.enum(['in', 'not_in']), values: z.array(OsName).min(1) }),
  z.object({ field: z.literal('bot'), op: z.literal('equals'), value: z.boolean() }),
  /**
   * Any HarmonyOS device (`true`) or none (`false`). HarmonyOS 2–4 reports `os: "android"` (Android apps
   * underneath), NEXT `os: "harmonyos"`: this tells both apart from plain Android, e.g. for a HarmonyOS-only H5.
   */
  z.object({ field: z.literal('harmony'), op: z.literal('equals'), value: z.boolean() }),
  z.object({ field: StringField, op: StringOp, value: Text.optional(), values: Texts.optional() }).superRefine(valueShape),
  z
    .object({
      field: z.literal('query'),
      key: z.string().min(1).max(64),
      op: z.enum([...StringOp.options, 'exists', 'missing']),
      value: Text.optional(),
      values: Texts.optional(),
    })
    .superRefine(valueShape),
  /** A numeric range on a query parameter, e.g. `?level=3` with min 2, max 5 (inclusive; either bound may be open). */
  z
    .object({
      field: z.literal('queryNumber'),
      key: z.string().min(1).max(64),
      op: z.literal('between'),
      min: z.number().optional(),
      max: z.number().optional(),
    })
    .refine((c) => c.min !== undefined || c.max !== undefined, { message: 'between needs min or max', path: ['min'] }),
  /** Days of the week in `timeZone`: 1 = Monday … 7 = Sunday. */
  z.object({
    field: z.literal('weekday'),
    op: z.literal('in'),
    values: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    timeZone: TimeZone.optional(),
  }),
  /** Local time window [from, to) in `timeZone`; wraps midnight when from > to. */
  z.object({ field: z.literal('timeOfDay'), op: z.literal('between'), from: Clock, to: Clock, timeZone: TimeZone.optional() }),
  /** A schedule: [start, end) instants (ISO 8601 with offset); either end may be open. */
  z.object({
    field: z.literal('schedule'),
    op: z.literal('between'),
    start: z.iso.datetime({ offset: true }).optional(),
    end: z.iso.datetime({ offset: true }).optional(),
  }),
]);
export type Condition = z.infer<typeof Condition>;

const AppId = z.string().regex(/^wx[0-9a-f]{16}$/, 'a WeChat appId is "wx" followed by 16 hex digits');
const MiniPath = z
  .string()
  .max(256)
  .regex(/^[\w\-./]*$/, 'a mini-program path has letters, digits, - _ . / only');
/**
 * Characters no target URL may hold anywhere: controls, whitespace (the URL parser strips tabs and
 * newlines and trims the ends, so `/\t/evil.com` would become `//evil.com`), and backslashes (which
 * the parser reads as `/` in http(s) URLs).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's job
const UNSAFE_URL_CHARS = /[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff\\]/;

/**
 * An absolute https URL, stored in the WHATWG parser's normal form (`HTTPS://Shop.Example/x` →
 * `https://shop.example/x`), so what the host check reads is exactly what a browser will follow.
 * No user info (`https://shop.example@evil.com` misleads people) and no unsafe characters.
 */
export const HttpsUrl = z
  .string()
  .max(2048)
  .superRefine((s, ctx) => {
    const bad = UNSAFE_URL_CHARS.exec(s);
    if (bad) {
      ctx.addIssue({
        code: 'custom',
        message: `URL holds a control, space or backslash character (U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')})`,
      });
      return;
    }
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected an absolute https URL' });
      return;
    }
    if (u.protocol !== 'https:' || !/^https:\/\/[^/]/i.test(s)) ctx.addIssue({ code: 'custom', message: 'expected an https:// URL' });
    else if (u.username || u.password) ctx.addIssue({ code: 'custom', message: 'a URL with user info (user@host) is not allowed' });
    else if (!u.hostname) ctx.addIssue({ code: 'custom', message: 'the URL has no host' });
  })
  .overwrite((s) => {
    try {
      return new URL(s).href;
    } catch {
      return s;
    }
  })
  .meta({ format: 'uri', description: 'An absolute https URL (stored normalised)' });

/** A path on this worker: starts with one `/`, never `//` (protocol-relative), no unsafe characters. */
export const SameOriginPath = z
  .string()
  .max(2048)
  .regex(/^\/(?![/\\])/, 'expected an https URL or a path starting with a single /')
  .refine((s) => !UNSAFE_URL_CHARS.test(s), 'a path may not hold control, space or backslash characters');

/**
 * A WeChat Short Link, `#小程序://<mini-program name>/<page title>/<ticket>` (WeChat "获取 Short Link",
 * https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/shortlink.html, example
 * `#小程序://小程序示例/示例页面/9pZvnVw3KMCQpVp`). Not a URL: pasted into a WeChat chat it opens the page. Generated by
 * `genwxashortlink` for any non-individual mini-program, up to 10,000,000 a day (at most 100,000 permanent ones;
 * temporary ones last 30 days). The title is cut by WeChat at 20 characters; no control, bidi or zero-width characters.
 */
export const WechatShortLink = z
  .string()
  // Parts are capped below (name 64, title 96, ticket 64); this bounds the input before the pattern runs.
  .max(256)
  .regex(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is this pattern's job
    /^#小程序:\/\/[^/\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]{1,64}\/[^\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]{1,96}\/[A-Za-z0-9]{4,64}$/,
    'expected a WeChat Short Link: #小程序://name/title/ticket',
  );

/** Where a visitor is sent. */
export const Target = z.discriminatedUnion('kind', [
  /**
   * WeChat mini-program. WeChat's quotas per mini-program (non-individual accounts): URL Schemes (encrypted and
   * plain) and URL Links open it at most 6,000,000 times a day together, and at most 500,000 of them are
   * generated a day (https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/url-link.html,
   * "频率限制"); Short Links: 10,000,000 generated a day (see WechatShortLink).
   */
  z.object({
    kind: z.literal('wechat-miniprogram'),
    appId: AppId,
    /** The mini-program's original id (gh_…), needed by the wx-open-launch-weapp open tag inside WeChat. */
    username: z
      .string()
      .regex(/^gh_[0-9a-f]{12}$/, 'a mini-program original id is "gh_" followed by 12 hex digits')
      .optional(),
    path: MiniPath,
    query: SafeText(512).optional(),
    envVersion: z.enum(['release', 'trial', 'develop']).default('release'),
    /** A pre-generated URL Link (`https://wxaurl.cn/…` or `https://wxmpurl.cn/…`, at most 30 days) and when it expires. */
    urlLink: HttpsUrl.optional(),
    urlLinkExpiresAt: z.iso.datetime({ offset: true }).optional(),
    /** A pre-generated encrypted URL Scheme (`weixin://dl/business/?t=…`, WeChat generatescheme API) and its expiry. */
    encryptedScheme: z
      .string()
      .regex(/^weixin:\/\/dl\/business\/\?t=[A-Za-z0-9]{4,64}$/, 'expected weixin://dl/business/?t=TICKET')
      .optional(),
    encryptedSchemeExpiresAt: z.iso.datetime({ offset: true }).optional(),
    /** A Short Link (`#小程序://…`) offered for copying on the page shown inside WeChat when nothing else opens the mini-program. */
    shortLink: WechatShortLink.optional(),
  }),
  z.object({
    kind: z.literal('baidu-swan'),
    appKey: z.string().regex(/^[A-Za-z0-9]{8,64}$/, 'a Baidu appKey has 8–64 letters and digits'),
    path: MiniPath,
    query: SafeText(512).optional(),
    /** H5 page for visitors outside the Baidu app. */
    fallbackUrl: HttpsUrl.optional(),
  }),
  /**
   * Douyin mini-program. Douyin has no documented URL scheme for mini-programs outside its own
   * clients; the way in from a browser is the Link that the open platform generates ("生成 Link V2",
   * `POST https://open.douyin.com/api/apps/v1/url_link/generate/`, developer.open-douyin.com/docs/
   * resource/zh-CN/mini-app/develop/server/url-and-qrcode/link/url-link-generate): expiry at most 180
   * days ahead (rounded up to whole hours), 100 QPS and 500,000 links a day per mini-program, `query`
   * as JSON of at most 1024 characters. Links look like `https://z.douyin.com/79lNBpL` (the "查询 Link"
   * example). With the app's secret configured (Worker secret `DOUYIN_APP_SECRETS`, worker/src/links/douyin-link.ts)
   * the worker generates the Link per visit and caches it; otherwise a pasted `urlLink` is used. Without a live Link
   * visitors get a relay page or `fallbackUrl`.
   */
  z.object({
    kind: z.literal('douyin-miniprogram'),
    /** "tt" followed by 16 hex digits, as the Douyin console shows it (docs: `tt*********`). */
    appId: z.string().regex(/^tt[0-9a-f]{16}$/, 'a Douyin appId is "tt" followed by 16 hex digits'),
    path: MiniPath,
    /** `key=value&…` for the page (sent as JSON when the Link is generated; Douyin allows 1024 characters). */
    query: SafeText(1024).optional(),
    /** A pre-generated Link V2 (`https://z.douyin.com/…`) and when it expires (at most 180 days after generation). */
    urlLink: HttpsUrl.optional(),
    urlLinkExpiresAt: z.iso.datetime({ offset: true }).optional(),
    /** H5 page for visitors when no live Link exists. */
    fallbackUrl: HttpsUrl.optional(),
  }),
  /**
   * Alipay mini-program: `alipays://platformapi/startapp?appId=…&page=…&query=…` (page and query
   * URL-encoded), wrapped as `https://ds.alipay.com/?scheme=<encoded scheme>` outside Alipay (Alipay
   * open docs "支付宝小程序 Scheme 链接", as quoted in blog.alice-ti.com/docs/Miniapp/01-支付宝开发常见问题汇总).
   */
  z.object({
    kind: z.literal('alipay-miniprogram'),
    /** 16 digits, e.g. `2021002161234567` (docs: `20170713077xxxxx`). */
    appId: z.string().regex(/^20\d{14}$/, 'an Alipay appId is 16 digits starting with 20'),
    /** The page as in app.json; empty opens the home page. */
    path: MiniPath,
    /** `key=value&…` start parameters, URL-encoded into the scheme's `query`. */
    query: SafeText(512).optional(),
  }),
  /** An https URL, or a path on this worker (`/…`, same origin: never an open redirect). */
  z.object({
    kind: z.literal('h5'),
    url: z.union([SameOriginPath, HttpsUrl]),
  }),
  z.object({ kind: z.literal('qr'), url: HttpsUrl.optional() }),
]);
export type Target = z.infer<typeof Target>;

/** What a matched rule does: one target, or a weighted split (weights sum to 100, sticky per visitor). */
export const Action = z.discriminatedUnion('type', [
  z.object({ type: z.literal('target'), target: Target }),
  z.object({
    type: z.literal('split'),
    variants: z
      .array(z.object({ weight: z.number().int().min(0).max(100), target: Target }))
      .min(2)
      .max(10)
      .refine((v) => v.reduce((s, x) => s + x.weight, 0) === 100, 'split weights must sum to 100'),
  }),
]);
export type Action = z.infer<typeof Action>;

/** An ordered rule: conditions (all or any) and an action; first match wins. */
export const Rule = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/),
  name: z.string().max(120).optional(),
  /** A disabled rule is kept in the link but never matches (the console's on/off switch). @default true */
  enabled: z.boolean().optional(),
  match: z.enum(['all', 'any']).default('all'),
  conditions: z.array(Condition).min(1).max(ROUTING_LIMITS.conditionsPerRule),
  action: Action,
});
export type Rule = z.infer<typeof Rule>;

/** A campaign link as a marketer saves it: rules, a default action, pass-through keys and a preview. */
export const LinkDefinition = z
  .object({
    slug: Slug,
    name: z.string().max(200).optional(),
    /** Mixed into the split hash so two links split the same visitor independently. */
    salt: z.string().min(1).max(64).optional(),
    rules: z.array(Rule).max(ROUTING_LIMITS.rulesPerLink).default([]),
    default: Action,
    /** Extra query keys forwarded into targets, besides utm_*, ref and ch. */
    passThrough: z
      .array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/))
      .max(20)
      .default([]),
    /** Open Graph preview for crawlers and link unfurlers. */
    preview: z
      .object({ title: z.string().max(200).optional(), description: z.string().max(500).optional(), image: HttpsUrl.optional() })
      .optional(),
  })
  .refine((l) => new Set(l.rules.map((r) => r.id)).size === l.rules.length, { message: 'rule ids must be unique', path: ['rules'] });
export type LinkDefinition = z.infer<typeof LinkDefinition>;

/**
 * KV value `site/{site}/link/{slug}/v{version}`: one published link version. Immutable once written,
 * so isolates and KV's edge cache may keep it forever.
 */
export const CompiledLink = z.object({
  site: z.string(),
  version: z.number().int().positive(),
  publishedAt: z.string(),
  link: LinkDefinition,
});
export type CompiledLink = z.infer<typeof CompiledLink>;

/**
 * KV value `link/{slug}`: which site owns the slug (slugs are global short links, `/r/:slug`) and
 * its current version. Publishing writes the version first, then flips this pointer.
 */
export const LinkPointer = z.object({ site: z.string(), version: z.number().int().positive() });
export type LinkPointer = z.infer<typeof LinkPointer>;

/** KV key of a slug's pointer to its current compiled version. */
export const linkKey = (slug: string) => `link/${slug}`;
/** KV key of one immutable compiled version of a link. */
export const linkVersionKey = (site: string, slug: string, version: number) => `site/${site}/link/${slug}/v${version}`;

/** Every absolute URL a link can send visitors to (H5 targets, fallbacks, WeChat URL Links, Douyin Links). */
export function linkUrls(link: LinkDefinition): { path: string; url: string; kind?: Target['kind'] }[] {
  const out: { path: string; url: string; kind?: Target['kind'] }[] = [];
  const visit = (t: Target, path: string) => {
    const start = out.length;
    // Anything that is not a same-origin path is an absolute URL and is host-checked.
    if (t.kind === 'h5' && !SameOriginPath.safeParse(t.url).success) out.push({ path: `${path}.url`, url: t.url });
    if (t.kind === 'qr' && t.url) out.push({ path: `${path}.url`, url: t.url });
    if (t.kind === 'baidu-swan' && t.fallbackUrl) out.push({ path: `${path}.fallbackUrl`, url: t.fallbackUrl });
    if (t.kind === 'wechat-miniprogram' && t.urlLink) out.push({ path: `${path}.urlLink`, url: t.urlLink });
    if (t.kind === 'douyin-miniprogram' && t.urlLink) out.push({ path: `${path}.urlLink`, url: t.urlLink });
    if (t.kind === 'douyin-miniprogram' && t.fallbackUrl) out.push({ path: `${path}.fallbackUrl`, url: t.fallbackUrl });
    // Which target kind holds each URL: the guard allows a platform's own link host in that platform's target only.
    for (let i = start; i < out.length; i++) out[i].kind = t.kind;
  };
  const action = (a: Action, path: string) => {
    if (a.type === 'target') visit(a.target, `${path}.target`);
    else a.variants.forEach((v, i) => visit(v.target, `${path}.variants.${i}.target`));
  };
  link.rules.forEach((r, i) => action(r.action, `rules.${i}.action`));
  action(link.default, 'default');
  if (link.preview?.image) out.push({ path: 'preview.image', url: link.preview.image });
  return out;
}
