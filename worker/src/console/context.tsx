import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../env.js';
import type { Principal } from '../sites/auth.js';
import { LANG_COOKIE, type Lang, pickLang, t } from './i18n.js';
import { CONSOLE_CSP, MessagePage, type NavContext, PAGES } from './layout.js';
import { readSession, SESSION_COOKIE, type Session } from './session.js';

/** What every console handler sees: the language and, once signed in, the session. */
export type ConsoleEnv = AppEnv & { Variables: { lang: Lang; session?: Session } };
export type ConsoleContext = Context<ConsoleEnv>;

/** Language from `?lang=` (remembered in a cookie) or the cookie; zh-CN by default. Sets the console CSP. */
export function consoleBase(): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const q = c.req.query('lang');
    const lang = pickLang(q, getCookie(c, LANG_COOKIE));
    if (q === lang) setCookie(c, LANG_COOKIE, lang, { path: '/console', sameSite: 'Strict', secure: true, maxAge: 365 * 86_400 });
    c.set('lang', lang);
    c.set('session', (await readSession(c.env.DB, getCookie(c, SESSION_COOKIE))) ?? undefined);
    await next();
    // Standards mode: every console page starts with a doctype (hono/jsx cannot emit one).
    if ((c.res.headers.get('content-type') ?? '').startsWith('text/html')) {
      const body = await c.res.text();
      if (!/^<!doctype/i.test(body)) c.res = new Response(`<!doctype html>${body}`, c.res);
    }
    c.header('Content-Security-Policy', CONSOLE_CSP);
    c.header('Cache-Control', 'no-store');
  };
}

/** The nav context of a request (for Layout). */
export function nav(c: ConsoleContext, site?: string): NavContext {
  const url = new URL(c.req.url);
  url.searchParams.delete('lang');
  const session = c.get('session');
  return {
    lang: c.get('lang'),
    principal: session?.principal,
    csrf: session?.csrf,
    site,
    path: `${url.pathname}${url.search}`,
  };
}

/** Answers with a console message page (403, 404…). */
export function messagePage(c: ConsoleContext, status: 403 | 404 | 400 | 409 | 500, title: string, message: string, site?: string) {
  return c.html(<MessagePage {...nav(c, site)} title={title} message={message} />, status);
}

/** Signed in, or sent to the sign-in page (GET) / 401 (anything else). */
export function requireSession(): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    if (!c.get('session')) {
      if (c.req.method === 'GET') return c.redirect(`/console/sign-in?next=${encodeURIComponent(new URL(c.req.url).pathname)}`, 303);
      return c.json({ error: { code: 'unauthorized', message: 'signed out; sign in again' } }, 401);
    }
    await next();
  };
}

/**
 * Every change (any method but GET/HEAD) must carry the session's CSRF token, as the form field
 * `_csrf` or the header `X-CSRF-Token`, and must not come from another origin. SameSite=Strict
 * cookies already stay home; this is the second lock.
 */
export function requireCsrf(): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const session = c.get('session');
    const origin = c.req.header('origin');
    let token = c.req.header('x-csrf-token');
    if (token === undefined && /^(application\/x-www-form-urlencoded|multipart\/form-data)/.test(c.req.header('content-type') ?? '')) {
      const form = await c.req.parseBody();
      token = typeof form._csrf === 'string' ? form._csrf : undefined;
    }
    const sameOrigin = origin === undefined || origin === new URL(c.req.url).origin;
    if (!session || !token || token !== session.csrf || !sameOrigin) {
      const lang = c.get('lang');
      if (c.req.header('accept')?.includes('application/json') || c.req.header('x-csrf-token') !== undefined)
        return c.json({ error: { code: 'forbidden', message: t(lang, 'csrfFailed') } }, 403);
      return messagePage(c, 403, t(lang, 'forbiddenTitle'), t(lang, 'csrfFailed'));
    }
    await next();
  };
}

/** May this principal open `page` of `site`? */
export function allowed(principal: Principal, site: string, page: (typeof PAGES)[number]['key']): 'ok' | 'site' | 'role' {
  if (principal.sites !== '*' && !principal.sites.includes(site)) return 'site';
  return PAGES.find((p) => p.key === page)!.roles.includes(principal.role) ? 'ok' : 'role';
}

/** Guards a site page: the principal's site and a role that may open it, else a 403 page. */
export function pageGuard(page: (typeof PAGES)[number]['key']): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const site = c.req.param('site') ?? '';
    const session = c.get('session')!;
    const verdict = allowed(session.principal, site, page);
    if (verdict !== 'ok') {
      const lang = c.get('lang');
      const roleName = t(
        lang,
        session.principal.role === 'admin' ? 'roleAdmin' : session.principal.role === 'developer' ? 'roleDeveloper' : 'roleMarketer',
      );
      return messagePage(
        c,
        403,
        t(lang, 'forbiddenTitle'),
        t(lang, 'forbiddenBody', { role: roleName }),
        verdict === 'site' ? undefined : site,
      );
    }
    await next();
  };
}
