import { RECENT_MAX, type RecommendationsRequest, type RecommendationsResponse } from '../../../schema/recommendations.js';
import { shopperInteractions } from '../shoppers/history.js';
import type { LoadedModel } from './model.js';
import { present } from './present.js';
import { newRecommendationId } from './query.js';
import { recommend } from './recommend.js';

/**
 * The answer of `GET|POST /v1/sites/:site/recommendations` for a validated request, as a function:
 * the shopper's stored history merged in, picks scored by `recommend`, items presented with catalog
 * fields and absolute URLs on `origin`. The public route and the console's "see as a shopper" both call
 * it, so what a developer previews is what a shopper gets.
 */
export async function personalPicks(
  env: Parameters<typeof shopperInteractions>[0],
  site: string,
  model: LoadedModel,
  req: RecommendationsRequest,
  origin: string,
): Promise<RecommendationsResponse> {
  const { source, picks, reasons } = recommend(model, await withHistory(env, site, req));
  return {
    recommendationId: newRecommendationId(model.version),
    source,
    modelVersion: model.version,
    items: present(model, picks, origin, reasons),
  };
}

/**
 * Merges an identified shopper's stored cross-channel history into `recent` (oldest first, the
 * request's own `recent` last, at most RECENT_MAX): a click in the WeChat mini-program changes the
 * web picks of the same `userId` with no `recent` in the request. A history that cannot be read
 * (the Durable Object is unavailable) is logged and skipped: picks still come back.
 */
async function withHistory(
  env: Parameters<typeof shopperInteractions>[0],
  site: string,
  req: RecommendationsRequest,
): Promise<RecommendationsRequest> {
  if (req.userId === undefined) return req;
  let history: Awaited<ReturnType<typeof shopperInteractions>> = [];
  try {
    history = await shopperInteractions(env, site, req.userId);
  } catch (e) {
    console.error(`shopper history unavailable: ${(e as Error).message}`);
  }
  if (!history.length) return req;
  const recent = [
    ...history.map((h) => ({ itemId: h.itemId, type: h.type, ts: h.ts, ...(h.ref ? { ref: h.ref } : {}) })),
    ...(req.recent ?? []),
  ].slice(-RECENT_MAX);
  return { ...req, recent };
}
