import { Hono } from 'hono';
import { Identifier } from '../../../../schema/ids.js';
import type { PlacementRulesResponse } from '../../../../schema/merchandising.js';
import type { KeyInfo } from '../../../../schema/sites.js';
import { listRules, readRules, writeRules } from '../../merchandising/store.js';
import { packStore } from '../../sites/middleware.js';
import { publicOrigin } from '../../sites/origin.js';
import type { SiteState } from '../../sites/site-store.js';
import { listKeys } from '../../sites/sites-store.js';
import { type ConsoleContext, type ConsoleEnv, messagePage, nav } from '../context.js';
import { dictionary, t } from '../i18n.js';
import { Layout } from '../layout.js';
import { field, Notice, siteOf, When } from './page-kit.js';
import { RulesEditor } from './placements-editor.js';
import { formFromBody, type PlacedIssue, type RulesForm, rulesToForm, validateForm } from './placements-form.js';
import { seenPlacements } from './placements-seen.js';
import { editPath, tr as listTr, OpenForm, RulesTable, SeenList, whoSaved } from './placements-view.js';
import { previewShopper, ShopperPreview, type ShopperResult, shopperInput } from './shopper-preview.js';

/**
 * `/console/sites/:site/placements…` — merchandising rules per placement for marketers and developers
 * (the roles `PUT /v1/admin/sites/:site/placements/:placement/rules` takes): the placements with rules
 * and those seen in recent events, a form per placement stored with the admin API's own `writeRules`,
 * and "see as a shopper" with the placement's saved rules.
 */
export const placementsPages = new Hono<ConsoleEnv>();

const tr = dictionary({
  current: ['当前版本', 'Current version'],
  none: [
    '尚未设置规则（使用默认值：排除已购买商品，20% 的列表在第 3 位放一个新品）。',
    'No rules yet (the defaults: purchases left out, a new product at place 3 in 20 % of lists).',
  ],
  savedAs: ['已保存为版本 {version}，保存者 {who}，时间 ', 'Saved as version {version} by {who} at '],
  versionBy: ['版本 {version} · {who} · ', 'version {version} · {who} · '],
  conflict: [
    '你打开此页后，{who} 已保存了版本 {version}。你的修改保留在下方、尚未保存；再次保存将覆盖版本 {version}。',
    'Version {version} was saved by {who} after you opened this page. Your changes are kept below, not saved; saving again replaces version {version}.',
  ],
  api: ['管理 API', 'Admin API'],
  json: ['当前规则（JSON）', 'Current rules (JSON)'],
  badPlacement: ['推荐位名称无效：{message}', 'Not a placement name: {message}'],
});

/** Placement names: as the admin API takes them (1–64 characters, no control characters). */
const Placement = Identifier(64);
const SEEN_DAYS = 30;

const notFound = (c: ConsoleContext) => messagePage(c, 404, t(c.get('lang'), 'notFoundTitle'), c.req.path.slice(0, 200));

placementsPages.get('/', async (c) => {
  const site = siteOf(c);
  if (!site) return notFound(c);
  const lang = c.get('lang');
  const open = c.req.query('open');
  let openError: string | undefined;
  if (open !== undefined) {
    const p = Placement.safeParse(open.trim());
    if (p.success) return c.redirect(editPath(site, p.data), 303);
    openError = tr(lang, 'badPlacement', { message: p.error.issues[0].message });
  }
  const [rows, seen, keys] = await Promise.all([
    listRules(c.env.DB, site),
    seenPlacements(c.env.DB, site, Date.now() - SEEN_DAYS * 86_400_000),
    listKeys(c.env.DB, site),
  ]);
  const withRules = new Set(rows.map((r) => r.placement));
  return c.html(
    <Layout {...nav(c, site)} title={t(lang, 'placements')}>
      <p class="help">{listTr(lang, 'intro')}</p>
      <section aria-labelledby="rules-h">
        <h2 id="rules-h">{listTr(lang, 'withRules')}</h2>
        <RulesTable lang={lang} site={site} rows={rows} keys={keys} />
      </section>
      <SeenList lang={lang} site={site} placements={seen.filter((p) => !withRules.has(p))} />
      <OpenForm lang={lang} site={site} value={open} error={openError} />
    </Layout>,
    openError ? 400 : 200,
  );
});

interface EditState {
  form: RulesForm;
  base: number;
  issues: PlacedIssue[];
  notice?: { kind: 'ok' | 'error'; text: string; when?: string };
  preview?: ShopperResult;
}

/** The edit page of one placement: what is stored now, the form (refilled after a refused POST), the preview. */
async function editPage(
  c: ConsoleContext,
  site: string,
  placement: string,
  current: PlacementRulesResponse,
  keys: KeyInfo[],
  s: EditState,
  status: 200 | 400 | 409 = 200,
) {
  const lang = c.get('lang');
  const input = shopperInput(c);
  let preview: ShopperResult = { kind: 'idle' };
  if (input) {
    let state: SiteState | undefined;
    try {
      state = await packStore.get(c.env, site);
    } catch (e) {
      // KV unreachable before this isolate ever read the site: the preview says "no model".
      console.error(`console: site ${site} state unavailable: ${(e as Error).message}`);
    }
    preview = await previewShopper(c, site, state, input, publicOrigin(c.req.url, state?.config), placement);
  }
  const apiPath = `/v1/admin/sites/${site}/placements/${encodeURIComponent(placement)}/rules`;
  return c.html(
    <Layout {...nav(c, site)} title={`${t(lang, 'placements')}: ${placement}`}>
      {s.notice ? (
        <Notice kind={s.notice.kind}>
          {s.notice.text}
          {s.notice.when ? <When iso={s.notice.when} lang={lang} /> : null}
        </Notice>
      ) : null}
      <dl class="facts">
        <dt>{listTr(lang, 'placement')}</dt>
        <dd>
          <code id="placement-name">{placement}</code>
        </dd>
        <dt>{tr(lang, 'current')}</dt>
        <dd id="current-version">
          {current.version === 0 ? (
            tr(lang, 'none')
          ) : (
            <>
              {tr(lang, 'versionBy', { version: current.version, who: whoSaved(lang, current.updatedBy, keys) })}
              <When iso={current.updatedAt} lang={lang} />
            </>
          )}
        </dd>
        <dt>{tr(lang, 'api')}</dt>
        <dd>
          <code>{`GET|PUT ${apiPath}`}</code>
        </dd>
      </dl>
      <RulesEditor
        lang={lang}
        site={site}
        placement={placement}
        csrf={c.get('session')!.csrf}
        form={s.form}
        base={s.base}
        issues={s.issues}
      />
      {current.version > 0 ? (
        <details class="card">
          <summary>{tr(lang, 'json')}</summary>
          <pre class="json">
            <code>{JSON.stringify(current.rules, null, 2)}</code>
          </pre>
        </details>
      ) : null}
      <ShopperPreview lang={lang} site={site} placement={placement} action={editPath(site, placement)} input={input} result={preview} />
    </Layout>,
    status,
  );
}

/** The `:placement` of the request when the admin API would take it. */
function placementOf(c: ConsoleContext): string | undefined {
  const p = Placement.safeParse(c.req.param('placement'));
  return p.success ? p.data : undefined;
}

placementsPages.get('/:placement', async (c) => {
  const site = siteOf(c);
  const placement = placementOf(c);
  if (!site || placement === undefined) return notFound(c);
  const lang = c.get('lang');
  const [current, keys] = await Promise.all([readRules(c.env.DB, site, placement), listKeys(c.env.DB, site)]);
  // After a save (POST → 303 here): the notice reads the stored version, never the query's text.
  const justSaved = current.version > 0 && c.req.query('saved') === String(current.version);
  const notice = justSaved
    ? {
        kind: 'ok' as const,
        text: tr(lang, 'savedAs', { version: current.version, who: whoSaved(lang, current.updatedBy, keys) }),
        when: current.updatedAt,
      }
    : undefined;
  return editPage(c, site, placement, current, keys, { form: rulesToForm(current.rules), base: current.version, issues: [], notice });
});

placementsPages.post('/:placement', async (c) => {
  const site = siteOf(c);
  const placement = placementOf(c);
  if (!site || placement === undefined) return notFound(c);
  const lang = c.get('lang');
  const body = await c.req.parseBody();
  const form = formFromBody(body);
  const [current, keys] = await Promise.all([readRules(c.env.DB, site, placement), listKeys(c.env.DB, site)]);
  const checked = validateForm(form, (n) => listTr(lang, 'lineN', { n }));
  if (!checked.ok)
    return editPage(c, site, placement, current, keys, { form, base: Number(field(body, 'base')) || 0, issues: checked.issues }, 400);
  // Someone saved since this form was opened: keep this person's input and say so, rather than overwrite unseen.
  if (field(body, 'base') !== String(current.version)) {
    const text = tr(lang, 'conflict', { version: current.version, who: whoSaved(lang, current.updatedBy, keys) });
    return editPage(c, site, placement, current, keys, { form, base: current.version, issues: [], notice: { kind: 'error', text } }, 409);
  }
  const saved = await writeRules(c.env.DB, c.env.PACKS, site, placement, checked.rules, c.get('session')!.principal.subject);
  return c.redirect(`${editPath(site, placement)}?saved=${saved.version}`, 303);
});
