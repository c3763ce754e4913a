import { mulberry32 } from '../als/random.js';
import type { Interactions } from '../data/read-interactions.js';

/**
 * Random per-user holdout: each user with ≥ 2 items holds out round(fraction · n) of them
 * (keeping ≥ 1 for training), chosen by a seeded shuffle. Returns two Interactions sharing id lists.
 */
export function splitHoldout(x: Interactions, fraction = 0.2, seed = 42): { train: Interactions; test: Interactions } {
  const rand = mulberry32(seed);
  const byUser: number[][] = x.userIds.map(() => []);
  for (let k = 0; k < x.users.length; k++) byUser[x.users[k]].push(k);
  const isTest = new Uint8Array(x.users.length);
  for (const rows of byUser) {
    if (rows.length < 2) continue;
    const n = Math.min(rows.length - 1, Math.round(rows.length * fraction));
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    for (let i = 0; i < n; i++) isTest[rows[i]] = 1;
  }
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
