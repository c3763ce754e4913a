import { z } from 'zod';
import { PlacementRules, PlacementRulesResponse } from '../../../schema/merchandising.js';
import { adminErrors, bodyErrors, type Components, errorSpec, type Operation, siteParam } from '../http/openapi.js';
import { RULES_BODY_LIMIT } from './routes.js';

const placementParam = { schema: z.string().min(1).max(64), example: 'home', description: 'The placement (as requests name it)' };
const description =
  'Filters on catalog attributes, pins at fixed positions, boosts and burials by attribute, purchased items left out, at most N per category, rotation of items shown without a click, and the cold-start slot — applied inside the scoring pass of every list requested with this placement. A rule set that leaves nothing answers popular items within its constraints with `source: "rules_fallback"`.';

/** The merchandising room's routes, for /openapi.json. */
export const merchandisingOperations: Operation[] = [
  {
    method: 'get',
    path: '/v1/admin/sites/{site}/placements/{placement}/rules',
    tags: ['merchandising (admin)'],
    bearer: true,
    summary: "A placement's merchandising rules (version 0 and the defaults before any PUT)",
    description,
    params: { site: siteParam, placement: placementParam },
    responses: { '200': { description: 'The current rules and their version', body: 'PlacementRulesResponse' }, ...adminErrors },
  },
  {
    method: 'put',
    path: '/v1/admin/sites/{site}/placements/{placement}/rules',
    tags: ['merchandising (admin)'],
    bearer: true,
    summary: "Replaces a placement's merchandising rules (marketer or developer)",
    description,
    params: { site: siteParam, placement: placementParam },
    body: {
      component: 'PlacementRules',
      example: { filter: { maxPrice: 300 }, pins: [{ itemId: 'p0042', position: 1 }], maxPerCategory: 3, rotation: {} },
    },
    responses: {
      '200': { description: 'The stored rules and their new version', body: 'PlacementRulesResponse' },
      '400': errorSpec('Invalid rules', 'invalid_request', 'invalid rules: pins.1.position: position 1 is already taken (pins[0])'),
      ...bodyErrors(RULES_BODY_LIMIT),
      ...adminErrors,
    },
  },
];

/** Schemas the merchandising room's operations name. */
export const merchandisingComponents: Components = {
  PlacementRules: { schema: PlacementRules, io: 'input' },
  PlacementRulesResponse: { schema: PlacementRulesResponse },
};
