import { z } from 'zod';
import {
  CreateKeyRequest,
  CreateSiteRequest,
  CreateSiteResponse,
  KeyInfo,
  NewKey,
  PatchSiteRequest,
  SiteInfo,
} from '../../../schema/sites.js';
import { adminErrors, bodyErrors, type Components, errorSpec, type Operation, siteParam } from '../http/openapi.js';
import { SITES_BODY_LIMIT } from './admin-routes.js';

const tags = ['sites (admin)'];
const base = { tags, bearer: true };
const site = { site: siteParam };

/** The sites room's admin routes, for /openapi.json. */
export const sitesOperations: Operation[] = [
  {
    ...base,
    method: 'post',
    path: '/v1/admin/sites',
    summary: 'Create a site (owner token only): one token per role, shown once',
    body: {
      component: 'CreateSiteRequest',
      example: { id: 'my-shop', name: 'My shop', allowedOrigins: ['https://shop.example'], linkHosts: ['shop.example'], currency: 'CNY' },
    },
    responses: {
      '201': { description: 'The site and its public, developer and marketer tokens', body: 'CreateSiteResponse' },
      '400': errorSpec('Invalid settings', 'invalid_request', 'invalid body: id: a site id has 1–63 lowercase letters, digits and dashes'),
      ...adminErrors,
      '409': errorSpec('The id is taken or reserved', 'conflict', 'site my-shop exists'),
      ...bodyErrors(SITES_BODY_LIMIT),
    },
  },
  {
    ...base,
    method: 'get',
    path: '/v1/admin/sites/{site}',
    params: site,
    summary: "The site's settings (owner, developer or marketer token)",
    responses: { '200': { description: 'The site', body: 'SiteInfo' }, ...adminErrors },
  },
  {
    ...base,
    method: 'patch',
    path: '/v1/admin/sites/{site}',
    params: site,
    summary: 'Change settings (owner or developer token); effective at the edge within seconds',
    body: { component: 'PatchSiteRequest', example: { allowedOrigins: ['https://shop.example', 'https://m.shop.example'] } },
    responses: {
      '200': { description: 'The site', body: 'SiteInfo' },
      '400': errorSpec('Invalid settings', 'invalid_request', 'invalid body: …'),
      ...adminErrors,
      ...bodyErrors(SITES_BODY_LIMIT),
    },
  },
  {
    ...base,
    method: 'post',
    path: '/v1/admin/sites/{site}/keys',
    params: site,
    summary: 'Create a key (owner or developer token); the token is shown once',
    body: { component: 'CreateKeyRequest', example: { role: 'marketer', label: 'spring campaign agency' } },
    responses: {
      '201': { description: 'The key and its token', body: 'NewKey' },
      '400': errorSpec('Invalid role or label', 'invalid_request', 'invalid body: role: …'),
      ...adminErrors,
      ...bodyErrors(SITES_BODY_LIMIT),
    },
  },
  {
    ...base,
    method: 'get',
    path: '/v1/admin/sites/{site}/keys',
    params: site,
    summary: 'Every key of the site, newest first (never a secret: the last four characters only)',
    responses: { '200': { description: '{keys: [...]}', body: 'KeyList' }, ...adminErrors },
  },
  {
    ...base,
    method: 'delete',
    path: '/v1/admin/sites/{site}/keys/{id}',
    params: { ...site, id: { schema: z.string().regex(/^key_[0-9a-f]{12}$/), example: 'key_3f9a0c1d2e4b' } },
    summary: 'Revoke a key: refused everywhere within 60 s (at once where it was revoked)',
    responses: {
      '204': { description: 'Revoked' },
      ...adminErrors,
      '404': errorSpec('No such active key', 'not_found', 'no active key "key_…" on site my-shop'),
    },
  },
];

/** Schemas the sites room's operations name. */
export const sitesComponents: Components = {
  CreateSiteRequest: { schema: CreateSiteRequest, io: 'input' },
  PatchSiteRequest: { schema: PatchSiteRequest, io: 'input' },
  CreateSiteResponse: { schema: CreateSiteResponse },
  SiteInfo: { schema: SiteInfo },
  CreateKeyRequest: { schema: CreateKeyRequest, io: 'input' },
  NewKey: { schema: NewKey },
  KeyList: { schema: z.object({ keys: z.array(KeyInfo) }) },
};
