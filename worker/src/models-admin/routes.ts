import { Hono } from 'hono';
import { methodNotAllowed, onError } from '../http/errors.js';
import { type AdminEnv, adminAuth } from '../sites/auth.js';
import { type SiteEnv, siteMiddleware } from '../sites/middleware.js';
import { activateModel, listModels, rollbackModel } from './store.js';

/** `/v1/admin/sites/:site/models…`: the published versions, activate one, roll back (owner or developer token). */
export const modelsAdminRoutes = new Hono<AdminEnv & SiteEnv>();
modelsAdminRoutes.onError(onError);
modelsAdminRoutes.use('*', adminAuth({ roles: ['developer'] }), siteMiddleware());

modelsAdminRoutes.get('/', async (c) => c.json(await listModels(c.env.PACKS, c.get('site'))));

modelsAdminRoutes.post('/rollback', async (c) => {
  const p = await rollbackModel(c.env.PACKS, c.get('site'));
  return c.json({ active: p.version, previous: p.previous.map((v) => v.version) });
});

modelsAdminRoutes.post('/:version/activate', async (c) => {
  const p = await activateModel(c.env.PACKS, c.get('site'), c.req.param('version'));
  return c.json({ active: p.version, previous: p.previous.map((v) => v.version) });
});

modelsAdminRoutes.all('/', methodNotAllowed('GET'));
modelsAdminRoutes.all('/rollback', methodNotAllowed('POST'));
modelsAdminRoutes.all('/:version/activate', methodNotAllowed('POST'));
