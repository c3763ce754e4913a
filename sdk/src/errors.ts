/** Base of every error the SDK throws; `name` identifies the kind across realms (iframes). */
export class EdgepickError extends Error {
  override name = 'EdgepickError';
}

/** The API answered with a non-2xx status; `code` is the API's error code. */
export class HTTPError extends EdgepickError {
  override name = 'HTTPError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
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
  (name: string) =>
  (e: unknown): boolean =>
    typeof e === 'object' && e !== null && (e as Error).name === name;
export const isHTTPError = is('HTTPError') as (e: unknown) => e is HTTPError;
export const isNetworkError = is('NetworkError') as (e: unknown) => e is NetworkError;
export const isTimeoutError = is('TimeoutError') as (e: unknown) => e is TimeoutError;
export const isValidationError = is('ValidationError') as (e: unknown) => e is ValidationError;
