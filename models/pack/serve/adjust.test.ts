import { describe, expect, it } from 'vitest';
import { adjustScores } from './adjust.js';
import { topK } from './top-k.js';

describe('adjustScores', () => {
  it('changes nothing without adjustments', () => {
    const s = Float32Array.from([3, 1, 2]);
    expect(Array.from(adjustScores(s, 3, {}))).toEqual([3, 1, 2]);
  });

  it('adds boosts in units of the score spread, the same for any scale', () => {
    for (const scale of [0.01, 1, 100]) {
      const s = Float64Array.from([4, 3, 2, 1], (x) => x * scale);
      adjustScores(s, 4, { boostIndex: [3], boostUnits: [3] });
      // σ of [4,3,2,1] = √1.25 ≈ 1.118: +3σ lifts item 3 from 1 to ≈ 4.35 (× scale), above item 0.
      expect(Array.from(topK(s, 4))).toEqual([3, 0, 1, 2]);
    }
  });

  it('buries with a negative weight', () => {
    const s = Float64Array.from([4, 3, 2, 1]);
    adjustScores(s, 4, { boostIndex: [0], boostUnits: [-2] });
    expect(Array.from(topK(s, 4))).toEqual([1, 2, 0, 3]);
  });

  it('scales lifts by their weight', () => {
    const s = Float64Array.from([4, 3, 2, 1]);
    adjustScores(s, 4, { liftIndex: [2], liftUnits: [1], liftWeight: 2 });
    expect(Array.from(topK(s, 4))).toEqual([2, 0, 1, 3]);
    const t = Float64Array.from([4, 3, 2, 1]);
    adjustScores(t, 4, { liftIndex: [2], liftUnits: [1], liftWeight: 0 });
    expect(Array.from(t)).toEqual([4, 3, 2, 1]);
  });

  it('puts demoted items below every other, keeping their own order', () => {
    const s = Float32Array.from([10, -5, 7, 0, 9]);
    adjustScores(s, 5, { demoted: [0, 4], boostIndex: [1], boostUnits: [5] });
    const order = Array.from(topK(s, 5));
    expect(order.slice(3)).toEqual([0, 4]);
    expect(new Set(order.slice(0, 3))).toEqual(new Set([1, 2, 3]));
  });
});
