import type { Context, MiddlewareHandler } from 'hono';
import type { CatalogItem, SiteConfig } from '../../../schema/catalog.js';
import { SITE_ID_PATTERN } from '../../../schema/ids.js';
import type { AppEnv } from '../env.js';
import { ApiError } from '../http/errors.js';
import { createPackStore, type LoadedModel, type PackStore } from './site-store.js';

export type SiteEnv = AppEnv & {
  Variables: { site: string; config?: SiteConfig; model?: LoadedModel; catalogById?: Map<string, CatalogItem> };
};

/** The isolate's pack store: one per isolate, shared by every request. */
export const packStore: PackStore = createPackStore();

/**
 * Resolves `:site` (404 site_not_found when the id is malformed or unknown) and exposes the
 * site's config and active model as `c.var.config` / `c.var.model`.
 */
export function siteMiddleware(store: PackStore = packStore): MiddlewareHandler<SiteEnv> {
  return async (c, next) => {
    const site = c.req.param('site') ?? '';
    if (!SITE_ID_PATTERN.test(site)) throw new ApiError('site_not_found', `unknown site ${JSON.stringify(site.slice(0, 64))}`);
    const state = await store.get(c.env, site);
    if (!state.exists) throw new ApiError('site_not_found', `unknown site ${JSON.stringify(site)}`);
    c.set('site', site);
    c.set('config', state.config);
    c.set('model', state.model);
    c.set('catalogById', state.catalogById);
    await next();
  };
}

/** The site's model, or 503 model_unavailable. */
export function requireModel(c: Context<SiteEnv>): LoadedModel {
  const model = c.get('model');
  if (!model)
    throw new ApiError(
      'model_unavailable',
      `site ${c.get('site')} has no published model yet (run: edgepick publish <pack> --site ${c.get('site')})`,
    );
  return model;
}
