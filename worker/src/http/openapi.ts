import { z } from 'zod';
import { ErrorBody, type ErrorCode } from '../../../schema/errors.js';
import { SITE_ID_PATTERN } from '../../../schema/ids.js';

/** One documented response: a JSON component, an error code with an example, or a plain description. */
export interface ResponseSpec {
  description: string;
  /** Name of a registered component schema for an `application/json` body. */
  body?: string;
  example?: unknown;
  /** Another content type (HTML, SVG, JS) described in words. */
  contentType?: string;
}

/** A path parameter: its schema and an example. */
export interface ParamSpec {
  schema: z.ZodType;
  example?: string;
  description?: string;
}

/**
 * One route as its room declares it, beside the route code: the registry the OpenAPI document is
 * built from (no hand-written path objects). A test checks that every served method and path has
 * exactly one operation, and that every operation is served.
 */
export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI form: `/v1/sites/{site}/popular`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Needs `Authorization: Bearer …` (admin API). */
  bearer?: boolean;
  params?: Record<string, ParamSpec>;
  /** The zod schema the route parses its query with. */
  query?: z.ZodObject;
  body?: { component: string; example?: unknown };
  responses: Record<string, ResponseSpec>;
}

/** A component schema and whether it documents what clients send (`input`) or receive (`output`). */
export type Components = Record<string, { schema: z.ZodType; io?: 'input' | 'output' }>;

/** An error response documented with its stable code and an example message. */
export const errorSpec = (description: string, code: ErrorCode, message: string): ResponseSpec => ({
  description,
  body: 'ErrorBody',
  example: { error: { code, message } },
});

/** The 413/415 answers of a route that reads a body of at most `limit` bytes. */
export const bodyErrors = (limit: number): Record<string, ResponseSpec> => ({
  '413': errorSpec(`Body larger than ${limit} bytes`, 'payload_too_large', `request body is larger than ${limit} bytes`),
  '415': errorSpec('Body neither JSON nor text/plain', 'unsupported_media_type', 'content type multipart/form-data is not supported'),
});

/** The `site` path parameter every site route takes. */
export const siteParam: ParamSpec = { schema: z.string().regex(SITE_ID_PATTERN), example: 'demo', description: 'Site id' };

/** What every admin route can answer besides its own responses. */
export const adminErrors: Record<string, ResponseSpec> = {
  '401': errorSpec('No, unknown or revoked token', 'unauthorized', 'missing or wrong admin token (Authorization: Bearer …)'),
  '403': errorSpec('A token of another site or role', 'forbidden', 'this token may not manage site demo'),
  '404': errorSpec('Unknown site', 'site_not_found', 'unknown site "nope"'),
};

const jsonSchema = (s: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

/** Query parameters from the zod query schema the route parses (descriptions and examples included). */
function queryParams(s: z.ZodObject) {
  const props = (z.toJSONSchema(s, { io: 'input' }) as { properties: Record<string, { description?: string; examples?: unknown[] }> })
    .properties;
  return Object.entries(props).map(([name, p]) => ({
    name,
    in: 'query',
    required: false,
    ...(p.description ? { description: p.description } : {}),
    schema: { type: 'string' },
    ...(p.examples?.length ? { example: p.examples[0] } : {}),
  }));
}

const content = (r: ResponseSpec) =>
  r.body
    ? {
        content: {
          'application/json': {
            schema: { $ref: `#/components/schemas/${r.body}` },
            ...(r.example === undefined ? {} : { example: r.example }),
          },
        },
      }
    : r.contentType
      ? { content: { [r.contentType]: { schema: { type: 'string' } } } }
      : {};

/**
 * Builds the OpenAPI 3.1 document from the rooms' operations and component schemas. Throws when
 * an operation names a path parameter it does not describe, a component nobody registered, or
 * the same method and path twice — at build time, so the meta test catches it.
 */
export function buildOpenApi(
  info: { title: string; version: string; description: string },
  operations: Operation[],
  components: Components,
) {
  const all: Components = { ErrorBody: { schema: ErrorBody }, ...components };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const n of names) if (!op.params?.[n]) throw new Error(`openapi: ${op.method} ${op.path} does not describe path parameter ${n}`);
    const refs = [op.body?.component, ...Object.values(op.responses).map((r) => r.body)].filter((r): r is string => Boolean(r));
    for (const r of refs) if (!all[r]) throw new Error(`openapi: ${op.method} ${op.path} names unknown component ${r}`);
    paths[op.path] ??= {};
    if (paths[op.path][op.method]) throw new Error(`openapi: ${op.method} ${op.path} is declared twice`);
    paths[op.path][op.method] = {
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: op.tags,
      ...(op.bearer ? { security: [{ bearer: [] }] } : {}),
      parameters: [
        ...names.map((n) => {
          const p = op.params![n];
          return {
            name: n,
            in: 'path',
            required: true,
            schema: jsonSchema(p.schema, 'input'),
            ...(p.description ? { description: p.description } : {}),
            ...(p.example ? { example: p.example } : {}),
          };
        }),
        ...(op.query ? queryParams(op.query) : []),
      ],
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: { $ref: `#/components/schemas/${op.body.component}` },
                  ...(op.body.example === undefined ? {} : { example: op.body.example }),
                },
              },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([status, r]) => [status, { description: r.description, ...content(r) }]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(all).map(([name, c]) => [name, jsonSchema(c.schema, c.io ?? 'output')])),
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'The owner token (Worker secret ADMIN_TOKEN). The scheme name is case-insensitive.',
        },
      },
    },
  };
}
