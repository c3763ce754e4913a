import type { MiddlewareHandler } from 'hono';
import type { KeyRole } from '../../../schema/sites.js';
import type { AppEnv } from '../env.js';
import { ApiError } from '../http/errors.js';
import { grantFor } from './grants.js';
import { safeEqual } from './tokens.js';

/** Who is calling the admin API: the owner (ADMIN_TOKEN, every site) or one site's key. */
export interface Principal {
  /** What audit rows record: `admin-token` or `key:{id}` (never a token). */
  subject: string;
  role: 'admin' | Exclude<KeyRole, 'public'>;
  /** Sites this principal may touch; `*` for the owner token. */
  sites: '*' | string[];
}

export type AdminEnv = AppEnv & { Variables: { principal: Principal } };

export interface AdminAuthOptions {
  /** Site-key roles that may use the routes (the owner token always may). @default [] (owner only) */
  roles?: Exclude<KeyRole, 'public'>[];
}

/**
 * `Authorization: Bearer <token>` (scheme in any case, RFC 7235) → a principal. The owner token
 * (Worker secret ADMIN_TOKEN) opens every site; a site's `developer` or `marketer` token opens its
 * own site's routes for its role. Unknown or revoked token → 401; a public key, another site's
 * token, or a role the routes do not take → 403.
 *
 * @example routes.use('*', adminAuth({ roles: ['marketer'] }))
 */
export function adminAuth(options: AdminAuthOptions = {}): MiddlewareHandler<AdminEnv> {
  const roles = options.roles ?? [];
  return async function adminAuthMiddleware(c, next) {
    const token = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
    if (!token) throw new ApiError('unauthorized', 'missing admin token (Authorization: Bearer …)');
    const owner = c.env.ADMIN_TOKEN;
    let principal: Principal;
    if (owner && safeEqual(token, owner)) principal = { subject: 'admin-token', role: 'admin', sites: '*' };
    else {
      const grant = await grantFor(c.env.PACKS, token);
      if (!grant) throw new ApiError('unauthorized', 'unknown or revoked token');
      if (grant.role === 'public')
        throw new ApiError('forbidden', "a site's public key only reads picks and sends events; use a developer or marketer token");
      principal = { subject: `key:${grant.keyId}`, role: grant.role, sites: [grant.site] };
    }
    const site = c.req.param('site');
    if (principal.sites !== '*') {
      if (site === undefined || !principal.sites.includes(site))
        throw new ApiError('forbidden', `this token may not manage site ${JSON.stringify((site ?? '').slice(0, 64))}`);
      if (!roles.includes(principal.role as Exclude<KeyRole, 'public'>))
        throw new ApiError(
          'forbidden',
          `a ${principal.role} token may not use this route${roles.length ? ` (it needs ${roles.join(' or ')})` : ' (owner token only)'}`,
        );
    }
    c.set('principal', principal);
    await next();
  };
}
