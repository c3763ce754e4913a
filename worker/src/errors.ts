import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { ERROR_CODES, type ErrorCode, type Issue, toIssues } from '../../schema/errors.js';

/** A request the API refuses: rendered by `onError` as `{error:{code,message,issues?}}`. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: Issue[],
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
  return new ApiError('invalid_request', `invalid ${what}: ${first.path.length ? `${first.path.join('.')}: ` : ''}${first.message}`, issues);
}

export function errorResponse(c: Context, err: ApiError) {
  return c.json({ error: { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) } }, err.status);
}

/** The one error renderer: ApiError → its 4xx, Hono's HTTPException → mapped, anything else → 500. */
export function onError(err: Error, c: Context) {
  if (err instanceof ApiError) return errorResponse(c, err);
  if (err instanceof HTTPException) {
    const code: ErrorCode =
      err.status === 413 ? 'payload_too_large' : err.status === 404 ? 'not_found' : err.status === 405 ? 'method_not_allowed' : 'invalid_request';
    return errorResponse(c, new ApiError(code, err.message || code.replace(/_/g, ' ')));
  }
  console.error('unhandled error', err);
  return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
}

/** Parses a JSON body (any content type: sendBeacon sends text/plain) or throws invalid_json. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim()) throw new ApiError('invalid_json', 'request body is empty; expected JSON');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError('invalid_json', `request body is not valid JSON: ${(e as Error).message}`);
  }
}
