import { Hono } from 'hono';
import { html } from 'hono/html';
import type { AppEnv } from '../env.js';
import { ApiError, methodNotAllowed } from '../http/errors.js';
import { fnv1a32 } from '../lib/fnv.js';

/** Category → [background, accent, glyph] for the demo store's categories (models/demo-data/vocabulary.ts). */
const PALETTE: Record<string, [string, string, string]> = {
  tea: ['#e8f3e6', '#3f7d3a', '茶'],
  coffee: ['#f1e6dc', '#6b4226', '咖'],
  snacks: ['#fff1d6', '#c27c0e', '食'],
  beauty: ['#fde7ef', '#c2185b', '妆'],
  skincare: ['#f3e8fb', '#7b1fa2', '肤'],
  baby: ['#e4f4fb', '#0277bd', '婴'],
  digital: ['#e6ecf5', '#283593', '数'],
  sports: ['#e7f6f1', '#00796b', '动'],
  home: ['#f6efe4', '#8d6e63', '家'],
  kitchen: ['#fdeee5', '#d84315', '厨'],
  pets: ['#fff6e0', '#ef6c00', '宠'],
  books: ['#eef0f3', '#455a64', '书'],
  apparel: ['#f0eaf7', '#5e35b1', '衣'],
  outdoor: ['#e9f2e4', '#33691e', '野'],
};

/** Longest label drawn (code points); longer `t` values are cut with an ellipsis. */
export const LABEL_MAX = 24;

/** FNV-1a, 32 bit: a stable hash so the same id always draws the same picture. */

/** Known categories use the palette; any other category (or none) gets a hue from its hash. */
function colours(category: string): [string, string, string] {
  // Own keys only: `__proto__`, `constructor` or `toString` must not reach Object.prototype.
  const known = Object.hasOwn(PALETTE, category) ? PALETTE[category] : undefined;
  if (known) return known;
  const hue = fnv1a32(category) % 360;
  return [`hsl(${hue} 45% 93%)`, `hsl(${hue} 55% 32%)`, '品'];
}

/**
 * `GET /demo/img/:id.svg?c=category&t=label` — deterministic product placeholders for the demo
 * store and tests: no external URLs, every text node escaped (hono/html), a CSP that forbids
 * scripts should the SVG be opened directly, and a year of caching (same URL → same bytes).
 */
export const demoImageRoutes = new Hono<AppEnv>();

demoImageRoutes.get('/:file', (c) => {
  const m = /^([A-Za-z0-9_-]{1,64})\.svg$/.exec(c.req.param('file'));
  if (!m) throw new ApiError('not_found', 'no such image; use /demo/img/{id}.svg with id [A-Za-z0-9_-]{1,64}');
  const id = m[1];
  const category = (c.req.query('c') ?? '').slice(0, 64);
  const [bg, fg, glyph] = colours(category);
  const chars = Array.from(c.req.query('t') ?? id);
  const label = chars.length > LABEL_MAX ? `${chars.slice(0, LABEL_MAX - 1).join('')}…` : chars.join('');
  const h = fnv1a32(id);
  const svg = html`<svg xmlns="http://www.w3.org/2000/svg" width="320" height="320" viewBox="0 0 320 320" role="img" aria-label="${label}"><rect width="320" height="320" fill="${bg}"/><circle cx="${130 + (h % 60)}" cy="140" r="${80 + ((h >>> 8) % 50)}" fill="${fg}" opacity="0.12"/><text x="160" y="175" text-anchor="middle" font-size="96" font-family="sans-serif" fill="${fg}">${glyph}</text><text x="160" y="290" text-anchor="middle" font-size="20" font-family="sans-serif" fill="${fg}">${label}</text></svg>`;
  return c.body(String(svg), 200, {
    'Content-Type': 'image/svg+xml; charset=utf-8',
    'Cache-Control': 'public, max-age=31536000, immutable',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    'X-Content-Type-Options': 'nosniff',
  });
});

demoImageRoutes.all('/:file', methodNotAllowed('GET'));
