import { z } from 'zod';
import { Slug } from '../../../schema/ids.js';
import { LinkDefinition } from '../../../schema/routing.js';
import { DiffQuery, RollbackRequest, SimulateRequest, StatsQuery } from '../../../schema/routing-admin.js';
import { LinkResolution, SimulateResponse } from '../../../schema/routing-decision.js';
import { adminErrors, bodyErrors, type Components, errorSpec, type Operation, type ResponseSpec, siteParam } from '../http/openapi.js';
import { ADMIN_BODY_LIMIT } from './admin-routes.js';

const slugParam = { schema: Slug, example: 'spring-sale', description: 'Link slug' };
const notFoundLink = errorSpec('Unknown link on this site', 'not_found', 'no link "spring" on site demo');
const ok = (description: string): ResponseSpec => ({ description });

/** An admin operation on `/v1/admin/sites/{site}/links…`: Bearer token and the admin errors. */
function admin(op: Omit<Operation, 'tags' | 'bearer' | 'params' | 'path'> & { path: string }): Operation {
  const withSlug = op.path.includes('{slug}');
  return {
    ...op,
    path: `/v1/admin/sites/{site}/links${op.path}`,
    tags: ['links (admin)'],
    bearer: true,
    params: { site: siteParam, ...(withSlug ? { slug: slugParam } : {}) },
    responses: { ...adminErrors, ...op.responses },
  };
}

/** The links room's routes (campaign entry, resolve, admin), for /openapi.json. */
export const linksOperations: Operation[] = [
  {
    method: 'get',
    path: '/r/{slug}',
    tags: ['links'],
    summary: 'Campaign link entry (docs/routing.md)',
    description:
      "Detects the visitor environment, applies the link rules and redirects (302) or renders a relay, open-tag, QR or preview page. Sets the ep_vid cookie for sticky splits. Every URL sent or shown is re-checked against the site's linkHosts.",
    params: { slug: slugParam },
    responses: {
      '200': { description: 'A routing page', contentType: 'text/html' },
      '302': ok('Redirect to the target'),
      '404': { description: 'Unknown link', contentType: 'text/html' },
    },
  },
  {
    method: 'get',
    path: '/r/_/open-tag.js',
    tags: ['links'],
    summary: 'The script that enables the WeChat open tag on the open-tag page',
    responses: { '200': { description: 'JavaScript', contentType: 'text/javascript' } },
  },
  {
    method: 'get',
    path: '/r/_/copy.js',
    tags: ['links'],
    summary: "The script behind the WeChat hint page's copy button for the mini-program Short Link",
    responses: { '200': { description: 'JavaScript', contentType: 'text/javascript' } },
  },
  {
    method: 'get',
    path: '/v1/sites/{site}/links/{slug}/resolve',
    tags: ['links'],
    summary: 'The /r/{slug} decision as JSON (for the SDK and mini-programs)',
    params: { site: siteParam, slug: slugParam },
    query: z.object({
      visitorId: z.string().optional().meta({ description: 'Visitor id for sticky splits' }),
      url: z.string().optional().meta({ description: 'The link URL as the visitor opened it (for its query)' }),
    }),
    responses: {
      '200': { description: 'The decision: matched rule, target, what /r/ would do, the detected environment', body: 'LinkResolution' },
      '404': errorSpec('Unknown site, or no such link on it', 'not_found', 'no link "x" on site demo'),
    },
  },
  admin({ method: 'get', path: '', summary: 'List links', responses: { '200': ok('{links: [{slug, version, name, rules, updatedAt}]}') } }),
  admin({
    method: 'post',
    path: '',
    summary: 'Create a link (version 1)',
    body: { component: 'LinkDefinition' },
    responses: {
      '201': ok('{slug, version, warnings?}'),
      '400': errorSpec(
        'Invalid link (issues name each field; off-site URLs are `host_not_allowed`)',
        'invalid_request',
        'invalid link: default.target.url: …',
      ),
      '409': errorSpec('Slug taken', 'conflict', 'link spring exists; PUT to change it'),
      ...bodyErrors(ADMIN_BODY_LIMIT),
    },
  }),
  admin({
    method: 'get',
    path: '/{slug}',
    summary: 'Current version',
    responses: { '200': ok('{version, updatedAt, link}'), '404': notFoundLink },
  }),
  admin({
    method: 'put',
    path: '/{slug}',
    summary: 'New version (the body replaces the link)',
    body: { component: 'LinkDefinition' },
    responses: {
      '200': ok('{slug, version, warnings?}'),
      '400': errorSpec('Invalid link', 'invalid_request', 'invalid link: …'),
      '404': notFoundLink,
      ...bodyErrors(ADMIN_BODY_LIMIT),
    },
  }),
  admin({
    method: 'delete',
    path: '/{slug}',
    summary: 'Delete (unpublished at once; versions kept for the audit)',
    responses: { '204': ok('Deleted'), '404': notFoundLink },
  }),
  admin({
    method: 'get',
    path: '/{slug}/versions',
    summary: 'Every version, newest first',
    responses: { '200': ok('{versions: [{version, createdAt, createdBy, note?}]}'), '404': notFoundLink },
  }),
  admin({
    method: 'get',
    path: '/{slug}/diff',
    summary: 'Paths that differ between two versions',
    query: DiffQuery,
    responses: {
      '200': ok('{slug, from, to, changes: [{path, from?, to?}]}'),
      '400': errorSpec('Bad versions', 'invalid_request', 'invalid query: from: expected a version number'),
      '404': notFoundLink,
    },
  }),
  admin({
    method: 'post',
    path: '/{slug}/rollback',
    summary: 'Restore an earlier version as a new version (re-checked against the current rules and linkHosts)',
    body: { component: 'RollbackRequest' },
    responses: {
      '200': ok('{slug, version, restored, warnings?}'),
      '400': errorSpec('Bad body, or the old version no longer passes the checks', 'invalid_request', 'invalid link: …'),
      '404': notFoundLink,
      ...bodyErrors(ADMIN_BODY_LIMIT),
    },
  }),
  admin({
    method: 'post',
    path: '/{slug}/simulate',
    summary: 'Explain the decision for a sample request',
    body: {
      component: 'SimulateRequest',
      example: {
        ua: 'Mozilla/5.0 … MicroMessenger/8.0.34',
        country: 'CN',
        query: { utm_source: 'baidu' },
        time: '2026-11-23T10:00:00+08:00',
      },
    },
    responses: {
      '200': { description: 'The decision and why each earlier rule did not match', body: 'SimulateResponse' },
      '400': errorSpec('Bad body', 'invalid_request', 'invalid body: time: Invalid ISO datetime'),
      '404': notFoundLink,
      ...bodyErrors(ADMIN_BODY_LIMIT),
    },
  }),
  admin({
    method: 'get',
    path: '/{slug}/audit',
    summary: 'Who changed what, newest first (at most 200 entries)',
    responses: { '200': ok('{audit: [{at, actor, action, slug, version?, note?}]}') },
  }),
  admin({
    method: 'get',
    path: '/{slug}/stats',
    summary: 'Decisions per UTC day, rule and target, with totals (default: the last 30 days)',
    query: StatsQuery,
    responses: {
      '200': ok('{slug, from, to, total, byRule, byTarget, stats: [{day, rule, target, count}]}'),
      '400': errorSpec('Bad dates', 'invalid_request', 'invalid query: from: not a calendar day'),
      '404': notFoundLink,
    },
  }),
];

/** Schemas the links room's operations name. */
export const linksComponents: Components = {
  LinkDefinition: { schema: LinkDefinition, io: 'input' },
  SimulateRequest: { schema: SimulateRequest, io: 'input' },
  RollbackRequest: { schema: RollbackRequest, io: 'input' },
  LinkResolution: { schema: LinkResolution },
  SimulateResponse: { schema: SimulateResponse },
};
