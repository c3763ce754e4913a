import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { SiteEnv } from './middleware.js';

/**
 * CORS for `/v1/sites/:site/*`: an origin in the site's `allowedOrigins` gets
 * `Access-Control-Allow-Origin: <origin>` (on errors too); any other origin gets no CORS headers,
 * so the browser blocks the response. Preflights are answered with 204. Runs after the site
 * middleware, which puts the site's config in `c.var.config`. No credentials: the public API is
 * keyed by site, never by cookies.
 */
export function siteCors(): MiddlewareHandler<SiteEnv> {
  const handler = cors({
    origin: (origin, c) => (origin && originAllowed(origin, c.get('config')?.allowedOrigins ?? []) ? origin : null),
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    // The headers the API reads, never an echo of whatever the preflight asks for.
    allowHeaders: ['Content-Type', 'X-Edgepick-Key'],
    // Browsers cap this (Chromium: 2 h); a day lets the others cache preflights longer.
    maxAge: 86_400,
  }) as MiddlewareHandler<SiteEnv>;
  return async function siteCorsMiddleware(c, next) {
    const res = await handler(c, next);
    // The answer depends on Origin whether or not this origin is allowed: caches must key on it.
    const out = res ?? c.res;
    if (!/\borigin\b/i.test(out.headers.get('vary') ?? '')) out.headers.append('Vary', 'Origin');
    return res;
  };
}

/**
 * Whether `origin` matches one of the patterns: an exact origin, `*` (any), or `scheme://host:*`
 * (that host on any port, or on the default port).
 *
 * @example originAllowed('http://localhost:5173', ['http://localhost:*']) // true
 */
export function originAllowed(origin: string, patterns: readonly string[]): boolean {
  for (const p of patterns) {
    if (p === origin || p === '*') return true;
    if (p.endsWith(':*')) {
      const base = p.slice(0, -2);
      if (origin === base) return true;
      if (origin.startsWith(`${base}:`) && /^\d{1,5}$/.test(origin.slice(base.length + 1))) return true;
    }
  }
  return false;
}
