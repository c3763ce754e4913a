import { Hono } from 'hono';
import { Identifier } from '../../../schema/ids.js';
import { PlacementRules } from '../../../schema/merchandising.js';
import { invalid, jsonBodyLimit, methodNotAllowed, onError, readJson } from '../http/errors.js';
import { type AdminEnv, adminAuth } from '../sites/auth.js';
import { type SiteEnv, siteMiddleware } from '../sites/middleware.js';
import { readRules, writeRules } from './store.js';

/** Largest rules body, in bytes: a maximal rule set (20 pins, 20 boosts of 50 values each) is ≈ 60 KiB. */
export const RULES_BODY_LIMIT = 64 * 1024;

const Placement = Identifier(64);

/**
 * `GET|PUT /v1/admin/sites/:site/placements/:placement/rules` (owner, marketer or developer token):
 * the placement's merchandising rules, applied to every list requested with that `placement`.
 */
export const placementRulesRoutes = new Hono<AdminEnv & SiteEnv>();
placementRulesRoutes.onError(onError);
placementRulesRoutes.use(
  '*',
  adminAuth({ roles: ['marketer', 'developer'] }),
  siteMiddleware(),
  jsonBodyLimit(RULES_BODY_LIMIT, 'a rule set is far smaller'),
);

const placementOf = (raw: string | undefined) => {
  const p = Placement.safeParse(raw);
  if (!p.success) throw invalid(p.error, 'placement');
  return p.data;
};

placementRulesRoutes.get('/:placement/rules', async (c) =>
  c.json(await readRules(c.env.DB, c.get('site'), placementOf(c.req.param('placement')))),
);

placementRulesRoutes.put('/:placement/rules', async (c) => {
  const placement = placementOf(c.req.param('placement'));
  const parsed = PlacementRules.safeParse(await readJson(c));
  if (!parsed.success) throw invalid(parsed.error, 'rules');
  return c.json(await writeRules(c.env.DB, c.env.PACKS, c.get('site'), placement, parsed.data, c.get('principal').subject));
});

placementRulesRoutes.all('/:placement/rules', methodNotAllowed('GET', 'PUT'));
