import { z } from 'zod';
import { CatalogItem } from '../../schema/catalog.js';
import { ErrorBody } from '../../schema/errors.js';
import { EVENTS_MAX_BATCH, Event, EventsBatch, EventsResponse } from '../../schema/events.js';
import { K_MAX, RECENT_MAX, RecommendationsRequest, RecommendationsResponse } from '../../schema/recommendations.js';
import { LinkDefinition } from '../../schema/routing.js';
import { EVENTS_BODY_LIMIT } from './routes/events.js';
import { RECOMMENDATIONS_BODY_LIMIT } from './routes/recommendations.js';

const schema = (s: z.ZodType, io: 'input' | 'output' = 'output') => {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};
const json = (ref: string, example?: unknown) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` }, ...(example ? { example } : {}) } });
const error = (description: string, code: string, message: string) => ({ description, content: json('ErrorBody', { error: { code, message } }) });
const site = { name: 'site', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }, example: 'demo' };
const q = (name: string, description: string, type = 'string') => ({ name, in: 'query', required: false, description, schema: { type } });
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
const commonErrors = {
  '404': error('Unknown site or item', 'site_not_found', 'unknown site "nope"'),
  '503': error('The site has no loadable model', 'model_unavailable', 'site demo has no published model yet'),
};
const listResponse = {
  '200': { description: 'Items, best first', content: json('RecommendationsResponse', recsExample) },
  '400': error('Invalid query', 'invalid_request', 'invalid query: k: Too big: expected number to be <=100'),
  ...commonErrors,
};

/** OpenAPI 3.1 document generated from the zod schemas the routes validate with. */
export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'edgepick API',
      version: '1.0.0',
      description: 'Edge recommendations for social e-commerce. Errors are `{"error":{"code","message","issues"?}}`.',
    },
    paths: {
      '/v1/sites/{site}/recommendations': {
        get: {
          summary: 'Personal picks (query-string form)',
          parameters: [
            site,
            q('userId', 'Shop user id known to the model'),
            q('visitorId', 'Anonymous SDK visitor id'),
            q('k', `Number of items, 1–${K_MAX} (default 10)`, 'integer'),
            q('recent', `Latest interactions for real-time fold-in: comma-separated itemId or itemId:type, at most ${RECENT_MAX}`),
            q('exclude', 'Comma-separated item ids never to return'),
            q('category', 'Comma-separated categories to keep'),
            q('minPrice', 'Lowest price to keep', 'number'),
            q('maxPrice', 'Highest price to keep', 'number'),
            q('placement', 'Widget placement name, for attribution'),
          ],
          responses: listResponse,
        },
        post: {
          summary: 'Personal picks',
          description: `source is "model" (trained user vector), "realtime" (folded in from recent at request time) or "popular" (fallback). Body ≤ ${RECOMMENDATIONS_BODY_LIMIT} bytes.`,
          parameters: [site],
          requestBody: {
            required: true,
            content: json('RecommendationsRequest', {
              visitorId: 'v_8c1f',
              recent: [{ itemId: 'p0042', type: 'click' }],
              k: 8,
              exclude: ['p0007'],
              filter: { maxPrice: 300 },
            }),
          },
          responses: {
            ...listResponse,
            '413': error('Body too large', 'payload_too_large', `request body is larger than ${RECOMMENDATIONS_BODY_LIMIT} bytes`),
          },
        },
      },
      '/v1/sites/{site}/items/{id}/similar': {
        get: {
          summary: 'Items similar to one item (cosine of factors)',
          parameters: [
            site,
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            q('k', 'Number of items', 'integer'),
            q('exclude', 'Comma-separated ids'),
            q('category', 'Comma-separated categories'),
          ],
          responses: listResponse,
        },
      },
      '/v1/sites/{site}/popular': {
        get: {
          summary: 'Most popular items',
          parameters: [site, q('k', 'Number of items', 'integer'), q('exclude', 'Comma-separated ids'), q('category', 'Comma-separated categories')],
          responses: listResponse,
        },
      },
      '/v1/sites/{site}/items/{id}': {
        get: {
          summary: 'One catalog item',
          parameters: [site, { name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'The item', content: json('CatalogItem') }, ...commonErrors },
        },
      },
      '/v1/sites/{site}/events': {
        post: {
          summary: 'Record a batch of events',
          description: `At most ${EVENTS_MAX_BATCH} events and ${EVENTS_BODY_LIMIT} bytes per batch. Each event is validated on its own; invalid ones are listed in "rejected", the others stored. Re-sent ids count as duplicates. text/plain bodies are accepted (navigator.sendBeacon).`,
          parameters: [site],
          requestBody: {
            required: true,
            content: json('EventsBatch', {
              events: [
                {
                  id: 'e_5b1d0c7a9f3e',
                  type: 'click',
                  visitorId: 'v_8c1f',
                  itemId: 'p0042',
                  recommendationId: 'r_3f9a0c1d2e4b5a6978',
                  placement: 'for-you',
                  ts: 1767225600000,
                },
              ],
            }),
          },
          responses: {
            '200': { description: 'Per-batch outcome', content: json('EventsResponse', { accepted: 1, duplicates: 0, rejected: [] }) },
            '400': error('Not JSON or not a batch', 'invalid_json', 'request body is not valid JSON'),
            '404': commonErrors['404'],
            '413': error('Body too large', 'payload_too_large', `events body is larger than ${EVENTS_BODY_LIMIT} bytes`),
          },
        },
      },
      '/r/{slug}': {
        get: {
          summary: 'Campaign link entry (docs/routing.md)',
          description:
            'Detects the visitor environment, applies the link rules and redirects (302) or renders a relay, open-tag, QR or preview page. Sets the ep_vid cookie for sticky splits.',
          parameters: [{ name: 'slug', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'A routing page (HTML)' },
            '302': { description: 'Redirect to the target' },
            '404': { description: 'Unknown link (HTML page)' },
          },
        },
      },
      '/v1/sites/{site}/links/{slug}/resolve': {
        get: {
          summary: 'The /r/{slug} decision as JSON',
          parameters: [
            site,
            { name: 'slug', in: 'path', required: true, schema: { type: 'string' } },
            q('visitorId', 'Visitor id for sticky splits'),
            q('url', 'The link URL as the visitor opened it (for its query)'),
          ],
          responses: {
            '200': { description: '{slug, version, ruleId, variant?, target, plan, env: {host, os, bot, …}, dropped, warnings}' },
            '404': error('Unknown link', 'not_found', 'no link "x" on site demo'),
          },
        },
      },
      '/v1/admin/sites/{site}/links': {
        get: {
          summary: 'List links (Bearer ADMIN_TOKEN)',
          parameters: [site],
          responses: { '200': { description: '{links: [...]}' }, '401': error('No or wrong token', 'unauthorized', 'missing or wrong admin token') },
        },
        post: {
          summary: 'Create a link (version 1)',
          parameters: [site],
          requestBody: { required: true, content: json('LinkDefinition') },
          responses: {
            '201': { description: '{slug, version}' },
            '400': error('Invalid link', 'invalid_request', 'invalid link: default.target.url: …'),
            '409': error('Slug taken', 'conflict', 'link spring exists; PUT to change it'),
          },
        },
      },
      '/v1/admin/sites/{site}/links/{slug}': {
        get: {
          summary: 'Current version',
          parameters: [site, { name: 'slug', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: '{version, updatedAt, link}' } },
        },
        put: {
          summary: 'New version',
          parameters: [site, { name: 'slug', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: { required: true, content: json('LinkDefinition') },
          responses: { '200': { description: '{slug, version}' } },
        },
        delete: {
          summary: 'Delete',
          parameters: [site, { name: 'slug', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '204': { description: 'Deleted' } },
        },
      },
      '/v1/admin/sites/{site}/links/{slug}/simulate': {
        post: {
          summary: 'Explain the decision for a sample request',
          parameters: [site, { name: 'slug', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                example: { ua: 'Mozilla/5.0 … MicroMessenger/8.0.34', country: 'CN', query: { utm_source: 'baidu' }, time: '2026-11-23T10:00:00+08:00' },
              },
            },
          },
          responses: { '200': { description: '{version, env, ruleId, variant?, target, plan, skipped: [{ruleId, reason}], dropped, warnings}' } },
        },
      },
      '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
    },
    components: {
      schemas: {
        RecommendationsRequest: schema(RecommendationsRequest, 'input'),
        RecommendationsResponse: schema(RecommendationsResponse),
        CatalogItem: schema(CatalogItem),
        Event: schema(Event, 'input'),
        EventsBatch: {
          ...schema(EventsBatch, 'input'),
          properties: { events: { type: 'array', minItems: 1, maxItems: EVENTS_MAX_BATCH, items: { $ref: '#/components/schemas/Event' } } },
        },
        EventsResponse: schema(EventsResponse),
        ErrorBody: schema(ErrorBody),
        LinkDefinition: schema(LinkDefinition, 'input'),
      },
    },
  };
}
