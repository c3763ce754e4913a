import type { Context, MiddlewareHandler } from 'hono';
import type { SiteConfig } from '../../schema/catalog.js';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';
import { getSite, type LoadedModel } from './pack-store.js';

export type SiteEnv = AppEnv & { Variables: { site: string; config?: SiteConfig; model?: LoadedModel } };

const SITE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Resolves `:site` (404 site_not_found if unknown), answers CORS for the site's allowed
 * origins (preflight included) and exposes the site's config and active model to handlers.
 */
export function siteMiddleware(): MiddlewareHandler<SiteEnv> {
  return async (c, next) => {
    const site = c.req.param('site') ?? '';
    const origin = c.req.header('origin');
    if (!SITE_ID.test(site)) throw new ApiError('site_not_found', `unknown site ${JSON.stringify(site.slice(0, 64))}`);
    const state = await getSite(c.env, site);
    if (!state.exists) throw new ApiError('site_not_found', `unknown site ${JSON.stringify(site)}`);
    c.set('site', site);
    c.set('config', state.config);
    c.set('model', state.model);
    const allowed = origin !== undefined && originAllowed(origin, state.config?.allowedOrigins ?? []);
    if (c.req.method === 'OPTIONS') {
      if (!allowed) return c.body(null, 204);
      return c.body(null, 204, {
        ...corsHeaders(origin),
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': c.req.header('access-control-request-headers') ?? 'content-type',
        'Access-Control-Max-Age': '86400',
      });
    }
    await next();
    if (allowed) for (const [k, v] of Object.entries(corsHeaders(origin))) c.res.headers.set(k, v);
  };
}

function corsHeaders(origin: string) {
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

/** `http://localhost:*` matches any port; other entries match the origin exactly. */
export function originAllowed(origin: string, patterns: string[]): boolean {
  for (const p of patterns) {
    if (p === origin || p === '*') return true;
    if (p.endsWith(':*')) {
      const base = p.slice(0, -2);
      if (origin === base || (origin.startsWith(`${base}:`) && /^\d{1,5}$/.test(origin.slice(base.length + 1)))) return true;
    }
  }
  return false;
}

/** The site's model, or 503 model_unavailable. */
export function requireModel(c: Context<SiteEnv>): LoadedModel {
  const model = c.get('model');
  if (!model)
    throw new ApiError('model_unavailable', `site ${c.get('site')} has no published model yet (run: edgepick publish <pack> --site ${c.get('site')})`);
  return model;
}
