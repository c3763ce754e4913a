import type { ErrorBody } from '../../schema/errors.js';
import { HTTPError, NetworkError, TimeoutError } from './errors.js';

/** One API request as the client hands it to a `Transport`. */
export interface TransportRequest {
  /** Absolute URL, query string included. */
  url: string;
  method: 'GET' | 'POST';
  /** JSON text (POST only). */
  body?: string;
  /** Milliseconds before the transport should reject with `TimeoutError` (the client's `timeout` option). */
  timeout: number;
}
/** Sends one request and resolves with the parsed JSON of a 2xx answer, or rejects with an SDK error. */
export type Transport = (req: TransportRequest) => Promise<unknown>;

/** `{error: {code, message, issues?}}` of a non-2xx answer, as an HTTPError (a proxy's answer may lack any of it). */
const httpError = (status: number, body: unknown) => {
  const e = (body as { error?: Partial<ErrorBody['error']> } | undefined)?.error;
  return new HTTPError(status, e?.code ?? 'http_error', e?.message ?? `HTTP ${status}`, e?.issues);
};
const failure = ({ method, url, timeout }: TransportRequest, timedOut: boolean, why?: string) =>
  timedOut ? new TimeoutError(`${method} ${url} timed out after ${timeout} ms`) : new NetworkError(`${method} ${url} failed: ${why}`);

/** `fetch` (browsers, Node ≥ 18, Workers) with an AbortController timeout. */
export const fetchTransport: Transport = async (req) => {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), req.timeout);
  let res: Response;
  try {
    // text/plain keeps POSTs "simple" (no CORS preflight); the worker parses JSON from any type.
    res = await fetch(req.url, {
      method: req.method,
      body: req.body,
      signal: ctrl.signal,
      headers: req.body ? { 'content-type': 'text/plain;charset=UTF-8' } : undefined,
    });
  } catch (e) {
    throw failure(req, ctrl.signal.aborted, (e as Error).message);
  } finally {
    clearTimeout(timer);
  }
  const data = await res.json().catch(() => undefined);
  if (!res.ok) throw httpError(res.status, data);
  return data;
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
    new Promise((resolve, reject) => {
      api.request({
        url: req.url,
        method: req.method,
        data: req.body,
        header: { 'content-type': 'application/json' },
        timeout: req.timeout,
        success: (r) => (r.statusCode >= 200 && r.statusCode < 300 ? resolve(r.data) : reject(httpError(r.statusCode, r.data))),
        // WeChat reports a timeout as `errMsg: "request:fail timeout"`.
        fail: (e) => reject(failure(req, /timeout/i.test(e.errMsg ?? ''), e.errMsg)),
      });
    });
}
