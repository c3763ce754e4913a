import { describe, expect, it } from 'vitest';
import { parseInteractions } from '../data/read-interactions.js';
import { evaluate } from './evaluate.js';
import { splitHoldout } from './split.js';

describe('evaluate', () => {
  it('computes Recall, NDCG, Precision and coverage exactly on a hand-made case', () => {
    // 4 items; the model scores items for u1 as [0.9, 0.1, 0.8, 0.7]; u1 trained on i0, tests i3 and i1.
    const model = {
      factors: 1,
      itemIds: ['i0', 'i1', 'i2', 'i3'],
      itemFactors: Float32Array.from([0.9, 0.1, 0.8, 0.7]),
      itemPopularity: Float32Array.from([4, 3, 2, 1]),
      userIds: ['u1'],
      userFactors: Float32Array.from([1]),
    };
    const train = parseInteractions('user,item\nu1,i0\n', 'train.csv');
    const test = parseInteractions('user,item\nu1,i3\nu1,i1\nu9,i2\n', 'test.csv');
    const r = evaluate(model, train, test, [2]);
    // Model ranking without i0: i2, i3, i1 → top-2 = [i2, i3]: one hit (i3) at rank 2.
    expect(r.model['recall@2']).toBeCloseTo(0.5, 10);
    expect(r.model['precision@2']).toBeCloseTo(0.5, 10);
    expect(r.model['ndcg@2']).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 10);
    expect(r.model['coverage@2']).toBeCloseTo(0.5, 10);
    expect(r.model.users).toBe(1);
    expect(r.model.skippedUsers).toBe(1);
    // Popularity without i0: i1, i2 → hit i1 at rank 1.
    expect(r.popularity['ndcg@2']).toBeCloseTo(1 / (1 + 1 / Math.log2(3)), 10);
  });

  it('holds out ~20% per user, never a user’s last item', () => {
    const rows = ['user,item'];
    for (let u = 0; u < 50; u++) for (let i = 0; i < 10; i++) rows.push(`u${u},i${i}`);
    rows.push('solo,i1');
    const { train, test } = splitHoldout(parseInteractions(rows.join('\n'), 'x.csv'), 0.2, 42);
    expect(test.users.length).toBe(100);
    expect(train.users.length).toBe(401);
    const again = splitHoldout(parseInteractions(rows.join('\n'), 'x.csv'), 0.2, 42);
    expect(Array.from(again.test.items)).toEqual(Array.from(test.items));
  });
});
