import { Hono } from 'hono';
import type { z } from 'zod';
import { CreateKeyRequest, CreateSiteRequest, PatchSiteRequest } from '../../../schema/sites.js';
import { ApiError, invalid, jsonBodyLimit, methodNotAllowed, onError, readJson } from '../http/errors.js';
import { type AdminEnv, adminAuth } from './auth.js';
import { forgetGrants } from './grants.js';
import { createKey, createSite, getSite, listKeys, patchSite, revokeKey } from './sites-store.js';

/** Largest body of a site or key request, in bytes. */
export const SITES_BODY_LIMIT = 64 * 1024;

const owner = adminAuth();
const developers = adminAuth({ roles: ['developer'] });
const anyRole = adminAuth({ roles: ['developer', 'marketer'] });
const limit = jsonBodyLimit(SITES_BODY_LIMIT);

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (!r.success) throw invalid(r.error, 'body');
  return r.data;
}

/** `/v1/admin/sites…`: create a site (owner token), read and change it, and manage its keys. */
export const sitesAdminRoutes = new Hono<AdminEnv>();
sitesAdminRoutes.onError(onError);

sitesAdminRoutes.post('/', owner, limit, async (c) => {
  const req = parse(CreateSiteRequest, await readJson(c));
  const reserved = (c.env.DEMO_SITE ?? '').split(',').map((s) => s.trim());
  return c.json(await createSite(c.env.DB, c.env.PACKS, req, c.get('principal').subject, reserved), 201);
});

sitesAdminRoutes.get('/:site', anyRole, async (c) => {
  const site = await getSite(c.env.DB, c.req.param('site'));
  if (!site)
    throw new ApiError('site_not_found', `site ${JSON.stringify(c.req.param('site').slice(0, 64))} was not created through the admin API`);
  return c.json(site);
});

sitesAdminRoutes.patch('/:site', developers, limit, async (c) => {
  const patch = parse(PatchSiteRequest, await readJson(c));
  return c.json(await patchSite(c.env.DB, c.env.PACKS, c.req.param('site'), patch));
});

sitesAdminRoutes.post('/:site/keys', developers, limit, async (c) => {
  const req = parse(CreateKeyRequest, await readJson(c));
  return c.json(await createKey(c.env.DB, c.env.PACKS, c.req.param('site'), req.role, req.label, c.get('principal').subject), 201);
});

sitesAdminRoutes.get('/:site/keys', developers, async (c) => c.json({ keys: await listKeys(c.env.DB, c.req.param('site')) }));

sitesAdminRoutes.delete('/:site/keys/:id', developers, async (c) => {
  await revokeKey(c.env.DB, c.env.PACKS, c.req.param('site'), c.req.param('id'));
  // This isolate forgets at once; others within GRANT_TTL_MS (plus KV propagation).
  forgetGrants();
  return c.body(null, 204);
});

sitesAdminRoutes.all('/', methodNotAllowed('POST'));
sitesAdminRoutes.all('/:site', methodNotAllowed('GET', 'PATCH'));
sitesAdminRoutes.all('/:site/keys', methodNotAllowed('GET', 'POST'));
sitesAdminRoutes.all('/:site/keys/:id', methodNotAllowed('DELETE'));
