import type { Issue } from '../../schema/errors.js';

export type { Issue } from '../../schema/errors.js';

// A registry symbol is the same in every realm (iframes) and every copy of the SDK on a page, so the
// guards below work where `instanceof` does not, and never match another library's `HTTPError`.
const BRAND = Symbol.for('edgepick.error');

/** Base of every error the SDK throws; `name` tells the kind. */
export class EdgepickError extends Error {
  override name = 'EdgepickError';
  readonly [BRAND] = true;
}

/** The API answered with a non-2xx status; `code` is the API's error code, `issues` its validation details. */
export class HTTPError extends EdgepickError {
  override name = 'HTTPError';
  declare readonly status: number;
  declare readonly code: string;
  declare readonly issues?: Issue[];
  constructor(status: number, code: string, message: string, issues?: Issue[]) {
    super(`${status} ${code}: ${message}`);
    Object.assign(this, { status, code, issues });
  }
}

/** The request never got an answer (offline, DNS, CORS, connection reset). */
export class NetworkError extends EdgepickError {
  override name = 'NetworkError';
}

/** No answer within `timeout` ms. */
export class TimeoutError extends EdgepickError {
  override name = 'TimeoutError';
}

/** Wrong options or arguments; thrown at once, never sent. */
export class ValidationError extends EdgepickError {
  override name = 'ValidationError';
}

const is =
  (name?: string) =>
  (e: unknown): boolean =>
    (e as { [BRAND]?: boolean } | undefined)?.[BRAND] === true && (!name || (e as Error).name === name);
/** Whether `e` is an edgepick `HTTPError` (works across realms, unlike `instanceof`). */
export const isHTTPError = /* @__PURE__ */ is('HTTPError') as (e: unknown) => e is HTTPError;
/** Whether `e` is an edgepick `NetworkError` (no answer at all). */
export const isNetworkError = /* @__PURE__ */ is('NetworkError') as (e: unknown) => e is NetworkError;
/** Whether `e` is an edgepick `TimeoutError` (no answer within `timeout`). */
export const isTimeoutError = /* @__PURE__ */ is('TimeoutError') as (e: unknown) => e is TimeoutError;
/** Whether `e` is an edgepick `ValidationError` (bad options or arguments). */
export const isValidationError = /* @__PURE__ */ is('ValidationError') as (e: unknown) => e is ValidationError;
/** Whether `e` is any error the edgepick SDK throws. */
export const isEdgepickError = /* @__PURE__ */ is() as (e: unknown) => e is EdgepickError;

/** Worth another try: no answer, a timeout, 408, 429 or a 5xx. Other 4xx answers will not change. */
export const isRetryable = (e: unknown) => !isHTTPError(e) || e.status >= 500 || e.status === 408 || e.status === 429;
