import { Hono } from 'hono';
import { CatalogItem, CatalogUpsertRequest, type CatalogUpsertResponse } from '../../../schema/catalog.js';
import { toIssues } from '../../../schema/errors.js';
import { invalid, jsonBodyLimit, methodNotAllowed, onError, readJson } from '../http/errors.js';
import { type AdminEnv, adminAuth } from '../sites/auth.js';
import { type SiteEnv, siteMiddleware } from '../sites/middleware.js';
import { deleteItem, upsertItems } from './store.js';

/** Largest catalog upsert body: 1,000 items of up to ~4 KiB each. */
export const CATALOG_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * `PUT /v1/admin/sites/:site/items` (batch upsert) and `DELETE …/items/:id` — owner or developer
 * token. Changes reach picks, similar and popular within the site cache TTL (5 s per isolate; KV
 * propagation between locations ≤ 60 s), without republishing the pack.
 */
export const catalogAdminRoutes = new Hono<AdminEnv & SiteEnv>();
catalogAdminRoutes.onError(onError);
catalogAdminRoutes.use('*', adminAuth({ roles: ['developer'] }), siteMiddleware());

catalogAdminRoutes.put('/', jsonBodyLimit(CATALOG_BODY_LIMIT, 'send at most 1,000 items per call'), async (c) => {
  const parsed = CatalogUpsertRequest.safeParse(await readJson(c));
  if (!parsed.success) throw invalid(parsed.error, 'body');
  const res: CatalogUpsertResponse = { upserted: 0, rejected: [] };
  const byId = new Map<string, CatalogItem>();
  parsed.data.items.forEach((raw, index) => {
    const item = CatalogItem.safeParse(raw);
    if (item.success)
      byId.set(item.data.id, item.data); // the last of duplicate ids wins
    else {
      const id = (raw as { id?: unknown })?.id;
      res.rejected.push({ index, ...(typeof id === 'string' ? { id: id.slice(0, 128) } : {}), issues: toIssues(item.error) });
    }
  });
  if (byId.size) await upsertItems(c.env.DB, c.env.PACKS, c.get('site'), [...byId.values()]);
  res.upserted = byId.size;
  return c.json(res);
});

catalogAdminRoutes.delete('/:id', async (c) => {
  await deleteItem(c.env.DB, c.env.PACKS, c.get('site'), c.req.param('id'));
  return c.body(null, 204);
});

catalogAdminRoutes.all('/', methodNotAllowed('PUT'));
catalogAdminRoutes.all('/:id', methodNotAllowed('DELETE'));
