import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { CreateSiteResponse } from '../../../schema/sites.js';
import { publish } from '../../../test/workers/fixtures.js';

const OWNER = 'test-admin-token';
const call = (method: string, path: string, token = OWNER) =>
  SELF.fetch(`https://edge.test/v1/admin/sites/${path}`, { method, headers: { authorization: `Bearer ${token}` } });
const servedVersion = async (site: string) =>
  ((await (await SELF.fetch(`https://edge.test/v1/sites/${site}/popular?k=1`)).json()) as { modelVersion: string }).modelVersion;
const afterTtl = () => new Promise((r) => setTimeout(r, 5_100));

describe('models admin', () => {
  it('lists the published versions, activates an earlier one and rolls back in one call; the edge follows', async () => {
    await publish('mdl-site', 'v1');
    await publish('mdl-site', 'v2');
    const list = (await (await call('GET', 'mdl-site/models')).json()) as {
      active: string;
      versions: { version: string; params: { factors: number }; counts: { items: number } }[];
    };
    expect(list.active).toBe('v2');
    expect(list.versions.map((v) => v.version)).toEqual(['v2', 'v1']);
    expect(list.versions[0]).toMatchObject({ params: { factors: 4 }, counts: { items: 20 } });
    expect(await servedVersion('mdl-site')).toBe('v2');

    const act = await call('POST', 'mdl-site/models/v1/activate');
    expect(await act.json()).toEqual({ active: 'v1', previous: ['v2'] });
    await afterTtl();
    expect(await servedVersion('mdl-site')).toBe('v1');

    expect(await (await call('POST', 'mdl-site/models/rollback')).json()).toEqual({ active: 'v2', previous: ['v1'] });
    await afterTtl();
    expect(await servedVersion('mdl-site')).toBe('v2');

    expect((await call('POST', 'mdl-site/models/v9/activate')).status).toBe(404);
    expect((await call('GET', 'mdl-site/models/v1/activate')).status).toBe(405);
  });

  it('is a developer route', async () => {
    const made = (await (
      await SELF.fetch('https://edge.test/v1/admin/sites', {
        method: 'POST',
        headers: { authorization: `Bearer ${OWNER}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'mdl-roles', name: 'Models roles' }),
      })
    ).json()) as CreateSiteResponse;
    expect((await call('GET', 'mdl-roles/models', made.keys.marketer.token)).status).toBe(403);
    expect((await call('GET', 'mdl-roles/models', made.keys.developer.token)).status).toBe(200);
    expect((await call('POST', 'mdl-roles/models/rollback', made.keys.developer.token)).status).toBe(409);
  });
});
