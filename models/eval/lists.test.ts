import { describe, expect, it } from 'vitest';
import { parseInteractions } from '../data/read-interactions.js';
import { evaluateLists } from './lists.js';

describe('evaluateLists', () => {
  it('scores given lists by id and counts the slots taken by the user’s own training items', () => {
    const train = parseInteractions('user,item\nu1,i0\nu1,i1\nu2,i5\n', 'train.csv');
    // u1 tests i3 and i9 (i9 never trained: still in the denominator); u2 tests i6; u3 has no list.
    const test = parseInteractions('user,item\nu1,i3\nu1,i9\nu2,i6\nu3,i1\n', 'test.csv');
    const lists = new Map([
      ['u1', ['i0', 'i3', 'i1', 'i4']],
      ['u2', ['i7', 'i8', 'i6']],
    ]);
    const m = evaluateLists(lists, train, test, 2);
    // u1 top 2 = [i0 (own), i3 (hit at rank 2)]; u2 top 2 = [i7, i8]: no hit, nothing own.
    expect(m.users).toBe(2);
    expect(m.recall).toBeCloseTo((1 / 2 + 0) / 2, 12);
    expect(m.ndcg).toBeCloseTo((1 / Math.log2(3) / (1 + 1 / Math.log2(3)) + 0) / 2, 12);
    expect(m.hitRate).toBe(0.5);
    expect(m.ownShare).toBe(0.5);
    expect(m.ownSlots).toBe(0.5);
    expect(evaluateLists(lists, train, test, 3).ownSlots).toBe(1);
  });
});
