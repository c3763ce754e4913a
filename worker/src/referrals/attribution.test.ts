import { describe, expect, it } from 'vitest';
import { type ArrivalRow, ATTRIBUTION_WINDOW_MS, attribute, firstReferrers, type PurchaseRow } from './attribution.js';

const D = 86_400_000;
const T0 = 1_800_000_000_000;
const arrive = (visitorId: string, ref: string, day: number, userId: string | null = null): ArrivalRow => ({
  visitorId,
  userId,
  ref,
  at: T0 + day * D,
});
const buy = (id: string, visitorId: string, revenue: number, day: number, userId: string | null = null): PurchaseRow => ({
  id,
  visitorId,
  userId,
  revenue,
  at: T0 + day * D,
});
const run = (a: ArrivalRow[], p: PurchaseRow[], from = T0 - 30 * D, to = T0 + 30 * D) =>
  Object.fromEntries(attribute(a, p, firstReferrers(a), from, to).map((s) => [s.sharer, s]));

describe('two-level attribution', () => {
  it('credits the sharer (level 1) and whoever brought the sharer (level 2), never deeper', () => {
    // A brings B; B brings C; C brings D. D buys: C gets level 1, B level 2, A nothing.
    const a = [arrive('vB', 'A', 0, 'B'), arrive('vC', 'B', 1, 'C'), arrive('vD', 'C', 2, 'D')];
    const s = run(a, [buy('p1', 'vD', 100, 3, 'D')]);
    expect(s.C.level1).toEqual({ visits: 1, purchases: 1, revenue: 100 });
    expect(s.B.level2).toEqual({ visits: 1, purchases: 1, revenue: 100 });
    expect(s.B.level1).toEqual({ visits: 1, purchases: 0, revenue: 0 });
    expect(s.A.level1).toEqual({ visits: 1, purchases: 0, revenue: 0 });
    expect(s.A.level2).toEqual({ visits: 1, purchases: 0, revenue: 0 }); // C's arrival via B; D's purchase is not A's
  });

  it('last touch within 7 days; later purchases are nobody’s', () => {
    const a = [arrive('v1', 'S1', 0), arrive('v1', 'S2', 2)];
    const s = run(a, [buy('p1', 'v1', 10, 3), buy('p2', 'v1', 20, 2 + ATTRIBUTION_WINDOW_MS / D + 0.01)]);
    expect(s.S2.level1).toMatchObject({ purchases: 1, revenue: 10 });
    expect(s.S1.level1).toMatchObject({ purchases: 0 });
  });

  it('follows the person across devices by user id', () => {
    // Arrived on the web (visitor w1) signed in as u1; bought in the mini-program (visitor m1) as u1.
    const s = run([arrive('w1', 'S', 0, 'u1')], [buy('p1', 'm1', 50, 1, 'u1')]);
    expect(s.S.level1).toMatchObject({ purchases: 1, revenue: 50 });
  });

  it('ignores self-referrals and cycles', () => {
    // Self: S opens their own share.
    const self = run([arrive('vS', 'S', 0, 'S')], [buy('p1', 'vS', 10, 1, 'S')]);
    expect(self.S).toBeUndefined();
    // Cycle: A brought B, B (later) shares back to A who buys: B gets level 1, but the level 2 would go
    // to A — the buyer — and is ignored.
    const cyc = run([arrive('vB', 'A', 0, 'B'), arrive('vA', 'B', 1, 'A')], [buy('p1', 'vA', 30, 2, 'A')]);
    expect(cyc.B.level1).toMatchObject({ purchases: 1, revenue: 30 });
    expect(cyc.A.level2).toMatchObject({ purchases: 0, revenue: 0 });
  });

  it('counts the range: visits and purchases inside it, arrivals before it still attribute', () => {
    const a = [arrive('v1', 'S', -2)];
    const s = run(a, [buy('p1', 'v1', 5, 1), buy('p0', 'v1', 7, -1)], T0, T0 + 10 * D);
    expect(s.S.level1).toEqual({ visits: 0, purchases: 1, revenue: 5 });
  });
});
