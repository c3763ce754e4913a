import { CatalogItem } from '../../../schema/catalog.js';
import { Identifier } from '../../../schema/ids.js';
import {
  K_MAX,
  ListQuery,
  RECENT_MAX,
  RecommendationsQuery,
  RecommendationsRequest,
  RecommendationsResponse,
} from '../../../schema/recommendations.js';
import { bodyErrors, type Components, errorSpec, type Operation, type ResponseSpec, siteParam } from '../http/openapi.js';
import { RECOMMENDATIONS_BODY_LIMIT } from './recommendations-routes.js';

const recsExample = {
  recommendationId: 'r_3f9a0c1d2e4b5a6978',
  source: 'realtime',
  modelVersion: 'v3',
  items: [
    {
      id: 'p0042',
      score: 0.8123,
      title: '山岚经典西湖龙井',
      price: 129.9,
      currency: 'CNY',
      image: 'https://shop.example/demo/img/p0042.svg?c=tea',
      url: 'https://shop.example/#/p/p0042',
      category: 'tea',
    },
  ],
};

const siteErrors: Record<string, ResponseSpec> = {
  '404': errorSpec('Unknown site (`site_not_found`) or item (`item_not_found`)', 'site_not_found', 'unknown site "nope"'),
  '405': errorSpec(
    'Another method than the ones listed (an `Allow` header names them)',
    'method_not_allowed',
    'DELETE is not allowed here; use GET, POST',
  ),
  '503': errorSpec('The site has no loadable model', 'model_unavailable', 'site demo has no published model yet'),
};
const listResponses: Record<string, ResponseSpec> = {
  '200': { description: 'Items, best first', body: 'RecommendationsResponse', example: recsExample },
  '400': errorSpec('Invalid query', 'invalid_request', 'invalid query: k: Too big: expected number to be <=100'),
  ...siteErrors,
};
const itemParam = { schema: Identifier(128), example: 'p0042', description: 'Item id' };
const tags = ['recommendations'];

/** The recommend room's routes, for /openapi.json. */
export const recommendOperations: Operation[] = [
  {
    method: 'get',
    path: '/v1/sites/{site}/recommendations',
    tags,
    summary: 'Personal picks (query-string form)',
    description:
      'The same request as POST, as query parameters (validated by the same schema after translation). Use POST for item ids containing commas.',
    params: { site: siteParam },
    query: RecommendationsQuery,
    responses: listResponses,
  },
  {
    method: 'post',
    path: '/v1/sites/{site}/recommendations',
    tags,
    summary: 'Personal picks',
    description: `source is "model" (trained user vector), "realtime" (folded in from recent at request time; a known user's trained vector is the prior) or "popular" (fallback). A known user is found by userId, else visitorId. Items in recent and exclude, and a known user's trained items (the pack's user_items), are never returned. k is 1–${K_MAX}, recent at most ${RECENT_MAX}. Body ≤ ${RECOMMENDATIONS_BODY_LIMIT} bytes, application/json or text/plain.`,
    params: { site: siteParam },
    body: {
      component: 'RecommendationsRequest',
      example: { visitorId: 'v_8c1f', recent: [{ itemId: 'p0042', type: 'click' }], k: 8, exclude: ['p0007'], filter: { maxPrice: 300 } },
    },
    responses: {
      ...listResponses,
      '400': errorSpec(
        'Not JSON (`invalid_json`) or invalid fields (`invalid_request`, with issues)',
        'invalid_request',
        'invalid body: k: Too big: expected number to be <=100',
      ),
      ...bodyErrors(RECOMMENDATIONS_BODY_LIMIT),
    },
  },
  {
    method: 'get',
    path: '/v1/sites/{site}/items/{id}/similar',
    tags,
    summary: 'Items similar to one item (cosine of factor vectors, in [−1, 1]; never the item itself)',
    params: { site: siteParam, id: itemParam },
    query: ListQuery,
    responses: { ...listResponses, '404': errorSpec('Unknown site or item', 'item_not_found', 'unknown item "nope"') },
  },
  {
    method: 'get',
    path: '/v1/sites/{site}/popular',
    tags,
    summary: 'Most popular items of the active pack (score = popularity)',
    params: { site: siteParam },
    query: ListQuery,
    responses: listResponses,
  },
  {
    method: 'get',
    path: '/v1/sites/{site}/trending',
    tags,
    summary: 'Recent popularity with time decay (events of the last 7 days, 24 h half-life; recomputed every 10 minutes)',
    description: 'New products without factors appear here once shoppers interact with them. source is "trending".',
    params: { site: siteParam },
    query: ListQuery,
    responses: listResponses,
  },
  {
    method: 'get',
    path: '/v1/sites/{site}/items/{id}',
    tags,
    summary: 'One catalog item (relative image/url made absolute); answers while a pack is refused',
    params: { site: siteParam, id: itemParam },
    responses: {
      '200': { description: 'The item', body: 'CatalogItem', example: recsExample.items[0] },
      ...siteErrors,
      '404': errorSpec('Unknown site or item', 'item_not_found', 'unknown item "nope"'),
    },
  },
];

/** Schemas the recommend room's operations name. */
export const recommendComponents: Components = {
  RecommendationsRequest: { schema: RecommendationsRequest, io: 'input' },
  RecommendationsResponse: { schema: RecommendationsResponse },
  CatalogItem: { schema: CatalogItem },
};
