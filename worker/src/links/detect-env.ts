import type { HostName, OsName } from '../../../schema/routing.js';

/** The host app names, from the one list in schema/routing.ts (rules match against the same enum). */
export type Host = HostName;
export type Os = OsName;

/** What routing rules can test about a visitor, detected from one request. */
export interface VisitorEnv {
  host: Host;
  os: Os;
  /**
   * Present (true) on any HarmonyOS device. HarmonyOS 2–4 runs Android apps underneath and reports
   * `os: "android"` (a rule `os in [android]` matches it); HarmonyOS NEXT (5+) reports `os: "harmonyos"`.
   */
  harmony?: true;
  /** Search crawlers and link-preview fetchers: they get a preview page, never a redirect. */
  bot: boolean;
  /** Primary language tag, lower-case (`zh-cn`, `en`), from Accept-Language. */
  language?: string;
  country?: string;
  region?: string;
  city?: string;
  referrer?: string;
  /** Host name of the referrer, lower-case. */
  referrerHost?: string;
  query: Record<string, string>;
}

export interface RequestFacts {
  userAgent?: string;
  acceptLanguage?: string;
  referrer?: string;
  url?: string;
  /** Cloudflare's `request.cf` (country, region, city). */
  cf?: { country?: unknown; region?: unknown; city?: unknown };
}

// Named crawlers and preview fetchers, then the generic "name/version" and "compatible; …bot" shapes.
// Plain substrings ("bot" alone) would misfire on device names such as "CUBOT".
const BOT_NAMES =
  /Baiduspider|Bytespider|Googlebot|Google-InspectionTool|GoogleOther|Storebot-Google|AdsBot-Google|Mediapartners-Google|bingbot|Applebot|YisouSpider|Sogou (web|inst) spider|360Spider|PetalBot|YandexBot|DuckDuckBot|facebookexternalhit|facebookcatalog|Twitterbot|Slackbot|TelegramBot|WhatsApp\/|LinkedInBot|Discordbot|SkypeUriPreview|ia_archiver|HeadlessChrome|Weixin-?Spider|WeChat-?Spider/i;
// A token ending in "spider"/"crawler" is always a crawler (HaosouSpider has no "/version"); "bot" alone
// needs a version or a "compatible;" comment around it.
// Written without a `[\w-]*` prefix so that a long hostile header cannot make the search quadratic.
const BOT_SHAPES = /(spider|crawler)\b|bot\/\d|compatible;[^)]*bot\b/i;
/** TikTok (international) shares ByteDance's web-view tokens but cannot open Douyin mini-programs. */
const TIKTOK = /musical_ly|\btrill_\d/i;

/** Host app. Order matters: WeCom also says MicroMessenger, swan web-views also say baiduboxapp. */
export function detectHost(ua: string): Host {
  if (/\bwxwork\//i.test(ua)) return 'wecom';
  if (/MicroMessenger/i.test(ua)) return /miniProgram/i.test(ua) ? 'wechat-miniprogram' : 'wechat';
  // `swan/x.y` marks a Baidu smart-program web-view; Xiaomi's browser says `swan-mibrowser`.
  if (/(^|[\s(;])swan\/\d/i.test(ua)) return 'baidu-swan';
  if (/baiduboxapp|\bbdapp\/|baiduboxvision|baiduboxsenior/i.test(ua)) return 'baidu';
  if (/AlipayClient/i.test(ua)) return 'alipay';
  if (/\baweme|NewsArticle\/|Toutiao|BytedanceWebview|toutiaomicroapp|\bdouyin/i.test(ua)) return TIKTOK.test(ua) ? 'other' : 'douyin';
  // The QQ app says `QQ/x.y`; WeChat's and QQ Browser's `MQQBrowser/` must not count.
  if (/(^|[^\w])QQ\/\d/.test(ua)) return 'qq';
  return 'other';
}

// HarmonyOS NEXT (5+) has no Android underneath; its ArkWeb UA is `(Phone; OpenHarmony 5.0[; HarmonyOS 5.0]) … ArkWeb/4.1.6.1`
// (OpenHarmony docs, application-dev/web/web-default-userAgent.md). HarmonyOS 2–4 phones run Android apps and say
// `Android 10; HarmonyOS`, `(HarmonyOS 2.2.0)`, `Build/HarmonyOS 3.1.0` (ua-parser-js harmonyos.json) or, in Huawei's
// own browser, `(Linux; HarmonyOS 4.0; ALN-AL10)` with no Android token at all: the version decides, then the Android token.
const HARMONY_NEXT = /\bOpenHarmony\b|\bArkWeb\//i;
const HARMONY = /HarmonyOS|OpenHarmony|ArkWeb\//i;
const HARMONY_VERSION = /HarmonyOS[ /]?(\d+)/i;

/** Whether the device runs HarmonyOS of any version (2–4 on Android, or NEXT). */
export function isHarmony(ua: string): boolean {
  return HARMONY.test(ua);
}

export function detectOs(ua: string): Os {
  // HarmonyOS 2–4 is Android to every app and mini-program platform: report it as such (`harmony` says the rest).
  if (HARMONY_NEXT.test(ua)) return 'harmonyos';
  if (/HarmonyOS/i.test(ua)) {
    const v = HARMONY_VERSION.exec(ua);
    if (v) return Number(v[1]) >= 5 ? 'harmonyos' : 'android';
    return /\bAndroid\b/i.test(ua) ? 'android' : 'harmonyos';
  }
  if (/\b(iPhone|iPad|iPod)\b|\bCPU (iPhone )?OS \d/.test(ua)) return 'ios';
  if (/\bAndroid\b/i.test(ua)) return 'android';
  if (/Windows NT|Macintosh|Mac OS X|X11|CrOS|Linux x86_64|WindowsWechat/i.test(ua)) return 'desktop';
  return 'other';
}

export function isBot(ua: string): boolean {
  return BOT_NAMES.test(ua) || BOT_SHAPES.test(ua);
}

/** Characters of the User-Agent header that detection reads. */
export const UA_MAX = 1024;

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/** Detects the visitor's environment from request facts (pure: also used by `simulate`). */
export function detectEnv(facts: RequestFacts): VisitorEnv {
  // Real user agents stay under ~600 characters; bounding the input bounds every regex below.
  const ua = (facts.userAgent ?? '').slice(0, UA_MAX);
  const query: Record<string, string> = {};
  let url: URL | undefined;
  try {
    url = facts.url ? new URL(facts.url) : undefined;
  } catch {}
  url?.searchParams.forEach((v, k) => {
    if (!(k in query)) query[k] = v;
  });
  let referrerHost: string | undefined;
  try {
    referrerHost = facts.referrer ? new URL(facts.referrer).hostname.toLowerCase() : undefined;
  } catch {}
  const language = facts.acceptLanguage?.split(',')[0]?.split(';')[0]?.trim().toLowerCase();
  return {
    host: detectHost(ua),
    os: detectOs(ua),
    ...(isHarmony(ua) ? { harmony: true as const } : {}),
    bot: ua === '' ? false : isBot(ua),
    ...(language ? { language } : {}),
    ...(str(facts.cf?.country) ? { country: str(facts.cf?.country) } : {}),
    ...(str(facts.cf?.region) ? { region: str(facts.cf?.region) } : {}),
    ...(str(facts.cf?.city) ? { city: str(facts.cf?.city) } : {}),
    ...(facts.referrer ? { referrer: facts.referrer } : {}),
    ...(referrerHost ? { referrerHost } : {}),
    query,
  };
}
