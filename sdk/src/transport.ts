import { HTTPError, NetworkError, TimeoutError } from './errors.js';

export interface TransportRequest {
  url: string;
  method: 'GET' | 'POST';
  body?: string;
  timeout: number;
}
/** Sends one request and resolves with the parsed JSON of a 2xx answer, or rejects with an SDK error. */
export type Transport = (req: TransportRequest) => Promise<unknown>;

const fail = (status: number, body: unknown) => {
  const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return new HTTPError(status, e?.code ?? 'http_error', e?.message ?? `HTTP ${status}`);
};

/** `fetch` (browsers, Node ≥ 18, Workers) with an AbortController timeout. */
export const fetchTransport: Transport = async ({ url, method, body, timeout }) => {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeout);
  let res: Response;
  try {
    // text/plain keeps POSTs "simple" (no CORS preflight); the worker parses JSON from any type.
    res = await fetch(url, {
      method,
      body,
      signal: ctrl.signal,
      headers: body ? { 'content-type': 'text/plain;charset=UTF-8' } : undefined,
      credentials: 'omit',
    });
  } catch (e) {
    throw ctrl.signal.aborted
      ? new TimeoutError(`${method} ${url} timed out after ${timeout} ms`)
      : new NetworkError(`${method} ${url} failed: ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  const data = await res.json().catch(() => undefined);
  if (!res.ok) throw fail(res.status, data);
  return data;
};

export interface MiniRequestApi {
  request(o: {
    url: string;
    method: string;
    data?: string;
    header?: Record<string, string>;
    timeout?: number;
    dataType?: string;
    success(r: { statusCode: number; data: unknown }): void;
    fail(e: { errMsg?: string }): void;
  }): void;
}

/** WeChat (`wx`) / Baidu (`swan`) mini-program `request` API: no fetch, no DOM. */
export function miniProgramTransport(api: MiniRequestApi): Transport {
  return ({ url, method, body, timeout }) =>
    new Promise((resolve, reject) => {
      api.request({
        url,
        method,
        data: body,
        header: { 'content-type': 'application/json' },
        timeout,
        dataType: 'json',
        success: (r) => (r.statusCode >= 200 && r.statusCode < 300 ? resolve(r.data) : reject(fail(r.statusCode, r.data))),
        fail: (e) =>
          reject(
            /timeout/i.test(e.errMsg ?? '')
              ? new TimeoutError(`${method} ${url} timed out after ${timeout} ms`)
              : new NetworkError(`${method} ${url} failed: ${e.errMsg ?? 'request failed'}`),
          ),
      });
    });
}
