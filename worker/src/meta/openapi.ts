import { z } from 'zod';
import { catalogComponents, catalogOperations } from '../catalog/openapi.js';
import { demoOperations } from '../demo/openapi.js';
import { eventsComponents, eventsOperations } from '../events/openapi.js';
import { buildOpenApi, type Operation } from '../http/openapi.js';
import { linksComponents, linksOperations } from '../links/openapi.js';
import { merchandisingComponents, merchandisingOperations } from '../merchandising/openapi.js';
import { modelsComponents, modelsOperations } from '../models-admin/openapi.js';
import { recommendComponents, recommendOperations } from '../recommend/openapi.js';
import { referralsComponents, referralsOperations } from '../referrals/openapi.js';
import { sitesComponents, sitesOperations } from '../sites/openapi.js';

const metaOperations: Operation[] = [
  {
    method: 'get',
    path: '/openapi.json',
    tags: ['meta'],
    summary: 'This document',
    responses: { '200': { description: 'OpenAPI 3.1', body: 'OpenApiDocument' } },
  },
  {
    method: 'get',
    path: '/health',
    tags: ['meta'],
    summary: 'Liveness',
    responses: { '200': { description: 'OK', body: 'Health', example: { ok: true } } },
  },
];

/** OpenAPI 3.1 document built from every room's operations and the zod schemas the routes validate with. */
export function openApiDocument() {
  return buildOpenApi(
    {
      title: 'edgepick API',
      version: '1.0.0',
      description: 'Edge recommendations and campaign routing for social e-commerce. Errors are `{"error":{"code","message","issues"?}}`.',
    },
    [
      ...recommendOperations,
      ...eventsOperations,
      ...linksOperations,
      ...sitesOperations,
      ...catalogOperations,
      ...modelsOperations,
      ...referralsOperations,
      ...merchandisingOperations,
      ...demoOperations,
      ...metaOperations,
    ],
    {
      ...recommendComponents,
      ...eventsComponents,
      ...linksComponents,
      ...sitesComponents,
      ...catalogComponents,
      ...modelsComponents,
      ...referralsComponents,
      ...merchandisingComponents,
      Health: { schema: z.object({ ok: z.literal(true) }) },
      OpenApiDocument: { schema: z.object({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }).loose() },
    },
  );
}
