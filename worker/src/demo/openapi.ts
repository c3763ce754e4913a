import { z } from 'zod';
import { errorSpec, type Operation } from '../http/openapi.js';
import { LABEL_MAX } from './images.js';

/** The demo room's routes, for /openapi.json. */
export const demoOperations: Operation[] = [
  {
    method: 'get',
    path: '/demo/img/{file}',
    tags: ['demo'],
    summary: 'Deterministic SVG product placeholder (demo store)',
    params: { file: { schema: z.string().regex(/^[A-Za-z0-9_-]{1,64}\.svg$/), example: 'p0042.svg' } },
    query: z.object({
      c: z
        .string()
        .optional()
        .meta({ description: 'Category: picks the colours (the demo categories have fixed ones, others a hue from their hash)' }),
      t: z
        .string()
        .optional()
        .meta({ description: `Label drawn under the picture (default: the id; at most ${LABEL_MAX} characters)` }),
    }),
    responses: {
      '200': { description: 'image/svg+xml, cached for a year', contentType: 'image/svg+xml' },
      '404': errorSpec('Bad file name', 'not_found', 'no such image'),
    },
  },
];
