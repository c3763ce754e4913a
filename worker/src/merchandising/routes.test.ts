import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createSite } from '../../../test/workers/console.js';

const BASE = 'https://edge.test';
const OWNER = 'test-admin-token';
const rules = (site: string, placement: string, method = 'GET', body?: unknown, token = OWNER) =>
  SELF.fetch(`${BASE}/v1/admin/sites/${site}/placements/${placement}/rules`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
type Err = { error: { code: string; message: string; issues: { path: (string | number)[]; message: string }[] } };

describe('GET|PUT /v1/admin/sites/:site/placements/:placement/rules', () => {
  it('answers the defaults before any PUT, then stores versions with who and when', async () => {
    const { keys } = await createSite('merch-api');
    const empty = await (await rules('merch-api', 'home')).json();
    expect(empty).toEqual({ site: 'merch-api', placement: 'home', version: 0, rules: { excludePurchased: true } });
    const set = { filter: { category: ['tea'], maxPrice: 50 }, pins: [{ itemId: 'a5', position: 1 }], maxPerCategory: 3, rotation: {} };
    const put = await rules('merch-api', 'home', 'PUT', set, keys.marketer);
    expect(put.status).toBe(200);
    const v1 = (await put.json()) as { version: number; updatedBy: string; updatedAt: string; rules: { rotation: object } };
    expect(v1.version).toBe(1);
    expect(v1.updatedBy).toMatch(/^key:/);
    expect(v1.rules.rotation).toEqual({ afterImpressions: 3, hours: 24 });
    expect(await (await rules('merch-api', 'home')).json()).toMatchObject({ version: 1, rules: { maxPerCategory: 3 } });
    const v2 = (await (await rules('merch-api', 'home', 'PUT', { excludePurchased: false }, keys.developer)).json()) as { version: number };
    expect(v2.version).toBe(2);
    // Another placement has its own rules.
    expect(((await (await rules('merch-api', 'cart')).json()) as { version: number }).version).toBe(0);
  });

  it('refuses bad rule sets with precise issues', async () => {
    await createSite('merch-bad');
    const bad = async (body: unknown, path: (string | number)[], message?: RegExp) => {
      const res = await rules('merch-bad', 'home', 'PUT', body);
      expect(res.status).toBe(400);
      const err = (await res.json()) as Err;
      expect(err.error.code).toBe('invalid_request');
      const issue = err.error.issues.find((i) => JSON.stringify(i.path) === JSON.stringify(path));
      expect(issue, JSON.stringify(err.error.issues)).toBeDefined();
      if (message) expect(issue!.message).toMatch(message);
    };
    await bad({ filters: {} }, [], /unrecognized|filters/i);
    await bad({ filter: { minPrice: 20, maxPrice: 10 } }, ['filter', 'minPrice'], /≤/);
    await bad({ filter: { inStock: false } }, ['filter', 'inStock'], /never recommended/);
    await bad({ filter: { category: [] } }, ['filter', 'category'], /at least one/);
    await bad(
      {
        pins: [
          { itemId: 'a1', position: 1 },
          { itemId: 'a2', position: 1 },
        ],
      },
      ['pins', 1, 'position'],
      /already taken/,
    );
    await bad(
      {
        pins: [
          { itemId: 'a1', position: 1 },
          { itemId: 'a1', position: 2 },
        ],
      },
      ['pins', 1, 'itemId'],
      /already pinned/,
    );
    await bad({ pins: [{ itemId: 'a1', position: 0 }] }, ['pins', 0, 'position']);
    await bad({ pins: Array.from({ length: 21 }, (_, i) => ({ itemId: `x${i}`, position: i + 1 })) }, ['pins'], /at most 20/);
    await bad({ boosts: [{ when: { category: ['tea'] }, weight: 0 }] }, ['boosts', 0, 'weight'], /bury/);
    await bad({ boosts: [{ when: {}, weight: 1 }] }, ['boosts', 0, 'when'], /at least one/);
    await bad({ boosts: [{ when: { category: ['tea'] }, weight: 9 }] }, ['boosts', 0, 'weight']);
    await bad({ maxPerCategory: 0 }, ['maxPerCategory']);
    await bad({ rotation: { afterImpressions: 0 } }, ['rotation', 'afterImpressions']);
    await bad({ filter: { tags: ['a\u0000b'] } }, ['filter', 'tags', 0]);
    expect((await rules('merch-bad', 'home', 'PUT', '{not json')).status).toBe(400);
    expect((await rules('merch-bad', 'home', 'PUT', { pins: [{ itemId: 'x'.repeat(70_000), position: 1 }] })).status).toBe(413);
    expect((await rules('merch-bad', 'bad%00placement', 'PUT', {})).status).toBe(400);
    expect((await rules('merch-bad', 'home', 'DELETE')).status).toBe(405);
    // Nothing was stored by the refused requests.
    expect(((await (await rules('merch-bad', 'home')).json()) as { version: number }).version).toBe(0);
  });

  it('needs a marketer, developer or owner token of that site', async () => {
    const { keys } = await createSite('merch-auth');
    await createSite('merch-other');
    expect((await rules('merch-auth', 'home', 'PUT', {}, keys.public)).status).toBe(403);
    expect((await rules('merch-other', 'home', 'PUT', {}, keys.marketer)).status).toBe(403);
    expect((await rules('merch-auth', 'home', 'PUT', {}, 'nope')).status).toBe(401);
    expect((await rules('merch-missing', 'home')).status).toBe(404);
  });
});
