import { Matrix, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { InputError } from '../data/input-error.js';
import { type Interactions, parseInteractions, toCsr } from '../data/read-interactions.js';
import { generateDemoStore, splitDemo } from '../demo-data/generate.js';
import { evaluate } from '../eval/evaluate.js';
import { decodePack, encodePack, foldIn, gramMatrix, topK } from '../pack/index.js';
import { solveRows } from './cg.js';
import { trainAls } from './train.js';

/** Two blocks: users 0–9 like items 0–9, users 10–19 like items 10–19. User 0 has not seen item 9. */
function checkerboard(): Interactions {
  const rows = ['user,item'];
  for (let u = 0; u < 20; u++) {
    const block = u < 10 ? 0 : 10;
    for (let i = block; i < block + 10; i++) if (!(u === 0 && i === 9)) rows.push(`u${u},i${i}`);
  }
  return parseInteractions(rows.join('\n'), 'checkerboard.csv');
}

const scoresOf = (m: { factors: number; itemFactors: Float32Array; userFactors: Float32Array }, u: number) => {
  const f = m.factors;
  return Float64Array.from({ length: m.itemFactors.length / f }, (_, i) => {
    let s = 0;
    for (let k = 0; k < f; k++) s += m.userFactors[u * f + k] * m.itemFactors[i * f + k];
    return s;
  });
};

describe('trainAls', () => {
  it('ranks the withheld item of a user’s block first (checkerboard)', async () => {
    const data = checkerboard();
    const m = await trainAls(data, { factors: 4, iterations: 15, regularization: 0.1, alpha: 2 }, { threads: 1 });
    const u0 = data.userIds.indexOf('u0');
    const seen = new Set(Array.from({ length: 9 }, (_, i) => data.itemIds.indexOf(`i${i}`)));
    const top = topK(scoresOf(m, u0), 1, (i) => seen.has(i));
    expect(m.itemIds[top[0]]).toBe('i9');
  });

  it('is deterministic for a seed, whatever the thread count', async () => {
    const store = generateDemoStore({ products: 300, users: 1200, interactions: 12_000 });
    const data = parseInteractions(
      ['user,item,event', ...store.interactions.map((x) => `${x.user},${x.item},${x.event}`)].join('\n'),
      'demo.csv',
    );
    const opts = { factors: 8, iterations: 3, seed: 5 };
    const a = await trainAls(data, opts, { threads: 1 });
    const b = await trainAls(data, opts, { threads: 1 });
    const c = await trainAls(data, opts, { threads: 2 });
    expect(Buffer.from(a.userFactors.buffer).equals(Buffer.from(b.userFactors.buffer))).toBe(true);
    expect(Buffer.from(a.itemFactors.buffer).equals(Buffer.from(c.itemFactors.buffer))).toBe(true);
    const d = await trainAls(data, { ...opts, seed: 6 }, { threads: 1 });
    expect(Buffer.from(a.itemFactors.buffer).equals(Buffer.from(d.itemFactors.buffer))).toBe(false);
  });

  it('the float32 SIMD kernel and the float64 JS solver agree', async () => {
    const store = generateDemoStore({ products: 200, users: 600, interactions: 6000 });
    const data = parseInteractions(
      ['user,item,event', ...store.interactions.map((x) => `${x.user},${x.item},${x.event}`)].join('\n'),
      'demo.csv',
    );
    const opts = { factors: 8, iterations: 1, seed: 3 };
    const wasm = await trainAls(data, opts, { threads: 1, backend: 'wasm' });
    const js = await trainAls(data, opts, { threads: 1, backend: 'js' });
    let maxDiff = 0;
    let maxAbs = 0;
    for (let k = 0; k < js.itemFactors.length; k++) {
      maxDiff = Math.max(maxDiff, Math.abs(js.itemFactors[k] - wasm.itemFactors[k]));
      maxAbs = Math.max(maxAbs, Math.abs(js.itemFactors[k]));
    }
    // float32 vs float64 arithmetic in the same 3-step CG: close, not identical.
    expect(maxDiff / maxAbs).toBeLessThan(0.01);
    expect(maxDiff).toBeGreaterThan(0); // really two different code paths
  });

  it('reports a falling training loss with elapsed time and ETA', async () => {
    const data = checkerboard();
    const seen: { loss: number; etaMs: number; iteration: number }[] = [];
    await trainAls(data, { factors: 4, iterations: 6 }, { threads: 1, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.iteration)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seen[5].loss).toBeLessThan(seen[0].loss);
    expect(seen[5].etaMs).toBe(0);
  });

  it('CG converges to the exact least-squares solution', () => {
    const data = checkerboard();
    const f = 3;
    const byUser = toCsr(data, true);
    let s = 1;
    const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
    const Y = Float32Array.from({ length: data.itemIds.length * f }, rnd);
    const X = new Float32Array(data.userIds.length * f);
    const lambda = 0.5;
    const alpha = 3;
    const G = gramMatrix(Y, data.itemIds.length, f, lambda);
    solveRows({ X, Y, G, ...byUser, factors: f, alpha, cgSteps: 50 }, 0, data.userIds.length);
    // Exact: (YᵀY + λI + Σ (c−1) y yᵀ) x = Σ c y, with ml-matrix.
    const u = 3;
    const A = Matrix.zeros(f, f);
    const b = Matrix.zeros(f, 1);
    for (let a = 0; a < f; a++) for (let k = 0; k < f; k++) A.set(a, k, G[a * f + k]);
    for (let j = byUser.indptr[u]; j < byUser.indptr[u + 1]; j++) {
      const c = 1 + alpha * byUser.values[j];
      const y = Array.from(Y.subarray(byUser.indices[j] * f, byUser.indices[j] * f + f));
      for (let a = 0; a < f; a++) {
        b.set(a, 0, b.get(a, 0) + c * y[a]);
        for (let k = 0; k < f; k++) A.set(a, k, A.get(a, k) + (c - 1) * y[a] * y[k]);
      }
    }
    const exact = solve(A, b);
    for (let k = 0; k < f; k++) expect(X[u * f + k]).toBeCloseTo(exact.get(k, 0), 4);
  });

  it('refuses to produce NaN or infinite factors', async () => {
    const data = checkerboard();
    // A weight no file can carry (the reader refuses it), but an API caller could pass.
    data.weights[0] = Number.POSITIVE_INFINITY;
    await expect(trainAls(data, { factors: 4, iterations: 2 }, { threads: 1 })).rejects.toThrow(/diverged/);
  });

  it('rejects bad parameters with clear messages', async () => {
    const data = checkerboard();
    await expect(trainAls(data, { factors: 0 })).rejects.toThrow(InputError);
    await expect(trainAls(data, { alpha: -1 })).rejects.toThrow(/--alpha must be a number > 0/);
    await expect(trainAls(data, { iterations: 1.5 })).rejects.toThrow(/--iterations/);
  });

  it('beats popularity clearly on the demo store (quality floor)', async () => {
    const store = generateDemoStore();
    const { train, test } = splitDemo(store.interactions);
    const toCsv = (rows: typeof train) => ['user,item,event', ...rows.map((x) => `${x.user},${x.item},${x.event}`)].join('\n');
    const trainData = parseInteractions(toCsv(train), 'train.csv');
    const testData = parseInteractions(toCsv(test), 'test.csv');
    const m = await trainAls(trainData, { iterations: 10 });
    const res = evaluate(m, trainData, testData, [10]);
    expect(res.model['ndcg@10']).toBeGreaterThan(1.6 * res.popularity['ndcg@10']);
    expect(res.model['recall@10']).toBeGreaterThan(0.08);
    expect(res.model['coverage@10']).toBeGreaterThan(10 * res.popularity['coverage@10']);
  });

  it('folds in a known user’s own interactions to about their trained vector, and survives a pack round trip', async () => {
    const store = generateDemoStore({ products: 300, users: 1500, interactions: 20_000 });
    const data = parseInteractions(
      ['user,item,event', ...store.interactions.map((x) => `${x.user},${x.item},${x.event}`)].join('\n'),
      'demo.csv',
    );
    const m = await trainAls(data, { factors: 16, iterations: 15, cgSteps: 8 }, { threads: 1 });
    const pack = await decodePack(await encodePack(m));
    const byUser = toCsr(data, true);
    const f = m.factors;
    let worst = 1;
    for (const u of [0, 7, 42, 99]) {
      const inter = [];
      for (let j = byUser.indptr[u]; j < byUser.indptr[u + 1]; j++) inter.push({ index: byUser.indices[j], weight: byUser.values[j] });
      const x = foldIn(pack, inter);
      const t = m.userFactors.subarray(u * f, u * f + f);
      let dot = 0;
      let nx = 0;
      let nt = 0;
      for (let k = 0; k < f; k++) {
        dot += x[k] * t[k];
        nx += x[k] ** 2;
        nt += t[k] ** 2;
      }
      worst = Math.min(worst, dot / Math.sqrt(nx * nt));
      // Same scores from the pack as from the in-memory model.
      expect(Array.from(scoresOf({ factors: f, itemFactors: pack.itemFactors, userFactors: pack.userFactors! }, u))).toEqual(
        Array.from(scoresOf(m, u)),
      );
    }
    expect(worst).toBeGreaterThan(0.99);
  });
});
