import type { KeyInfo } from '../../../../schema/sites.js';
import type { PlacementRulesSummary } from '../../merchandising/store.js';
import { dictionary, type Lang, t } from '../i18n.js';
import { When } from './page-kit.js';
import type { PlacedIssue } from './placements-form.js';

/** The placements pages' strings, the list page's parts, and the small pieces the rules editor shares with it. */

export const tr = dictionary({
  intro: [
    '推荐位就是页面上的一个推荐组件（例如首页“猜你喜欢”、购物车页）。为推荐位设置规则：只推哪些商品、把哪些商品固定在哪个位置、提升或压低哪些商品、同类最多几个、反复曝光未点击的商品暂时降权、新品探索位。规则对该推荐位的每次请求立即生效（其他地区约一分钟内）。',
    'A placement is one recommendation widget on a page (the home page "for you", the cart page…). Its rules say which items it may show, which items sit at fixed places, which to raise or bury, how many of one category, when an item shown again and again without a click steps back, and how often a new product gets a place. They apply to every request of the placement at once (elsewhere within about a minute).',
  ],
  withRules: ['已设置规则的推荐位', 'Placements with rules'],
  noRules: ['还没有推荐位设置规则。', 'No placement has rules yet.'],
  seen: ['最近 30 天出现过、尚无规则的推荐位', 'Placements seen in the last 30 days, without rules'],
  seenHelp: ['来自带 placement 的事件（最近的 5,000 条）。', 'From events carrying a placement (the latest 5,000).'],
  noSeen: ['最近没有其他推荐位的事件。', 'No other placement in recent events.'],
  placement: ['推荐位', 'Placement'],
  version: ['版本', 'Version'],
  updatedAt: ['保存时间', 'Saved'],
  updatedBy: ['保存者', 'Saved by'],
  open: ['打开推荐位', 'Open a placement'],
  openHelp: [
    '输入组件请求中的 placement 名称（最多 64 个字符），例如 home、cart。',
    'The placement name your widget sends (up to 64 characters), e.g. home, cart.',
  ],
  openButton: ['打开', 'Open'],
  key: ['{role}密钥 …{hint}', '{role} key …{hint}'],
  lineN: ['第 {n} 行', 'line {n}'],
  pinLine: ['每行写“商品ID 位置”，例如 p0042 1', 'write “itemId position” on each line, e.g. p0042 1'],
  notNumber: ['不是数字', 'not a number'],
  required: ['请填写权重（-5 到 5，不能为 0）', 'enter a weight (−5 to 5, not 0)'],
  percent: ['请输入 0 到 100 之间的百分比', 'enter a percentage from 0 to 100'],
});

export const listPath = (site: string) => `/console/sites/${site}/placements`;
export const editPath = (site: string, placement: string) => `${listPath(site)}/${encodeURIComponent(placement)}`;

/** Who saved: the owner, a site key by role and last four characters (and its label), or the raw subject. */
export function whoSaved(lang: Lang, subject: string | undefined, keys: KeyInfo[]): string {
  if (!subject) return '–';
  if (subject === 'admin-token') return t(lang, 'roleAdmin');
  const key = subject.startsWith('key:') ? keys.find((k) => k.id === subject.slice(4)) : undefined;
  if (!key) return subject;
  const role = key.role === 'public' ? key.role : t(lang, key.role === 'developer' ? 'roleDeveloper' : 'roleMarketer');
  const who = tr(lang, 'key', { role, hint: key.hint });
  return key.label ? `${who} (${key.label})` : who;
}

/** An issue as one line of text: where (a line, a value) and what. */
export function issueText(lang: Lang, issue: PlacedIssue): string {
  const where =
    issue.line !== undefined ? `${tr(lang, 'lineN', { n: issue.line })}: ` : issue.value !== undefined ? `“${issue.value}”: ` : '';
  return `${where}${issue.id ? tr(lang, issue.id) : (issue.message ?? '')}`;
}

/** The messages of one field, right under it; the control points at them with aria-describedby (`{id}-error`). */
export function FieldErrors(props: { id: string; messages?: string[] }) {
  return props.messages?.length ? (
    <ul class="field-error plain" id={`${props.id}-error`}>
      {props.messages.map((m) => (
        <li>{m}</li>
      ))}
    </ul>
  ) : null;
}

export function RulesTable(props: { lang: Lang; site: string; rows: PlacementRulesSummary[]; keys: KeyInfo[] }) {
  const { lang, site } = props;
  if (!props.rows.length) return <p>{tr(lang, 'noRules')}</p>;
  return (
    <div class="table-wrap">
      <table id="placements">
        <thead>
          <tr>
            <th scope="col">{tr(lang, 'placement')}</th>
            <th scope="col" class="num">
              {tr(lang, 'version')}
            </th>
            <th scope="col">{tr(lang, 'updatedAt')}</th>
            <th scope="col">{tr(lang, 'updatedBy')}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <th scope="row">
                <a href={editPath(site, r.placement)}>{r.placement}</a>
              </th>
              <td class="num">{String(r.version)}</td>
              <td class="nowrap">
                <When iso={r.updatedAt} lang={lang} />
              </td>
              <td>{whoSaved(lang, r.updatedBy, props.keys)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SeenList(props: { lang: Lang; site: string; placements: string[] }) {
  const { lang } = props;
  return (
    <section aria-labelledby="seen-h">
      <h2 id="seen-h">{tr(lang, 'seen')}</h2>
      <p class="help">{tr(lang, 'seenHelp')}</p>
      {props.placements.length ? (
        <ul class="chips" id="seen-placements">
          {props.placements.map((p) => (
            <li>
              <a href={editPath(props.site, p)}>{p}</a>
            </li>
          ))}
        </ul>
      ) : (
        <p>{tr(lang, 'noSeen')}</p>
      )}
    </section>
  );
}

/** A GET form that opens any placement by name (validated by the handler; the error shows under the field). */
export function OpenForm(props: { lang: Lang; site: string; value?: string; error?: string }) {
  const { lang, error } = props;
  return (
    <section class="card narrow" aria-labelledby="open-h">
      <h2 id="open-h">{tr(lang, 'open')}</h2>
      <form method="get" action={listPath(props.site)}>
        <label for="open">{tr(lang, 'placement')}</label>
        <p class="help" id="open-help">
          {tr(lang, 'openHelp')}
        </p>
        <input
          id="open"
          name="open"
          type="text"
          autocomplete="off"
          maxlength={200}
          value={props.value ?? ''}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'open-help open-error' : 'open-help'}
        />
        <FieldErrors id="open" messages={error ? [error] : undefined} />
        <div class="actions">
          <button type="submit">{tr(lang, 'openButton')}</button>
        </div>
      </form>
    </section>
  );
}
