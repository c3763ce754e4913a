import { type Context, Hono } from 'hono';
import { RecommendationsQuery, RecommendationsRequest, type RecommendationsResponse } from '../../../schema/recommendations.js';
import { invalid, jsonBodyLimit, methodNotAllowed, readJson } from '../http/errors.js';
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

recommendationsRoutes.get('/', (c) => {
  const parsed = RecommendationsRequest.safeParse(toRecommendationsRequest(RecommendationsQuery.parse(c.req.query())));
  if (!parsed.success) throw invalid(parsed.error, 'query');
  return c.json(respond(c, parsed.data));
});

recommendationsRoutes.post('/', jsonBodyLimit(RECOMMENDATIONS_BODY_LIMIT), async (c) => {
  const parsed = RecommendationsRequest.safeParse(await readJson(c));
  if (!parsed.success) throw invalid(parsed.error, 'body');
  return c.json(respond(c, parsed.data));
});

recommendationsRoutes.all('/', methodNotAllowed('GET', 'POST'));

function respond(c: Context<SiteEnv>, req: RecommendationsRequest): RecommendationsResponse {
  const model = requireModel(c);
  const { source, picks } = recommend(model, req);
  return {
    recommendationId: newRecommendationId(),
    source,
    modelVersion: model.version,
    items: present(model, picks, publicOrigin(c.req.url, c.get('config'))),
  };
}
