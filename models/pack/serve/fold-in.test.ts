import { describe, expect, it } from 'vitest';
import { openPack } from '../reader.js';
import { buildPack } from '../writer.js';
import { choleskySolve, foldIn } from './fold-in.js';

/** Gauss–Jordan with partial pivoting: an independent exact solve to check Cholesky against. */
function gaussJordan(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const m = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= m * M[c][k];
    }
  }
  return M.map((row, i) => row[n] / row[i]);
}

async function randomPack(f: number, n: number) {
  let s = 7;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  const { manifest, body } = await buildPack({
    params: { factors: f, regularization: 0.3, alpha: 2, eventWeights: { view: 1, click: 2 } },
    factors: f,
    itemIds: Array.from({ length: n }, (_, i) => `i${i}`),
    itemFactors: Float32Array.from({ length: n * f }, rnd),
    itemPopularity: new Float32Array(n),
    interactions: 0,
  });
  return openPack(manifest, body);
}

describe('foldIn', () => {
  it('equals the exact normal-equation solution', async () => {
    const f = 8;
    const pack = await randomPack(f, 40);
    const inter = [
      { index: 3, weight: 1 },
      { index: 17, weight: 2 },
      { index: 31, weight: 5 },
    ];
    const x = foldIn(pack, inter);
    const A: number[][] = Array.from({ length: f }, (_, a) =>
      Array.from({ length: f }, (_, b) => pack.gram[a * f + b] + (a === b ? 0.3 : 0)),
    );
    const b = new Array(f).fill(0);
    for (const { index, weight } of inter) {
      const c = 1 + 2 * weight;
      const y = Array.from(pack.itemFactors.subarray(index * f, index * f + f));
      for (let a = 0; a < f; a++) {
        b[a] += c * y[a];
        for (let k = 0; k < f; k++) A[a][k] += (c - 1) * y[a] * y[k];
      }
    }
    const exact = gaussJordan(A, b);
    for (let k = 0; k < f; k++) expect(x[k]).toBeCloseTo(exact[k], 4);
  });

  it('returns the prior unchanged when there is nothing new, and moves with evidence', async () => {
    const pack = await randomPack(4, 30);
    const prior = Float32Array.from([0.5, -0.2, 0.1, 0.3]);
    const same = foldIn(pack, [], prior);
    for (let k = 0; k < 4; k++) expect(same[k]).toBeCloseTo(prior[k], 5);
    const moved = foldIn(pack, [{ index: 0, weight: 5 }], prior);
    expect(Math.abs(moved[0] - prior[0]) + Math.abs(moved[1] - prior[1])).toBeGreaterThan(1e-3);
  });

  it("reproduces the user vectors of a converged ALS model from each user's own interactions", async () => {
    // A tiny exact ALS (implicit's closed-form solves) written here, so the check does not depend on the trainer:
    // at a fixed point, each user's vector is exactly the fold-in of that user's interactions against the final Y.
    const f = 3;
    const lambda = 0.1;
    const alpha = 2;
    const R: [number, number, number][] = []; // user, item, weight
    for (let u = 0; u < 6; u++) for (let i = 0; i < 8; i++) if (u < 3 === i < 4 && (u + i) % 3 !== 0) R.push([u, i, 1 + ((u * i) % 3)]);
    R.push([0, 6, 1], [4, 1, 2]);
    let s = 5;
    const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
    const X = Array.from({ length: 6 }, () => Array.from({ length: f }, rnd));
    const Y = Array.from({ length: 8 }, () => Array.from({ length: f }, rnd));
    const solve = (other: number[][], rows: [number, number][]) => {
      const A = Array.from({ length: f }, (_, a) =>
        Array.from({ length: f }, (_, b) => other.reduce((t, y) => t + y[a] * y[b], 0) + (a === b ? lambda : 0)),
      );
      const b = new Array(f).fill(0);
      for (const [j, w] of rows) {
        const c = 1 + alpha * w;
        for (let a = 0; a < f; a++) {
          b[a] += c * other[j][a];
          for (let k = 0; k < f; k++) A[a][k] += (c - 1) * other[j][a] * other[j][k];
        }
      }
      return gaussJordan(A, b);
    };
    for (let it = 0; it < 300; it++) {
      for (let u = 0; u < 6; u++)
        X[u] = solve(
          Y,
          R.filter((r) => r[0] === u).map((r) => [r[1], r[2]]),
        );
      for (let i = 0; i < 8; i++)
        Y[i] = solve(
          X,
          R.filter((r) => r[1] === i).map((r) => [r[0], r[2]]),
        );
    }
    const { manifest, body } = await buildPack({
      params: { factors: f, regularization: lambda, alpha, eventWeights: {} },
      factors: f,
      itemIds: Y.map((_, i) => `i${i}`),
      itemFactors: Float32Array.from(Y.flat()),
      itemPopularity: new Float32Array(8),
      interactions: R.length,
    });
    const pack = await openPack(manifest, body);
    for (let u = 0; u < 6; u++) {
      const x = foldIn(
        pack,
        R.filter((r) => r[0] === u).map((r) => ({ index: r[1], weight: r[2] })),
      );
      for (let k = 0; k < f; k++) expect(x[k]).toBeCloseTo(X[u][k], 3);
    }
  });

  it('Cholesky solves a known system', () => {
    const x = choleskySolve(Float64Array.from([4, 2, 2, 3]), Float64Array.from([2, 1]), 2);
    expect(x[0]).toBeCloseTo(0.5, 12);
    expect(x[1]).toBeCloseTo(0, 12);
  });
});
