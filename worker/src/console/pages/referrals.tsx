import { Hono } from 'hono';
import { dayRange } from '../../lib/days.js';
import { ATTRIBUTION_WINDOW_MS, type LevelStats, type SharerStats } from '../../referrals/attribution.js';
import { referralsReport } from '../../referrals/report.js';
import { packStore } from '../../sites/middleware.js';
import { formatMoney, formatNumber, formatValue } from '../chart-scale.js';
import { type ConsoleContext, type ConsoleEnv, messagePage, nav } from '../context.js';
import { dictionary, type Lang, t } from '../i18n.js';
import { Layout } from '../layout.js';
import { siteOf } from './page-kit.js';

/**
 * `/console/sites/:site/referrals` — two-level share attribution over the last 7 or 30 days: every
 * sharer's level 1 (what their own shares brought) and level 2 (what the people they first brought went
 * on to bring), from the same `referralsReport` as `GET /v1/admin/sites/:site/referrals`, with totals;
 * `/referrals/:sharer` — one sharer. Owner, marketer and developer (as the admin API): marketers run the
 * share campaigns and reward sharers, developers already see revenue on the Recommendations page.
 */
export const referralsPages = new Hono<ConsoleEnv>();

const tr = dictionary({
  range: ['时间范围', 'Range'],
  last7: ['最近 7 天', 'Last 7 days'],
  last30: ['最近 30 天', 'Last 30 days'],
  rangeNote: ['{from} 至 {to}（UTC，按事件接收时间）', '{from} to {to} (UTC, by the time events arrived)'],
  help: [
    '一级：分享者自己的分享带来的访问、购买和成交额；二级：由 TA 首次带来的人，再分享带来的访问、购买和成交额。最多两级，不再向下。购买归属于买家 {days} 天内最近一次经分享到达（最后触点）；自己打开自己的分享不计；每笔购买只计一次。',
    'Level 1: visits, purchases and revenue that the sharer’s own shares brought. Level 2: what the people they first brought went on to bring through their shares. Never deeper than two levels. A purchase goes to the buyer’s latest arrival through a share within {days} days (last touch); opening one’s own share does not count; each purchase counts once.',
  ],
  sharersHeading: ['分享者', 'Sharers'],
  sharer: ['分享者', 'Sharer'],
  sharerHelp: [
    '分享者是链接里的 ref：分享时已登录则为用户 ID，否则为访客 ID。按一级成交额排序。',
    'A sharer is the link’s ref: their user id when signed in while sharing, else their visitor id. Sorted by level-1 revenue.',
  ],
  level1: ['一级（自己的分享）', 'Level 1 (own shares)'],
  level2: ['二级（TA 带来的人）', 'Level 2 (people they brought)'],
  visits: ['访问', 'Visits'],
  purchases: ['购买', 'Purchases'],
  revenue: ['成交额', 'Revenue'],
  conversion: ['转化率', 'Conversion'],
  level: ['级别', 'Level'],
  total: ['合计', 'Total'],
  totalNote: [
    '合计中，二级的购买是一级购买的一部分（同一笔购买同时记给第二个人），不是额外的销售。',
    'In the totals, level-2 purchases are part of the level-1 purchases (the same purchase credited to a second person), not extra sales.',
  ],
  summary: [
    '{sharers} 位分享者带来 {visits} 次访问、{purchases} 笔购买、成交额 {revenue}（一级）。',
    '{sharers} sharers brought {visits} visits, {purchases} purchases and {revenue} in revenue (level 1).',
  ],
  truncated: [
    '只列出前 {shown} 位（共 {all} 位）；可在下方查找其他分享者。',
    'Showing the first {shown} of {all} sharers; look any other one up below.',
  ],
  none: ['这段时间还没有经分享到达的访问。', 'No visits through shares in this range yet.'],
  lookup: ['查找分享者', 'Look up a sharer'],
  lookupLabel: ['分享者（用户 ID 或访客 ID）', 'Sharer (user id or visitor id)'],
  show: ['查看', 'Show'],
  detailTitle: ['分享者 {sharer}', 'Sharer {sharer}'],
  rank: ['按一级成交额在 {all} 位分享者中排第 {rank} 位。', 'Ranked {rank} of {all} sharers by level-1 revenue.'],
  noResults: ['这段时间这位分享者没有记录。', 'No results for this sharer in this range.'],
  backToList: ['← 所有分享者', '← All sharers'],
  api: ['同样的数据（JSON）：', 'The same numbers as JSON: '],
});

/** Rows shown in the list at most: a shop with more sharers looks the rest up by id. */
const MAX_ROWS = 200;
const WINDOW_DAYS = ATTRIBUTION_WINDOW_MS / 86_400_000;
const zero = (): LevelStats => ({ visits: 0, purchases: 0, revenue: 0 });
const round2 = (n: number) => Math.round(n * 100) / 100;

/** The site's currency (KV site state); CNY when the state cannot be read. */
async function currencyOf(c: ConsoleContext, site: string): Promise<string> {
  try {
    return (await packStore.get(c.env, site))?.config?.currency ?? 'CNY';
  } catch (e) {
    console.error(`console: site ${site} state unavailable: ${(e as Error).message}`);
    return 'CNY';
  }
}

/** The range of a request (`?days=7`, else 30) and the sharers' results over it. */
async function load(c: ConsoleContext, site: string) {
  const days = c.req.query('days') === '7' ? 7 : 30;
  const range = dayRange({}, days);
  const [{ sharers }, currency] = await Promise.all([referralsReport(c.env.DB, site, range.fromMs, range.toMs), currencyOf(c, site)]);
  return { days, range, sharers, currency };
}

function RangeNav(props: { lang: Lang; path: string; days: number; from: string; to: string }) {
  const { lang } = props;
  return (
    <>
      <nav aria-label={tr(lang, 'range')}>
        <ul class="range">
          {([7, 30] as const).map((d) => (
            <li>
              <a href={`${props.path}?days=${d}`} aria-current={d === props.days ? 'page' : undefined}>
                {tr(lang, d === 7 ? 'last7' : 'last30')}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <p class="help">{tr(lang, 'rangeNote', { from: props.from, to: props.to })}</p>
    </>
  );
}

/** Visits, purchases and revenue of one level as table cells. */
const cells = (l: LevelStats, lang: Lang, currency: string) => [
  formatNumber(l.visits, lang),
  formatNumber(l.purchases, lang),
  formatMoney(l.revenue, lang, currency),
];

function SharersTable(props: { lang: Lang; site: string; days: number; sharers: SharerStats[]; currency: string }) {
  const { lang, currency } = props;
  const total = { level1: zero(), level2: zero() };
  for (const s of props.sharers)
    for (const level of ['level1', 'level2'] as const) {
      total[level].visits += s[level].visits;
      total[level].purchases += s[level].purchases;
      total[level].revenue = round2(total[level].revenue + s[level].revenue);
    }
  const shown = props.sharers.slice(0, MAX_ROWS);
  const heads = ['visits', 'purchases', 'revenue'] as const;
  return (
    <section aria-labelledby="sharers-heading">
      <h2 id="sharers-heading">{tr(lang, 'sharersHeading')}</h2>
      <p class="help">{tr(lang, 'sharerHelp')}</p>
      {props.sharers.length === 0 ? (
        <p>{tr(lang, 'none')}</p>
      ) : (
        <>
          <p id="referrals-summary">
            {tr(lang, 'summary', {
              sharers: formatNumber(props.sharers.length, lang),
              visits: formatNumber(total.level1.visits, lang),
              purchases: formatNumber(total.level1.purchases, lang),
              revenue: formatMoney(total.level1.revenue, lang, currency),
            })}
          </p>
          {shown.length < props.sharers.length ? (
            <p class="help">{tr(lang, 'truncated', { shown: shown.length, all: props.sharers.length })}</p>
          ) : null}
          <div class="table-wrap">
            <table id="sharers" class="stats wide">
              <thead>
                <tr>
                  <th scope="col" rowspan={2}>
                    {tr(lang, 'sharer')}
                  </th>
                  <th scope="colgroup" colspan={3}>
                    {tr(lang, 'level1')}
                  </th>
                  <th scope="colgroup" colspan={3}>
                    {tr(lang, 'level2')}
                  </th>
                </tr>
                <tr>
                  {[...heads, ...heads].map((h) => (
                    <th scope="col" class="num">
                      {tr(lang, h)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {shown.map((s) => (
                  <tr>
                    <th scope="row">
                      <a href={`/console/sites/${props.site}/referrals/${encodeURIComponent(s.sharer)}?days=${props.days}`}>
                        <code>{s.sharer}</code>
                      </a>
                    </th>
                    {[...cells(s.level1, lang, currency), ...cells(s.level2, lang, currency)].map((v) => (
                      <td class="num">{v}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{tr(lang, 'total')}</th>
                  {[...cells(total.level1, lang, currency), ...cells(total.level2, lang, currency)].map((v) => (
                    <td class="num">{v}</td>
                  ))}
                </tr>
              </tfoot>
            </table>
          </div>
          <p class="help">{tr(lang, 'totalNote')}</p>
        </>
      )}
    </section>
  );
}

function Lookup(props: { lang: Lang; site: string; days: number }) {
  const { lang } = props;
  return (
    <section aria-labelledby="lookup-heading">
      <h2 id="lookup-heading">{tr(lang, 'lookup')}</h2>
      <form method="get" action={`/console/sites/${props.site}/referrals`} class="card narrow">
        <input type="hidden" name="days" value={String(props.days)} />
        <label for="sharer">{tr(lang, 'lookupLabel')}</label>
        <input id="sharer" name="sharer" type="text" required maxlength={128} autocomplete="off" />
        <button type="submit">{tr(lang, 'show')}</button>
      </form>
    </section>
  );
}

referralsPages.get('/', async (c) => {
  const lang = c.get('lang');
  const site = siteOf(c);
  if (!site) return messagePage(c, 404, t(lang, 'notFoundTitle'), (c.req.param('site') ?? '').slice(0, 64));
  const path = `/console/sites/${site}/referrals`;
  // The look-up form (a GET, so it works without script) goes to the sharer's own page.
  const wanted = c.req.query('sharer')?.trim();
  if (wanted) return c.redirect(`${path}/${encodeURIComponent(wanted.slice(0, 128))}?days=${c.req.query('days') === '7' ? 7 : 30}`, 303);
  const { days, range, sharers, currency } = await load(c, site);
  return c.html(
    <Layout {...nav(c, site)} title={t(lang, 'referrals')}>
      <RangeNav lang={lang} path={path} days={days} from={range.from} to={range.to} />
      <p class="help">{tr(lang, 'help', { days: WINDOW_DAYS })}</p>
      <SharersTable lang={lang} site={site} days={days} sharers={sharers} currency={currency} />
      <Lookup lang={lang} site={site} days={days} />
    </Layout>,
  );
});

referralsPages.get('/:sharer', async (c) => {
  const lang = c.get('lang');
  const site = siteOf(c);
  const sharer = c.req.param('sharer') ?? '';
  if (!site || !sharer || sharer.length > 128) return messagePage(c, 404, t(lang, 'notFoundTitle'), sharer.slice(0, 64));
  const { days, range, sharers, currency } = await load(c, site);
  const index = sharers.findIndex((s) => s.sharer === sharer);
  const found: SharerStats = sharers[index] ?? { sharer, level1: zero(), level2: zero() };
  const list = `/console/sites/${site}/referrals`;
  const path = `${list}/${encodeURIComponent(sharer)}`;
  return c.html(
    <Layout {...nav(c, site)} title={tr(lang, 'detailTitle', { sharer })}>
      <p>
        <a href={`${list}?days=${days}`}>{tr(lang, 'backToList')}</a>
      </p>
      <RangeNav lang={lang} path={path} days={days} from={range.from} to={range.to} />
      <p>{index < 0 ? tr(lang, 'noResults') : tr(lang, 'rank', { rank: index + 1, all: sharers.length })}</p>
      <div class="table-wrap">
        <table id="sharer" class="stats">
          <thead>
            <tr>
              <th scope="col">{tr(lang, 'level')}</th>
              {(['visits', 'purchases', 'revenue', 'conversion'] as const).map((h) => (
                <th scope="col" class="num">
                  {tr(lang, h)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(['level1', 'level2'] as const).map((level) => (
              <tr>
                <th scope="row">{tr(lang, level)}</th>
                {[
                  ...cells(found[level], lang, currency),
                  formatValue(found[level].visits > 0 ? found[level].purchases / found[level].visits : Number.NaN, lang, { percent: true }),
                ].map((v) => (
                  <td class="num">{v}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="help">{tr(lang, 'help', { days: WINDOW_DAYS })}</p>
      <p class="help">
        {tr(lang, 'api')}
        <code>{`GET /v1/admin/sites/${site}/referrals/${encodeURIComponent(sharer)}?from=${range.from}&to=${range.to}`}</code>
      </p>
    </Layout>,
  );
});
