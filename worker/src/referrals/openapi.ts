import { z } from 'zod';
import { ReferralsResponse, SharerReferrals } from '../../../schema/referrals.js';
import { StatsQuery } from '../../../schema/routing-admin.js';
import { adminErrors, type Components, errorSpec, type Operation, siteParam } from '../http/openapi.js';
import { REFERRALS_MAX_DAYS } from './routes.js';

const description = `Two-level share attribution over stored events. A purchase is credited to the sharer of the buyer's latest arrival (an event with \`ref\`) at most 7 days before it (level 1), and to the person whose share first brought that sharer (level 2), never deeper; self-referrals and cycles are ignored; each purchase counts once. Default: the last 30 days; at most ${REFERRALS_MAX_DAYS} days.`;

/** The referrals room's routes, for /openapi.json. */
export const referralsOperations: Operation[] = [
  {
    method: 'get',
    path: '/v1/admin/sites/{site}/referrals',
    tags: ['referrals (admin)'],
    bearer: true,
    summary: 'Every sharer with level-1 and level-2 visits, purchases and revenue (developer or marketer)',
    description,
    params: { site: siteParam },
    query: StatsQuery,
    responses: {
      '200': { description: 'Sharers, best level-1 revenue first', body: 'ReferralsResponse' },
      '400': errorSpec('Bad dates or range', 'invalid_request', 'invalid query: from: not a calendar day'),
      ...adminErrors,
    },
  },
  {
    method: 'get',
    path: '/v1/admin/sites/{site}/referrals/{sharer}',
    tags: ['referrals (admin)'],
    bearer: true,
    summary: "One sharer's level-1 and level-2 results (zeros when they have none)",
    description,
    params: { site: siteParam, sharer: { schema: z.string().min(1).max(128), example: 'u_alice', description: 'The ref value' } },
    query: StatsQuery,
    responses: {
      '200': { description: '{sharer, level1, level2}', body: 'SharerReferrals' },
      '400': errorSpec('Bad dates or range', 'invalid_request', 'invalid query: from: not a calendar day'),
      ...adminErrors,
    },
  },
];

referralsOperations.push({
  method: 'get',
  path: '/v1/sites/{site}/shares/mine',
  tags: ['referrals'],
  summary: "The shopper's own share results over the last 30 days (client.myShares())",
  description:
    'Summed over the ids the shopper shares under: the visitor id and the user ids that visitor signed in as. The visitor id (random, kept on the device) is the credential: a user id’s results go only to a device that signed in as that user. Recomputed at most once a minute.',
  params: { site: siteParam },
  query: z.object({ visitorId: z.string().min(1).max(128) }),
  responses: {
    '200': { description: '{sharer, level1, level2, from, to}', body: 'SharerReferrals' },
    '400': errorSpec('Missing or bad visitorId', 'invalid_request', 'invalid query: visitorId: Invalid input'),
    '404': errorSpec('Unknown site', 'site_not_found', 'unknown site "nope"'),
  },
});

/** Schemas the referrals room's operations name. */
export const referralsComponents: Components = {
  ReferralsResponse: { schema: ReferralsResponse },
  SharerReferrals: { schema: SharerReferrals },
};
