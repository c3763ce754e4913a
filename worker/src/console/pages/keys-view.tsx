import type { KeyInfo, KeyRole, NewKey, SiteInfo } from '../../../../schema/sites.js';
import { type ConsoleContext, nav } from '../context.js';
import { dictionary, type Lang, t } from '../i18n.js';
import { Layout } from '../layout.js';
import { Notice, When } from './page-kit.js';

/** The keys page's parts (worker/src/console/pages/keys.tsx assembles them): its strings, tables and forms. */

export const tr = dictionary({
  settings: ['站点设置', 'Site settings'],
  settingsHelp: [
    '这些设置在此只读；用开发者密钥调用 PATCH /v1/admin/sites/{site} 修改。',
    'Read-only here; change them with PATCH /v1/admin/sites/{site} and a developer key.',
  ],
  name: ['名称', 'Name'],
  allowedOrigins: ['允许的来源（CORS）', 'Allowed origins (CORS)'],
  linkHosts: ['推广链接域名', 'Link hosts'],
  currency: ['币种', 'Currency'],
  publicOrigin: ['公开地址', 'Public origin'],
  none: ['（无）', '(none)'],
  keyList: ['全部密钥', 'All keys'],
  noKeys: ['还没有密钥。', 'No keys yet.'],
  role: ['角色', 'Role'],
  label: ['备注', 'Label'],
  hint: ['末四位', 'Last 4'],
  created: ['创建时间', 'Created'],
  createdBy: ['创建者', 'Created by'],
  status: ['状态', 'Status'],
  active: ['有效', 'active'],
  revokedAt: ['已吊销', 'revoked'],
  actions: ['操作', 'Actions'],
  revoke: ['吊销', 'Revoke'],
  revokeKey: ['吊销密钥 …{hint}', 'Revoke key …{hint}'],
  revokeAsk: ['确定吊销密钥 …{hint}？使用它的应用将无法再访问。', 'Revoke key …{hint}? Apps using it will stop working.'],
  revokeTitle: ['吊销密钥', 'Revoke a key'],
  revokeBody: [
    '吊销后，使用此密钥的应用和控制台会话将在约一分钟内失效，且无法恢复。',
    'Apps and console sessions using this key stop working within about a minute; this cannot be undone.',
  ],
  revokeSelf: ['这是你当前登录所用的密钥：吊销后你将被退出登录。', 'You are signed in with this key: revoking it signs you out.'],
  revoked: ['密钥 …{hint} 已吊销。', 'Key …{hint} revoked.'],
  notActive: ['没有这个有效密钥（可能已被吊销）。', 'No such active key (it may be revoked already).'],
  createTitle: ['新建密钥', 'Create a key'],
  roleHelp: [
    'public：前端 SDK（读取推荐、上报事件）；developer：模型、密钥、商品；marketer：推广链接和规则。',
    'public: the storefront SDK (read picks, send events); developer: models, keys, catalog; marketer: links and rules.',
  ],
  labelHelp: ['可选，最多 100 个字符，例如“小程序”或“张三”。', 'Optional, up to 100 characters, e.g. "mini-program" or "Alex".'],
  create: ['创建密钥', 'Create key'],
  createdTitle: ['新密钥', 'New key'],
  shownOnce: [
    '请立即复制并妥善保存：此密钥只显示这一次，离开本页后无法再次查看。',
    'Copy it now and keep it safe: this key is shown only once and cannot be shown again after you leave this page.',
  ],
  token: ['密钥', 'Key'],
  copy: ['复制', 'Copy'],
  copied: ['已复制', 'Copied'],
  backToKeys: ['返回密钥列表', 'Back to keys'],
  demoNoKeys: [
    '这是演示站点（DEMO_SITE），不是通过管理 API 创建的，所以没有密钥和可修改的设置。',
    'This is the demo site (DEMO_SITE): it was not created through the admin API, so it has no keys or settings to show.',
  ],
  unknownSite: ['站点 {site} 不是通过管理 API 创建的，没有密钥。', 'Site {site} was not created through the admin API; it has no keys.'],
});

const ROLES: KeyRole[] = ['public', 'developer', 'marketer'];
export const base = (site: string) => `/console/sites/${site}/keys`;
const who = (lang: Lang, subject: string) => (subject === 'admin-token' ? t(lang, 'roleAdmin') : subject);

/** Field errors of the create form, by field name. */
export type FieldErrors = Partial<Record<'role' | 'label', string>>;

export function SiteSettings(props: { lang: Lang; site: SiteInfo }) {
  const { lang, site } = props;
  const list = (items: string[]) =>
    items.length ? (
      <ul>
        {items.map((s) => (
          <li>
            <code>{s}</code>
          </li>
        ))}
      </ul>
    ) : (
      <p>{tr(lang, 'none')}</p>
    );
  return (
    <section class="card" aria-labelledby="settings-h">
      <h2 id="settings-h">{tr(lang, 'settings')}</h2>
      <p class="help">{tr(lang, 'settingsHelp', { site: site.id })}</p>
      <dl class="facts">
        <dt>{tr(lang, 'name')}</dt>
        <dd>{site.name}</dd>
        <dt>{tr(lang, 'allowedOrigins')}</dt>
        <dd>{list(site.allowedOrigins)}</dd>
        <dt>{tr(lang, 'linkHosts')}</dt>
        <dd>{list(site.linkHosts)}</dd>
        <dt>{tr(lang, 'currency')}</dt>
        <dd>{site.currency}</dd>
        <dt>{tr(lang, 'publicOrigin')}</dt>
        <dd>{site.publicOrigin ? <code>{site.publicOrigin}</code> : tr(lang, 'none')}</dd>
      </dl>
    </section>
  );
}

export function KeyTable(props: { lang: Lang; site: string; keys: KeyInfo[]; csrf: string }) {
  const { lang, site, keys, csrf } = props;
  if (!keys.length) return <p>{tr(lang, 'noKeys')}</p>;
  return (
    <div class="table-wrap">
      <table class="wide">
        <thead>
          <tr>
            <th scope="col">{tr(lang, 'role')}</th>
            <th scope="col">{tr(lang, 'label')}</th>
            <th scope="col">{tr(lang, 'hint')}</th>
            <th scope="col">{tr(lang, 'status')}</th>
            <th scope="col">{tr(lang, 'actions')}</th>
            <th scope="col">{tr(lang, 'created')}</th>
            <th scope="col">{tr(lang, 'createdBy')}</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr>
              <td>
                <span class="badge">{k.role}</span>
              </td>
              <td>{k.label ?? ''}</td>
              <td class="nowrap">
                <code>…{k.hint}</code>
              </td>
              <td class="nowrap">
                {k.revokedAt ? (
                  <span class="badge off">
                    {tr(lang, 'revokedAt')} <When iso={k.revokedAt} lang={lang} />
                  </span>
                ) : (
                  <span class="badge">{tr(lang, 'active')}</span>
                )}
              </td>
              <td>
                {k.revokedAt ? null : (
                  <form
                    method="post"
                    action={`${base(site)}/${encodeURIComponent(k.id)}/revoke`}
                    class="inline"
                    data-confirm={tr(lang, 'revokeAsk', { hint: k.hint })}
                  >
                    <input type="hidden" name="_csrf" value={csrf} />
                    <button type="submit" class="danger" aria-label={tr(lang, 'revokeKey', { hint: k.hint })}>
                      {tr(lang, 'revoke')}
                    </button>
                  </form>
                )}
              </td>
              <td class="nowrap">
                <When iso={k.createdAt} lang={lang} />
              </td>
              <td>{who(lang, k.createdBy)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The schema's message for one field, right under it (the control points at it with aria-describedby). */
function FieldError(props: { lang: Lang; name: keyof FieldErrors; errors: FieldErrors }) {
  const message = props.errors[props.name];
  return message ? (
    <p id={`${props.name}-error`} class="field-error" role="alert">
      {message}
    </p>
  ) : null;
}

export function CreateForm(props: {
  lang: Lang;
  site: string;
  csrf: string;
  values?: { role?: string; label?: string };
  errors?: FieldErrors;
}) {
  const { lang, site, csrf, values = {}, errors = {} } = props;
  const describe = (name: keyof FieldErrors) => (errors[name] ? `${name}-error ${name}-help` : `${name}-help`);
  return (
    <section class="card narrow" aria-labelledby="create-h">
      <h2 id="create-h">{tr(lang, 'createTitle')}</h2>
      <form method="post" action={base(site)}>
        <input type="hidden" name="_csrf" value={csrf} />
        <label for="key-role">{tr(lang, 'role')}</label>
        <select id="key-role" name="role" aria-describedby={describe('role')} aria-invalid={errors.role ? 'true' : undefined}>
          {ROLES.map((r) => (
            <option value={r} selected={(values.role ?? 'public') === r}>
              {r}
            </option>
          ))}
        </select>
        <FieldError lang={lang} name="role" errors={errors} />
        <p id="role-help" class="help">
          {tr(lang, 'roleHelp')}
        </p>
        <label for="key-label">{tr(lang, 'label')}</label>
        <input
          id="key-label"
          name="label"
          type="text"
          maxlength={100}
          autocomplete="off"
          value={values.label ?? ''}
          aria-describedby={describe('label')}
          aria-invalid={errors.label ? 'true' : undefined}
        />
        <FieldError lang={lang} name="label" errors={errors} />
        <p id="label-help" class="help">
          {tr(lang, 'labelHelp')}
        </p>
        <div class="actions">
          <button type="submit">{tr(lang, 'create')}</button>
        </div>
      </form>
    </section>
  );
}

export function CreatedPage(props: { c: ConsoleContext; site: string; made: NewKey }) {
  const { c, site, made: key } = props;
  const lang = c.get('lang');
  return (
    <Layout {...nav(c, site)} title={tr(lang, 'createdTitle')}>
      <div class="card">
        <Notice kind="error">{tr(lang, 'shownOnce')}</Notice>
        <p>
          <span class="badge">{key.role}</span> {key.label ?? ''}
        </p>
        <p>{tr(lang, 'token')}</p>
        <p class="secret" id="new-token">
          {key.token}
        </p>
        <div class="actions">
          <button type="button" class="secondary" data-copy="#new-token" data-copied={tr(lang, 'copied')} hidden>
            {tr(lang, 'copy')}
          </button>
          <a class="button" href={base(site)}>
            {tr(lang, 'backToKeys')}
          </a>
        </div>
      </div>
    </Layout>
  );
}
