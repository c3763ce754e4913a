import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { methodNotAllowed } from '../http/errors.js';
import { openApiDocument } from './openapi.js';

/** `GET /health` and `GET /openapi.json` (built once per isolate: it only depends on the code). */
export const metaRoutes = new Hono<AppEnv>();

let openapi: string | undefined;

metaRoutes.get('/health', (c) => c.json({ ok: true }));
metaRoutes.get('/openapi.json', (c) =>
  c.body((openapi ??= JSON.stringify(openApiDocument())), 200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'public, max-age=300',
  }),
);
metaRoutes.all('/health', methodNotAllowed('GET'));
metaRoutes.all('/openapi.json', methodNotAllowed('GET'));
