import { describe, expect, it } from 'vitest';
import { topK } from './top-k.js';

/** The reference answer: a full sort (score desc, index asc), NaN and skipped dropped. */
function bySort(scores: Float32Array, k: number, skip: (i: number) => boolean = () => false) {
  return Array.from(scores.keys())
    .filter((i) => !Number.isNaN(scores[i]) && !skip(i))
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, Math.max(0, k));
}

function random(n: number, seed: number, levels = 0) {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const x = s / 2 ** 32;
    return levels ? Math.floor(x * levels) : x - 0.5;
  });
}

describe('topK', () => {
  it.each([
    [1000, 10, 1],
    [1000, 1, 2],
    [57, 57, 3],
    [57, 200, 4],
    [5000, 100, 5],
  ])('matches a full sort (n=%i, k=%i)', (n, k, seed) => {
    const scores = random(n, seed);
    expect(Array.from(topK(scores, k))).toEqual(bySort(scores, k));
  });

  it('takes float64 scores (eval and the CLI score into float64) and k beyond n', () => {
    const s = Float64Array.from([3, 9, 1, 9, 7, 5]);
    expect(Array.from(topK(s, 3))).toEqual([1, 3, 4]);
    expect(Array.from(topK(s, 3, (i) => i === 3))).toEqual([1, 4, 5]);
    expect(Array.from(topK(s, 10))).toEqual([1, 3, 4, 5, 0, 2]);
  });

  it('ranks ties by the lower index first (deterministic answers)', () => {
    const scores = random(2000, 9, 5); // only 5 distinct values
    expect(Array.from(topK(scores, 50))).toEqual(bySort(scores, 50));
  });

  it('never returns skipped indices, and asks only about candidates', () => {
    const scores = random(3000, 11);
    const skip = (i: number) => i % 3 === 0;
    expect(Array.from(topK(scores, 20, skip))).toEqual(bySort(scores, 20, skip));
    let asked = 0;
    topK(scores, 5, () => (asked++, false));
    expect(asked).toBeLessThan(300); // O(k log n) expected, far below n
  });

  it('drops NaN and handles k = 0 and empty input', () => {
    expect(Array.from(topK(Float32Array.from([Number.NaN, 1, Number.NaN, 2]), 4))).toEqual([3, 1]);
    expect(topK(random(10, 1), 0)).toHaveLength(0);
    expect(topK(new Float32Array(0), 5)).toHaveLength(0);
    expect(Array.from(topK(Float32Array.from([-Infinity, 0, Infinity]), 3))).toEqual([2, 1, 0]);
  });
});
