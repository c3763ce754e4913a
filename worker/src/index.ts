import { Hono } from 'hono';
import type { AppEnv } from './env.js';
import { ApiError, onError } from './errors.js';
import { openApiDocument } from './openapi.js';
import { adminLinksRoutes } from './routes/admin-links.js';
import { demoImageRoutes } from './routes/demo-images.js';
import { eventsRoutes } from './routes/events.js';
import { itemsRoutes } from './routes/items.js';
import { redirectRoutes, resolveRoutes } from './routes/links.js';
import { recommendationsRoutes } from './routes/recommendations.js';
import { type SiteEnv, siteMiddleware } from './site.js';

const sites = new Hono<SiteEnv>();
sites.use('*', siteMiddleware());
sites.route('/recommendations', recommendationsRoutes);
sites.route('/events', eventsRoutes);
sites.route('/links', resolveRoutes);
sites.route('/', itemsRoutes);

let openapi: string | undefined;

// strict: false — `/links/` and `/links` are the same resource.
const app = new Hono<AppEnv>({ strict: false });
app.get('/health', (c) => c.json({ ok: true }));
app.get('/openapi.json', (c) => c.body((openapi ??= JSON.stringify(openApiDocument())), 200, { 'Content-Type': 'application/json' }));
app.route('/v1/sites/:site', sites);
app.route('/demo/img', demoImageRoutes);
app.route('/r', redirectRoutes);
app.route('/v1/admin/sites/:site/links', adminLinksRoutes);
app.all('/v1/*', (c) => {
  throw new ApiError('not_found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`);
});
// Everything else is a static file (demo storefront, SDK bundles) from dist/public.
app.all('*', (c) => c.env.ASSETS.fetch(c.req.raw));
app.onError(onError);

export default app;
