import { type Context, Hono } from 'hono';
import { RecommendationsQuery, RecommendationsRequest, type RecommendationsResponse } from '../../../schema/recommendations.js';
import { invalid, jsonBodyLimit, methodNotAllowed, readJson } from '../http/errors.js';
import { requireModel, type SiteEnv } from '../sites/middleware.js';
import { publicOrigin } from '../sites/origin.js';
import { personalPicks } from './personal.js';
import { toRecommendationsRequest } from './query.js';

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
  return personalPicks(c.env, c.get('site'), requireModel(c), req, publicOrigin(c.req.url, c.get('config')), c.get('config'));
}
