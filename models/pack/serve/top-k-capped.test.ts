import { describe, expect, it } from 'vitest';
import { topK } from './top-k.js';
import { topKCapped } from './top-k-capped.js';

/** The definition: walk items in score order (ties: lower index), pass over those whose group is full. */
function greedy(
  scores: Float32Array,
  groups: Int32Array,
  k: number,
  cap: number,
  skip: (i: number) => boolean,
  taken = new Map<number, number>(),
) {
  const order = Array.from(scores.keys())
    .filter((i) => !Number.isNaN(scores[i]) && !skip(i))
    .sort((a, b) => scores[b] - scores[a] || a - b);
  const count = new Map(taken);
  const out: number[] = [];
  for (const i of order) {
    if (out.length === k) break;
    const c = count.get(groups[i]) ?? 0;
    if (c >= cap) continue;
    count.set(groups[i], c + 1);
    out.push(i);
  }
  return out;
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('topKCapped', () => {
  it('never returns more than cap items of one group', () => {
    const scores = Float32Array.from([9, 8, 7, 6, 5, 4]);
    const groups = Int32Array.from([0, 0, 0, 1, 1, 2]);
    expect(Array.from(topKCapped(scores, groups, 4, 2))).toEqual([0, 1, 3, 4]);
    expect(Array.from(topKCapped(scores, groups, 4, 1))).toEqual([0, 3, 5]);
  });

  it('counts what is already taken of a group', () => {
    const scores = Float32Array.from([9, 8, 7, 6]);
    const groups = Int32Array.from([0, 0, 1, 1]);
    expect(Array.from(topKCapped(scores, groups, 3, 2, undefined, new Map([[0, 2]])))).toEqual([2, 3]);
  });

  it('equals the greedy walk in score order on random data (ties, NaN, skips, taken)', () => {
    const r = rng(7);
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(r() * 200);
      const scores = Float32Array.from({ length: n }, () => (r() < 0.05 ? Number.NaN : Math.floor(r() * 20) / 4));
      const groups = Int32Array.from({ length: n }, () => Math.floor(r() * 6) - 1);
      const k = 1 + Math.floor(r() * 15);
      const cap = 1 + Math.floor(r() * 4);
      const banned = new Set(Array.from({ length: n }, (_, i) => i).filter(() => r() < 0.2));
      const skip = (i: number) => banned.has(i);
      const taken = new Map([[Math.floor(r() * 5), Math.floor(r() * 3)]]);
      expect(Array.from(topKCapped(scores, groups, k, cap, skip, taken))).toEqual(greedy(scores, groups, k, cap, skip, taken));
    }
  });

  it('with a cap of k or more is plain topK', () => {
    const r = rng(3);
    const scores = Float32Array.from({ length: 500 }, () => r());
    const groups = Int32Array.from({ length: 500 }, () => Math.floor(r() * 3));
    expect(Array.from(topKCapped(scores, groups, 10, 10))).toEqual(Array.from(topK(scores, 10)));
  });
});
