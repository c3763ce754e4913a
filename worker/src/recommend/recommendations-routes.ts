import { type Context, Hono } from 'hono';
import { RECENT_MAX, RecommendationsQuery, RecommendationsRequest, type RecommendationsResponse } from '../../../schema/recommendations.js';
import { invalid, jsonBodyLimit, methodNotAllowed, readJson } from '../http/errors.js';
import { shopperInteractions } from '../shoppers/history.js';
import { requireModel, type SiteEnv } from '../sites/middleware.js';
import { publicOrigin } from '../sites/origin.js';
import { present } from './present.js';
import { newRecommendationId, toRecommendationsRequest } from './query.js';
import { recommend } from './recommend.js';

/**
 * Largest POST body for recommendations, in bytes. A maximal valid request (50 recent + 500
 * excluded ids of ≤ 128 characters) is ≈ 75 KiB of JSON; real ones are a few hundred bytes.
 */
export const RECOMMENDATIONS_BODY_LIMIT = 96 * 1024;

/** `GET|POST /v1/sites/:site/recommendations`: personal picks (see `recommend`). */
export const recommendationsRoutes = new Hono<SiteEnv>();

recommendationsRoutes.get('/', async (c) => {
  const parsed = RecommendationsRequest.safeParse(toRecommendationsRequest(RecommendationsQuery.parse(c.req.query())));
  if (!parsed.success) throw invalid(parsed.error, 'query');
  return c.json(await respond(c, parsed.data));
});

recommendationsRoutes.post('/', jsonBodyLimit(RECOMMENDATIONS_BODY_LIMIT), async (c) => {
  const parsed = RecommendationsRequest.safeParse(await readJson(c));
  if (!parsed.success) throw invalid(parsed.error, 'body');
  return c.json(await respond(c, parsed.data));
});

recommendationsRoutes.all('/', methodNotAllowed('GET', 'POST'));

async function respond(c: Context<SiteEnv>, req: RecommendationsRequest): Promise<RecommendationsResponse> {
  const model = requireModel(c);
  const { source, picks } = recommend(model, await withHistory(c, req));
  return {
    recommendationId: newRecommendationId(model.version),
    source,
    modelVersion: model.version,
    items: present(model, picks, publicOrigin(c.req.url, c.get('config'))),
  };
}

/**
 * Merges an identified shopper's stored cross-channel history into `recent` (oldest first, the
 * request's own `recent` last, at most RECENT_MAX): a click in the WeChat mini-program changes the
 * web picks of the same `userId` with no `recent` in the request. A history that cannot be read
 * (the Durable Object is unavailable) is logged and skipped: picks still come back.
 */
async function withHistory(c: Context<SiteEnv>, req: RecommendationsRequest): Promise<RecommendationsRequest> {
  if (req.userId === undefined) return req;
  let history: Awaited<ReturnType<typeof shopperInteractions>> = [];
  try {
    history = await shopperInteractions(c.env, c.get('site'), req.userId);
  } catch (e) {
    console.error(`shopper history unavailable: ${(e as Error).message}`);
  }
  if (!history.length) return req;
  const recent = [...history.map((h) => ({ itemId: h.itemId, type: h.type, ts: h.ts })), ...(req.recent ?? [])].slice(-RECENT_MAX);
  return { ...req, recent };
}
