import { type Context, Hono } from 'hono';
import type { SiteConfig } from '../../../../schema/catalog.js';
import type { Issue } from '../../../../schema/errors.js';
import { toIssues } from '../../../../schema/errors.js';
import { SITE_ID_PATTERN } from '../../../../schema/ids.js';
import { LinkDefinition } from '../../../../schema/routing.js';
import { SimulateRequest } from '../../../../schema/routing-admin.js';
import { ApiError } from '../../http/errors.js';
import { dayRange } from '../../lib/days.js';
import { qrPng, qrSvg } from '../../lib/qr.js';
import { currentLink, getVersion, jsonDiff, listLinks, listVersions, saveVersion } from '../../links/admin-store.js';
import { checkLinkHosts, linkStatsSummary, simulateLink, withWarnings } from '../../links/service.js';
import { packStore } from '../../sites/middleware.js';
import { publicUrl } from '../../sites/origin.js';
import { BarChart } from '../charts.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { messagePage, nav } from '../context.js';
import { dictionary, type Lang, t } from '../i18n.js';
import { Layout } from '../layout.js';

/** `/console/sites/:site/links…` — the marketer's pages: list, create, edit rules, simulate, publish, versions, results. */
export const linksPages = new Hono<ConsoleEnv>();

const tr = dictionary({
  title: ['推广链接', 'Campaign links'],
  none: ['还没有推广链接。', 'No links yet.'],
  name: ['名称', 'Name'],
  slug: ['短链标识', 'Slug'],
  slugHelp: [
    '小写字母、数字和短横线，例如 spring-sale；访问地址为 /r/<标识>。',
    'Lowercase letters, digits and dashes, e.g. spring-sale; the link is /r/<slug>.',
  ],
  shortUrl: ['短链接', 'Short URL'],
  version: ['版本', 'Version'],
  rules: ['规则', 'Rules'],
  today: ['今日访问', 'Today'],
  week: ['本周访问', 'This week'],
  perTarget: ['按目标', 'Per target'],
  create: ['新建推广链接', 'New campaign link'],
  createButton: ['创建', 'Create'],
  defaultTarget: ['默认目标', 'Default target'],
  kind: ['目标类型', 'Target type'],
  url: ['网址', 'URL'],
  appId: ['小程序 AppID', 'Mini-program AppID'],
  appKey: ['智能小程序 AppKey', 'Smart mini-program AppKey'],
  path: ['页面路径', 'Page path'],
  fallbackUrl: ['H5 备用页', 'H5 fallback'],
  kindWechat: ['微信小程序', 'WeChat mini-program'],
  kindBaidu: ['百度智能小程序', 'Baidu smart mini-program'],
  kindH5: ['H5 网页', 'H5 page'],
  kindQr: ['二维码页', 'QR page'],
  kindHelp: [
    '只填所选类型需要的字段：H5/二维码填网址；微信填 AppID 和页面路径；百度填 AppKey、页面路径，可选 H5 备用页。',
    'Fill in only what the chosen type needs: URL for H5/QR; AppID and page path for WeChat; AppKey, page path and an optional H5 fallback for Baidu.',
  ],
  open: ['编辑', 'Edit'],
  editor: ['规则编辑', 'Rules'],
  noScript: [
    '规则编辑器需要 JavaScript。没有 JavaScript 时，可以直接编辑下面的 JSON 定义并发布。',
    'The rule editor needs JavaScript. Without it, edit the JSON definition below and publish.',
  ],
  definition: ['链接定义（JSON）', 'Link definition (JSON)'],
  publish: ['发布新版本', 'Publish a new version'],
  published: ['已发布版本 {v}。', 'Published version {v}.'],
  simulate: ['模拟访问', 'Simulate a visit'],
  versions: ['版本历史', 'Version history'],
  who: ['操作人', 'By'],
  when: ['时间', 'When'],
  note: ['备注', 'Note'],
  changes: ['变更', 'Changes'],
  rollback: ['回滚到此版本', 'Roll back to this version'],
  rollbackConfirm: [
    '回滚到版本 {v}？这会发布一个与版本 {v} 相同的新版本。',
    'Roll back to version {v}? This publishes a new version equal to version {v}.',
  ],
  rolledBack: ['已回滚：版本 {v} 的内容发布为版本 {n}。', 'Rolled back: version {v} is published as version {n}.'],
  current: ['当前', 'current'],
  results: ['访问效果', 'Results'],
  days7: ['最近 7 天', 'Last 7 days'],
  days30: ['最近 30 天', 'Last 30 days'],
  byRule: ['按规则的访问', 'Visits per rule'],
  byTarget: ['按目标的访问', 'Visits per target'],
  visits: ['访问', 'visits'],
  total: ['合计 {n} 次访问', '{n} visits in all'],
  qr: ['二维码', 'QR code'],
  downloadPng: ['下载 PNG', 'Download PNG'],
  downloadSvg: ['下载 SVG', 'Download SVG'],
  copy: ['复制', 'Copy'],
  copied: ['已复制', 'Copied'],
  defaultRule: ['默认', 'default'],
  noChanges: ['（无变更）', '(no changes)'],
  unknownSite: ['未知站点。', 'Unknown site.'],
  warnings: ['提醒', 'Heads-up'],
});

type LinkStats = Awaited<ReturnType<typeof linkStatsSummary>>;

/** The site's config (link hosts, public origin), or a 404 page when the site does not exist. */
async function siteConfig(c: ConsoleContext): Promise<{ site: string; config?: SiteConfig } | Response> {
  const site = c.req.param('site') ?? '';
  const state = SITE_ID_PATTERN.test(site) ? await packStore.get(c.env, site) : { exists: false as const };
  if (!state.exists) return messagePage(c, 404, tr(c.get('lang'), 'unknownSite'), site.slice(0, 64));
  return { site, config: state.config };
}

const shortUrl = (c: Context, config: SiteConfig | undefined, slug: string) => new URL(`/r/${slug}`, publicUrl(c.req.url, config)).href;

/** `h5`, `wechat-miniprogram`, `wechat-miniprogram:v1` (split variant) → a readable label. */
function targetLabel(lang: Lang, key: string): string {
  const [kind, variant] = key.split(':');
  const name =
    kind === 'wechat-miniprogram'
      ? tr(lang, 'kindWechat')
      : kind === 'baidu-swan'
        ? tr(lang, 'kindBaidu')
        : kind === 'h5'
          ? tr(lang, 'kindH5')
          : kind === 'qr'
            ? tr(lang, 'kindQr')
            : kind === 'douyin-miniprogram'
              ? lang === 'en'
                ? 'Douyin mini-program'
                : '抖音小程序'
              : kind === 'alipay-miniprogram'
                ? lang === 'en'
                  ? 'Alipay mini-program'
                  : '支付宝小程序'
                : kind;
  return variant ? `${name} (${variant})` : name;
}

// ─── list + create ──────────────────────────────────────────────────────────────────────────────

interface CreateForm {
  slug?: string;
  name?: string;
  kind?: string;
  url?: string;
  appId?: string;
  appKey?: string;
  path?: string;
  fallbackUrl?: string;
}

/** Issues of the create form, by field name. */
function fieldErrors(issues: Issue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const last = [...i.path]
      .reverse()
      .find((p) => typeof p === 'string' && ['slug', 'name', 'url', 'appId', 'appKey', 'path', 'fallbackUrl'].includes(p));
    const key = (last as string | undefined) ?? 'form';
    out[key] ??= i.message;
  }
  return out;
}

function Field(props: { id: string; label: string; value?: string; error?: string; help?: string; required?: boolean; type?: string }) {
  const describedBy = [props.help ? `${props.id}-help` : '', props.error ? `${props.id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div>
      <label for={props.id}>{props.label}</label>
      {props.help ? (
        <p class="help" id={`${props.id}-help`}>
          {props.help}
        </p>
      ) : null}
      <input
        id={props.id}
        name={props.id}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        required={props.required}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
      />
      {props.error ? (
        <p class="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

async function listPage(
  c: ConsoleContext,
  site: string,
  config: SiteConfig | undefined,
  form: CreateForm = {},
  errors: Record<string, string> = {},
) {
  const lang = c.get('lang');
  const links = (await listLinks(c.env.DB, site)).slice(0, 200);
  const today = dayRange({}, 1);
  const week = dayRange({}, 7);
  const stats = await Promise.all(links.map((l) => linkStatsSummary(c.env.DB, l.slug, week.from, week.to)));
  const csrf = c.get('session')!.csrf;
  const kinds: [string, string][] = [
    ['h5', tr(lang, 'kindH5')],
    ['wechat-miniprogram', tr(lang, 'kindWechat')],
    ['baidu-swan', tr(lang, 'kindBaidu')],
    ['qr', tr(lang, 'kindQr')],
  ];
  return c.html(
    <Layout {...nav(c, site)} title={tr(lang, 'title')}>
      {links.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{tr(lang, 'name')}</th>
                <th scope="col">{tr(lang, 'shortUrl')}</th>
                <th scope="col" class="num">
                  {tr(lang, 'version')}
                </th>
                <th scope="col" class="num">
                  {tr(lang, 'today')}
                </th>
                <th scope="col" class="num">
                  {tr(lang, 'week')}
                </th>
                <th scope="col">{tr(lang, 'perTarget')}</th>
              </tr>
            </thead>
            <tbody>
              {links.map((l, i) => {
                const s = stats[i];
                const todayCount = s.stats.filter((r) => r.day === today.to).reduce((n, r) => n + r.count, 0);
                return (
                  <tr>
                    <td>
                      <a href={`/console/sites/${site}/links/${l.slug}`}>{l.name || l.slug}</a>
                      <br />
                      <code>{l.slug}</code>
                    </td>
                    <td>
                      <code>{shortUrl(c, config, l.slug)}</code>
                    </td>
                    <td class="num">{l.version}</td>
                    <td class="num">{todayCount}</td>
                    <td class="num">{s.total}</td>
                    <td>
                      {Object.entries(s.byTarget)
                        .sort((a, b) => b[1] - a[1])
                        .map(([k, n]) => `${targetLabel(lang, k)} ${n}`)
                        .join(' · ')}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{tr(lang, 'none')}</p>
      )}

      <h2 id="create">{tr(lang, 'create')}</h2>
      <form method="post" action={`/console/sites/${site}/links`} class="card" novalidate>
        <input type="hidden" name="_csrf" value={csrf} />
        {errors.form ? (
          <p class="notice error" role="alert">
            {errors.form}
          </p>
        ) : null}
        <div class="row">
          <Field id="slug" label={tr(lang, 'slug')} help={tr(lang, 'slugHelp')} value={form.slug} error={errors.slug} required />
          <Field id="name" label={tr(lang, 'name')} value={form.name} error={errors.name} />
        </div>
        <fieldset>
          <legend>{tr(lang, 'defaultTarget')}</legend>
          <label for="kind">{tr(lang, 'kind')}</label>
          <p class="help" id="kind-help">
            {tr(lang, 'kindHelp')}
          </p>
          <select id="kind" name="kind" aria-describedby="kind-help">
            {kinds.map(([v, label]) => (
              <option value={v} selected={(form.kind ?? 'h5') === v}>
                {label}
              </option>
            ))}
          </select>
          <div class="row">
            <Field id="url" label={tr(lang, 'url')} value={form.url} error={errors.url} />
            <Field id="appId" label={tr(lang, 'appId')} value={form.appId} error={errors.appId} />
            <Field id="appKey" label={tr(lang, 'appKey')} value={form.appKey} error={errors.appKey} />
            <Field id="path" label={tr(lang, 'path')} value={form.path} error={errors.path} />
            <Field id="fallbackUrl" label={tr(lang, 'fallbackUrl')} value={form.fallbackUrl} error={errors.fallbackUrl} />
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit">{tr(lang, 'createButton')}</button>
        </div>
      </form>
    </Layout>,
    Object.keys(errors).length ? 400 : 200,
  );
}

linksPages.get('/', async (c) => {
  const s = await siteConfig(c);
  if (s instanceof Response) return s;
  return listPage(c, s.site, s.config);
});

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** The default target the create form describes (only the fields its kind uses). */
function formTarget(f: CreateForm): unknown {
  switch (f.kind) {
    case 'wechat-miniprogram':
      return { kind: f.kind, appId: f.appId, path: f.path ?? '' };
    case 'baidu-swan':
      return { kind: f.kind, appKey: f.appKey, path: f.path ?? '', ...(f.fallbackUrl ? { fallbackUrl: f.fallbackUrl } : {}) };
    case 'qr':
      return { kind: f.kind, ...(f.url ? { url: f.url } : {}) };
    default:
      return { kind: 'h5', url: f.url };
  }
}

linksPages.post('/', async (c) => {
  const s = await siteConfig(c);
  if (s instanceof Response) return s;
  const body = await c.req.parseBody();
  const form: CreateForm = Object.fromEntries(
    ['slug', 'name', 'kind', 'url', 'appId', 'appKey', 'path', 'fallbackUrl'].map((k) => [k, str(body[k]) || undefined]),
  );
  const parsed = LinkDefinition.safeParse({
    slug: form.slug ?? '',
    ...(form.name ? { name: form.name } : {}),
    rules: [],
    default: { type: 'target', target: formTarget(form) },
  });
  if (!parsed.success) return listPage(c, s.site, s.config, form, fieldErrors(toIssues(parsed.error)));
  try {
    checkLinkHosts(parsed.data, s.config);
    await saveVersion(c.env.DB, c.env.PACKS, s.site, parsed.data, c.get('session')!.principal, 'create');
  } catch (e) {
    if (e instanceof ApiError) {
      const errors = e.issues?.length ? fieldErrors(e.issues) : e.code === 'conflict' ? { slug: e.message } : { form: e.message };
      return listPage(c, s.site, s.config, form, errors);
    }
    throw e;
  }
  return c.redirect(`/console/sites/${s.site}/links/${parsed.data.slug}`, 303);
});

// ─── one link: editor, simulate, publish, versions, results, QR ─────────────────────────────────

const PRESETS = {
  'wechat-ios':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN',
  'wechat-android':
    'Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
  wecom:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.22 MicroMessenger/7.0.1 Language/zh',
  'baidu-android':
    'Mozilla/5.0 (Linux; Android 12; PEHM00 Build/SKQ1.210216.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/97.0.4692.98 Mobile Safari/537.36 T7/13.42 SP-engine/2.80.0 baiduboxapp/13.42.0.10 (Baidu; P1 12) NABar/1.0',
  'baidu-swan':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 swan/2.60.0 swan-baiduboxapp/13.42.0.10 baiduboxapp/13.42.0.10 (Baidu; P2 16.6)',
  'desktop-chrome': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  crawler: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
} as const;
/** Simulate presets (the console's select), as [id, zh-CN, en]. */
export const SIMULATE_PRESETS: [keyof typeof PRESETS, string, string][] = [
  ['wechat-ios', '微信（iPhone）', 'WeChat on iPhone'],
  ['wechat-android', '微信（Android）', 'WeChat on Android'],
  ['wecom', '企业微信', 'WeCom'],
  ['baidu-android', '百度 App（Android）', 'Baidu app on Android'],
  ['baidu-swan', '百度智能小程序 web-view', 'Baidu smart mini-program web-view'],
  ['desktop-chrome', '桌面 Chrome', 'Desktop Chrome'],
  ['crawler', '爬虫', 'A crawler'],
];

async function loadLink(c: ConsoleContext, site: string) {
  return currentLink(c.env.DB, site, c.req.param('slug') ?? '');
}

function ResultsSection(props: { lang: Lang; days: number; stats: LinkStats; site: string; slug: string; ruleIds: string[] }) {
  const { lang, stats } = props;
  const labels: string[] = [];
  for (let t = Date.parse(`${stats.from}T00:00:00Z`); t <= Date.parse(`${stats.to}T00:00:00Z`); t += 86_400_000)
    labels.push(new Date(t).toISOString().slice(5, 10));
  const days = labels.map((l) => `${stats.from.slice(0, 4)}-${l}`);
  const seriesOf = (key: 'rule' | 'target', names: string[]) =>
    names.map((name) => ({
      name: key === 'rule' ? (name === 'default' ? tr(lang, 'defaultRule') : name) : targetLabel(lang, name),
      values: days.map((d) => stats.stats.filter((r) => r.day === d && r[key] === name).reduce((n, r) => n + r.count, 0)),
    }));
  const base = `/console/sites/${props.site}/links/${props.slug}`;
  return (
    <section aria-labelledby="results">
      <h2 id="results">{tr(lang, 'results')}</h2>
      <p>
        <a href={`${base}?days=7#results`} aria-current={props.days === 7 ? 'true' : undefined}>
          {tr(lang, 'days7')}
        </a>
        {' · '}
        <a href={`${base}?days=30#results`} aria-current={props.days === 30 ? 'true' : undefined}>
          {tr(lang, 'days30')}
        </a>
      </p>
      <p>{tr(lang, 'total', { n: stats.total })}</p>
      <BarChart
        title={tr(lang, 'byRule')}
        labels={labels}
        series={seriesOf('rule', Object.keys(stats.byRule))}
        lang={lang}
        stacked
        unit={tr(lang, 'visits')}
      />
      <BarChart
        title={tr(lang, 'byTarget')}
        labels={labels}
        series={seriesOf('target', Object.keys(stats.byTarget))}
        lang={lang}
        stacked
        unit={tr(lang, 'visits')}
      />
    </section>
  );
}

/** JSON for a `<script type="application/json">` block: `<` escaped so no markup can close it. */
const jsonBlock = (v: unknown) =>
  JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

linksPages.get('/:slug', async (c) => {
  const s = await siteConfig(c);
  if (s instanceof Response) return s;
  const lang = c.get('lang');
  const { link, version } = await loadLink(c, s.site);
  const days = c.req.query('days') === '30' ? 30 : 7;
  const range = dayRange({}, days);
  const [versions, stats] = await Promise.all([
    listVersions(c.env.DB, s.site, link.slug),
    linkStatsSummary(c.env.DB, link.slug, range.from, range.to),
  ]);
  // Readable diffs between each version and the one before it (the latest 20).
  const shown = versions.slice(0, 20);
  const diffs = await Promise.all(
    shown.map(async (v) => {
      if (v.version <= 1) return null;
      try {
        const [a, b] = await Promise.all([
          getVersion(c.env.DB, s.site, link.slug, v.version - 1),
          getVersion(c.env.DB, s.site, link.slug, v.version),
        ]);
        return jsonDiff(a, b);
      } catch {
        return null;
      }
    }),
  );
  const csrf = c.get('session')!.csrf;
  const short = shortUrl(c, s.config, link.slug);
  const base = `/console/sites/${s.site}/links/${link.slug}`;
  const notice = c.req.query('published') ? tr(lang, 'published', { v: c.req.query('published')! }) : undefined;
  const rolled = c.req.query('rolledback');
  const warnings = withWarnings(link).warnings ?? [];
  return c.html(
    <Layout {...nav(c, s.site)} title={link.name || link.slug}>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      {rolled ? (
        <p class="notice" role="status">
          {tr(lang, 'rolledBack', { v: rolled, n: version })}
        </p>
      ) : null}
      {warnings.length ? (
        <div class="notice" role="status">
          <strong>{tr(lang, 'warnings')}</strong>
          <ul>
            {warnings.map((w) => (
              <li>{typeof w === 'string' ? w : JSON.stringify(w)}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div class="card">
        <label for="short-url">{tr(lang, 'shortUrl')}</label>
        <div class="row">
          <input id="short-url" type="text" readonly value={short} />
          <button type="button" class="secondary" data-copy="#short-url" data-copied={tr(lang, 'copied')} hidden>
            {tr(lang, 'copy')}
          </button>
        </div>
        <p>
          {tr(lang, 'version')}: <strong id="current-version">{version}</strong>
        </p>
      </div>

      {/* Data, not code: `type` keeps the browser from running it (and CSP forbids inline scripts); `<` is escaped. */}
      <script
        type="application/json"
        id="link-data"
        dangerouslySetInnerHTML={{
          __html: jsonBlock({
            link,
            site: s.site,
            version,
            lang,
            presets: SIMULATE_PRESETS,
            publishUrl: `${base}/publish`,
            simulateUrl: `${base}/simulate`,
          }),
        }}
      />
      <div class="grid2">
        <section aria-labelledby="editor-title">
          <h2 id="editor-title">{tr(lang, 'editor')}</h2>
          <div id="editor" data-state="loading">
            <noscript>
              <p>{tr(lang, 'noScript')}</p>
            </noscript>
            <form method="post" action={`${base}/publish`} class="card" id="json-form">
              <input type="hidden" name="_csrf" value={csrf} />
              <label for="definition">{tr(lang, 'definition')}</label>
              <textarea id="definition" name="definition" rows={16}>
                {JSON.stringify(link, null, 2)}
              </textarea>
              <div class="actions">
                <button type="submit">{tr(lang, 'publish')}</button>
              </div>
            </form>
          </div>
        </section>
        <section aria-labelledby="simulate-title">
          <h2 id="simulate-title">{tr(lang, 'simulate')}</h2>
          <div id="simulate"></div>
        </section>
      </div>

      <section aria-labelledby="versions">
        <h2 id="versions">{tr(lang, 'versions')}</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col" class="num">
                  {tr(lang, 'version')}
                </th>
                <th scope="col">{tr(lang, 'when')}</th>
                <th scope="col">{tr(lang, 'who')}</th>
                <th scope="col">{tr(lang, 'changes')}</th>
                <th scope="col">
                  <span class="sr-only">{tr(lang, 'rollback')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((v, i) => (
                <tr>
                  <td class="num">
                    {v.version}
                    {v.version === version ? <span class="badge">{tr(lang, 'current')}</span> : null}
                  </td>
                  <td>{v.createdAt}</td>
                  <td>
                    <code>{v.createdBy}</code>
                    {v.note ? <div>{v.note}</div> : null}
                  </td>
                  <td>
                    {diffs[i] === null ? (
                      '—'
                    ) : diffs[i]!.length ? (
                      <ul class="diff">
                        {diffs[i]!.slice(0, 12).map((d) => (
                          <li>
                            <code>{d.path || '/'}</code>: {d.from === undefined ? '∅' : JSON.stringify(d.from).slice(0, 80)} →{' '}
                            {d.to === undefined ? '∅' : JSON.stringify(d.to).slice(0, 80)}
                          </li>
                        ))}
                      </ul>
                    ) : (
                      tr(lang, 'noChanges')
                    )}
                  </td>
                  <td>
                    {v.version !== version ? (
                      <form
                        method="post"
                        action={`${base}/rollback`}
                        class="inline"
                        data-confirm={tr(lang, 'rollbackConfirm', { v: v.version })}
                      >
                        <input type="hidden" name="_csrf" value={csrf} />
                        <input type="hidden" name="version" value={String(v.version)} />
                        <button type="submit" class="secondary">
                          {tr(lang, 'rollback')}
                          <span class="sr-only"> v{v.version}</span>
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <ResultsSection lang={lang} days={days} stats={stats} site={s.site} slug={link.slug} ruleIds={link.rules.map((r) => r.id)} />

      <section aria-labelledby="qr" class="qr">
        <h2 id="qr">{tr(lang, 'qr')}</h2>
        <img src={`${base}/qr.svg`} alt={`${tr(lang, 'qr')}: ${short}`} width={180} height={180} />
        <p class="actions">
          <a class="button secondary" href={`${base}/qr.png`} download={`${link.slug}.png`}>
            {tr(lang, 'downloadPng')}
          </a>
          <a class="button secondary" href={`${base}/qr.svg?download=1`} download={`${link.slug}.svg`}>
            {tr(lang, 'downloadSvg')}
          </a>
        </p>
      </section>
    </Layout>,
  );
});

/** Publishes a new version: JSON (the editor: 400 `{error: {issues}}`) or the no-script form (`definition`). */
linksPages.post('/:slug/publish', async (c) => {
  const s = await siteConfig(c);
  if (s instanceof Response) return s;
  const slug = c.req.param('slug');
  const isJson = (c.req.header('content-type') ?? '').startsWith('application/json');
  let body: unknown;
  try {
    body = isJson ? await c.req.json() : JSON.parse(str((await c.req.parseBody()).definition));
  } catch {
    throw new ApiError('invalid_json', 'the definition is not valid JSON');
  }
  const fail = (message: string, issues: Issue[]) =>
    isJson
      ? c.json({ error: { code: 'invalid_request', message, issues } }, 400)
      : messagePage(
          c,
          400,
          tr(c.get('lang'), 'publish'),
          `${message}${issues.length ? ` (${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})` : ''}`,
          s.site,
        );
  const parsed = LinkDefinition.safeParse(body);
  if (!parsed.success) return fail('invalid link', toIssues(parsed.error));
  if (parsed.data.slug !== slug)
    return fail(`the slug cannot change here (${slug})`, [{ code: 'custom', path: ['slug'], message: 'must stay the same' }]);
  await currentLink(c.env.DB, s.site, slug); // 404 for an unknown link
  try {
    checkLinkHosts(parsed.data, s.config);
  } catch (e) {
    if (e instanceof ApiError) return fail(e.message, e.issues ?? []);
    throw e;
  }
  const res = await saveVersion(c.env.DB, c.env.PACKS, s.site, parsed.data, c.get('session')!.principal, 'update');
  if (isJson) return c.json({ slug, ...res, ...withWarnings(parsed.data) });
  return c.redirect(`/console/sites/${s.site}/links/${slug}?published=${res.version}`, 303);
});

/** Simulates a visit against a draft definition (not saved): the editor's preview. */
linksPages.post('/:slug/simulate', async (c) => {
  const s = await siteConfig(c);
  if (s instanceof Response) return s;
  const body = (await c.req.json().catch(() => null)) as { link?: unknown; preset?: string; sim?: unknown } | null;
  const link = LinkDefinition.safeParse(body?.link);
  if (!link.success) return c.json({ error: { code: 'invalid_request', message: 'invalid link', issues: toIssues(link.error) } }, 400);
  const preset = body?.preset && body.preset in PRESETS ? PRESETS[body.preset as keyof typeof PRESETS] : undefined;
  const sim = SimulateRequest.safeParse({ ...(body?.sim as object), ...(preset ? { ua: preset } : {}) });
  if (!sim.success) return c.json({ error: { code: 'invalid_request', message: 'invalid simulation', issues: toIssues(sim.error) } }, 400);
  return c.json(await simulateLink(link.data, sim.data, c.req.url, s.config, c.env));
});

/** Rollback: the first POST without `confirm=yes` answers a confirmation page (no-script users); then it publishes. */
linksPages.post('/:slug/rollback', async (c) => {
  const s = await siteConfig(c);
  if (s instanceof Response) return s;
  const lang = c.get('lang');
  const slug = c.req.param('slug');
  const form = await c.req.parseBody();
  const target = Number(str(form.version));
  if (!Number.isInteger(target) || target < 1) throw new ApiError('invalid_request', 'version must be a positive integer');
  const old = await getVersion(c.env.DB, s.site, slug, target);
  if (str(form.confirm) !== 'yes' && !c.req.header('x-confirmed')) {
    // JS confirmed with data-confirm already sends confirm=yes (console.js); without JS, this page asks.
    return c.html(
      <Layout {...nav(c, s.site)} title={tr(lang, 'rollback')}>
        <form method="post" action={`/console/sites/${s.site}/links/${slug}/rollback`} class="card">
          <p>{tr(lang, 'rollbackConfirm', { v: target })}</p>
          <input type="hidden" name="_csrf" value={c.get('session')!.csrf} />
          <input type="hidden" name="version" value={String(target)} />
          <input type="hidden" name="confirm" value="yes" />
          <div class="actions">
            <button type="submit">{tr(lang, 'rollback')}</button>
            <a class="button secondary" href={`/console/sites/${s.site}/links/${slug}`}>
              {t(lang, 'cancel')}
            </a>
          </div>
        </form>
      </Layout>,
    );
  }
  checkLinkHosts(old, s.config);
  await saveVersion(c.env.DB, c.env.PACKS, s.site, old, c.get('session')!.principal, 'rollback', `rollback to v${target}`);
  return c.redirect(`/console/sites/${s.site}/links/${slug}?rolledback=${target}`, 303);
});

linksPages.get('/:slug/qr.svg', async (c) => {
  const s = await siteConfig(c);
  if (s instanceof Response) return s;
  const { link } = await loadLink(c, s.site);
  const headers: Record<string, string> = { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'no-store' };
  if (c.req.query('download')) headers['content-disposition'] = `attachment; filename="${link.slug}.svg"`;
  return c.body(qrSvg(shortUrl(c, s.config, link.slug)), 200, headers);
});

linksPages.get('/:slug/qr.png', async (c) => {
  const s = await siteConfig(c);
  if (s instanceof Response) return s;
  const { link } = await loadLink(c, s.site);
  const png = await qrPng(shortUrl(c, s.config, link.slug), 8);
  return c.body(png, 200, {
    'content-type': 'image/png',
    'content-disposition': `attachment; filename="${link.slug}.png"`,
    'cache-control': 'no-store',
  });
});
