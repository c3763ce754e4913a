import {
  RecommendationsQuery,
  RecommendationsRequest,
  type RecommendationsResponse,
  type RecommendedItem,
} from '../../../../schema/recommendations.js';
import { personalPicks } from '../../recommend/personal.js';
import { toRecommendationsRequest } from '../../recommend/query.js';
import type { SiteState } from '../../sites/site-store.js';
import { formatNumber } from '../chart-scale.js';
import type { ConsoleContext } from '../context.js';
import { dictionary, type Lang } from '../i18n.js';

/**
 * "See as a shopper" on the recommendations page and on a placement's rules page: a GET form (user id
 * and/or recent item ids; a visitor id too for a placement, whose rotation reads the visitor's
 * impressions) and the picks that shopper would get now — validated by the API's own schemas and
 * computed by the public route's own function (`personalPicks`), never by an HTTP call to ourselves.
 * Nothing is recorded.
 */

const tr = dictionary({
  shopper: ['以顾客身份查看', 'See as a shopper'],
  shopperHelp: [
    '输入用户 ID 和/或几个最近互动的商品 ID，查看这位顾客此刻会看到的推荐（与公开 API 的计算相同，不记录任何事件）。',
    'Enter a user id and/or a few recent item ids to see the picks that shopper would get right now (computed exactly as the public API does; nothing is recorded).',
  ],
  userId: ['用户 ID', 'User id'],
  userIdHelp: [
    '店铺的用户 ID（可选）；模型训练过的用户得到 model 来源。',
    "The shop's user id (optional); a user the model was trained on gets source model.",
  ],
  visitorId: ['访客 ID', 'Visitor id'],
  visitorIdHelp: [
    'SDK 的匿名访客 ID（可选）；轮换规则按此访客的曝光降权。',
    "The SDK's anonymous visitor id (optional); rotation demotes by this visitor's impressions.",
  ],
  placementHelp: [
    '按推荐位 {placement} 已保存的规则计算（未保存的修改不参与预览）。',
    'Computed with the saved rules of placement {placement} (unsaved changes are not previewed).',
  ],
  recent: ['最近互动的商品', 'Recent items'],
  recentHelp: [
    '逗号分隔的商品 ID，最新的在最后；写成 id:click 表示点击（最多 50 个，可选）。',
    'Comma-separated item ids, newest last; write id:click for a click (at most 50, optional).',
  ],
  show: ['查看推荐', 'Show picks'],
  invalid: ['输入无效：{message}', 'Invalid: {message}'],
  noModel: [
    '此站点还没有可用的模型：发布一个模型（edgepick publish <pack> --site {site}）后才能预览推荐。',
    'This site has no model serving yet: publish one (edgepick publish <pack> --site {site}) to preview picks.',
  ],
  picks: ['推荐结果', 'Picks'],
  sourceIs: ['来源：', 'Source: '],
  modelVersion: ['模型版本 {version}', 'model version {version}'],
  source_model: ['模型中训练过的用户向量', "the user's trained vector"],
  source_realtime: ['由最近互动实时折算', 'folded in from the recent items at request time'],
  source_popular: [
    '热门兜底：未知用户，也没有模型认识的最近互动',
    'the popularity fallback: an unknown user and no recent item the model knows',
  ],
  source_similar: ['相似商品', 'similar items'],
  source_trending: ['近期热门', 'trending'],
  source_rules_fallback: [
    '推荐位规则兜底：规则下没有个性化结果，按热门补位',
    "the placement rules' fallback: no personal pick within the rules, popular items instead",
  ],
  noPicks: ['没有可推荐的商品。', 'No items to recommend.'],
  rank: ['#', '#'],
  item: ['商品', 'Item'],
  score: ['得分', 'Score'],
  price: ['价格', 'Price'],
  reason: ['推荐理由', 'Reason'],
  reason_pinned: ['置顶（规则固定位置）', 'pinned (a fixed position in the rules)'],
  reason_new: ['新品（冷启动探索位）', 'new (the cold-start slot)'],
  reason_popular: ['热门', 'among the most popular'],
  reason_because_you_viewed: ['与看过的相似', 'like what they viewed'],
  reason_shared_with_you: ['好友分享', 'someone shared it with them'],
  reason_trending: ['正在流行', 'popular lately'],
});

export interface ShopperInput {
  userId: string;
  /** Asked on a placement's page only ('' elsewhere). */
  visitorId: string;
  recent: string;
}

type Field = 'userId' | 'visitorId' | 'recent' | 'form';

export type ShopperResult =
  | { kind: 'idle' }
  | { kind: 'invalid'; errors: Partial<Record<Field, string>> }
  | { kind: 'noModel' }
  | { kind: 'picks'; response: RecommendationsResponse };

/** The form's inputs from the page query (`see` marks a submitted form). */
export function shopperInput(c: ConsoleContext): ShopperInput | undefined {
  if (c.req.query('see') === undefined) return undefined;
  const q = (name: string) => (c.req.query(name) ?? '').trim();
  return { userId: q('userId'), visitorId: q('visitorId'), recent: q('recent') };
}

/**
 * Validates the inputs as `GET /v1/sites/:site/recommendations` does (RecommendationsQuery →
 * toRecommendationsRequest → RecommendationsRequest) and answers with the picks, or field errors, or
 * "no model" when the site serves none. With `placement`, the placement's saved rules apply.
 */
export async function previewShopper(
  c: ConsoleContext,
  site: string,
  state: SiteState | undefined,
  input: ShopperInput,
  origin: string,
  placement?: string,
): Promise<ShopperResult> {
  const query = RecommendationsQuery.parse({
    userId: input.userId || undefined,
    visitorId: input.visitorId || undefined,
    recent: input.recent || undefined,
    placement,
  });
  const parsed = RecommendationsRequest.safeParse(toRecommendationsRequest(query));
  if (!parsed.success) {
    const errors: Partial<Record<Field, string>> = {};
    for (const issue of parsed.error.issues) {
      const [head, index] = issue.path;
      const field: Field = head === 'userId' || head === 'visitorId' || head === 'recent' ? head : 'form';
      const where = head === 'recent' && typeof index === 'number' ? `#${index + 1} ` : '';
      errors[field] ??= tr(c.get('lang'), 'invalid', { message: `${where}${issue.message}` });
    }
    return { kind: 'invalid', errors };
  }
  if (!state?.model) return { kind: 'noModel' };
  // The site's config last, as the public route passes it (its UTC offset sets the scene's hour).
  return { kind: 'picks', response: await personalPicks(c.env, site, state.model, parsed.data, origin, state.config) };
}

/**
 * The form and, once submitted, its answer. On the recommendations page (`days` kept in the form); on a
 * placement's page (`placement` and `action`), with a visitor id field and each pick's reason.
 */
export function ShopperPreview(props: {
  lang: Lang;
  site: string;
  days?: number;
  placement?: string;
  /** Where the form GETs (default: the recommendations page). */
  action?: string;
  input?: ShopperInput;
  result: ShopperResult;
}) {
  const { lang, input, result, placement } = props;
  const errors = result.kind === 'invalid' ? result.errors : {};
  const field = (name: 'userId' | 'visitorId' | 'recent', extra: { maxlength: number }) => (
    <div>
      <label for={`shopper-${name}`}>{tr(lang, name)}</label>
      <p class="help" id={`shopper-${name}-help`}>
        {tr(lang, `${name}Help`)}
      </p>
      <input
        id={`shopper-${name}`}
        name={name}
        type="text"
        value={input?.[name] ?? ''}
        autocomplete="off"
        maxlength={extra.maxlength}
        aria-invalid={errors[name] ? 'true' : undefined}
        aria-describedby={`shopper-${name}-help${errors[name] ? ` shopper-${name}-error` : ''}`}
      />
      {errors[name] ? (
        <p class="field-error" id={`shopper-${name}-error`}>
          {errors[name]}
        </p>
      ) : null}
    </div>
  );
  return (
    <section aria-labelledby="shopper-heading" id="shopper">
      <h2 id="shopper-heading">{tr(lang, 'shopper')}</h2>
      <form method="get" action={`${props.action ?? `/console/sites/${props.site}/recommendations`}#shopper`} class="card">
        <p class="help">{tr(lang, 'shopperHelp')}</p>
        {placement !== undefined ? <p class="help">{tr(lang, 'placementHelp', { placement })}</p> : null}
        {props.days !== undefined ? <input type="hidden" name="days" value={String(props.days)} /> : null}
        <div class="row">
          {field('userId', { maxlength: 200 })}
          {placement !== undefined ? field('visitorId', { maxlength: 200 }) : null}
          {field('recent', { maxlength: 8000 })}
        </div>
        {errors.form ? (
          <p class="field-error" role="alert">
            {errors.form}
          </p>
        ) : null}
        <div class="actions">
          <button type="submit" name="see" value="1">
            {tr(lang, 'show')}
          </button>
        </div>
      </form>
      {result.kind === 'noModel' ? (
        <div class="notice error" role="status">
          {tr(lang, 'noModel', { site: props.site })}
        </div>
      ) : null}
      {result.kind === 'picks' ? <Picks lang={lang} response={result.response} reasons={placement !== undefined} /> : null}
    </section>
  );
}

/** A pick's reason as words: the label, and the item behind it when there is one (`like what they viewed: a1`). */
function reasonText(lang: Lang, reason: RecommendedItem['reason']): string {
  if (!reason) return '–';
  return `${tr(lang, `reason_${reason.type}`)}${reason.itemId ? `: ${reason.itemId}` : ''}`;
}

function Picks(props: { lang: Lang; response: RecommendationsResponse; reasons: boolean }) {
  const { lang, response } = props;
  return (
    <div class="card">
      <h3 id="shopper-picks-heading">{tr(lang, 'picks')}</h3>
      <p>
        {tr(lang, 'sourceIs')}
        <span class="badge" data-source={response.source}>
          {response.source}
        </span>{' '}
        {tr(lang, `source_${response.source}`)}
        {response.modelVersion ? ` · ${tr(lang, 'modelVersion', { version: response.modelVersion })}` : ''}
      </p>
      {response.items.length ? (
        <div class="table-wrap">
          <table id="shopper-picks" class={props.reasons ? 'stats wide' : 'stats'}>
            <thead>
              <tr>
                <th scope="col">{tr(lang, 'rank')}</th>
                <th scope="col">{tr(lang, 'item')}</th>
                <th scope="col" class="num">
                  {tr(lang, 'score')}
                </th>
                <th scope="col" class="num">
                  {tr(lang, 'price')}
                </th>
                {props.reasons ? <th scope="col">{tr(lang, 'reason')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {response.items.map((item, i) => (
                <tr>
                  <td>{String(i + 1)}</td>
                  <td>
                    {item.title ? <span class="item-title">{item.title}</span> : null}
                    <code>{item.id}</code>
                  </td>
                  <td class="num">{formatNumber(item.score, lang, 4)}</td>
                  <td class="num">
                    {item.price === undefined ? '–' : `${formatNumber(item.price, lang)}${item.currency ? ` ${item.currency}` : ''}`}
                  </td>
                  {props.reasons ? (
                    <td>
                      <span class="badge" data-reason={item.reason?.type}>
                        {item.reason?.type ?? '–'}
                      </span>{' '}
                      {reasonText(lang, item.reason)}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{tr(lang, 'noPicks')}</p>
      )}
    </div>
  );
}
