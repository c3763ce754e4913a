import type { Child } from 'hono/jsx';
import type { Principal } from '../sites/auth.js';
import { type Lang, type MessageKey, t } from './i18n.js';

/** Content-Security-Policy of every console page: no inline script or style, nothing from elsewhere. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/** Static files of the console (built from worker/src/console/client by scripts/build.mjs). */
export const ASSETS_PATH = '/console-assets';

export interface NavContext {
  lang: Lang;
  principal?: Principal;
  site?: string;
  csrf?: string;
  /** Path of the page (for the language switch and the current nav item). */
  path: string;
}

const roleKey: Record<Principal['role'], MessageKey> = { admin: 'roleAdmin', developer: 'roleDeveloper', marketer: 'roleMarketer' };

/**
 * Pages a role may open in a site (the nav shows only these; other pages answer 403); a key's home is
 * its first page. Referrals: marketers run the share campaigns and reward sharers, developers see
 * revenue on Recommendations already; the admin API gives both roles the same numbers. Placements
 * (merchandising rules): both roles too, as `PUT …/placements/:placement/rules` takes either.
 */
export const PAGES: {
  key: 'links' | 'keys' | 'models' | 'recommendations' | 'placements' | 'referrals';
  roles: Principal['role'][];
}[] = [
  { key: 'links', roles: ['admin', 'marketer'] },
  { key: 'keys', roles: ['admin', 'developer'] },
  { key: 'models', roles: ['admin', 'developer'] },
  { key: 'recommendations', roles: ['admin', 'developer'] },
  { key: 'placements', roles: ['admin', 'marketer', 'developer'] },
  { key: 'referrals', roles: ['admin', 'marketer', 'developer'] },
];

/** The page frame: header (site, nav, language, sign out), main, and the one script. */
export function Layout(props: NavContext & { title: string; children?: Child }) {
  const { lang, principal, site, csrf, path } = props;
  const other: Lang = lang === 'en' ? 'zh-CN' : 'en';
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${t(lang, 'appName')}`}</title>
        <link rel="stylesheet" href={`${ASSETS_PATH}/console.css`} />
        <script src={`${ASSETS_PATH}/console.js`} defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          {t(lang, 'skipToContent')}
        </a>
        <header class="top">
          <a class="brand" href="/console">
            {t(lang, 'appName')}
          </a>
          {site && principal ? (
            <nav aria-label={t(lang, 'site')}>
              <ul>
                {principal.sites === '*' ? (
                  <li>
                    <a href="/console/sites">{t(lang, 'sites')}</a>
                  </li>
                ) : null}
                {PAGES.filter((p) => p.roles.includes(principal.role)).map((p) => {
                  const href = `/console/sites/${site}/${p.key}`;
                  return (
                    <li>
                      <a href={href} aria-current={path.startsWith(href) ? 'page' : undefined}>
                        {t(lang, p.key)}
                      </a>
                    </li>
                  );
                })}
              </ul>
            </nav>
          ) : null}
          <div class="tools">
            <a class="lang" href={`${path}${path.includes('?') ? '&' : '?'}lang=${other}`} hreflang={other} lang={other}>
              {other === 'en' ? 'English' : '中文'}
            </a>
            {principal && csrf ? (
              <form method="post" action="/console/sign-out" class="inline">
                <input type="hidden" name="_csrf" value={csrf} />
                <button
                  type="submit"
                  class="link"
                  title={t(lang, 'signedInAs', { who: `${t(lang, roleKey[principal.role])}${site ? ` · ${site}` : ''}` })}
                >
                  {t(lang, 'signOut')}
                </button>
              </form>
            ) : null}
          </div>
        </header>
        <main id="main" tabindex={-1}>
          {site ? <p class="crumb">{`${t(lang, 'site')}: ${site}`}</p> : null}
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** A plain message page (403, 404, errors). */
export function MessagePage(props: NavContext & { title: string; message: string }) {
  return (
    <Layout {...props} title={props.title}>
      <p role="alert">{props.message}</p>
      <p>
        <a href="/console">{t(props.lang, 'back')}</a>
      </p>
    </Layout>
  );
}
