import { type Context, Hono } from 'hono';
import { exclusion, itemFilter, type Pick, popularItems, similarItems } from '../../../models/pack/serve/score.js';
import type { RecommendationsResponse } from '../../../schema/recommendations.js';
import { ListQuery, ListRequest } from '../../../schema/recommendations.js';
import { trendingFor } from '../events/trending.js';
import { ApiError, invalid, methodNotAllowed } from '../http/errors.js';
import { requireModel, type SiteEnv } from '../sites/middleware.js';
import { publicOrigin } from '../sites/origin.js';
import type { LoadedModel } from './model.js';
import { present, withAbsoluteUrls } from './present.js';
import { newRecommendationId, toListRequest } from './query.js';

/** `/popular`, `/items/:id/similar` and `/items/:id` under `/v1/sites/:site`. */
export const itemsRoutes = new Hono<SiteEnv>();

itemsRoutes.get('/popular', (c) => {
  const model = requireModel(c);
  const req = listRequest(c);
  return c.json(list(c, model, 'popular', popularItems(model, req.k, skipFor(model, req))));
});

itemsRoutes.get('/items/:id/similar', (c) => {
  const model = requireModel(c);
  const req = listRequest(c);
  const index = model.itemIndex.get(c.req.param('id'));
  if (index === undefined) throw itemNotFound(c.req.param('id'));
  return c.json(list(c, model, 'similar', similarItems(model, index, req.k, skipFor(model, req))));
});

/** The catalog row, also for products newer than the pack (no factors yet). */
itemsRoutes.get('/items/:id', (c) => {
  // Needs only the catalog: answers even when the active pack was refused.
  const catalog = c.get('catalogById');
  if (!catalog && !c.get('model')) requireModel(c);
  const item = catalog?.get(c.req.param('id'));
  if (!item) throw itemNotFound(c.req.param('id'));
  return c.json(withAbsoluteUrls(item, publicOrigin(c.req.url, c.get('config'))));
});

/**
 * Recent popularity with time decay (computed from events by the cron trigger, read from KV):
 * new products with no factors yet appear here once shoppers interact with them. Items out of
 * stock, deleted, excluded or failing the filter are skipped; `source: "trending"`.
 */
itemsRoutes.get('/trending', async (c) => {
  const req = listRequest(c);
  const trending = await trendingFor(c.env.PACKS, c.get('site'));
  const catalog = c.get('catalogById');
  const excluded = new Set(req.exclude ?? []);
  const passes = itemFilter(req.filter);
  const origin = publicOrigin(c.req.url, c.get('config'));
  const items = [];
  for (const t of trending?.items ?? []) {
    if (items.length >= req.k) break;
    const item = catalog?.get(t.id);
    if (excluded.has(t.id) || (catalog && !item) || item?.inStock === false || (passes && !passes(item))) continue;
    items.push({ ...(item ? withAbsoluteUrls(item, origin) : {}), id: t.id, score: t.score, reason: { type: 'trending' as const } });
  }
  const model = c.get('model');
  const body: RecommendationsResponse = {
    recommendationId: newRecommendationId(model?.version),
    source: 'trending',
    ...(model ? { modelVersion: model.version } : {}),
    items,
  };
  return c.json(body);
});

itemsRoutes.all('/trending', methodNotAllowed('GET'));
itemsRoutes.all('/popular', methodNotAllowed('GET'));
itemsRoutes.all('/items/:id/similar', methodNotAllowed('GET'));
itemsRoutes.all('/items/:id', methodNotAllowed('GET'));

function listRequest(c: Context<SiteEnv>): ListRequest {
  const parsed = ListRequest.safeParse(toListRequest(ListQuery.parse(c.req.query())));
  if (!parsed.success) throw invalid(parsed.error, 'query');
  return parsed.data;
}

function skipFor(model: LoadedModel, req: ListRequest) {
  const excluded: number[] = [];
  for (const id of req.exclude ?? []) {
    const i = model.itemIndex.get(id);
    if (i !== undefined) excluded.push(i);
  }
  return exclusion(model, excluded, req.filter);
}

function list(c: Context<SiteEnv>, model: LoadedModel, source: 'popular' | 'similar', picks: Pick[]): RecommendationsResponse {
  return {
    recommendationId: newRecommendationId(model.version),
    source,
    modelVersion: model.version,
    items: present(
      model,
      picks,
      publicOrigin(c.req.url, c.get('config')),
      source === 'popular' ? picks.map(() => ({ type: 'popular' as const })) : [],
    ),
  };
}

const itemNotFound = (id: string) => new ApiError('item_not_found', `unknown item ${JSON.stringify(id.slice(0, 128))}`);
