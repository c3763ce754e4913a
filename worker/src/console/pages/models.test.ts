import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createSite, signIn } from '../../../../test/workers/console.js';
import { knownModel, publish } from '../../../../test/workers/fixtures.js';

const BASE = 'https://edge.test';
/** Waits out the edge's pack-pointer TTL (5 s), so the next request reads the new active version. */
const afterTtl = () => new Promise((r) => setTimeout(r, 5_100));
const servedVersion = async (site: string, key: string) => {
  const res = await SELF.fetch(`${BASE}/v1/sites/${site}/recommendations?userId=alice&k=3`, { headers: { 'x-edgepick-key': key } });
  return ((await res.json()) as { recommendationId: string }).recommendationId.split('.').pop();
};
const activateAction = (site: string, v: string) => `/console/sites/${site}/models/${v}/activate`;

describe('console models page', () => {
  it('shows the active version with its metrics, data window and params, and every version', async () => {
    const { keys } = await createSite('cm-a');
    const base = knownModel();
    await publish('cm-a', 'v1');
    await publish('cm-a', 'v2', {
      model: {
        ...base,
        metrics: { 'holdout.ndcg@10': 0.43216, 'holdout.users': 120 },
        params: {
          ...base.params,
          dataWindow: { from: '2026-03-01T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z', events: 5000 },
        } as typeof base.params,
      },
    });
    const dev = await signIn(keys.developer);
    const res = await dev.get('/console/sites/cm-a/models?lang=en');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/Active model: <code>v2<\/code>/);
    expect(html).toContain('holdout.ndcg@10');
    expect(html).toContain('<td class="num">0.4322</td>');
    expect(html).toContain('<td class="num">0.1</td>');
    expect(html).toContain('2026-03-01 to 2026-03-31 (5000 events)');
    expect(html).toContain('<code>factors</code>');
    expect(html).toContain('20 items · 2 users · 40 interactions');
    expect(html).toContain(`action="${activateAction('cm-a', 'v1')}"`);
    expect(html).not.toContain(`action="${activateAction('cm-a', 'v2')}"`);
    expect(html).toContain('action="/console/sites/cm-a/models/rollback"');
    expect(html).toMatch(/<div class="table-wrap">\s*<table[ >]/);
    // zh-CN by default.
    expect(await (await dev.get('/console/sites/cm-a/models?lang=zh-CN')).text()).toContain('当前模型');
  });

  it('activates an older version and rolls back, each after a confirmation; the edge follows', async () => {
    const { keys } = await createSite('cm-b');
    await publish('cm-b', 'v1');
    await publish('cm-b', 'v2');
    const dev = await signIn(keys.developer);
    expect(await servedVersion('cm-b', keys.public)).toBe('v2');

    // A no-script click: the confirmation page only.
    const ask = await dev.post(activateAction('cm-b', 'v1'), { confirm: '' });
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('name="confirm" value="yes"');
    await afterTtl();
    expect(await servedVersion('cm-b', keys.public)).toBe('v2');

    const done = await dev.post(activateAction('cm-b', 'v1'), { confirm: 'yes' });
    expect(done.status).toBe(303);
    const page = await (await dev.get(`${done.headers.get('location')!}&lang=en`)).text();
    expect(page).toContain('Version v1 is active');
    expect(page).toMatch(/Active model: <code>v1<\/code>/);
    await afterTtl();
    expect(await servedVersion('cm-b', keys.public)).toBe('v1');

    expect((await dev.post('/console/sites/cm-b/models/rollback')).status).toBe(200);
    expect((await dev.post('/console/sites/cm-b/models/rollback', { confirm: 'yes' })).status).toBe(303);
    await afterTtl();
    expect(await servedVersion('cm-b', keys.public)).toBe('v2');
  });

  it('shows store refusals as notices: no versions, an unknown version, nothing to roll back to', async () => {
    const { keys } = await createSite('cm-c');
    const dev = await signIn(keys.developer);
    const empty = await (await dev.get('/console/sites/cm-c/models?lang=en')).text();
    expect(empty).toContain('No model published for this site yet');
    const rollback = await dev.post('/console/sites/cm-c/models/rollback?lang=en', { confirm: 'yes' });
    expect(rollback.status).toBe(409);
    expect(await rollback.text()).toMatch(/class="notice error" role="alert">There is no earlier version to roll back to./);

    await publish('cm-c', 'v1');
    for (const confirm of ['', 'yes']) {
      const unknown = await dev.post(`${activateAction('cm-c', 'v9')}?lang=en`, { confirm });
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toContain('There is no version v9.');
    }
  });

  it('is for developers and the owner: a marketer or another site’s developer gets a 403 page', async () => {
    const a = await createSite('cm-d');
    const b = await createSite('cm-e');
    await publish('cm-d', 'v1');
    for (const token of [a.keys.marketer, b.keys.developer]) {
      const client = await signIn(token);
      const res = await client.get('/console/sites/cm-d/models');
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect((await client.post('/console/sites/cm-d/models/rollback', { confirm: 'yes' })).status).toBe(403);
    }
    const owner = await signIn('test-admin-token');
    const res = await owner.get('/console/sites/cm-d/models?lang=en');
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/Active model: <code>v1<\/code>/);
  });
});
