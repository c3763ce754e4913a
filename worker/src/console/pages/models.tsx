import { Hono } from 'hono';
import { ApiError } from '../../http/errors.js';
import { activateModel, listModels, rollbackModel } from '../../models-admin/store.js';
import { type ConsoleContext, type ConsoleEnv, messagePage, nav } from '../context.js';
import { t } from '../i18n.js';
import { Layout } from '../layout.js';
import { ActiveModel, base, tr, VersionTable } from './models-view.js';
import { ConfirmPage, confirmed, Notice, siteOf } from './page-kit.js';

/**
 * `/console/sites/:site/models…` — the developer's models page: the active version (trained when, its
 * metrics, data window, params, counts), every published version, activate one or roll back (two steps
 * without script). Same store calls as `/v1/admin/sites/:site/models`; store refusals are notices.
 */
export const modelsPages = new Hono<ConsoleEnv>();

/** The models page, with a notice on top (a store refusal, or what was just done). */
async function modelsPage(c: ConsoleContext, site: string, notice?: { kind: 'ok' | 'error'; text: string }, status: 200 | 404 | 409 = 200) {
  const lang = c.get('lang');
  const csrf = c.get('session')!.csrf;
  const { active, versions } = await listModels(c.env.PACKS, site);
  const current = versions.find((v) => v.version === active);
  return c.html(
    <Layout {...nav(c, site)} title={t(lang, 'models')}>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      {!versions.length ? <Notice>{tr(lang, 'noVersions', { site })}</Notice> : null}
      {active && !current ? <Notice kind="error">{tr(lang, 'activeMissing', { version: active })}</Notice> : null}
      {current ? <ActiveModel lang={lang} v={current} /> : null}
      {versions.length ? (
        <section aria-labelledby="versions-h">
          <h2 id="versions-h">{tr(lang, 'versions')}</h2>
          <VersionTable lang={lang} site={site} csrf={csrf} active={active} versions={versions} />
          {active && versions.length > 1 ? (
            <form method="post" action={`${base(site)}/rollback`} class="card" data-confirm={tr(lang, 'rollbackAsk')}>
              <input type="hidden" name="_csrf" value={csrf} />
              <p id="rollback-help" class="help">
                {tr(lang, 'rollbackHelp')}
              </p>
              <button type="submit" class="danger" aria-describedby="rollback-help">
                {tr(lang, 'rollback')}
              </button>
            </form>
          ) : null}
        </section>
      ) : null}
    </Layout>,
    status,
  );
}

/**
 * A store refusal as a notice on the page: an unknown version (404), nothing to roll back to or a
 * broken pack (409); `version` is the one being activated, absent for a rollback.
 */
function refused(c: ConsoleContext, site: string, e: unknown, version?: string) {
  if (!(e instanceof ApiError)) throw e;
  const lang = c.get('lang');
  const text =
    e.code === 'not_found' && version !== undefined
      ? tr(lang, 'notFound', { version })
      : e.code === 'conflict'
        ? version === undefined
          ? tr(lang, 'noEarlier')
          : tr(lang, 'packBroken', { version })
        : tr(lang, 'refused', { message: e.message });
  return modelsPage(c, site, { kind: 'error', text }, e.code === 'not_found' ? 404 : 409);
}

const notFound = (c: ConsoleContext) => messagePage(c, 404, t(c.get('lang'), 'notFoundTitle'), c.req.path.slice(0, 200));

modelsPages.get('/', async (c) => {
  const site = siteOf(c);
  if (!site) return notFound(c);
  // After an activation or rollback: the notice names the version now active (looked up, never echoed from the URL).
  if (c.req.query('done') === 'activated') {
    const { active } = await listModels(c.env.PACKS, site);
    if (active) return modelsPage(c, site, { kind: 'ok', text: tr(c.get('lang'), 'activated', { version: active }) });
  }
  return modelsPage(c, site);
});

modelsPages.post('/rollback', async (c) => {
  const site = siteOf(c);
  if (!site) return notFound(c);
  const lang = c.get('lang');
  if (!confirmed(await c.req.parseBody())) {
    const { active } = await listModels(c.env.PACKS, site);
    return c.html(
      <ConfirmPage
        c={c}
        site={site}
        title={tr(lang, 'rollbackTitle')}
        action={`${base(site)}/rollback`}
        button={tr(lang, 'rollback')}
        cancel={base(site)}
      >
        <p>{tr(lang, 'rollbackBody', { from: active ?? tr(lang, 'none') })}</p>
      </ConfirmPage>,
    );
  }
  try {
    await rollbackModel(c.env.PACKS, site);
  } catch (e) {
    return refused(c, site, e);
  }
  return c.redirect(`${base(site)}?done=activated`, 303);
});

modelsPages.post('/:version/activate', async (c) => {
  const site = siteOf(c);
  if (!site) return notFound(c);
  const lang = c.get('lang');
  const version = c.req.param('version').slice(0, 64);
  if (!confirmed(await c.req.parseBody())) {
    const { active, versions } = await listModels(c.env.PACKS, site);
    if (!versions.some((v) => v.version === version)) return refused(c, site, new ApiError('not_found', version), version);
    return c.html(
      <ConfirmPage
        c={c}
        site={site}
        title={tr(lang, 'activateTitle')}
        action={`${base(site)}/${encodeURIComponent(version)}/activate`}
        button={tr(lang, 'activateVersion', { version })}
        cancel={base(site)}
      >
        <p>{tr(lang, 'activateBody', { from: active ?? tr(lang, 'none'), version })}</p>
      </ConfirmPage>,
    );
  }
  try {
    await activateModel(c.env.PACKS, site, version);
  } catch (e) {
    return refused(c, site, e, version);
  }
  return c.redirect(`${base(site)}?done=activated`, 303);
});
