import { describe, expect, it } from 'vitest';
import { parseInteractions } from '../data/read-interactions.js';
import { generateDemoStore, splitDemo } from '../demo-data/generate.js';
import { heldOut, splitHoldout } from './split.js';

describe('per-user holdout', () => {
  it('holds out min(n − 1, round(fraction · n)) of each user’s items, reproducibly', () => {
    const groups = [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [11], [12, 13], [], [14, 15, 16]];
    const held = heldOut(groups, 0.2, 7);
    expect(held.filter((x) => x <= 10)).toHaveLength(2);
    expect(held.filter((x) => x === 11)).toHaveLength(0); // a lone item always trains
    expect(held.filter((x) => x === 12 || x === 13)).toHaveLength(0); // round(0.4) = 0
    expect(held.filter((x) => x >= 14)).toHaveLength(1); // round(0.6) = 1
    expect(heldOut(groups, 0.2, 7)).toEqual(held);
    expect(heldOut([[1, 2]], 0.9, 1)).toHaveLength(1); // never the last item
    expect(groups[0]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]); // inputs are not shuffled in place
  });

  it('is the same split for eval (Interactions) and demo-data (event rows)', () => {
    const store = generateDemoStore({ products: 200, users: 300, interactions: 4000, seed: 11 });
    const demo = splitDemo(store.interactions, 0.25, 5);
    const x = parseInteractions(['user,item', ...store.interactions.map((r) => `${r.user},${r.item}`)].join('\n'), 'demo.csv');
    const { test } = splitHoldout(x, 0.25, 5);
    const pairs = (rows: { user: string; item: string }[]) => [...new Set(rows.map((r) => `${r.user} ${r.item}`))].sort();
    const fromEval = pairs(Array.from(test.users, (u, k) => ({ user: x.userIds[u], item: x.itemIds[test.items[k]] })));
    expect(fromEval.length).toBeGreaterThan(500);
    expect(pairs(demo.test)).toEqual(fromEval);
  });
});
