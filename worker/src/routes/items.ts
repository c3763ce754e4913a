import { Hono } from 'hono';
import { z } from 'zod';
import { K_MAX } from '../../../schema/recommendations.js';
import { ApiError, invalid } from '../errors.js';
import { absolutize, exclusion, popularItems, present, similarItems } from '../scoring/score.js';
import { requireModel, type SiteEnv } from '../site.js';
import { list, newRecommendationId, num } from './query.js';

const ListQuery = z.object({
  k: z.number().int().min(1).max(K_MAX).default(10),
  exclude: z.array(z.string().min(1).max(128)).max(500).optional(),
  category: z.array(z.string().min(1)).max(50).optional(),
});

function listQuery(q: Record<string, string>) {
  const parsed = ListQuery.safeParse({ k: num(q.k), exclude: list(q.exclude), category: list(q.category) });
  if (!parsed.success) throw invalid(parsed.error, 'query');
  return parsed.data;
}

/** `/items/:id`, `/items/:id/similar`, `/popular` under `/v1/sites/:site`. */
export const itemsRoutes = new Hono<SiteEnv>();

itemsRoutes.get('/popular', (c) => {
  const model = requireModel(c);
  const q = listQuery(c.req.query());
  const skip = exclusion(model, ids(model, q.exclude), q.category ? { category: q.category } : undefined);
  const items = present(model, popularItems(model, q.k, skip), new URL(c.req.url).origin);
  return c.json({ recommendationId: newRecommendationId(), source: 'popular' as const, modelVersion: model.version, items });
});

itemsRoutes.get('/items/:id/similar', (c) => {
  const model = requireModel(c);
  const q = listQuery(c.req.query());
  const id = c.req.param('id');
  const index = model.itemIndex.get(id);
  if (index === undefined) throw new ApiError('item_not_found', `unknown item ${JSON.stringify(id.slice(0, 128))}`);
  const skip = exclusion(model, ids(model, q.exclude), q.category ? { category: q.category } : undefined);
  const items = present(model, similarItems(model, index, q.k, skip), new URL(c.req.url).origin);
  return c.json({ recommendationId: newRecommendationId(), source: 'similar' as const, modelVersion: model.version, items });
});

itemsRoutes.get('/items/:id', (c) => {
  const model = requireModel(c);
  const id = c.req.param('id');
  const index = model.itemIndex.get(id);
  const item = index === undefined ? undefined : model.catalog[index];
  if (!item) throw new ApiError('item_not_found', `unknown item ${JSON.stringify(id.slice(0, 128))}`);
  const out: Record<string, unknown> = { ...item };
  absolutize(out, item, new URL(c.req.url).origin);
  return c.json(out);
});

function ids(model: { itemIndex: Map<string, number> }, list?: string[]) {
  return (list ?? []).map((id) => model.itemIndex.get(id)).filter((i): i is number => i !== undefined);
}
