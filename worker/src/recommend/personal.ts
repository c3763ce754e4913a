import { SCENE_WEIGHT, sceneLifts } from '../../../models/pack/serve/scene.js';
import { RECENT_MAX, type RecommendationsRequest, type RecommendationsResponse } from '../../../schema/recommendations.js';
import { localHour, siteUtcOffset } from '../lib/local-time.js';
import { compiledRules } from '../merchandising/compile.js';
import { demotedBy, rotationEvents } from '../merchandising/rotation.js';
import { servedRules } from '../merchandising/served.js';
import { shareCountsFor } from '../referrals/share-counts.js';
import { shopperSnapshot } from '../shoppers/history.js';
import { exploreStatsFor } from './explore-stats.js';
import type { LoadedModel } from './model.js';
import { present } from './present.js';
import { newRecommendationId } from './query.js';
import { type RecommendOptions, recommend } from './recommend.js';
import { scenePriorsFor } from './scene-store.js';

/** Interactions further apart than this are two visits (the usual 30-minute web-analytics session). */
const VISIT_GAP_MS = 30 * 60_000;

type PicksEnv = Parameters<typeof shopperSnapshot>[0] & { PACKS: KVNamespace; DB: D1Database };

/**
 * The answer of `GET|POST /v1/sites/:site/recommendations` for a validated request, as a function:
 * the shopper's stored history merged in, picks scored by `recommend`, items presented with catalog
 * fields and absolute URLs on `origin`. The public route and the console's "see as a shopper" both call
 * it, so what a developer previews is what a shopper gets.
 */
export async function personalPicks(
  env: PicksEnv,
  site: string,
  model: LoadedModel,
  req: RecommendationsRequest,
  origin: string,
  config?: { utcOffsetMinutes?: number },
): Promise<RecommendationsResponse> {
  const now = Date.now();
  const [full, options, priors, shares, exploreStats] = await Promise.all([
    withHistory(env, site, req),
    placementOptions(env, site, model, req),
    scenePriorsFor(env.PACKS, site, now),
    shareCountsFor(env.PACKS, site, now),
    // Cold-start feedback (impressions and clicks of new products); no read without new arrivals.
    model.newArrivals.length ? exploreStatsFor(env.PACKS, site, now) : undefined,
  ]);
  // The scene: what sells in this channel, placement and hour of the site's day (learned by the cron).
  const lifts = priors
    ? sceneLifts(priors, { channel: req.channel, placement: req.placement, hour: localHour(now, siteUtcOffset(config)) }, model.itemIndex)
    : undefined;
  const scene = lifts?.size
    ? { index: Int32Array.from(lifts.keys()), units: Float64Array.from(lifts.values()), weight: SCENE_WEIGHT }
    : undefined;
  const { source, picks, reasons } = recommend(model, full.req, { ...options, purchased: full.purchased, scene, exploreStats });
  const items = present(model, picks, origin, reasons);
  // Social proof: people who shared the item today (widgets show it when the site turns it on).
  for (const item of items) {
    const n = shares.get(item.id);
    if (n) item.sharedToday = n;
  }
  return { recommendationId: newRecommendationId(model.version), source, modelVersion: model.version, items };
}

/**
 * Merges an identified shopper's stored cross-channel history into `recent` (oldest first, the
 * request's own `recent` last, at most RECENT_MAX): a click in the WeChat mini-program changes the
 * web picks of the same `userId` with no `recent` in the request. Also answers every item the
 * shopper bought (beyond `recent`'s window). A history that cannot be read (the Durable Object is
 * unavailable) is logged and skipped: picks still come back.
 */
async function withHistory(
  env: PicksEnv,
  site: string,
  req: RecommendationsRequest,
): Promise<{ req: RecommendationsRequest; purchased: string[] }> {
  if (req.userId === undefined) return { req, purchased: [] };
  let history: Awaited<ReturnType<typeof shopperSnapshot>> = { recent: [], purchased: [] };
  try {
    history = await shopperSnapshot(env, site, req.userId);
  } catch (e) {
    console.error(`shopper history unavailable: ${(e as Error).message}`);
  }
  if (!history.recent.length) return { req, purchased: history.purchased };
  // Every event of a visit through a share link carries its `ref`; the item shared is the first one of the
  // visit (a new visit: more than VISIT_GAP_MS since the last interaction carrying that sharer).
  const last = new Map<string, number>();
  const landed = (ref: string | undefined, ts: number) => {
    if (ref === undefined) return false;
    const before = last.get(ref);
    last.set(ref, ts);
    return before === undefined || ts - before > VISIT_GAP_MS;
  };
  const recent = [
    ...history.recent.map((h) => ({ itemId: h.itemId, type: h.type, ts: h.ts, ...(landed(h.ref, h.ts) ? { ref: h.ref } : {}) })),
    ...(req.recent ?? []),
  ].slice(-RECENT_MAX);
  return { req: { ...req, recent }, purchased: history.purchased };
}

/**
 * The request placement's merchandising rules, compiled against this model (cached per model and
 * rules version), and — when the rules rotate — the items this visitor was shown too often without
 * a click (one indexed D1 read).
 */
async function placementOptions(env: PicksEnv, site: string, model: LoadedModel, req: RecommendationsRequest): Promise<RecommendOptions> {
  if (req.placement === undefined) return {};
  const served = await servedRules(env.PACKS, site, req.placement);
  if (!served) return {};
  const rules = compiledRules(model, req.placement, served.version, served.rules);
  const rotation = served.rules.rotation;
  if (!rotation || req.visitorId === undefined) return { rules };
  const now = Date.now();
  const events = await rotationEvents(env.DB, site, [req.visitorId], rotation, now);
  return { rules, demoted: demotedBy(events, rotation, now) };
}
