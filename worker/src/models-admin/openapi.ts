import { z } from 'zod';
import { adminErrors, type Components, errorSpec, type Operation, siteParam } from '../http/openapi.js';

const tags = ['models (admin)'];
const switched = {
  description: 'The active version and its fallbacks, newest first',
  body: 'ActiveModel',
  example: { active: 'v3', previous: ['v4', 'v2', 'v1'] },
};

/** The models-admin room's routes, for /openapi.json. */
export const modelsOperations: Operation[] = [
  {
    method: 'get',
    path: '/v1/admin/sites/{site}/models',
    tags,
    bearer: true,
    summary: 'The active model version and every published one (owner or developer token)',
    params: { site: siteParam },
    responses: {
      '200': {
        description: '{active, versions: [{version, packId, createdAt, publishedAt?, params, metrics?, counts, dataWindow?}]}',
        body: 'ModelList',
      },
      ...adminErrors,
    },
  },
  {
    method: 'post',
    path: '/v1/admin/sites/{site}/models/{version}/activate',
    tags,
    bearer: true,
    summary: 'Make a published version active (the edge switches within 5 s; a pack that does not check out is never served)',
    params: { site: siteParam, version: { schema: z.string().min(1).max(64), example: 'v3' } },
    responses: {
      '200': switched,
      ...adminErrors,
      '404': errorSpec('No such version', 'not_found', 'site my-shop has no model version "v9"'),
      '409': errorSpec(
        'Its pack is missing or invalid',
        'conflict',
        'model version v2 cannot be activated: its pack is missing or invalid',
      ),
    },
  },
  {
    method: 'post',
    path: '/v1/admin/sites/{site}/models/rollback',
    tags,
    bearer: true,
    summary: 'Activate the version the active one replaced',
    params: { site: siteParam },
    responses: {
      '200': switched,
      ...adminErrors,
      '409': errorSpec('Nothing to roll back to', 'conflict', 'site my-shop has no earlier model version to roll back to'),
    },
  },
];

/** Schemas the models-admin room's operations name. */
export const modelsComponents: Components = {
  ModelList: {
    schema: z.object({
      active: z.string().nullable(),
      versions: z.array(
        z.object({
          version: z.string(),
          packId: z.string(),
          createdAt: z.string(),
          publishedAt: z.string().optional(),
          params: z.record(z.string(), z.unknown()),
          metrics: z.record(z.string(), z.number()).optional(),
          counts: z.object({ items: z.number(), users: z.number(), interactions: z.number() }),
          dataWindow: z.unknown().optional(),
        }),
      ),
    }),
  },
  ActiveModel: { schema: z.object({ active: z.string(), previous: z.array(z.string()) }) },
};
