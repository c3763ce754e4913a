import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';
import { ApiError } from './errors.js';

/** Who is calling the admin API. Per-site `marketer` / `developer` tokens slot in here later. */
export interface Principal {
  subject: string;
  role: 'admin' | 'marketer' | 'developer';
  /** Sites this principal may touch; `*` for the global admin token. */
  sites: '*' | string[];
}

export type AdminEnv = AppEnv & { Variables: { principal: Principal } };

/** Constant-time string comparison (no early exit on the first differing byte). */
function safeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/**
 * `Authorization: Bearer <token>` → a principal. Today one admin token from the Worker secret
 * ADMIN_TOKEN; the site in the path must be one the principal may manage.
 */
export function adminAuth(): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const expected = c.env.ADMIN_TOKEN;
    if (!expected) throw new ApiError('unauthorized', 'the admin API is disabled: set the ADMIN_TOKEN secret (wrangler secret put ADMIN_TOKEN)');
    const header = c.req.header('authorization') ?? '';
    // RFC 7235 §2.1: the auth scheme is case-insensitive (`bearer`, `BEARER`).
    const token = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1] ?? '';
    if (!token || !safeEqual(token, expected)) throw new ApiError('unauthorized', 'missing or wrong admin token (Authorization: Bearer …)');
    const principal: Principal = { subject: 'admin-token', role: 'admin', sites: '*' };
    const site = c.req.param('site');
    if (site && principal.sites !== '*' && !principal.sites.includes(site)) throw new ApiError('forbidden', `this token may not manage site ${site}`);
    c.set('principal', principal);
    await next();
  };
}
