import type { Issue } from '../../../schema/errors.js';
import { type LinkDefinition, linkUrls, type Target } from '../../../schema/routing.js';
import type { Plan } from './targets.js';

/**
 * Hosts of links the platforms generate, allowed only in that platform's target and field:
 * WeChat URL Links (`https://wxaurl.cn/…` or `https://wxmpurl.cn/…`, WeChat "获取加密 URL Link",
 * developers.weixin.qq.com/miniprogram/dev/framework/open-ability/url-link.html) in a wechat-miniprogram
 * `urlLink`; Douyin Link V2 (`https://z.douyin.com/…`, the host in the open platform's "查询 Link" example)
 * in a douyin-miniprogram `urlLink` (and as generated per visit, douyin-link.ts).
 */
const URL_LINK_HOSTS: Partial<Record<Target['kind'], readonly string[]>> = {
  'wechat-miniprogram': ['wxaurl.cn', 'wxmpurl.cn'],
  'douyin-miniprogram': ['z.douyin.com'],
};

/** Whether `hostname` (lower-case) is the link host of `kind`'s platform (wxaurl.cn for WeChat, z.douyin.com for Douyin…). */
export function isPlatformLinkHost(kind: Target['kind'], hostname: string): boolean {
  return (URL_LINK_HOSTS[kind] ?? []).includes(hostname);
}
/**
 * Pages the worker itself sends visitors to for a target kind (never from a link's fields): Alipay's
 * scheme wrapper `https://ds.alipay.com/?scheme=…`, which opens the mini-program from outside Alipay.
 */
const PLATFORM_PAGE_HOSTS: Partial<Record<Target['kind'], readonly string[]>> = {
  'alipay-miniprogram': ['ds.alipay.com'],
};

/**
 * Whether `host` (a WHATWG-parsed, lower-case hostname) is one of the site's `linkHosts`:
 * `shop.example` matches itself only, `*.shop.example` matches its subdomains (not itself).
 */
export function hostAllowed(host: string, linkHosts: readonly string[]): boolean {
  const h = host.toLowerCase();
  return linkHosts.some((p) => {
    const pattern = p.toLowerCase();
    return pattern.startsWith('*.') ? h.endsWith(pattern.slice(1)) && h.length > pattern.length - 1 : h === pattern;
  });
}

/**
 * The open-redirect guard: every absolute URL a link can send a visitor to must be https on the
 * site's `linkHosts` (platform links — WeChat's wxaurl.cn / wxmpurl.cn, Douyin's z.douyin.com — in their own target's `urlLink` only). Returns one issue per
 * off-site URL, with the path of the field; an empty list means the link may be saved.
 */
export function offSiteUrls(link: LinkDefinition, linkHosts: readonly string[]): Issue[] {
  const issues: Issue[] = [];
  for (const { path, url, kind } of linkUrls(link)) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      issues.push({ code: 'invalid_url', path: toPath(path), message: 'not an absolute URL' });
      continue;
    }
    const allowed =
      u.protocol === 'https:' &&
      !u.username &&
      !u.password &&
      (hostAllowed(u.hostname, linkHosts) || (kind !== undefined && path.endsWith('.urlLink') && isPlatformLinkHost(kind, u.hostname)));
    if (!allowed)
      issues.push({
        code: 'host_not_allowed',
        path: toPath(path),
        message: `${u.hostname || url.slice(0, 100)} is not in the site's linkHosts`,
      });
  }
  return issues;
}

/**
 * Whether a URL the worker is about to send (`Location`) or show (a relay page's link, a QR code)
 * stays on allowed ground: the worker's own origin, a site link host, an app scheme, or — for
 * that platform's targets only — its link host (wxaurl.cn, z.douyin.com) or scheme page (ds.alipay.com). Defence in depth for `/r/:slug`: links are checked
 * when saved and again when followed, so one that reached KV another way cannot leave the site.
 */
export function urlAllowed(url: string, requestUrl: string, linkHosts: readonly string[], target: Target['kind']): boolean {
  let u: URL;
  try {
    u = new URL(url, requestUrl);
  } catch {
    return false;
  }
  if (APP_SCHEMES.has(u.protocol)) return true;
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  if (u.origin === new URL(requestUrl).origin) return true;
  if (u.protocol !== 'https:' || u.username || u.password) return false;
  return (
    hostAllowed(u.hostname, linkHosts) || isPlatformLinkHost(target, u.hostname) || (PLATFORM_PAGE_HOSTS[target] ?? []).includes(u.hostname)
  );
}

/** Schemes that open an app, never a web page: WeChat, the Baidu app, Alipay, Douyin. */
const APP_SCHEMES = new Set(['weixin:', 'baiduboxapp:', 'alipays:', 'snssdk1128:']);

/** Every URL a routing plan sends the visitor to or shows them. */
export function planUrls(plan: Plan): string[] {
  if (plan.kind === 'redirect') return [plan.location];
  if (plan.kind === 'preview') return [];
  return [
    plan.url,
    ...('fallbackUrl' in plan && plan.fallbackUrl ? [plan.fallbackUrl] : []),
    ...('qrUrl' in plan && plan.qrUrl ? [plan.qrUrl] : []),
  ];
}

const toPath = (p: string) => p.split('.').map((x) => (/^\d+$/.test(x) ? Number(x) : x));
