import { type Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { SITE_ID_PATTERN } from '../../../schema/ids.js';
import type { AppEnv } from '../env.js';
import { ApiError, onError } from '../http/errors.js';
import { packStore, type SiteEnv } from '../sites/middleware.js';
import { publicUrl } from '../sites/origin.js';
import { COPY_SCRIPT } from './copy-script.js';
import { decideLive } from './decide.js';
import { detectEnv } from './detect-env.js';
import { getLink } from './kv-store.js';
import { OPEN_TAG_SCRIPT } from './open-tag-script.js';
import {
  alipayRelayPage,
  baiduRelayPage,
  douyinRelayPage,
  notFoundPage,
  openTagPage,
  previewPage,
  qrPage,
  wechatInAppPage,
  wechatRelayPage,
} from './pages.js';
import { planUrls, urlAllowed } from './policy.js';
import { compiledLink } from './rules.js';
import { countDecision } from './stats-store.js';
import { jsapiTicket, signPage } from './wechat-jssdk.js';

/** First-party cookie that keeps a visitor in the same split variant. */
export const VISITOR_COOKIE = 'ep_vid';

function facts(c: Context) {
  return {
    userAgent: c.req.header('user-agent'),
    acceptLanguage: c.req.header('accept-language'),
    referrer: c.req.header('referer'),
    url: c.req.url,
    cf: (c.req.raw as Request & { cf?: { country?: unknown; region?: unknown; city?: unknown } }).cf,
  };
}

function visitorId(c: Context): string {
  const existing = getCookie(c, VISITOR_COOKIE);
  if (existing && /^[\w-]{8,64}$/.test(existing)) return existing;
  const id = `v_${Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  setCookie(c, VISITOR_COOKIE, id, {
    path: '/',
    maxAge: 60 * 60 * 24 * 365,
    sameSite: 'Lax',
    httpOnly: true,
    secure: new URL(c.req.url).protocol === 'https:',
  });
  return id;
}

/** Counts a decision per link, rule, target and UTC day, after the response (never delaying it). */
function countAfterResponse(c: Context<AppEnv>, slug: string, rule: string, target: string) {
  const write = countDecision(c.env.DB, slug, new Date().toISOString().slice(0, 10), rule, target).catch((e: Error) =>
    console.error(`link stats: ${e.message}`),
  );
  try {
    c.executionCtx.waitUntil(write);
  } catch {
    // No execution context (unit tests calling app.request): the promise still settles.
  }
}

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https:",
  'Cache-Control': 'no-store',
};

/** `GET /r/:slug`: the campaign link entry. Reads only KV (cached per isolate). */
export const redirectRoutes = new Hono<AppEnv>();

const SCRIPT_HEADERS = { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=3600' };
redirectRoutes.get('/_/open-tag.js', (c) => c.body(OPEN_TAG_SCRIPT, 200, SCRIPT_HEADERS));
redirectRoutes.get('/_/copy.js', (c) => c.body(COPY_SCRIPT, 200, SCRIPT_HEADERS));

/** The WeChat hint page with a Short Link loads /r/_/copy.js for its copy button; nothing else may run. */
const COPY_PAGE_HEADERS = {
  ...PAGE_HEADERS,
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data: https:",
};
const inAppPage = (c: Context, scheme: string, shortLink?: string) =>
  c.body(String(wechatInAppPage(scheme, shortLink)), 200, shortLink ? COPY_PAGE_HEADERS : PAGE_HEADERS);

/** The open tag needs the JS-SDK from res.wx.qq.com and our small enabling script. */
const OPEN_TAG_HEADERS = {
  ...{ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self' https://res.wx.qq.com; style-src 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self' https://*.qq.com",
};

redirectRoutes.get('/:slug', async (c) => {
  const slug = c.req.param('slug');
  const compiled = SITE_ID_PATTERN.test(slug) ? await getLink(c.env.PACKS, slug) : null;
  if (!compiled) return c.body(String(notFoundPage(slug.slice(0, 64))), 404, PAGE_HEADERS);
  const config = (await packStore.get(c.env, compiled.site)).config;
  const linkHosts = config?.linkHosts ?? [];
  // The link's own URL as the site prints it (a pinned public origin beats the Host header).
  const self = publicUrl(c.req.url, config).href;
  // With the worker's secrets: the open tag inside WeChat, a Douyin Link generated for this visit (cached).
  const { decision, rendered } = await decideLive(
    compiledLink(compiled.link),
    compiled.link,
    detectEnv({ ...facts(c), url: self }),
    visitorId(c),
    self,
    c.env,
  );
  const { plan } = rendered;
  // Split variants are counted apart (`h5:v1`) so an A/B split's outcome can be read from the stats.
  const counted =
    plan.kind === 'preview'
      ? 'preview'
      : decision.variant === undefined
        ? decision.target.kind
        : `${decision.target.kind}:v${decision.variant}`;
  countAfterResponse(c, slug, decision.ruleId ?? 'default', counted);
  // Checked when saved; checked again here, so a link that reached KV another way cannot send or show an off-site URL.
  const urls = planUrls(plan);
  if (urls.length) {
    const bad = urls.find((u) => !urlAllowed(u, self, linkHosts, decision.target.kind));
    if (bad !== undefined) {
      console.error(`link ${slug}: refusing off-site URL ${bad.slice(0, 200)}`);
      return c.body(String(notFoundPage(slug)), 404, PAGE_HEADERS);
    }
  }
  switch (plan.kind) {
    case 'redirect':
      c.header('Cache-Control', 'no-store');
      return c.redirect(plan.location, 302);
    case 'preview':
      return c.body(
        String(
          previewPage({
            title: compiled.link.preview?.title ?? compiled.link.name ?? slug,
            description: compiled.link.preview?.description,
            image: compiled.link.preview?.image,
            url: self,
          }),
        ),
        200,
        PAGE_HEADERS,
      );
    case 'page': {
      if (plan.page === 'wechat-open-tag') {
        const ticket = c.env.WECHAT_OA_APPID ? await jsapiTicket(c.env) : null;
        if (!ticket) return inAppPage(c, plan.url, plan.shortLink);
        const cfg = await signPage(c.env.WECHAT_OA_APPID!, ticket, c.req.url);
        return c.body(String(openTagPage(cfg, plan.username, plan.path, plan.url)), 200, OPEN_TAG_HEADERS);
      }
      if (plan.page === 'wechat-in-app') return inAppPage(c, plan.url, plan.shortLink);
      const page =
        plan.page === 'wechat-relay'
          ? wechatRelayPage(plan.url)
          : plan.page === 'baidu-relay'
            ? baiduRelayPage(plan.url, plan.fallbackUrl)
            : plan.page === 'alipay-relay'
              ? alipayRelayPage(plan.url)
              : plan.page === 'douyin-relay'
                ? douyinRelayPage(plan.url, plan.fallbackUrl)
                : qrPage(plan.qrUrl ?? plan.url);
      return c.body(String(page), 200, PAGE_HEADERS);
    }
  }
});

/** `GET /v1/sites/:site/links/:slug/resolve`: the same decision as JSON, for the SDK and mini-programs. */
export const resolveRoutes = new Hono<SiteEnv>();
resolveRoutes.onError(onError);

resolveRoutes.get('/:slug/resolve', async (c) => {
  const slug = c.req.param('slug');
  const compiled = SITE_ID_PATTERN.test(slug) ? await getLink(c.env.PACKS, slug) : null;
  if (!compiled || compiled.site !== c.get('site'))
    throw new ApiError('not_found', `no link ${JSON.stringify(slug.slice(0, 64))} on site ${c.get('site')}`);
  const env = detectEnv({ ...facts(c), url: c.req.query('url') ?? c.req.url });
  const { json } = await decideLive(
    compiledLink(compiled.link),
    compiled.link,
    env,
    c.req.query('visitorId') ?? visitorId(c),
    new URL(`/r/${slug}`, publicUrl(c.req.url, c.get('config'))).toString(),
    c.env,
  );
  return c.json({ slug, site: compiled.site, version: compiled.version, ...json });
});
