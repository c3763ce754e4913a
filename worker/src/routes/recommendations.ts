import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { RecommendationsRequest, type RecommendationsResponse, type RecommendationsRequest as Req } from '../../../schema/recommendations.js';
import { ApiError, invalid, readJson } from '../errors.js';
import { foldIn, type Weighted } from '../scoring/fold-in.js';
import { exclusion, popularItems, present, scoreUser } from '../scoring/score.js';
import { requireModel, type SiteEnv } from '../site.js';
import { list, newRecommendationId, num } from './query.js';

/** Largest POST body for recommendations (the request itself is ≤ 50 recent + 500 excluded ids). */
export const RECOMMENDATIONS_BODY_LIMIT = 64 * 1024;

export const recommendationsRoutes = new Hono<SiteEnv>();

recommendationsRoutes.get('/', (c) => {
  const q = c.req.query();
  const recent = list(q.recent)?.map((s) => {
    const [itemId, type] = s.split(':');
    return type ? { itemId, type } : { itemId };
  });
  const filter =
    q.category !== undefined || q.minPrice !== undefined || q.maxPrice !== undefined
      ? { category: list(q.category), minPrice: num(q.minPrice), maxPrice: num(q.maxPrice) }
      : undefined;
  const parsed = RecommendationsRequest.safeParse({
    userId: q.userId,
    visitorId: q.visitorId,
    k: num(q.k),
    exclude: list(q.exclude),
    recent,
    filter,
    placement: q.placement,
  });
  if (!parsed.success) throw invalid(parsed.error, 'query');
  return c.json(recommend(c, parsed.data));
});

recommendationsRoutes.post(
  '/',
  bodyLimit({
    maxSize: RECOMMENDATIONS_BODY_LIMIT,
    onError: () => {
      throw new ApiError('payload_too_large', `request body is larger than ${RECOMMENDATIONS_BODY_LIMIT} bytes`);
    },
  }),
  async (c) => {
    const parsed = RecommendationsRequest.safeParse(await readJson(c));
    if (!parsed.success) throw invalid(parsed.error, 'body');
    return c.json(recommend(c, parsed.data));
  },
);

/**
 * Chooses the user vector: `realtime` (fold-in of `recent`, starting from the trained vector as a
 * prior when the user is known), `model` (trained vector), else `popular`.
 */
function recommend(c: import('hono').Context<SiteEnv>, req: Req): RecommendationsResponse {
  const model = requireModel(c);
  const { pack } = model;
  const weights = pack.manifest.model.params.eventWeights;
  const seen = new Map<number, number>();
  for (const r of req.recent ?? []) {
    const i = model.itemIndex.get(r.itemId);
    if (i !== undefined) seen.set(i, (seen.get(i) ?? 0) + (weights[r.type] ?? 1));
  }
  const excluded = [...seen.keys()];
  for (const id of req.exclude ?? []) {
    const i = model.itemIndex.get(id);
    if (i !== undefined) excluded.push(i);
  }
  const skip = exclusion(model, excluded, req.filter);
  const u = req.userId !== undefined ? model.userIndex.get(req.userId) : undefined;
  const f = pack.factors;
  let vector: Float32Array | undefined;
  let source: RecommendationsResponse['source'] = 'popular';
  const folded: Weighted[] = [...seen].filter(([, w]) => w > 0).map(([index, weight]) => ({ index, weight }));
  if (folded.length > 0) {
    const prior = u !== undefined && pack.userFactors ? pack.userFactors.subarray(u * f, u * f + f) : undefined;
    vector = foldIn(pack, folded, prior);
    source = 'realtime';
  } else if (u !== undefined && pack.userFactors) {
    vector = pack.userFactors.subarray(u * f, u * f + f);
    source = 'model';
  }
  const picks = vector ? scoreUser(model, vector, req.k, skip) : popularItems(model, req.k, skip);
  return {
    recommendationId: newRecommendationId(),
    source,
    modelVersion: model.version,
    items: present(model, picks, new URL(c.req.url).origin),
  };
}
