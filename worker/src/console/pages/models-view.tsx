import type { ModelVersion } from '../../models-admin/store.js';
import { dictionary, type Lang } from '../i18n.js';
import { When } from './page-kit.js';

/** The models page's parts (worker/src/console/pages/models.tsx assembles them): its strings and tables. */

export const tr = dictionary({
  active: ['当前模型', 'Active model'],
  activeBadge: ['当前', 'active'],
  version: ['版本', 'Version'],
  trainedAt: ['训练时间', 'Trained'],
  publishedAt: ['发布时间', 'Published'],
  packId: ['模型包 ID', 'Pack id'],
  counts: ['规模', 'Size'],
  countsText: ['{items} 个商品 · {users} 个用户 · {interactions} 条交互', '{items} items · {users} users · {interactions} interactions'],
  metrics: ['评估指标', 'Metrics'],
  noMetrics: [
    '此版本没有记录评估指标（用 npm run retrain 训练的版本会带上留出集指标）。',
    'No metrics recorded (versions trained by npm run retrain carry hold-out metrics).',
  ],
  metric: ['指标', 'Metric'],
  value: ['数值', 'Value'],
  dataWindow: ['数据时间范围', 'Data window'],
  windowText: ['{from} 至 {to}（{events} 条事件）', '{from} to {to} ({events} events)'],
  unknownWindow: ['未记录', 'not recorded'],
  params: ['训练参数', 'Parameters'],
  param: ['参数', 'Parameter'],
  versions: ['所有版本', 'All versions'],
  actions: ['操作', 'Actions'],
  activate: ['启用', 'Activate'],
  activateVersion: ['启用版本 {version}', 'Activate version {version}'],
  activateAsk: ['确定启用版本 {version}？线上推荐将在几秒内切换。', 'Activate version {version}? Live picks switch within seconds.'],
  activateTitle: ['启用模型版本', 'Activate a model version'],
  activateBody: [
    '线上推荐将在几秒内从 {from} 切换到 {version}。之后可以一键回滚。',
    'Live picks switch from {from} to {version} within seconds. You can roll back in one click afterwards.',
  ],
  rollback: ['回滚', 'Roll back'],
  rollbackHelp: ['回到当前版本所替换的上一个版本。', 'Go back to the version the active one replaced.'],
  rollbackAsk: ['确定回滚到上一个版本？线上推荐将在几秒内切换。', 'Roll back to the previous version? Live picks switch within seconds.'],
  rollbackTitle: ['回滚模型', 'Roll back the model'],
  rollbackBody: [
    '线上推荐将在几秒内从 {from} 切换回它所替换的上一个版本。',
    'Live picks switch within seconds from {from} back to the version it replaced.',
  ],
  none: ['（无）', '(none)'],
  activated: ['已启用版本 {version}，线上推荐将在几秒内切换。', 'Version {version} is active; live picks switch within seconds.'],
  noVersions: [
    '此站点还没有发布模型。训练并发布：npx edgepick publish <pack> --site {site}',
    'No model published for this site yet. Train and publish one: npx edgepick publish <pack> --site {site}',
  ],
  activeMissing: [
    '当前版本 {version} 的模型包缺失或无效；线上使用上一个可用版本。请启用一个版本。',
    "The active version {version}'s pack is missing or invalid; the edge serves the last good one. Activate a version.",
  ],
  notFound: ['没有版本 {version}。', 'There is no version {version}.'],
  noEarlier: ['没有可以回滚到的上一个版本。', 'There is no earlier version to roll back to.'],
  packBroken: ['版本 {version} 的模型包缺失或无效，不能启用。', 'Version {version} cannot be activated: its pack is missing or invalid.'],
  refused: ['无法完成：{message}', 'Cannot do that: {message}'],
});

export const base = (site: string) => `/console/sites/${site}/models`;
/** A number with at most 4 decimals and no trailing zeros (0.1, 0.4321, 120). */
const num = (v: number) => String(Number(v.toFixed(4)));
/** A param or window value as plain text (objects such as eventWeights as `view 1, click 2`). */
const show = (v: unknown): string =>
  v !== null && typeof v === 'object' && !Array.isArray(v)
    ? Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => `${k} ${show(x)}`)
        .join(', ')
    : typeof v === 'number'
      ? num(v)
      : typeof v === 'string'
        ? v
        : JSON.stringify(v);

function DataWindow(props: { lang: Lang; w: unknown }) {
  const { lang, w } = props;
  if (w === undefined) return <span>{tr(lang, 'unknownWindow')}</span>;
  const win = (typeof w === 'object' && w !== null ? w : {}) as { from?: unknown; to?: unknown; events?: unknown };
  if (typeof win.from === 'string' && typeof win.to === 'string') {
    const events = typeof win.events === 'number' ? String(win.events) : '?';
    const fmt = (iso: string) => (Number.isNaN(Date.parse(iso)) ? iso : new Date(iso).toISOString().slice(0, 10));
    return <span>{tr(lang, 'windowText', { from: fmt(win.from), to: fmt(win.to), events })}</span>;
  }
  return <span>{show(w)}</span>;
}

/** A two-column table of names and values; numbers align right, text does not. */
function KeyValues(props: { caption: string; head: [string, string]; rows: [string, unknown][] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption class="sr-only">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{props.head[0]}</th>
            <th scope="col">{props.head[1]}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map(([k, v]) => (
            <tr>
              <th scope="row" class="nowrap">
                <code>{k}</code>
              </th>
              {typeof v === 'number' ? <td class="num">{num(v)}</td> : <td>{show(v)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ActiveModel(props: { lang: Lang; v: ModelVersion }) {
  const { lang, v } = props;
  const metrics = Object.entries(v.metrics ?? {});
  return (
    <section class="card" aria-labelledby="active-h">
      <h2 id="active-h">
        {tr(lang, 'active')}: <code>{v.version}</code>
      </h2>
      <dl class="facts">
        <dt>{tr(lang, 'trainedAt')}</dt>
        <dd>
          <When iso={v.createdAt} lang={lang} />
        </dd>
        <dt>{tr(lang, 'publishedAt')}</dt>
        <dd>
          <When iso={v.publishedAt} lang={lang} />
        </dd>
        <dt>{tr(lang, 'dataWindow')}</dt>
        <dd>
          <DataWindow lang={lang} w={v.dataWindow} />
        </dd>
        <dt>{tr(lang, 'counts')}</dt>
        <dd>{tr(lang, 'countsText', v.counts)}</dd>
        <dt>{tr(lang, 'packId')}</dt>
        <dd>
          <code>{v.packId}</code>
        </dd>
      </dl>
      <h3>{tr(lang, 'metrics')}</h3>
      {metrics.length ? (
        <KeyValues caption={tr(lang, 'metrics')} head={[tr(lang, 'metric'), tr(lang, 'value')]} rows={metrics} />
      ) : (
        <p class="help">{tr(lang, 'noMetrics')}</p>
      )}
      <h3>{tr(lang, 'params')}</h3>
      <KeyValues caption={tr(lang, 'params')} head={[tr(lang, 'param'), tr(lang, 'value')]} rows={Object.entries(v.params)} />
    </section>
  );
}

export function VersionTable(props: { lang: Lang; site: string; csrf: string; active: string | null; versions: ModelVersion[] }) {
  const { lang, site, csrf, active, versions } = props;
  return (
    <div class="table-wrap">
      <table class="wide">
        <thead>
          <tr>
            <th scope="col">{tr(lang, 'version')}</th>
            <th scope="col">{tr(lang, 'trainedAt')}</th>
            <th scope="col">{tr(lang, 'publishedAt')}</th>
            <th scope="col">{tr(lang, 'counts')}</th>
            <th scope="col">{tr(lang, 'metrics')}</th>
            <th scope="col">{tr(lang, 'actions')}</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr>
              <th scope="row" class="nowrap">
                <code>{v.version}</code>
              </th>
              <td class="nowrap">
                <When iso={v.createdAt} lang={lang} />
              </td>
              <td class="nowrap">
                <When iso={v.publishedAt} lang={lang} />
              </td>
              <td>{tr(lang, 'countsText', v.counts)}</td>
              <td>
                {v.metrics && Object.keys(v.metrics).length ? (
                  <ul class="plain">
                    {Object.entries(v.metrics).map(([k, x]) => (
                      <li class="nowrap">{`${k} ${num(x)}`}</li>
                    ))}
                  </ul>
                ) : (
                  tr(lang, 'none')
                )}
              </td>
              <td>
                {v.version === active ? (
                  <span class="badge">{tr(lang, 'activeBadge')}</span>
                ) : (
                  <form
                    method="post"
                    action={`${base(site)}/${encodeURIComponent(v.version)}/activate`}
                    class="inline"
                    data-confirm={tr(lang, 'activateAsk', { version: v.version })}
                  >
                    <input type="hidden" name="_csrf" value={csrf} />
                    <button type="submit" class="secondary" aria-label={tr(lang, 'activateVersion', { version: v.version })}>
                      {tr(lang, 'activate')}
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
