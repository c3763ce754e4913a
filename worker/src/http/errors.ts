import type { Context, Handler, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { ERROR_CODES, type ErrorCode, type Issue, toIssues } from '../../../schema/errors.js';

/** A request the API refuses: rendered by `onError` as `{error:{code,message,issues?}}`. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: Issue[],
    /** Extra response headers (e.g. `Allow` on 405). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
  get status(): ContentfulStatusCode {
    return ERROR_CODES[this.code] as ContentfulStatusCode;
  }
}

export function invalid(error: z.ZodError, what = 'request'): ApiError {
  const issues = toIssues(error);
  const first = issues[0];
  return new ApiError(
    'invalid_request',
    `invalid ${what}: ${first.path.length ? `${first.path.join('.')}: ` : ''}${first.message}`,
    issues,
  );
}

export function errorResponse(c: Context, err: ApiError) {
  return c.json(
    { error: { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) } },
    err.status,
    err.headers,
  );
}

/**
 * A catch-all handler for a path's other methods: 405 method_not_allowed with `Allow`.
 *
 * @example routes.all('/', methodNotAllowed('GET', 'POST'))
 */
export function methodNotAllowed(...allowed: string[]): Handler {
  const allow = allowed.join(', ');
  return (c) => {
    throw new ApiError('method_not_allowed', `${c.req.method} is not allowed here; use ${allow}`, undefined, { Allow: allow });
  };
}

/** Codes for Hono's own HTTPExceptions (middleware such as bodyLimit or a validator), by status. */
const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/** The one error renderer: ApiError → its 4xx, Hono's HTTPException → mapped, anything else → 500. */
export function onError(err: Error, c: Context) {
  if (err instanceof ApiError) return errorResponse(c, err);
  if (err instanceof HTTPException && err.status < 500) {
    const code = CODE_BY_STATUS[err.status] ?? 'invalid_request';
    return errorResponse(c, new ApiError(code, err.message || code.replace(/_/g, ' ')));
  }
  console.error('unhandled error', err);
  return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
}

/**
 * Parses a JSON body or throws invalid_json. Content types read: `application/json`, `*+json`, and
 * `text/plain` (navigator.sendBeacon and no-preflight `fetch` send JSON as text/plain) or none;
 * anything else (forms, multipart) is 415 unsupported_media_type rather than a confusing parse error.
 */
export async function readJson(c: Context): Promise<unknown> {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type && type !== 'application/json' && type !== 'text/plain' && !type.endsWith('+json'))
    throw new ApiError(
      'unsupported_media_type',
      `content type ${type.slice(0, 100)} is not supported; send application/json (or text/plain holding JSON)`,
    );
  const text = await c.req.text();
  if (!text.trim()) throw new ApiError('invalid_json', 'request body is empty; expected JSON');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError('invalid_json', `request body is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Refuses bodies over `maxBytes` with 413 payload_too_large before they are read or parsed (by
 * Content-Length, or while streaming when it is absent).
 *
 * @example routes.post('/', jsonBodyLimit(256 * 1024, 'send at most 100 events per batch'), handler)
 */
export function jsonBodyLimit(maxBytes: number, hint = ''): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError('payload_too_large', `request body is larger than ${maxBytes} bytes${hint ? `; ${hint}` : ''}`);
    },
  });
}
