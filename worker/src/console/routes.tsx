import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { SITE_ID_PATTERN } from '../../../schema/ids.js';
import { listSites } from '../sites/sites-store.js';
import { type ConsoleEnv, consoleBase, messagePage, nav, pageGuard, requireCsrf, requireSession } from './context.js';
import { t } from './i18n.js';
import { Layout, PAGES } from './layout.js';
import { keysPages } from './pages/keys.js';
import { linksPages } from './pages/links.js';
import { modelsPages } from './pages/models.js';
import { placementsPages } from './pages/placements.js';
import { recommendationsPages } from './pages/recommendations.js';
import { referralsPages } from './pages/referrals.js';
import { createSession, deleteSession, newCsrf, principalForToken, SESSION_COOKIE, SESSION_MAX_MS } from './session.js';

/**
 * The console at `/console`: server-rendered pages (hono/jsx) over the same stores as the admin API,
 * with one small script for what a form cannot do (rule editor, simulate, copy, charts' tooltips).
 * Sign-in exchanges a marketer/developer key (or the owner token) for an HttpOnly session cookie.
 */
export const consoleRoutes = new Hono<ConsoleEnv>({ strict: false });

const SIGNIN_CSRF = 'ep_signin';
const cookieBase = { path: '/console', httpOnly: true, secure: true, sameSite: 'Strict' as const };

consoleRoutes.use('*', consoleBase());

function SignInPage(props: { c: Parameters<typeof nav>[0]; csrf: string; next: string; error?: string }) {
  const lang = props.c.get('lang');
  return (
    <Layout {...nav(props.c)} title={t(lang, 'signIn')}>
      <p>{t(lang, 'signInHelp')}</p>
      <form method="post" action="/console/sign-in" class="card narrow">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="next" value={props.next} />
        <label for="token">{t(lang, 'token')}</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          required
          maxlength={200}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={props.error ? 'token-error' : undefined}
        />
        {props.error ? (
          <p id="token-error" class="field-error" role="alert">
            {props.error}
          </p>
        ) : null}
        <button type="submit">{t(lang, 'signIn')}</button>
      </form>
    </Layout>
  );
}

const safeNext = (next: unknown) =>
  typeof next === 'string' && /^\/console(\/[\w\-./]*)?$/.test(next) && !next.includes('..') ? next : '/console';

consoleRoutes.get('/sign-in', (c) => {
  const csrf = newCsrf();
  setCookie(c, SIGNIN_CSRF, csrf, { ...cookieBase, path: '/console/sign-in', maxAge: 3600 });
  return c.html(<SignInPage c={c} csrf={csrf} next={safeNext(c.req.query('next'))} />);
});

consoleRoutes.post('/sign-in', async (c) => {
  const form = await c.req.parseBody();
  const lang = c.get('lang');
  const expected = getCookie(c, SIGNIN_CSRF);
  const origin = c.req.header('origin');
  if (!expected || form._csrf !== expected || (origin !== undefined && origin !== new URL(c.req.url).origin))
    return messagePage(c, 403, t(lang, 'forbiddenTitle'), t(lang, 'csrfFailed'));
  const token = typeof form.token === 'string' ? form.token.trim() : '';
  const who = token ? await principalForToken(c.env.DB, c.env.ADMIN_TOKEN, token) : null;
  if (!who || who === 'public') {
    const csrf = newCsrf();
    setCookie(c, SIGNIN_CSRF, csrf, { ...cookieBase, path: '/console/sign-in', maxAge: 3600 });
    return c.html(
      <SignInPage c={c} csrf={csrf} next={safeNext(form.next)} error={t(lang, who === 'public' ? 'publicKeyRefused' : 'badToken')} />,
      401,
    );
  }
  const { cookie } = await createSession(c.env.DB, who);
  setCookie(c, SESSION_COOKIE, cookie, { ...cookieBase, maxAge: SESSION_MAX_MS / 1000 });
  deleteCookie(c, SIGNIN_CSRF, { path: '/console/sign-in', secure: true });
  return c.redirect(safeNext(form.next), 303);
});

consoleRoutes.use('*', requireSession(), requireCsrf());

consoleRoutes.post('/sign-out', async (c) => {
  await deleteSession(c.env.DB, getCookie(c, SESSION_COOKIE));
  deleteCookie(c, SESSION_COOKIE, { path: '/console', secure: true });
  return c.redirect('/console/sign-in', 303);
});

// Home: the owner picks a site; a site's key goes to its first page.
consoleRoutes.get('/', (c) => {
  const p = c.get('session')!.principal;
  if (p.sites === '*') return c.redirect('/console/sites', 303);
  const first = PAGES.find((page) => page.roles.includes(p.role))!;
  return c.redirect(`/console/sites/${p.sites[0]}/${first.key}`, 303);
});

consoleRoutes.get('/sites', async (c) => {
  const lang = c.get('lang');
  const p = c.get('session')!.principal;
  if (p.sites !== '*') return c.redirect('/console', 303);
  const sites = await listSites(c.env.DB);
  const demo = (c.env.DEMO_SITE ?? '').split(',').filter((s) => SITE_ID_PATTERN.test(s));
  const all = [...demo.map((id) => ({ id, name: 'demo' })), ...sites.map((s) => ({ id: s.id, name: s.name }))];
  return c.html(
    <Layout {...nav(c)} title={t(lang, 'chooseSite')}>
      {all.length ? (
        <ul class="cards">
          {all.map((s) => (
            <li class="card">
              <a href={`/console/sites/${s.id}/links`}>
                <strong>{s.name}</strong> <code>{s.id}</code>
              </a>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t(lang, 'noSites')}</p>
      )}
    </Layout>,
  );
});

/** Mounts a site page group behind its guard: `/console/sites/:site/{key}…`. */
export function mountPage(key: (typeof PAGES)[number]['key'], routes: Hono<ConsoleEnv>) {
  consoleRoutes.use(`/sites/:site/${key}`, pageGuard(key));
  consoleRoutes.use(`/sites/:site/${key}/*`, pageGuard(key));
  consoleRoutes.route(`/sites/:site/${key}`, routes);
}

consoleRoutes.onError((err, c) => {
  const lang = c.get('lang') ?? 'zh-CN';
  const status = (err as { status?: number }).status;
  if (status === 404) return messagePage(c, 404, t(lang, 'notFoundTitle'), err.message.slice(0, 300));
  if (status && status >= 400 && status < 500) return messagePage(c, 400, t(lang, 'error'), err.message.slice(0, 300));
  console.error(`console: ${err.stack ?? err}`);
  return messagePage(c, 500, t(lang, 'error'), t(lang, 'error'));
});

consoleRoutes.notFound((c) => messagePage(c, 404, t(c.get('lang'), 'notFoundTitle'), new URL(c.req.url).pathname.slice(0, 200)));

// Site pages (each group in worker/src/console/pages/, guarded by role).
mountPage('links', linksPages);
mountPage('keys', keysPages);
mountPage('models', modelsPages);
mountPage('recommendations', recommendationsPages);
mountPage('placements', placementsPages);
mountPage('referrals', referralsPages);
