import { type Handler, Hono } from 'hono';
import { catalogAdminRoutes } from './catalog/admin-routes.js';
import { consoleRoutes } from './console/routes.js';
import { purgeSessions } from './console/session.js';
import { demoImageRoutes } from './demo/images.js';
import type { AppEnv } from './env.js';
import { consumeEvents, type EventsMessage, SWEEP_MIN_AGE_MS, sweepEvents } from './events/pipeline.js';
import { eventsRoutes } from './events/routes.js';
import { statsRoutes } from './events/stats-routes.js';
import { refreshTrending } from './events/trending.js';
import { ApiError, onError } from './http/errors.js';
import { securityHeaders } from './http/security-headers.js';
import { adminLinksRoutes } from './links/admin-routes.js';
import { redirectRoutes, resolveRoutes } from './links/public-routes.js';
import { placementRulesRoutes } from './merchandising/routes.js';
import { metaRoutes } from './meta/routes.js';
import { modelsAdminRoutes } from './models-admin/routes.js';
import { refreshExploreStats } from './recommend/explore-stats.js';
import { itemsRoutes } from './recommend/items-routes.js';
import { recommendationsRoutes } from './recommend/recommendations-routes.js';
import { refreshScenePriors } from './recommend/scene-store.js';
import { sharesRoutes } from './referrals/public-routes.js';
import { referralsRoutes } from './referrals/routes.js';
import { refreshShareCounts } from './referrals/share-counts.js';
import { sitesAdminRoutes } from './sites/admin-routes.js';
import { siteCors } from './sites/cors.js';
import { type SiteEnv, siteMiddleware } from './sites/middleware.js';
import { requirePublicKey } from './sites/public-key.js';

// Public, per-site API: resolve the site, then CORS for its allowed origins, then the route.
const sites = new Hono<SiteEnv>();
sites.use('*', siteMiddleware(), siteCors(), requirePublicKey());
sites.route('/recommendations', recommendationsRoutes);
sites.route('/events', eventsRoutes);
sites.route('/links', resolveRoutes);
sites.route('/shares', sharesRoutes);
sites.route('/', itemsRoutes);

// strict: false — `/links/` and `/links` are the same resource.
const notFound: Handler<AppEnv> = (c) => {
  throw new ApiError('not_found', `no route for ${c.req.method} ${new URL(c.req.url).pathname.slice(0, 200)}`);
};

const app = new Hono<AppEnv>({ strict: false });
app.use('*', securityHeaders());
app.route('/', metaRoutes);
app.route('/v1/sites/:site', sites);
app.route('/demo/img', demoImageRoutes);
app.route('/r', redirectRoutes);
app.route('/console', consoleRoutes);
app.route('/v1/admin/sites', sitesAdminRoutes);
app.route('/v1/admin/sites/:site/links', adminLinksRoutes);
app.route('/v1/admin/sites/:site/items', catalogAdminRoutes);
app.route('/v1/admin/sites/:site/models', modelsAdminRoutes);
app.route('/v1/admin/sites/:site/stats', statsRoutes);
app.route('/v1/admin/sites/:site/referrals', referralsRoutes);
app.route('/v1/admin/sites/:site/placements', placementRulesRoutes);
// API paths never fall through to static files: an unknown one is a JSON 404.
app.all('/demo/img', notFound);
app.all('/demo/img/*', notFound);
app.all('/v1/*', notFound);
// Everything else is a static file (demo storefront, SDK bundles) from dist/public.
app.all('*', (c) => c.env.ASSETS.fetch(c.req.raw));
app.onError(onError);

/**
 * The worker: HTTP through the Hono app; the events queue's consumer; and the cron trigger that
 * sweeps the events pipeline, recomputes trending lists, today's share counts and the scene priors
 * from what is stored, and drops expired console sessions.
 */
export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<EventsMessage>, env: AppEnv['Bindings']) {
    await consumeEvents(batch, env);
  },
  scheduled(_controller: ScheduledController, env: AppEnv['Bindings'], ctx: ExecutionContext) {
    const minAge = Number(env.EVENTS_SWEEP_MIN_AGE_S ?? Number.NaN) * 1000;
    // One step after another (the sweep first: the others read what it stores); a failing step is
    // logged and the next still runs.
    const steps: [string, () => Promise<string>][] = [
      [
        'events sweep',
        async () => {
          const s = await sweepEvents(env, Date.now(), Number.isFinite(minAge) && minAge >= 0 ? minAge : SWEEP_MIN_AGE_MS);
          return `${s.batches} batches from incoming/, ${s.inserted} rows new, ${s.archived} archived`;
        },
      ],
      ['trending', async () => `refreshed for ${(await refreshTrending(env)).length} sites`],
      ['share counts', async () => `refreshed for ${(await refreshShareCounts(env)).length} sites`],
      ['explore stats', async () => `counted for ${(await refreshExploreStats(env)).length} sites`],
      ['scene priors', async () => `learned for ${(await refreshScenePriors(env)).length} sites`],
      [
        'console sessions',
        async () => {
          await purgeSessions(env.DB);
          return 'expired ones purged';
        },
      ],
    ];
    ctx.waitUntil(
      (async () => {
        for (const [name, step] of steps) {
          try {
            console.log(`${name}: ${await step()}`);
          } catch (e) {
            console.error(`${name} failed: ${e}`);
          }
        }
      })(),
    );
  },
} satisfies ExportedHandler<AppEnv['Bindings'], EventsMessage>;

// Durable Object classes live in the main module (wrangler.toml `durable_objects.bindings`).
export { ShopperHistory } from './shoppers/history.js';
export { app };
