import { Hono } from 'hono';
import { html } from 'hono/html';
import type { AppEnv } from '../env.js';
import { ApiError } from '../errors.js';

/** Category → [background, accent, emoji-free glyph] for the demo store's placeholder images. */
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

/** `GET /demo/img/:id.svg?c=category` — deterministic product placeholders (no external URLs). */
export const demoImageRoutes = new Hono<AppEnv>();

demoImageRoutes.get('/:file', (c) => {
  const file = c.req.param('file');
  const m = /^([A-Za-z0-9_-]{1,64})\.svg$/.exec(file);
  if (!m) throw new ApiError('not_found', 'image not found');
  const id = m[1];
  const [bg, fg, glyph] = PALETTE[c.req.query('c') ?? ''] ?? ['#eeeeee', '#555555', '品'];
  // A per-id hue shift so neighbouring products do not look identical.
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const r = 40 + (h % 50);
  const svg = html`<svg xmlns="http://www.w3.org/2000/svg" width="320" height="320" viewBox="0 0 320 320" role="img" aria-label="${id}"><rect width="320" height="320" fill="${bg}"/><circle cx="${160 + (h % 60) - 30}" cy="140" r="${r + 40}" fill="${fg}" opacity="0.12"/><text x="160" y="175" text-anchor="middle" font-size="96" font-family="sans-serif" fill="${fg}">${glyph}</text><text x="160" y="290" text-anchor="middle" font-size="22" font-family="monospace" fill="${fg}">${id}</text></svg>`;
  return c.body(String(svg), 200, { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Cache-Control': 'public, max-age=86400, immutable' });
});
