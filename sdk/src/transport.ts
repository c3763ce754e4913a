import type { ErrorBody } from '../../schema/errors.js';
import { HTTPError, NetworkError, TimeoutError } from './errors.js';

/** One API request as the client hands it to a `Transport`. */
export interface TransportRequest {
  /** Absolute URL, query string included. */
  url: string;
  method: 'GET' | 'POST';
  /** JSON text (POST only). */
  body?: string;
  /** Headers the API needs: `X-Edgepick-Key` when the client has a `key` (send them too in your own transport). */
  headers: Record<string, string>;
  /** Milliseconds before the transport should reject with `TimeoutError` (the client's `timeout` option). */
  timeout: number;
}
/** Sends one request and resolves with the parsed JSON of a 2xx answer, or rejects with an SDK error. */
export type Transport = (req: TransportRequest) => Promise<unknown>;

/** The JSON of a 2xx answer; any other throws its `{error: {code, message, issues?}}` as an HTTPError (a proxy's answer may lack any of it). */
const answer = (status: number, body: unknown) => {
  if (status > 199 && status < 300) return body;
  const e = (body as { error?: Partial<ErrorBody['error']> } | undefined)?.error;
  throw new HTTPError(status, e?.code ?? 'http_error', e?.message ?? `HTTP ${status}`, e?.issues);
};
const failure = ({ method, url, timeout }: TransportRequest, timedOut: boolean, why?: string) =>
  timedOut ? new TimeoutError(`${method} ${url} timed out after ${timeout} ms`) : new NetworkError(`${method} ${url} failed: ${why}`);

/** `fetch` (browsers, Node ≥ 18, Workers) with an AbortController timeout. */
export const fetchTransport: Transport = async (req) => {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), req.timeout);
  let res: Response;
  try {
    // A string body goes as text/plain;charset=UTF-8 (fetch's default), which keeps a POST without a key
    // "simple" (no CORS preflight); the worker parses JSON from any content type.
    // `req` is a valid RequestInit: method, body, headers (fetch ignores url and timeout).
    res = await fetch(req.url, { ...req, signal: ctrl.signal });
  } catch (e) {
    throw failure(req, ctrl.signal.aborted, (e as Error).message);
  } finally {
    clearTimeout(timer);
  }
  return answer(res.status, await res.json().catch(() => undefined));
};

/** The `request` half of a mini-program API object (`wx` / `swan`). */
export interface MiniRequestApi {
  request(o: {
    url: string;
    method: string;
    data?: string;
    header?: Record<string, string>;
    timeout?: number;
    success(r: { statusCode: number; data: unknown }): void;
    fail(e: { errMsg?: string }): void;
  }): void;
}

/** WeChat (`wx`) / Baidu (`swan`) mini-program `request` API: no fetch, no DOM, no CORS. */
export function miniProgramTransport(api: MiniRequestApi): Transport {
  return (req) =>
    new Promise<{ statusCode: number; data: unknown }>((resolve, reject) =>
      api.request({
        url: req.url,
        method: req.method,
        data: req.body,
        // The content type is the platforms' default, application/json.
        header: req.headers,
        timeout: req.timeout,
        success: resolve,
        // WeChat reports a timeout as `errMsg: "request:fail timeout"`.
        fail: (e) => reject(failure(req, /timeout/i.test(e.errMsg ?? ''), e.errMsg)),
      }),
    ).then((r) => answer(r.statusCode, r.data));
}
