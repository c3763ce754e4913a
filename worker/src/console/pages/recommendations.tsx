import { Hono } from 'hono';
import { SITE_ID_PATTERN } from '../../../../schema/ids.js';
import { eventStats, type StatsRow, type TopItem, topItems } from '../../events/store.js';
import { packStore } from '../../sites/middleware.js';
import { publicOrigin } from '../../sites/origin.js';
import type { SiteState } from '../../sites/site-store.js';
import { formatMoney, formatNumber, formatValue } from '../chart-scale.js';
import { BarChart, LineChart, type Series } from '../charts.js';
import { type ConsoleEnv, messagePage, nav } from '../context.js';
import { dictionary, type Lang, t } from '../i18n.js';
import { Layout } from '../layout.js';
import { previewShopper, ShopperPreview, type ShopperResult, shopperInput } from './shopper-preview.js';

/**
 * `/console/sites/:site/recommendations` — the developer's view of what recommendations did over the
 * last 7 or 30 days: impressions and clicks per placement, CTR per model version, totals per placement
 * × model version (the same `eventStats` as `GET /v1/admin/sites/:site/stats`), the items shown most,
 * and "see as a shopper".
 */
export const recommendationsPages = new Hono<ConsoleEnv>();

const tr = dictionary({
  range: ['时间范围', 'Range'],
  last7: ['最近 7 天', 'Last 7 days'],
  last30: ['最近 30 天', 'Last 30 days'],
  rangeNote: ['{from} 至 {to}（UTC，按事件接收时间）', '{from} to {to} (UTC, by the time events arrived)'],
  impressionsChart: ['每日曝光（按推荐位）', 'Impressions per day, by placement'],
  clicksChart: ['每日点击（按推荐位）', 'Clicks per day, by placement'],
  ctrChart: ['点击率（按模型版本）', 'CTR by model version'],
  totals: ['推荐位 × 模型版本汇总', 'Totals by placement × model version'],
  placement: ['推荐位', 'Placement'],
  modelVersion: ['模型版本', 'Model version'],
  impressions: ['曝光', 'Impressions'],
  clicks: ['点击', 'Clicks'],
  ctr: ['点击率', 'CTR'],
  addToCarts: ['加购', 'Add to cart'],
  purchases: ['购买', 'Purchases'],
  revenue: ['成交额', 'Revenue'],
  total: ['合计', 'Total'],
  noPlacement: ['（无推荐位）', '(no placement)'],
  noVersion: ['（无推荐 ID）', '(no recommendation id)'],
  other: ['其他', 'Other'],
  noEvents: ['这段时间还没有事件。', 'No events in this range yet.'],
  topItems: ['推荐最多的商品', 'Top recommended items'],
  topHelp: [
    '带推荐 ID（recommendationId）的事件，按曝光次数排序；标题来自站点当前的商品目录。',
    'Events carrying a recommendationId, most impressions first; titles from the site’s current catalog.',
  ],
  rank: ['#', '#'],
  item: ['商品', 'Item'],
  notInCatalog: ['（不在目录中）', '(not in the catalog)'],
  noTopItems: ['这段时间还没有推荐商品的曝光或点击。', 'No impressions or clicks of recommended items in this range yet.'],
});

/** Chart series beyond this many placements or versions are summed into "Other" (the palette has 8 colours). */
const MAX_SERIES = 6;

recommendationsPages.get('/', async (c) => {
  const lang = c.get('lang');
  const site = c.req.param('site') ?? '';
  if (!SITE_ID_PATTERN.test(site)) return messagePage(c, 404, t(lang, 'notFoundTitle'), site.slice(0, 64));
  const days = c.req.query('days') === '7' ? 7 : 30;
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  let state: SiteState | undefined;
  try {
    state = await packStore.get(c.env, site);
  } catch (e) {
    // KV unreachable before this isolate ever read the site: stats still show; the preview says "no model".
    console.error(`console: site ${site} state unavailable: ${(e as Error).message}`);
  }
  const [rows, top] = await Promise.all([eventStats(c.env.DB, site, from, to), topItems(c.env.DB, site, from, to, 10)]);
  const input = shopperInput(c);
  const preview: ShopperResult = input
    ? await previewShopper(c, site, state, input, publicOrigin(c.req.url, state?.config))
    : { kind: 'idle' };
  const currency = state?.config?.currency ?? 'CNY';
  const path = `/console/sites/${site}/recommendations`;
  return c.html(
    <Layout {...nav(c, site)} title={t(lang, 'recommendations')}>
      <nav aria-label={tr(lang, 'range')}>
        <ul class="range">
          {([7, 30] as const).map((d) => (
            <li>
              <a href={`${path}?days=${d}`} aria-current={d === days ? 'page' : undefined}>
                {tr(lang, d === 7 ? 'last7' : 'last30')}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <p class="help">{tr(lang, 'rangeNote', { from, to })}</p>
      <Charts lang={lang} rows={rows} from={from} days={days} />
      <Totals lang={lang} rows={rows} currency={currency} />
      <TopItems lang={lang} items={top} titles={state?.catalogById} />
      <ShopperPreview lang={lang} site={site} days={days} input={input} result={preview} />
    </Layout>,
  );
});

/** Per series name, impressions and clicks per day. */
type Grid = Map<string, { impressions: number[]; clicks: number[] }>;

/** `rows` summed into one impressions/clicks line per `keyOf(row)`, day by day; beyond MAX_SERIES (by impressions) into `other`. */
function grid(rows: StatsRow[], dayList: string[], keyOf: (r: StatsRow) => string, other: string): Grid {
  const at = new Map(dayList.map((d, i) => [d, i]));
  const all: Grid = new Map();
  for (const r of rows) {
    const i = at.get(r.day);
    if (i === undefined) continue;
    const key = keyOf(r);
    let g = all.get(key);
    if (!g) all.set(key, (g = { impressions: dayList.map(() => 0), clicks: dayList.map(() => 0) }));
    g.impressions[i] += r.impressions;
    g.clicks[i] += r.clicks;
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const ranked = [...all].sort((a, b) => sum(b[1].impressions) - sum(a[1].impressions) || sum(b[1].clicks) - sum(a[1].clicks));
  if (ranked.length <= MAX_SERIES + 1) return new Map(ranked);
  const rest = ranked.slice(MAX_SERIES).reduce(
    (acc, [, g]) => ({
      impressions: acc.impressions.map((v, i) => v + g.impressions[i]),
      clicks: acc.clicks.map((v, i) => v + g.clicks[i]),
    }),
    { impressions: dayList.map(() => 0), clicks: dayList.map(() => 0) },
  );
  return new Map([...ranked.slice(0, MAX_SERIES), [other, rest]]);
}

function Charts(props: { lang: Lang; rows: StatsRow[]; from: string; days: number }) {
  const { lang, rows } = props;
  const start = Date.parse(`${props.from}T00:00:00Z`);
  const dayList = Array.from({ length: props.days }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
  const labels = dayList.map((d) => d.slice(5));
  const byPlacement = grid(rows, dayList, (r) => r.placement ?? tr(lang, 'noPlacement'), tr(lang, 'other'));
  const byVersion = grid(rows, dayList, (r) => r.modelVersion ?? tr(lang, 'noVersion'), tr(lang, 'other'));
  // Both placement charts list the same placements in the same order, so a placement keeps its colour.
  const placements = [...byPlacement].filter(([, g]) => g.impressions.some((v) => v > 0) || g.clicks.some((v) => v > 0));
  const placementSeries = (metric: 'impressions' | 'clicks'): Series[] => placements.map(([name, g]) => ({ name, values: g[metric] }));
  const ctr = [...byVersion]
    .filter(([, g]) => g.impressions.some((v) => v > 0))
    .map(([name, g]) => ({ name, values: g.impressions.map((n, i) => (n > 0 ? g.clicks[i] / n : Number.NaN)) }));
  return (
    <div class="charts">
      <BarChart title={tr(lang, 'impressionsChart')} labels={labels} series={placementSeries('impressions')} lang={lang} stacked />
      <BarChart title={tr(lang, 'clicksChart')} labels={labels} series={placementSeries('clicks')} lang={lang} stacked />
      <LineChart title={tr(lang, 'ctrChart')} labels={labels} series={ctr} lang={lang} percent />
    </div>
  );
}

type Totals = Pick<StatsRow, 'impressions' | 'clicks' | 'addToCarts' | 'purchases' | 'revenue'>;

function Totals(props: { lang: Lang; rows: StatsRow[]; currency: string }) {
  const { lang, currency } = props;
  const zero = (): Totals => ({ impressions: 0, clicks: 0, addToCarts: 0, purchases: 0, revenue: 0 });
  const add = (t: Totals, r: Totals) => {
    t.impressions += r.impressions;
    t.clicks += r.clicks;
    t.addToCarts += r.addToCarts;
    t.purchases += r.purchases;
    t.revenue += r.revenue;
  };
  const groups = new Map<string, { placement: string | null; modelVersion: string | null; t: Totals }>();
  const all = zero();
  for (const r of props.rows) {
    const key = JSON.stringify([r.placement, r.modelVersion]);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { placement: r.placement, modelVersion: r.modelVersion, t: zero() }));
    add(g.t, r);
    add(all, r);
  }
  const list = [...groups.values()].sort((a, b) => b.t.impressions - a.t.impressions || b.t.purchases - a.t.purchases);
  const cells = (t: Totals) => [
    formatNumber(t.impressions, lang),
    formatNumber(t.clicks, lang),
    formatValue(t.impressions > 0 ? t.clicks / t.impressions : Number.NaN, lang, { percent: true }),
    formatNumber(t.addToCarts, lang),
    formatNumber(t.purchases, lang),
    formatMoney(Math.round(t.revenue * 100) / 100, lang, currency),
  ];
  const heads = ['impressions', 'clicks', 'ctr', 'addToCarts', 'purchases', 'revenue'] as const;
  return (
    <section aria-labelledby="totals-heading">
      <h2 id="totals-heading">{tr(lang, 'totals')}</h2>
      {list.length === 0 ? (
        <p>{tr(lang, 'noEvents')}</p>
      ) : (
        <div class="table-wrap">
          <table id="totals" class="stats">
            <thead>
              <tr>
                <th scope="col">{tr(lang, 'placement')}</th>
                <th scope="col">{tr(lang, 'modelVersion')}</th>
                {heads.map((h) => (
                  <th scope="col" class="num">
                    {tr(lang, h)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {list.map((g) => (
                <tr>
                  <th scope="row">{g.placement ?? tr(lang, 'noPlacement')}</th>
                  <td>{g.modelVersion ?? tr(lang, 'noVersion')}</td>
                  {cells(g.t).map((v) => (
                    <td class="num">{v}</td>
                  ))}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colspan={2}>
                  {tr(lang, 'total')}
                </th>
                {cells(all).map((v) => (
                  <td class="num">{v}</td>
                ))}
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}

function TopItems(props: { lang: Lang; items: TopItem[]; titles?: Map<string, { title?: string }> }) {
  const { lang, items } = props;
  return (
    <section aria-labelledby="top-heading">
      <h2 id="top-heading">{tr(lang, 'topItems')}</h2>
      <p class="help">{tr(lang, 'topHelp')}</p>
      {items.length === 0 ? (
        <p>{tr(lang, 'noTopItems')}</p>
      ) : (
        <div class="table-wrap">
          <table id="top-items" class="stats">
            <thead>
              <tr>
                <th scope="col">{tr(lang, 'rank')}</th>
                <th scope="col">{tr(lang, 'item')}</th>
                {(['impressions', 'clicks', 'ctr', 'purchases'] as const).map((h) => (
                  <th scope="col" class="num">
                    {tr(lang, h)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {items.map((it, i) => {
                const title = props.titles?.get(it.itemId)?.title;
                return (
                  <tr>
                    <td>{String(i + 1)}</td>
                    <td>
                      <span class="item-title">{title ?? tr(lang, 'notInCatalog')}</span>
                      <code>{it.itemId}</code>
                    </td>
                    <td class="num">{formatNumber(it.impressions, lang)}</td>
                    <td class="num">{formatNumber(it.clicks, lang)}</td>
                    <td class="num">
                      {formatValue(it.impressions > 0 ? it.clicks / it.impressions : Number.NaN, lang, { percent: true })}
                    </td>
                    <td class="num">{formatNumber(it.purchases, lang)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
