import { describe, expect, it } from 'vitest';
import { SPREAD_FLOOR, SPREAD_SAMPLE, scoreSpread } from './spread.js';

/** Population standard deviation by the textbook two-pass formula (the reference). */
function sd(xs: number[]) {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
}

describe('scoreSpread', () => {
  it('is the standard deviation of the first n scores', () => {
    const scores = Float32Array.from([1, 2, 3, 4, 1000]);
    expect(scoreSpread(scores, 4)).toBeCloseTo(sd([1, 2, 3, 4]), 6);
    expect(scoreSpread(scores, 5)).toBeCloseTo(sd([1, 2, 3, 4, 1000]), 3);
  });

  it('leaves out skipped items and non-finite scores', () => {
    const scores = Float64Array.from([0.5, 100, 0.7, Number.NaN, 0.9, Number.POSITIVE_INFINITY]);
    expect(scoreSpread(scores, 6, (i) => i === 1)).toBeCloseTo(sd([0.5, 0.7, 0.9]), 9);
  });

  it('is scale-free: scores ×1000 give a spread ×1000, a shift changes nothing', () => {
    const base = Float64Array.from({ length: 500 }, (_, i) => Math.sin(i * 1.7) * 0.01);
    const scaled = base.map((x) => x * 1000 + 42);
    expect(scoreSpread(scaled, 500) / scoreSpread(base, 500)).toBeCloseTo(1000, 6);
  });

  it(`reads at most ${SPREAD_SAMPLE} items of a large catalog, spread evenly, and stays close`, () => {
    const n = 100_003;
    let s = 7;
    const scores = Float32Array.from({ length: n }, () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    });
    const asked: number[] = [];
    const est = scoreSpread(scores, n, (i) => (asked.push(i), false));
    expect(asked.length).toBeLessThanOrEqual(SPREAD_SAMPLE);
    expect(asked.length).toBeGreaterThan(SPREAD_SAMPLE * 0.9);
    expect(asked.at(-1)).toBeGreaterThan(n * 0.99);
    expect(est / sd(Array.from(scores))).toBeGreaterThan(0.97);
    expect(est / sd(Array.from(scores))).toBeLessThan(1.03);
  });

  it('is never 0: equal scores, one item, none, or all skipped give the floor', () => {
    expect(scoreSpread(new Float32Array(10).fill(3), 10)).toBe(SPREAD_FLOOR);
    expect(scoreSpread(Float32Array.from([5]), 1)).toBe(SPREAD_FLOOR);
    expect(scoreSpread(new Float32Array(0), 0)).toBe(SPREAD_FLOOR);
    expect(scoreSpread(Float32Array.from([1, 2, 3]), 3, () => true)).toBe(SPREAD_FLOOR);
    expect(scoreSpread(Float32Array.from([1, 2, 3]), 99)).toBeCloseTo(sd([1, 2, 3]), 6);
  });
});
