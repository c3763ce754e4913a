import { z } from 'zod';
import { CatalogItem } from '../../../schema/catalog.js';
import { ErrorBody } from '../../../schema/errors.js';
import { EVENTS_MAX_BATCH, Event, EventsBatch, EventsResponse } from '../../../schema/events.js';
import { SITE_ID_PATTERN } from '../../../schema/ids.js';
import { K_MAX, ListQuery, RECENT_MAX, RecommendationsQuery, RecommendationsRequest, RecommendationsResponse } from '../../../schema/recommendations.js';
import { LinkDefinition } from '../../../schema/routing.js';
import { DiffQuery, RollbackRequest, SimulateRequest, StatsQuery } from '../../../schema/routing-admin.js';
import { LABEL_MAX } from '../demo/images.js';
import { EVENTS_BODY_LIMIT } from '../events/routes.js';
import { ADMIN_BODY_LIMIT } from '../links/admin-routes.js';
import { RECOMMENDATIONS_BODY_LIMIT } from '../recommend/recommendations-routes.js';

const schema = (s: z.ZodType, io: 'input' | 'output' = 'output') => {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};
const json = (ref: string, example?: unknown) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` }, ...(example ? { example } : {}) } });
const error = (description: string, code: string, message: string) => ({ description, content: json('ErrorBody', { error: { code, message } }) });
const site = { name: 'site', in: 'path', required: true, schema: { type: 'string', pattern: SITE_ID_PATTERN.source }, example: 'demo' };
const q = (name: string, description: string, type = 'string') => ({ name, in: 'query', required: false, description, schema: { type } });
const itemId = { name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 128 }, example: 'p0042' };

/** Query parameters from the zod query schema the route parses (descriptions and examples included). */
function queryParams(s: z.ZodObject) {
  const props = (z.toJSONSchema(s, { io: 'input' }) as { properties: Record<string, { description?: string; examples?: unknown[] }> }).properties;
  return Object.entries(props).map(([name, p]) => ({
    name,
    in: 'query',
    required: false,
    description: p.description,
    schema: { type: 'string' },
    ...(p.examples?.length ? { example: p.examples[0] } : {}),
  }));
}
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
  '404': error('Unknown site (`site_not_found`) or item (`item_not_found`)', 'site_not_found', 'unknown site "nope"'),
  '405': error('Another method than the ones listed (an `Allow` header names them)', 'method_not_allowed', 'DELETE is not allowed here; use GET, POST'),
  '503': error('The site has no loadable model', 'model_unavailable', 'site demo has no published model yet'),
};
const bodyErrors = (limit: number) => ({
  '413': error(`Body larger than ${limit} bytes`, 'payload_too_large', `request body is larger than ${limit} bytes`),
  '415': error('Body neither JSON nor text/plain', 'unsupported_media_type', 'content type multipart/form-data is not supported'),
});
const listResponse = {
  '200': { description: 'Items, best first', content: json('RecommendationsResponse', recsExample) },
  '400': error('Invalid query', 'invalid_request', 'invalid query: k: Too big: expected number to be <=100'),
  ...commonErrors,
};

const ok = (description: string) => ({ description });
const notFoundLink = error('Unknown link on this site', 'not_found', 'no link "spring" on site demo');
const slugParam = { name: 'slug', in: 'path', required: true, schema: { type: 'string', pattern: SITE_ID_PATTERN.source } };

/** An admin operation: Bearer token, the site in the path, and the errors every admin route can answer. */
function admin(summary: string, responses: Record<string, unknown>, opts: { slug?: boolean; body?: string; query?: z.ZodObject } = {}) {
  return {
    summary,
    security: [{ bearer: [] }],
    parameters: [site, ...(opts.slug ? [slugParam] : []), ...(opts.query ? queryParams(opts.query) : [])],
    ...(opts.body ? { requestBody: { required: true, content: json(opts.body) } } : {}),
    responses: {
      ...responses,
      '401': error('No, unknown or revoked token', 'unauthorized', 'missing or wrong admin token (Authorization: Bearer …)'),
      '403': error('A token of another site or role', 'forbidden', 'this token may not manage site demo'),
      '404': responses['404'] ?? error('Unknown site', 'site_not_found', 'unknown site "nope"'),
    },
  };
}

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
          description:
            'The same request as POST, as query parameters (validated by the same schema after translation). Use POST for item ids containing commas.',
          parameters: [site, ...queryParams(RecommendationsQuery)],
          responses: listResponse,
        },
        post: {
          summary: 'Personal picks',
          description: `source is "model" (trained user vector), "realtime" (folded in from recent at request time; a known user's trained vector is the prior) or "popular" (fallback). Items in recent and exclude are never returned. k is 1–${K_MAX}, recent at most ${RECENT_MAX}. Body ≤ ${RECOMMENDATIONS_BODY_LIMIT} bytes, application/json or text/plain.`,
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
            '400': error(
              'Not JSON (`invalid_json`) or invalid fields (`invalid_request`, with issues)',
              'invalid_request',
              'invalid body: k: Too big: expected number to be <=100',
            ),
            ...bodyErrors(RECOMMENDATIONS_BODY_LIMIT),
          },
        },
      },
      '/v1/sites/{site}/items/{id}/similar': {
        get: {
          summary: 'Items similar to one item (cosine of factor vectors, in [−1, 1]; never the item itself)',
          parameters: [site, itemId, ...queryParams(ListQuery)],
          responses: { ...listResponse, '404': error('Unknown site or item', 'item_not_found', 'unknown item "nope"') },
        },
      },
      '/v1/sites/{site}/popular': {
        get: {
          summary: 'Most popular items of the active pack (score = popularity)',
          parameters: [site, ...queryParams(ListQuery)],
          responses: listResponse,
        },
      },
      '/v1/sites/{site}/items/{id}': {
        get: {
          summary: 'One catalog item (relative image/url made absolute)',
          parameters: [site, itemId],
          responses: {
            '200': { description: 'The item', content: json('CatalogItem', recsExample.items[0]) },
            ...commonErrors,
            '404': error('Unknown site or item', 'item_not_found', 'unknown item "nope"'),
          },
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
            '400': error('Not JSON (`invalid_json`) or not a batch of 1–100 (`invalid_request`)', 'invalid_json', 'request body is not valid JSON'),
            '404': commonErrors['404'],
            '405': commonErrors['405'],
            ...bodyErrors(EVENTS_BODY_LIMIT),
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
        get: admin('List links', { '200': ok('{links: [{slug, version, name, rules, updatedAt}]}') }),
        post: admin(
          'Create a link (version 1)',
          {
            '201': ok('{slug, version, warnings?}'),
            '400': error(
              'Invalid link (issues name each field; off-site URLs are `host_not_allowed`)',
              'invalid_request',
              'invalid link: default.target.url: …',
            ),
            '409': error('Slug taken', 'conflict', 'link spring exists; PUT to change it'),
            ...bodyErrors(ADMIN_BODY_LIMIT),
          },
          { body: 'LinkDefinition' },
        ),
      },
      '/v1/admin/sites/{site}/links/{slug}': {
        get: admin('Current version', { '200': ok('{version, updatedAt, link}'), '404': notFoundLink }, { slug: true }),
        put: admin(
          'New version (the body replaces the link)',
          {
            '200': ok('{slug, version, warnings?}'),
            '400': error('Invalid link', 'invalid_request', 'invalid link: …'),
            '404': notFoundLink,
            ...bodyErrors(ADMIN_BODY_LIMIT),
          },
          { slug: true, body: 'LinkDefinition' },
        ),
        delete: admin('Delete (unpublished at once; versions kept for the audit)', { '204': ok('Deleted'), '404': notFoundLink }, { slug: true }),
      },
      '/v1/admin/sites/{site}/links/{slug}/versions': {
        get: admin('Every version, newest first', { '200': ok('{versions: [{version, createdAt, createdBy, note?}]}'), '404': notFoundLink }, { slug: true }),
      },
      '/v1/admin/sites/{site}/links/{slug}/diff': {
        get: admin(
          'Paths that differ between two versions',
          {
            '200': ok('{slug, from, to, changes: [{path, from?, to?}]}'),
            '400': error('Bad versions', 'invalid_request', 'invalid query: from: expected a version number'),
            '404': notFoundLink,
          },
          { slug: true, query: DiffQuery },
        ),
      },
      '/v1/admin/sites/{site}/links/{slug}/rollback': {
        post: admin(
          'Restore an earlier version as a new version (re-checked against the current rules and linkHosts)',
          {
            '200': ok('{slug, version, restored, warnings?}'),
            '400': error('Bad body, or the old version no longer passes the checks', 'invalid_request', 'invalid link: …'),
            '404': notFoundLink,
            ...bodyErrors(ADMIN_BODY_LIMIT),
          },
          { slug: true, body: 'RollbackRequest' },
        ),
      },
      '/v1/admin/sites/{site}/links/{slug}/simulate': {
        post: admin(
          'Explain the decision for a sample request',
          {
            '200': ok('{version, env, ruleId, variant?, target, plan, skipped: [{ruleId, reason}], dropped, warnings}'),
            '400': error('Bad body', 'invalid_request', 'invalid body: time: Invalid ISO datetime'),
            '404': notFoundLink,
            ...bodyErrors(ADMIN_BODY_LIMIT),
          },
          { slug: true, body: 'SimulateRequest' },
        ),
      },
      '/v1/admin/sites/{site}/links/{slug}/audit': {
        get: admin(
          'Who changed what, newest first (at most 200 entries)',
          { '200': ok('{audit: [{at, actor, action, slug, version?, note?}]}') },
          { slug: true },
        ),
      },
      '/v1/admin/sites/{site}/links/{slug}/stats': {
        get: admin(
          'Decisions per UTC day, rule and target, with totals (default: the last 30 days)',
          {
            '200': ok('{slug, from, to, total, byRule, byTarget, stats: [{day, rule, target, count}]}'),
            '400': error('Bad dates', 'invalid_request', 'invalid query: from: expected YYYY-MM-DD'),
            '404': notFoundLink,
          },
          { slug: true, query: StatsQuery },
        ),
      },
      '/r/_/open-tag.js': {
        get: { summary: 'The script that enables the WeChat open tag on the open-tag page', responses: { '200': ok('text/javascript') } },
      },
      '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
      '/health': {
        get: {
          summary: 'Liveness',
          responses: {
            '200': {
              description: 'OK',
              content: { 'application/json': { schema: { type: 'object', properties: { ok: { const: true } } }, example: { ok: true } } },
            },
          },
        },
      },
      '/demo/img/{file}': {
        get: {
          summary: 'Deterministic SVG product placeholder (demo store)',
          parameters: [
            { name: 'file', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}\\.svg$' }, example: 'p0042.svg' },
            q('c', 'Category: picks the colours (the demo categories have fixed ones, others a hue from their hash)'),
            q('t', `Label drawn under the picture (default: the id; at most ${LABEL_MAX} characters)`),
          ],
          responses: {
            '200': { description: 'image/svg+xml, cached for a year', content: { 'image/svg+xml': { schema: { type: 'string' } } } },
            '404': error('Bad file name', 'not_found', 'no such image'),
          },
        },
      },
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
        SimulateRequest: schema(SimulateRequest, 'input'),
        RollbackRequest: schema(RollbackRequest, 'input'),
      },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'The owner token (Worker secret ADMIN_TOKEN). The scheme name is case-insensitive.',
        },
      },
    },
  };
}
