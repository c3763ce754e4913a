import type { MiddlewareHandler } from 'hono';

export interface SecurityHeadersOptions {
  /** `Referrer-Policy` on every response. @default 'strict-origin-when-cross-origin' */
  referrerPolicy?: string;
  /** Who may frame the worker's HTML pages (CSP `frame-ancestors`). @default "'none'" */
  frameAncestors?: string;
}

/**
 * Headers every worker response carries: `X-Content-Type-Options: nosniff` and a
 * `Referrer-Policy`; HTML pages also refuse framing (`X-Frame-Options: DENY` and CSP
 * `frame-ancestors`, added to the page's own CSP or set alone). Set where the response is final,
 * so route handlers and the error renderer need not repeat them.
 *
 * @example app.use('*', securityHeaders())
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): MiddlewareHandler {
  const referrerPolicy = options.referrerPolicy ?? 'strict-origin-when-cross-origin';
  const frameAncestors = `frame-ancestors ${options.frameAncestors ?? "'none'"}`;
  return async function securityHeadersMiddleware(c, next) {
    await next();
    // Static files come from the assets binding with immutable headers: copy before changing.
    if (c.res.headers.get('x-content-type-options') === null) {
      try {
        c.res.headers.set('X-Content-Type-Options', 'nosniff');
      } catch {
        c.res = new Response(c.res.body, c.res);
        c.res.headers.set('X-Content-Type-Options', 'nosniff');
      }
    }
    const h = c.res.headers;
    if (!h.has('referrer-policy')) h.set('Referrer-Policy', referrerPolicy);
    if ((h.get('content-type') ?? '').startsWith('text/html')) {
      h.set('X-Frame-Options', 'DENY');
      const csp = h.get('content-security-policy');
      if (!csp) h.set('Content-Security-Policy', frameAncestors);
      else if (!/frame-ancestors/.test(csp)) h.set('Content-Security-Policy', `${csp}; ${frameAncestors}`);
    }
  };
}
