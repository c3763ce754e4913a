import { Hono } from 'hono';
import { toIssues } from '../../../../schema/errors.js';
import { CreateKeyRequest } from '../../../../schema/sites.js';
import { ApiError } from '../../http/errors.js';
import { forgetGrants } from '../../sites/grants.js';
import { createKey, getSite, listKeys, revokeKey } from '../../sites/sites-store.js';
import { type ConsoleContext, type ConsoleEnv, messagePage, nav } from '../context.js';
import { t } from '../i18n.js';
import { Layout } from '../layout.js';
import { base, CreatedPage, CreateForm, type FieldErrors, KeyTable, SiteSettings, tr } from './keys-view.js';
import { ConfirmPage, confirmed, demoSites, field, Notice, siteOf } from './page-kit.js';

/**
 * `/console/sites/:site/keys…` — the developer's keys page: the site's settings (read-only), its keys
 * (never a secret, only the last four characters), create a key (its token shown once, on the answer
 * to the POST: never in a URL, a cookie or a later page) and revoke one (two steps without script).
 * Same store calls as `/v1/admin/sites/:site/keys`.
 */
export const keysPages = new Hono<ConsoleEnv>();

/** The keys page; `notice` on top, the create form refilled with `values` and `errors` after a refused POST. */
async function keysPage(
  c: ConsoleContext,
  site: string,
  opts: { notice?: { kind: 'ok' | 'error'; text: string }; values?: { role?: string; label?: string }; errors?: FieldErrors } = {},
  status: 200 | 400 | 404 | 409 = 200,
) {
  const lang = c.get('lang');
  const info = await getSite(c.env.DB, site);
  if (!info) {
    if (!demoSites(c.env).includes(site)) return messagePage(c, 404, t(lang, 'notFoundTitle'), tr(lang, 'unknownSite', { site }), site);
    return c.html(
      <Layout {...nav(c, site)} title={t(lang, 'keys')}>
        <Notice>{tr(lang, 'demoNoKeys')}</Notice>
      </Layout>,
    );
  }
  const csrf = c.get('session')!.csrf;
  const keys = await listKeys(c.env.DB, site);
  return c.html(
    <Layout {...nav(c, site)} title={t(lang, 'keys')}>
      {opts.notice ? <Notice kind={opts.notice.kind}>{opts.notice.text}</Notice> : null}
      <section aria-labelledby="keys-h">
        <h2 id="keys-h">{tr(lang, 'keyList')}</h2>
        <KeyTable lang={lang} site={site} keys={keys} csrf={csrf} />
      </section>
      <CreateForm lang={lang} site={site} csrf={csrf} values={opts.values} errors={opts.errors} />
      <SiteSettings lang={lang} site={info} />
    </Layout>,
    status,
  );
}

const notFound = (c: ConsoleContext) => messagePage(c, 404, t(c.get('lang'), 'notFoundTitle'), c.req.path.slice(0, 200));

keysPages.get('/', async (c) => {
  const site = siteOf(c);
  if (!site) return notFound(c);
  // After a revoke: the notice names the key by its hint, looked up (the query is anyone's to write, so never echoed).
  const done = c.req.query('revoked');
  const gone = done ? (await listKeys(c.env.DB, site)).find((k) => k.id === done && k.revokedAt) : undefined;
  return keysPage(c, site, gone ? { notice: { kind: 'ok', text: tr(c.get('lang'), 'revoked', { hint: gone.hint }) } } : {});
});

keysPages.post('/', async (c) => {
  const site = siteOf(c);
  if (!site) return notFound(c);
  const form = await c.req.parseBody();
  const values = { role: field(form, 'role'), label: field(form, 'label') };
  const parsed = CreateKeyRequest.safeParse({ role: values.role, ...(values.label ? { label: values.label } : {}) });
  if (!parsed.success) {
    const errors: FieldErrors = {};
    for (const issue of toIssues(parsed.error)) {
      const name = issue.path[0] === 'label' ? 'label' : 'role';
      errors[name] ??= issue.message;
    }
    return keysPage(c, site, { values, errors }, 400);
  }
  try {
    const key = await createKey(c.env.DB, c.env.PACKS, site, parsed.data.role, parsed.data.label, c.get('session')!.principal.subject);
    return c.html(<CreatedPage c={c} site={site} made={key} />, 201);
  } catch (e) {
    // The site was deleted between the page and the POST (site_not_found).
    if (e instanceof ApiError)
      return messagePage(c, 404, t(c.get('lang'), 'notFoundTitle'), tr(c.get('lang'), 'unknownSite', { site }), site);
    throw e;
  }
});

keysPages.post('/:id/revoke', async (c) => {
  const site = siteOf(c);
  if (!site) return notFound(c);
  const lang = c.get('lang');
  const id = c.req.param('id');
  const key = (await listKeys(c.env.DB, site)).find((k) => k.id === id && !k.revokedAt);
  if (!key) return keysPage(c, site, { notice: { kind: 'error', text: tr(lang, 'notActive') } }, 404);
  if (!confirmed(await c.req.parseBody())) {
    const self = c.get('session')!.principal.subject === `key:${key.id}`;
    return c.html(
      <ConfirmPage
        c={c}
        site={site}
        title={tr(lang, 'revokeTitle')}
        action={`${base(site)}/${encodeURIComponent(key.id)}/revoke`}
        button={tr(lang, 'revokeKey', { hint: key.hint })}
        cancel={base(site)}
      >
        <p>
          <span class="badge">{key.role}</span> {key.label ?? ''}{' '}
          <span class="nowrap">
            <code>…{key.hint}</code>
          </span>
        </p>
        <p>{tr(lang, 'revokeBody')}</p>
        {self ? <Notice kind="error">{tr(lang, 'revokeSelf')}</Notice> : null}
      </ConfirmPage>,
    );
  }
  try {
    await revokeKey(c.env.DB, c.env.PACKS, site, key.id);
  } catch (e) {
    if (e instanceof ApiError) return keysPage(c, site, { notice: { kind: 'error', text: tr(lang, 'notActive') } }, 404);
    throw e;
  }
  // As the admin API does: this isolate forgets cached grants at once; others within GRANT_TTL_MS.
  forgetGrants();
  return c.redirect(`${base(site)}?revoked=${encodeURIComponent(key.id)}`, 303);
});
