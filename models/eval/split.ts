import { mulberry32, shuffle } from '../als/random.js';
import type { Interactions } from '../data/read-interactions.js';

/**
 * The per-user holdout, over any representation: `groups` lists each user's distinct items in a
 * fixed order (users in a fixed order too). A user with n ≥ 2 items holds out
 * min(n − 1, round(fraction · n)) of them (so ≥ 1 stays for training), chosen by a seeded shuffle
 * of that user's list; users with fewer items draw no random numbers. Returns the held-out items.
 * `splitHoldout` (eval, benchmarks) and `splitDemo` (`edgepick demo-data`) both split with this.
 */
export function heldOut<T>(groups: Iterable<T[]>, fraction = 0.2, seed = 42): T[] {
  const rand = mulberry32(seed);
  const out: T[] = [];
  for (const items of groups) {
    if (items.length < 2) continue;
    const n = Math.min(items.length - 1, Math.round(items.length * fraction));
    const shuffled = shuffle([...items], rand);
    for (let i = 0; i < n; i++) out.push(shuffled[i]);
  }
  return out;
}

/**
 * Random per-user holdout of interactions (rows are distinct (user, item) pairs; see `heldOut`).
 * Returns two Interactions sharing id lists.
 */
export function splitHoldout(x: Interactions, fraction = 0.2, seed = 42): { train: Interactions; test: Interactions } {
  const byUser: number[][] = x.userIds.map(() => []);
  for (let k = 0; k < x.users.length; k++) byUser[x.users[k]].push(k);
  const isTest = new Uint8Array(x.users.length);
  for (const k of heldOut(byUser, fraction, seed)) isTest[k] = 1;
  const pick = (want: number): Interactions => {
    const idx: number[] = [];
    for (let k = 0; k < isTest.length; k++) if (isTest[k] === want) idx.push(k);
    return {
      userIds: x.userIds,
      itemIds: x.itemIds,
      users: Int32Array.from(idx, (k) => x.users[k]),
      items: Int32Array.from(idx, (k) => x.items[k]),
      weights: Float32Array.from(idx, (k) => x.weights[k]),
    };
  };
  return { train: pick(0), test: pick(1) };
}
