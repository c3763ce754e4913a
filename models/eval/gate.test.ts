import { describe, expect, it } from 'vitest';
import { trainAls } from '../als/train.js';
import { parseInteractions, toCsr } from '../data/read-interactions.js';
import { generateDemoStore } from '../demo-data/generate.js';
import { buildPack, openPack } from '../pack/index.js';
import type { ActiveModel } from '../publish/read-active.js';
import { holdoutGate } from './gate.js';
import { readTimedRows, splitByTime } from './time-split.js';

const store = generateDemoStore({ products: 150, users: 250, interactions: 5000, seed: 3 });
const csv = `user,item,event,timestamp\n${store.interactions.map((r) => `${r.user},${r.item},${r.event},${r.timestamp}`).join('\n')}\n`;
const params = { factors: 8, iterations: 6, seed: 1 };

/** A published model trained on `text` (CSV), as `readActivePack` returns it. */
async function activeFrom(text: string, p: Record<string, number> = params): Promise<ActiveModel> {
  const data = parseInteractions(text, 'active.csv');
  const model = await trainAls(data, p, { threads: 1 });
  const { manifest, body } = await buildPack({ ...model, userItemsCsr: toCsr(data, true) });
  return {
    pointer: { version: 'v7', packId: manifest.id, packPrefix: 'site/s/pack/v7', publishedAt: '2026-01-01T00:00:00Z', previous: [] },
    pack: await openPack(manifest, body),
  };
}

describe('retrain gate (time-based holdout)', () => {
  it('passes without an active model and scores the candidate above popularity', async () => {
    const g = await holdoutGate(csv, 'events.csv', undefined, { params, threads: 1 });
    expect(g.passed).toBe(true);
    expect(g.reason).toMatch(/no active model/);
    expect(g.testRows).toBe(Math.floor((g.trainRows + g.testRows) * 0.2));
    expect(g.users).toBeGreaterThan(50);
    expect(g.testPairs).toBeGreaterThanOrEqual(g.users);
    expect(g.candidate.ndcg).toBeGreaterThan(g.popularity.ndcg);
    expect(g.delta).toBeUndefined();
  });

  it('passes an equal model at zero tolerance: the active one trained on the same split scores the same', async () => {
    const split = splitByTime(readTimedRows(csv, 'events.csv'));
    const active = await activeFrom(split.train);
    const g = await holdoutGate(csv, 'events.csv', active, { params, threads: 1, maxDrop: 0 });
    expect(g.active?.ndcg).toBeCloseTo(g.candidate.ndcg, 12);
    expect(g.active?.version).toBe('v7');
    expect(g.delta).toBeCloseTo(0, 12);
    expect(g.passed).toBe(true);
    expect(g.seenByActive).toBe(0); // what it trained on is the shoppers' pre-cut history, already out
  });

  it('leaves out the pairs an active model trained on, and refuses a candidate far below it unless the drop is allowed', async () => {
    // The active model saw everything, the holdout included: its answers are not a test.
    const active = await activeFrom(csv);
    const alone = await holdoutGate(csv, 'events.csv', undefined, { params, threads: 1 });
    const g = await holdoutGate(csv, 'events.csv', active, { params, threads: 1 });
    expect(g.seenByActive).toBeGreaterThan(0);
    expect(g.testPairs + g.seenByActive).toBe(alone.testPairs);

    // A candidate that barely trains (1 factor, 1 sweep) against a good active model.
    const weak = { factors: 1, iterations: 1, seed: 1 };
    const good = await activeFrom(splitByTime(readTimedRows(csv, 'events.csv')).train);
    const refused = await holdoutGate(csv, 'events.csv', good, { params: weak, threads: 1 });
    expect(refused.active!.ndcg - refused.candidate.ndcg).toBeGreaterThan(0.02);
    expect(refused.passed).toBe(false);
    expect(refused.reason).toMatch(/below the active model v7's .* \(more than --max-drop 0.005\)/);
    const allowed = await holdoutGate(csv, 'events.csv', good, { params: weak, threads: 1, maxDrop: 1 });
    expect(allowed.passed).toBe(true);
    expect(allowed.delta).toBeCloseTo(refused.delta!, 12);
  });

  it('folds in shoppers the active model never saw, from their history before the cut', async () => {
    // An active model trained on the first half of the shoppers only.
    const half = new Set(
      store.interactions
        .map((r) => r.user)
        .filter((u, i, all) => all.indexOf(u) === i)
        .slice(0, 125),
    );
    const rows = csv.trim().split('\n');
    const active = await activeFrom(
      `${rows[0]}\n${rows
        .slice(1)
        .filter((l) => half.has(l.split(',')[0]))
        .join('\n')}\n`,
    );
    const g = await holdoutGate(csv, 'events.csv', active, { params, threads: 1 });
    expect(g.active!.foldedIn).toBeGreaterThan(20);
    expect(g.active!.users).toBe(g.users);
    // Folding in beats popular items for them: the active model stays well above the popularity floor.
    expect(g.active!.ndcg).toBeGreaterThan(g.popularity.ndcg);
  });

  it('passes with nothing to compare when the data is too small for a holdout', async () => {
    const g = await holdoutGate('user,item,timestamp\nu,a,1\n', 'events.csv', await activeFrom(csv), { params, threads: 1 });
    expect(g.passed).toBe(true);
    expect(g.reason).toMatch(/too few for a holdout/);
  });
});
