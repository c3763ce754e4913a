import type { Target } from '../../../schema/routing.js';
import type { Plan } from '../../../schema/routing-decision.js';
import type { VisitorEnv } from './detect-env.js';

/** What `/r/:slug` does for a decision (the contract's shape, schema/routing-decision.ts). */
export type { Plan };

export interface Rendered {
  plan: Plan;
  /** Attribution params that did not fit the platform's limit (reported by `simulate`). */
  dropped: string[];
  warnings: string[];
}

/** The WeChat URL Scheme's `query` must be at most 512 characters after URL-encoding (WeChat docs). */
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
): Rendered {
  const params = passThroughParams(env.query, extraKeys);
  const warnings: string[] = [];
  if (env.bot) return { plan: { kind: 'preview' }, dropped: [], warnings };
  switch (target.kind) {
    case 'h5':
      return { plan: { kind: 'redirect', location: withParams(target.url, params, selfUrl) }, dropped: [], warnings };
    case 'qr':
      return {
        plan: {
          kind: 'page',
          page: 'qr',
          url: target.url ? withParams(target.url, params) : selfUrl,
          qrUrl: target.url ? withParams(target.url, params) : selfUrl,
        },
        dropped: [],
        warnings,
      };
    case 'wechat-miniprogram': {
      const { query, dropped } = mergeQuery(target.query, params, WECHAT_QUERY_LIMIT);
      const linkValid = target.urlLink && (!target.urlLinkExpiresAt || Date.parse(target.urlLinkExpiresAt) > now.getTime());
      if (target.urlLink && !linkValid) warnings.push(`URL Link expired at ${target.urlLinkExpiresAt}; falling back to the URL Scheme`);
      if (env.os === 'desktop') return { plan: { kind: 'page', page: 'qr', url: selfUrl, qrUrl: selfUrl }, dropped, warnings };
      if (linkValid) return { plan: { kind: 'redirect', location: target.urlLink! }, dropped, warnings };
      const encryptedValid =
        target.encryptedScheme && (!target.encryptedSchemeExpiresAt || Date.parse(target.encryptedSchemeExpiresAt) > now.getTime());
      if (target.encryptedScheme && !encryptedValid)
        warnings.push(`encrypted scheme expired at ${target.encryptedSchemeExpiresAt}; using the plain URL Scheme`);
      // The encrypted ticket carries its own path and query; pass-through params cannot be added to it.
      const scheme = encryptedValid ? target.encryptedScheme! : wechatScheme(target, query);
      // Inside WeChat the plain scheme is refused: the open tag (needs the gh_ id), else a hint page.
      if (env.host === 'wechat' && target.username) {
        const path = `${target.path.replace(/^\/+/, '')}.html${query ? `?${query}` : ''}`;
        return { plan: { kind: 'page', page: 'wechat-open-tag', url: scheme, username: target.username, path }, dropped, warnings };
      }
      if (IN_WECHAT.has(env.host)) return { plan: { kind: 'page', page: 'wechat-in-app', url: scheme }, dropped, warnings };
      // iOS follows a redirect to the scheme; Android browsers want a user gesture (tap) first.
      if (env.os === 'ios') return { plan: { kind: 'redirect', location: scheme }, dropped, warnings };
      return { plan: { kind: 'page', page: 'wechat-relay', url: scheme }, dropped, warnings };
    }
    case 'alipay-miniprogram': {
      const { query, dropped } = mergeQuery(target.query, params, ALIPAY_QUERY_LIMIT);
      if (env.os === 'desktop') return { plan: { kind: 'page', page: 'qr', url: selfUrl, qrUrl: selfUrl }, dropped, warnings };
      const scheme = alipayScheme(target, query);
      if (env.host === 'alipay') return { plan: { kind: 'redirect', location: scheme }, dropped, warnings };
      // WeChat does not open Alipay pages: ask for the browser, with the ds.alipay.com page to tap there.
      if (IN_WECHAT.has(env.host)) return { plan: { kind: 'page', page: 'alipay-relay', url: alipayDsUrl(scheme) }, dropped, warnings };
      return { plan: { kind: 'redirect', location: alipayDsUrl(scheme) }, dropped, warnings };
    }
    case 'douyin-miniprogram': {
      const linkValid = target.urlLink && (!target.urlLinkExpiresAt || Date.parse(target.urlLinkExpiresAt) > now.getTime());
      if (target.urlLink && !linkValid) warnings.push(`Douyin Link expired at ${target.urlLinkExpiresAt}; visitors get the relay page`);
      if (env.os === 'desktop') return { plan: { kind: 'page', page: 'qr', url: selfUrl, qrUrl: selfUrl }, dropped: [], warnings };
      // A Link carries the query fixed when it was generated: attribution params cannot ride along.
      if (linkValid) return { plan: { kind: 'redirect', location: target.urlLink! }, dropped: params.map(([k]) => k), warnings };
      const fallbackUrl = target.fallbackUrl ? withParams(target.fallbackUrl, params) : undefined;
      warnings.push(
        `no live Douyin Link: the mini-program cannot be opened from here; visitors get ${fallbackUrl ? 'the H5 fallback' : 'a page asking them to open the link in Douyin'}`,
      );
      if (fallbackUrl && env.host === 'douyin') return { plan: { kind: 'redirect', location: fallbackUrl }, dropped: [], warnings };
      return { plan: { kind: 'page', page: 'douyin-relay', url: selfUrl, ...(fallbackUrl ? { fallbackUrl } : {}) }, dropped: [], warnings };
    }
    case 'baidu-swan': {
      const { query, dropped } = mergeQuery(target.query, params, BAIDU_QUERY_LIMIT);
      if (env.os === 'desktop') return { plan: { kind: 'page', page: 'qr', url: selfUrl, qrUrl: selfUrl }, dropped, warnings };
      const scheme = swanScheme(target, query);
      if (IN_BAIDU.has(env.host)) return { plan: { kind: 'redirect', location: scheme }, dropped, warnings };
      return {
        plan: {
          kind: 'page',
          page: 'baidu-relay',
          url: scheme,
          ...(target.fallbackUrl ? { fallbackUrl: withParams(target.fallbackUrl, params) } : {}),
        },
        dropped,
        warnings,
      };
    }
  }
}
