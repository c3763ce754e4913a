import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface Answer {
  status?: number;
  json?: unknown;
  /** ms before answering */
  delay?: number;
}
export interface Seen {
  method: string;
  url: string;
  /** Request headers, names in lower case (Node's). */
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

/**
 * A real HTTP server on 127.0.0.1 standing in for the worker: each test sets how it answers
 * (`api.answer = …`) and reads what the SDK sent (`api.requests`).
 */
export async function startLocalApi() {
  const api = {
    endpoint: '',
    requests: [] as Seen[],
    answer: (_req: IncomingMessage, _body: string): Answer => ({ json: {} }),
    /** Events received, flattened over every `POST …/events` batch. */
    events: () =>
      api.requests.filter((r) => /\/events(\?|$)/.test(r.url)).flatMap((r) => JSON.parse(r.body).events as Record<string, unknown>[]),
    reads: () => api.requests.filter((r) => !/\/events(\?|$)/.test(r.url)),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      api.requests.push({ method: req.method!, url: req.url!, headers: req.headers, body, at: Date.now() });
      const out = api.answer(req, body);
      setTimeout(() => {
        res.writeHead(out.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(out.json ?? {}));
      }, out.delay ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api.endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return api;
}

export type LocalApi = Awaited<ReturnType<typeof startLocalApi>>;

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
