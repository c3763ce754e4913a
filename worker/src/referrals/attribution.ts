/**
 * Two-level share attribution (issue: social commerce). Pure functions over stored events, so the
 * rules are tested on their own and the store only reads rows.
 *
 * - A **sharer** is the `ref` an arrival carries: the sharer's `userId` when signed in, else their
 *   visitor id.
 * - An **arrival** is any event with a `ref` (the landing page or mini-program reports it). A person
 *   is known by their visitor id and, once signed in, their user id; an arrival whose `ref` is the
 *   person themself is a self-referral and is ignored.
 * - **Level 1**: a purchase is credited to the sharer of the buyer's latest arrival before it, if that
 *   arrival is at most ATTRIBUTION_WINDOW_MS older (last touch). `visits` are the sharer's arrivals, one per
 *   visitor and UTC day (every event of a visit carries `ref`; impressions are not arrivals).
 * - **Level 2**: the person whose share first brought the sharer (the sharer's first-ever arrival)
 *   gets the sharer's level-1 visits, purchases and revenue as their level 2 — never deeper.
 * - **Cycles**: no level-2 credit when it would go to the buyer themself or back to the level-1 sharer
 *   (A brought B, B brought A).
 * - Each purchase is counted once: events are stored once per client event id.
 */

/** Last touch within 7 days. */
export const ATTRIBUTION_WINDOW_MS = 7 * 86_400_000;

export interface ArrivalRow {
  visitorId: string;
  userId: string | null;
  ref: string;
  at: number;
}

export interface PurchaseRow {
  id: string;
  visitorId: string;
  userId: string | null;
  /** Σ price × quantity of the purchase (0 when the event carried no price). */
  revenue: number;
  at: number;
}

export interface LevelStats {
  visits: number;
  purchases: number;
  revenue: number;
}

export interface SharerStats {
  sharer: string;
  level1: LevelStats;
  level2: LevelStats;
}

/**
 * Which user ids each visitor id has signed in as (from any event with both): one person across
 * devices and channels. Empty when unknown.
 */
export type UserLinks = Map<string, Set<string>>;

export function userLinks(pairs: { visitorId: string; userId: string }[]): UserLinks {
  const out: UserLinks = new Map();
  for (const p of pairs) {
    const set = out.get(p.visitorId) ?? new Set<string>();
    set.add(p.userId);
    out.set(p.visitorId, set);
  }
  return out;
}

/** Every id a person is known by: their visitor id, their user id, and the users that visitor signed in as. */
function idsOf(e: { visitorId: string; userId: string | null }, links: UserLinks): { visitors: string[]; users: string[] } {
  const users = new Set(links.get(e.visitorId) ?? []);
  if (e.userId !== null) users.add(e.userId);
  return { visitors: [e.visitorId], users: [...users] };
}

const isSelf = (e: { visitorId: string; userId: string | null }, id: string, links: UserLinks = new Map()) =>
  e.visitorId === id || e.userId === id || (links.get(e.visitorId)?.has(id) ?? false);
const empty = (): LevelStats => ({ visits: 0, purchases: 0, revenue: 0 });
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Who first brought each person into the shop: the sharer of their earliest non-self arrival, keyed
 * by each of their ids (visitor id and user id), from every arrival ever stored (`allArrivals`).
 */
export function firstReferrers(allArrivals: ArrivalRow[], links: UserLinks = new Map()): Map<string, string> {
  const first = new Map<string, { ref: string; at: number }>();
  for (const a of allArrivals) {
    if (isSelf(a, a.ref, links)) continue;
    const { visitors, users } = idsOf(a, links);
    for (const id of [...visitors, ...users]) {
      const seen = first.get(id);
      if (!seen || a.at < seen.at) first.set(id, { ref: a.ref, at: a.at });
    }
  }
  return new Map([...first].map(([id, v]) => [id, v.ref]));
}

/**
 * Level-1 and level-2 results per sharer for the range `[from, to)` (ms): visits are arrivals in the
 * range, purchases are purchases in the range. `arrivals` must also cover the window before `from`
 * (a purchase on day 1 may come from an arrival 6 days earlier). Sorted by level-1 revenue, then visits.
 */
export function attribute(
  arrivals: ArrivalRow[],
  purchases: PurchaseRow[],
  referrerOf: Map<string, string>,
  from: number,
  to: number,
  links: UserLinks = new Map(),
  windowMs = ATTRIBUTION_WINDOW_MS,
): SharerStats[] {
  const stats = new Map<string, SharerStats>();
  const of = (sharer: string) => {
    let s = stats.get(sharer);
    if (!s) stats.set(sharer, (s = { sharer, level1: empty(), level2: empty() }));
    return s;
  };
  /** The person who first brought `sharer`, unless that would be `notTo` (cycles) or the sharer. */
  const upline = (sharer: string, buyer?: { visitorId: string; userId: string | null }) => {
    const r = referrerOf.get(sharer);
    if (r === undefined || r === sharer) return undefined;
    if (buyer && isSelf(buyer, r, links)) return undefined;
    return r;
  };

  // Arrivals by person (either id), in time order, for last-touch lookups.
  const byPerson = new Map<string, ArrivalRow[]>();
  const keysOf = (e: { visitorId: string; userId: string | null }) => {
    const { visitors, users } = idsOf(e, links);
    return [...visitors.map((v) => `v:${v}`), ...users.map((u) => `u:${u}`)];
  };
  const valid = arrivals.filter((a) => !isSelf(a, a.ref, links)).sort((a, b) => a.at - b.at);
  const visited = new Set<string>();
  for (const a of valid) {
    for (const id of keysOf(a)) {
      const list = byPerson.get(id) ?? [];
      list.push(a);
      byPerson.set(id, list);
    }
    // One visit per visitor × sharer × UTC day: the SDK puts `ref` on every event of a visit.
    const visit = `${a.visitorId}\u0000${a.ref}\u0000${Math.floor(a.at / 86_400_000)}`;
    if (a.at >= from && a.at < to && !visited.has(visit)) {
      visited.add(visit);
      of(a.ref).level1.visits++;
      const up = upline(a.ref, a);
      if (up !== undefined) of(up).level2.visits++;
    }
  }

  for (const p of purchases) {
    if (p.at < from || p.at >= to) continue;
    let touch: ArrivalRow | undefined;
    for (const id of keysOf(p)) {
      const list = byPerson.get(id) ?? [];
      // The latest arrival at or before the purchase.
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid].at <= p.at) lo = mid + 1;
        else hi = mid;
      }
      const candidate = list[lo - 1];
      if (candidate && (!touch || candidate.at > touch.at)) touch = candidate;
    }
    if (!touch || p.at - touch.at > windowMs || isSelf(p, touch.ref, links)) continue;
    const l1 = of(touch.ref).level1;
    l1.purchases++;
    l1.revenue = round2(l1.revenue + p.revenue);
    const up = upline(touch.ref, p);
    if (up !== undefined) {
      const l2 = of(up).level2;
      l2.purchases++;
      l2.revenue = round2(l2.revenue + p.revenue);
    }
  }
  return [...stats.values()].sort(
    (a, b) => b.level1.revenue - a.level1.revenue || b.level1.visits - a.level1.visits || (a.sharer < b.sharer ? -1 : 1),
  );
}
