import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { waitForStored } from '../../../test/workers/stored-events.js';
import { activeSites, recordActivity } from './activity.js';

const T = Date.UTC(2041, 0, 1);

describe('site activity', () => {
  it('keeps the latest event and share per site; an older batch never moves it back', async () => {
    await recordActivity(env.DB, [
      { site: 'act-a', at: T, type: 'view' },
      { site: 'act-a', at: T + 5, type: 'share' },
      { site: 'act-b', at: T - 10 * 86_400_000, type: 'click' },
    ]);
    await recordActivity(env.DB, [{ site: 'act-a', at: T - 1000, type: 'share' }]);
    expect(await activeSites(env.DB, T)).toContain('act-a');
    expect(await activeSites(env.DB, T)).not.toContain('act-b');
    expect(await activeSites(env.DB, T - 11 * 86_400_000)).toEqual(expect.arrayContaining(['act-a', 'act-b']));
    expect(await activeSites(env.DB, T + 5, { shares: true })).toContain('act-a');
    expect(await activeSites(env.DB, T + 6, { shares: true })).not.toContain('act-a');
    expect(await activeSites(env.DB, T - 11 * 86_400_000, { shares: true })).not.toContain('act-b');
  });

  it('is recorded by the events pipeline with the rows it stores', async () => {
    const before = Date.now() - 1;
    const events = [
      { id: 'activity-0001', type: 'view', visitorId: 'v-act', itemId: 'p1' },
      { id: 'activity-0002', type: 'share', visitorId: 'v-act', itemId: 'p1' },
    ];
    const res = await SELF.fetch('https://edge.test/v1/sites/demo/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(200);
    await waitForStored(
      'demo',
      events.map((e) => e.id),
    );
    expect(await activeSites(env.DB, before)).toContain('demo');
    expect(await activeSites(env.DB, before, { shares: true })).toContain('demo');
  });
});
