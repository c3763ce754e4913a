import type { Target } from '../../../schema/routing.js';
import type { LinkResolution, Plan } from '../../../schema/routing-decision.js';
import type { VisitorEnv } from './detect-env.js';

/** What `/r/:slug` does for a decision (the contract's shape, schema/routing-decision.ts). */
export type { Plan };
/** Why a decision deserves attention (the contract's `warningCodes`, schema/routing-decision.ts). */
export type WarningCode = LinkResolution['warningCodes'][number];

export interface Rendered {
  plan: Plan;
  /** Attribution params that did not fit the platform's limit (reported by `simulate`). */
  dropped: string[];
  warnings: string[];
  /** One code per warning, same order. */
  warningCodes: WarningCode[];
}

/** A Douyin Link made for one visit (douyin-link.ts): where to send them, when it expires (ISO), params that did not fit. */
export interface LiveLink {
  url: string;
  expiresAt: string;
  dropped: string[];
}

/** What the worker can do beyond a target's own fields, known only with its secrets (live-options.ts). */
export interface RenderOptions {
  /** Whether the open tag can be signed (WECHAT_OA_* secrets set); undefined = unknown (no warning about it). */
  openTag?: boolean;
  /** Present when a Douyin Link was asked for this visit: the Link, or null when Douyin gave none. */
  douyin?: { link: LiveLink | null };
}

/**
 * The plain WeChat URL Scheme's `query` must be at most 512 characters after URL-encoding (WeChat docs). URL Schemes
 * and URL Links together open a mini-program at most 6,000,000 times a day (WeChat "获取加密 URL Link", 频率限制,
 * https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/url-link.html); non-individual accounts only.
 */
export const WECHAT_QUERY_LIMIT = 512;
/** Baidu's swan scheme carries the query in the URL; keep it within a conservative 1024 characters. */
export const BAIDU_QUERY_LIMIT = 1024;
/**
 * Alipay's docs state no length for the scheme's `query`; keep it within a conservative 1024 encoded
 * characters, like Baidu's.
 */
export const ALIPAY_QUERY_LIMIT = 1024;
/** Keys forwarded from the link's URL into the target: utm_*, the sharer (`ref`) and the channel (`ch`). */
export const PASS_THROUGH = /^(utm_[a-z_]+|ref|ch)$/;

const IN_WECHAT = new Set(['wechat', 'wecom', 'wechat-miniprogram']);
const IN_BAIDU = new Set(['baidu', 'baidu-swan']);

/**
 * Merges the target's own query with pass-through params, in order, as long as the encoded
 * result stays within `limit`; params that would overflow are dropped and reported.
 */
export function mergeQuery(base: string | undefined, params: [string, string][], limit: number): { query: string; dropped: string[] } {
  const parts = base ? [base] : [];
  const dropped: string[] = [];
  for (const [k, v] of params) {
    const next = [...parts, `${encodeURIComponent(k)}=${encodeURIComponent(v)}`].join('&');
    if (encodeURIComponent(next).length <= limit) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
    else dropped.push(k);
  }
  return { query: parts.join('&'), dropped };
}

/** The attribution params of a request (plus any extra keys the link lists), in URL order. */
export function passThroughParams(query: Record<string, string>, extraKeys: readonly string[] = []): [string, string][] {
  return Object.entries(query).filter(([k]) => PASS_THROUGH.test(k) || extraKeys.includes(k));
}

export function wechatScheme(t: Extract<Target, { kind: 'wechat-miniprogram' }>, query: string): string {
  const p = new URLSearchParams({ appid: t.appId, path: t.path, query, env_version: t.envVersion ?? 'release' });
  return `weixin://dl/business/?${p.toString()}`;
}

export function swanScheme(t: Extract<Target, { kind: 'baidu-swan' }>, query: string): string {
  return `baiduboxapp://swan/${t.appKey}/${t.path.replace(/^\/+/, '')}${query ? `?${query}` : ''}`;
}

/**
 * `alipays://platformapi/startapp?appId=…&page=…&query=…`; the docs ask for `page` and `query` to be
 * URL-encoded or only their first parameter arrives (Alipay "支付宝小程序 Scheme 链接", quoted at
 * blog.alice-ti.com/docs/Miniapp/01-支付宝开发常见问题汇总.html). No page opens the home page.
 */
export function alipayScheme(t: Extract<Target, { kind: 'alipay-miniprogram' }>, query: string): string {
  const page = t.path.replace(/^\/+/, '');
  return `alipays://platformapi/startapp?appId=${t.appId}${page ? `&page=${encodeURIComponent(page)}` : ''}${
    query ? `&query=${encodeURIComponent(query)}` : ''
  }`;
}

/** Outside Alipay: the scheme URL-encoded after `https://ds.alipay.com/?scheme=` (same source), an https page that opens Alipay. */
export function alipayDsUrl(scheme: string): string {
  return `https://ds.alipay.com/?scheme=${encodeURIComponent(scheme)}`;
}

function withParams(url: string, params: [string, string][], base?: string): string {
  const u = new URL(url, base);
  for (const [k, v] of params) if (!u.searchParams.has(k)) u.searchParams.append(k, v);
  return u.toString();
}

/**
 * Turns a target into what the visitor's environment can open. `selfUrl` is the link itself
 * (for QR codes: a phone that scans it comes back through the same rules as a mobile visitor).
 */
export function renderTarget(
  target: Target,
  env: VisitorEnv,
  selfUrl: string,
  now: Date = new Date(),
  extraKeys: readonly string[] = [],
  options: RenderOptions = {},
): Rendered {
  const params = passThroughParams(env.query, extraKeys);
  const warnings: string[] = [];
  const warningCodes: WarningCode[] = [];
  const warn = (code: WarningCode, message: string) => {
    warnings.push(message);
    warningCodes.push(code);
  };
  const done = (plan: Plan, dropped: string[] = []): Rendered => ({ plan, dropped, warnings, warningCodes });
  if (env.bot) return done({ kind: 'preview' });
  switch (target.kind) {
    case 'h5':
      return done({ kind: 'redirect', location: withParams(target.url, params, selfUrl) });
    case 'qr':
      return done({
        kind: 'page',
        page: 'qr',
        url: target.url ? withParams(target.url, params) : selfUrl,
        qrUrl: target.url ? withParams(target.url, params) : selfUrl,
      });
    case 'wechat-miniprogram': {
      const { query, dropped } = mergeQuery(target.query, params, WECHAT_QUERY_LIMIT);
      const linkValid = target.urlLink && (!target.urlLinkExpiresAt || Date.parse(target.urlLinkExpiresAt) > now.getTime());
      if (target.urlLink && !linkValid)
        warn('wechat_url_link_expired', `URL Link expired at ${target.urlLinkExpiresAt}; falling back to the URL Scheme`);
      if (env.os === 'desktop') return done({ kind: 'page', page: 'qr', url: selfUrl, qrUrl: selfUrl }, dropped);
      // Inside WeChat a URL Link opens through WeChat's own open tag (scene 1167, url-link.html above).
      if (linkValid) return done({ kind: 'redirect', location: target.urlLink! }, dropped);
      const encryptedValid =
        target.encryptedScheme && (!target.encryptedSchemeExpiresAt || Date.parse(target.encryptedSchemeExpiresAt) > now.getTime());
      if (target.encryptedScheme && !encryptedValid)
        warn(
          'wechat_encrypted_scheme_expired',
          `encrypted scheme expired at ${target.encryptedSchemeExpiresAt}; using the plain URL Scheme`,
        );
      // The encrypted ticket carries its own path and query; pass-through params cannot be added to it.
      const scheme = encryptedValid ? target.encryptedScheme! : wechatScheme(target, query);
      const short = target.shortLink ? { shortLink: target.shortLink } : {};
      // Inside WeChat the plain scheme is refused: the open tag (needs the gh_ id and the signing secrets), else a hint page.
      if (env.host === 'wechat' && target.username && options.openTag !== false) {
        const path = `${target.path.replace(/^\/+/, '')}.html${query ? `?${query}` : ''}`;
        return done({ kind: 'page', page: 'wechat-open-tag', url: scheme, username: target.username, path, ...short }, dropped);
      }
      if (IN_WECHAT.has(env.host)) {
        const missing =
          env.host !== 'wechat'
            ? 'the open tag works in WeChat itself only'
            : target.username
              ? 'no open tag (the WECHAT_OA_APPID / WECHAT_OA_SECRET secrets are not set)'
              : 'no open tag (the target has no original id gh_…)';
        warn(
          'wechat_hint_page_only',
          `inside ${env.host} the mini-program cannot be opened from this link: no live URL Link and ${missing}; visitors only get the "open in your browser" page${
            target.shortLink ? ' (with the Short Link to copy into a chat)' : ''
          }`,
        );
        return done({ kind: 'page', page: 'wechat-in-app', url: scheme, ...short }, dropped);
      }
      // iOS follows a redirect to the scheme; Android browsers want a user gesture (tap) first.
      if (env.os === 'ios') return done({ kind: 'redirect', location: scheme }, dropped);
      return done({ kind: 'page', page: 'wechat-relay', url: scheme }, dropped);
    }
    case 'alipay-miniprogram': {
      const { query, dropped } = mergeQuery(target.query, params, ALIPAY_QUERY_LIMIT);
      if (env.os === 'desktop') return done({ kind: 'page', page: 'qr', url: selfUrl, qrUrl: selfUrl }, dropped);
      const scheme = alipayScheme(target, query);
      if (env.host === 'alipay') return done({ kind: 'redirect', location: scheme }, dropped);
      // WeChat does not open Alipay pages: ask for the browser, with the ds.alipay.com page to tap there.
      if (IN_WECHAT.has(env.host)) return done({ kind: 'page', page: 'alipay-relay', url: alipayDsUrl(scheme) }, dropped);
      return done({ kind: 'redirect', location: alipayDsUrl(scheme) }, dropped);
    }
    case 'douyin-miniprogram': {
      const generated = options.douyin?.link;
      const linkValid = target.urlLink && (!target.urlLinkExpiresAt || Date.parse(target.urlLinkExpiresAt) > now.getTime());
      if (target.urlLink && !linkValid && !generated)
        warn('douyin_link_expired', `Douyin Link expired at ${target.urlLinkExpiresAt}; visitors get the relay page`);
      if (env.os === 'desktop') return done({ kind: 'page', page: 'qr', url: selfUrl, qrUrl: selfUrl });
      // Generated for this visit: it carries the attribution params that fit Douyin's 1024-character query.
      if (generated) return done({ kind: 'redirect', location: generated.url }, generated.dropped);
      if (options.douyin)
        warn(
          'douyin_link_not_generated',
          `Douyin gave no Link for ${target.appId} this time (see the worker log); ${linkValid ? 'using the pasted Link' : 'falling back'}`,
        );
      // A pasted Link carries the query fixed when it was generated: attribution params cannot ride along.
      if (linkValid)
        return done(
          { kind: 'redirect', location: target.urlLink! },
          params.map(([k]) => k),
        );
      const fallbackUrl = target.fallbackUrl ? withParams(target.fallbackUrl, params) : undefined;
      warn(
        'douyin_no_live_link',
        `no live Douyin Link: the mini-program cannot be opened from here; visitors get ${fallbackUrl ? 'the H5 fallback' : 'a page asking them to open the link in Douyin'}`,
      );
      if (fallbackUrl && env.host === 'douyin') return done({ kind: 'redirect', location: fallbackUrl });
      return done({ kind: 'page', page: 'douyin-relay', url: selfUrl, ...(fallbackUrl ? { fallbackUrl } : {}) });
    }
    case 'baidu-swan': {
      const { query, dropped } = mergeQuery(target.query, params, BAIDU_QUERY_LIMIT);
      if (env.os === 'desktop') return done({ kind: 'page', page: 'qr', url: selfUrl, qrUrl: selfUrl }, dropped);
      const scheme = swanScheme(target, query);
      if (IN_BAIDU.has(env.host)) return done({ kind: 'redirect', location: scheme }, dropped);
      return done(
        {
          kind: 'page',
          page: 'baidu-relay',
          url: scheme,
          ...(target.fallbackUrl ? { fallbackUrl: withParams(target.fallbackUrl, params) } : {}),
        },
        dropped,
      );
    }
  }
}
