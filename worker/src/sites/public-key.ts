import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../http/errors.js';
import { grantFor } from './grants.js';
import type { SiteEnv } from './middleware.js';

/**
 * Public routes of a site created through the admin API need the site's public key: header
 * `X-Edgepick-Key`, or `key` in the query (GET requests and `navigator.sendBeacon`, which cannot
 * set headers). Sites without `requireKey` (the local demo) need none. Runs after CORS, so a
 * preflight (which carries no custom headers) is answered first.
 *
 * @example sites.use('*', siteMiddleware(), siteCors(), requirePublicKey())
 */
export function requirePublicKey(): MiddlewareHandler<SiteEnv> {
  return async function publicKeyMiddleware(c, next) {
    if (!c.get('config')?.requireKey) return next();
    const key = c.req.header('x-edgepick-key') ?? c.req.query('key');
    if (!key) throw new ApiError('unauthorized', `site ${c.get('site')} needs its public key: send the X-Edgepick-Key header or ?key=`);
    const grant = await grantFor(c.env.PACKS, key);
    if (!grant) throw new ApiError('unauthorized', 'unknown or revoked key');
    if (grant.site !== c.get('site')) throw new ApiError('forbidden', `this key belongs to another site`);
    if (grant.role !== 'public')
      throw new ApiError('forbidden', "use the site's public key in storefronts, never a developer or marketer token");
    return next();
  };
}
