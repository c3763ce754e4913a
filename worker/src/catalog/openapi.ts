import { CATALOG_BATCH_MAX, CatalogUpsertRequest, CatalogUpsertResponse } from '../../../schema/catalog.js';
import { Identifier } from '../../../schema/ids.js';
import { adminErrors, bodyErrors, type Components, errorSpec, type Operation, siteParam } from '../http/openapi.js';
import { CATALOG_BODY_LIMIT } from './admin-routes.js';

const tags = ['catalog (admin)'];

/** The catalog room's routes, for /openapi.json. */
export const catalogOperations: Operation[] = [
  {
    method: 'put',
    path: '/v1/admin/sites/{site}/items',
    tags,
    bearer: true,
    summary: `Upsert up to ${CATALOG_BATCH_MAX} products (owner or developer token); each validated on its own`,
    description:
      'A product set `inStock: false` or deleted stops appearing in picks, similar and popular within 5 s where it was written (≤ 60 s everywhere, KV propagation), without republishing the pack.',
    params: { site: siteParam },
    body: {
      component: 'CatalogUpsertRequest',
      example: {
        items: [
          {
            id: 'p0042',
            title: '西湖龙井',
            price: 129.9,
            currency: 'CNY',
            image: 'https://cdn.shop.example/p0042.jpg',
            url: 'https://shop.example/p/p0042',
            category: 'tea',
            tags: ['gift'],
            inStock: true,
          },
        ],
      },
    },
    responses: {
      '200': {
        description: 'How many were stored; each refused item with its issues',
        body: 'CatalogUpsertResponse',
        example: { upserted: 1, rejected: [] },
      },
      '400': errorSpec(
        'Not JSON, or not 1–1,000 items',
        'invalid_request',
        'invalid body: items: Too big: expected array to have <=1000 items',
      ),
      ...adminErrors,
      ...bodyErrors(CATALOG_BODY_LIMIT),
    },
  },
  {
    method: 'delete',
    path: '/v1/admin/sites/{site}/items/{id}',
    tags,
    bearer: true,
    summary: 'Delete a product (also hides the pack catalog row of that id)',
    params: { site: siteParam, id: { schema: Identifier(128), example: 'p0042' } },
    responses: {
      '204': { description: 'Deleted' },
      ...adminErrors,
      '404': errorSpec('Already deleted', 'item_not_found', 'item "p0042" is already deleted'),
    },
  },
];

/** Schemas the catalog room's operations name. */
export const catalogComponents: Components = {
  CatalogUpsertRequest: { schema: CatalogUpsertRequest, io: 'input' },
  CatalogUpsertResponse: { schema: CatalogUpsertResponse },
};
