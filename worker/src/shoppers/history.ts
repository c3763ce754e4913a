import { DurableObject } from 'cloudflare:workers';
import type { Channel, Event, EventType } from '../../../schema/events.js';

/** Interactions kept per shopper (the SDK sends at most as many as `recent`). */
export const HISTORY_MAX = 50;

/** One remembered interaction of a shopper, from any channel. */
export interface Interaction {
  /** The client event id (retried batches are counted once). */
  id: string;
  itemId: string;
  type: EventType;
  /** Client time if sent, else receive time (ms). */
  ts: number;
  channel?: Channel;
  /** The sharer, when the interaction came through a share link. */
  ref?: string;
}

/** Items bought remembered per shopper (beyond HISTORY_MAX): placements that exclude purchases never show them. */
export const PURCHASED_MAX = 500;

/** Visitor ids remembered per shopper (devices and channels they signed in from). */
const VISITORS_MAX = 20;
/** After a sign-in, the visitor's anonymous history is read again this much later (events still on their way to D1). */
export const CARRY_OVER_RECHECK_MS = 30_000;

/**
 * One identified shopper's latest interactions, whichever channel they happened in (web, WeChat
 * or Baidu mini-program…): a Durable Object per site × userId, so every request for that shopper
 * sees one strongly consistent list (KV's eventual consistency could lose a click made seconds
 * ago; D1 would put a query on the read path). Newest last, at most HISTORY_MAX, de-duplicated
 * on the event id.
 *
 * Sign-in carry-over: the first time an event links this shopper to a visitor id (`setUserId` on a
 * device that browsed anonymously), the visitor's anonymous interactions are read from D1 (indexed
 * on site × visitor) and merged, and read once more CARRY_OVER_RECHECK_MS later by an alarm, for
 * the anonymous events that were still in the pipeline at sign-in.
 */
export class ShopperHistory extends DurableObject<Env> {
  /**
   * Adds interactions (any order) and, for visitor ids seen with this shopper for the first time,
   * their anonymous history; returns how many interactions the shopper now has.
   */
  async add(items: Interaction[], link?: { site: string; visitors: string[] }): Promise<number> {
    let kept = await this.merge(items);
    if (link?.visitors.length) {
      const known = (await this.ctx.storage.get<string[]>('visitors')) ?? [];
      const fresh = [...new Set(link.visitors)].filter((v) => !known.includes(v));
      if (fresh.length) {
        await this.ctx.storage.put({ visitors: [...known, ...fresh].slice(-VISITORS_MAX), site: link.site });
        kept = await this.merge(await this.anonymous(link.site, fresh));
        const pending = (await this.ctx.storage.get<string[]>('recheck')) ?? [];
        await this.ctx.storage.put('recheck', [...new Set([...pending, ...fresh])].slice(-VISITORS_MAX));
        if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + CARRY_OVER_RECHECK_MS);
      }
    }
    return kept;
  }

  /** The second look at newly linked visitors' anonymous history. */
  override async alarm(): Promise<void> {
    const visitors = (await this.ctx.storage.get<string[]>('recheck')) ?? [];
    const site = await this.ctx.storage.get<string>('site');
    if (visitors.length && site) await this.merge(await this.anonymous(site, visitors));
    await this.ctx.storage.delete('recheck');
  }

  private async merge(items: Interaction[]): Promise<number> {
    const current = (await this.ctx.storage.get<Interaction[]>('recent')) ?? [];
    if (!items.length) return current.length;
    const ids = new Set(current.map((i) => i.id));
    const merged = [...current, ...items.filter((i) => !ids.has(i.id) && (ids.add(i.id), true))];
    merged.sort((a, b) => a.ts - b.ts);
    const kept = merged.slice(-HISTORY_MAX);
    const bought = items.filter((i) => i.type === 'purchase').map((i) => i.itemId);
    if (bought.length) {
      const before = (await this.ctx.storage.get<string[]>('purchased')) ?? [];
      const fresh = new Set(bought);
      await this.ctx.storage.put('purchased', [...before.filter((id) => !fresh.has(id)), ...fresh].slice(-PURCHASED_MAX));
    }
    await this.ctx.storage.put('recent', kept);
    return kept.length;
  }

  /** The latest anonymous interactions (no userId; impressions are not interactions) of these visitors. */
  private async anonymous(site: string, visitors: string[]): Promise<Interaction[]> {
    if (!this.env.DB) return [];
    const { results } = await this.env.DB.prepare(
      `SELECT id, item_id, type, COALESCE(client_ts, received_at) AS ts, channel FROM events
        WHERE site = ?1 AND visitor_id IN (SELECT value FROM json_each(?2)) AND user_id IS NULL AND type != 'impression'
        ORDER BY received_at DESC LIMIT ?3`,
    )
      .bind(site, JSON.stringify(visitors), HISTORY_MAX)
      .all<{ id: string; item_id: string; type: EventType; ts: number; channel: Channel | null }>();
    return results.map((r) => ({ id: r.id, itemId: r.item_id, type: r.type, ts: r.ts, ...(r.channel ? { channel: r.channel } : {}) }));
  }

  /** The shopper's latest interactions, oldest first. */
  async recent(): Promise<Interaction[]> {
    return (await this.ctx.storage.get<Interaction[]>('recent')) ?? [];
  }

  /** The latest interactions and every item bought (at most PURCHASED_MAX, latest last), in one call. */
  async snapshot(): Promise<{ recent: Interaction[]; purchased: string[] }> {
    const got = await this.ctx.storage.get<Interaction[] | string[]>(['recent', 'purchased']);
    return { recent: (got.get('recent') as Interaction[]) ?? [], purchased: (got.get('purchased') as string[]) ?? [] };
  }
}

type HistoryEnv = { SHOPPERS?: DurableObjectNamespace<ShopperHistory> };

const stub = (env: HistoryEnv, site: string, userId: string) => env.SHOPPERS!.get(env.SHOPPERS!.idFromName(`${site}\u0000${userId}`));

/**
 * Remembers the interactions of identified shoppers (events with a `userId`; impressions are not
 * interactions, but they still link the shopper to its visitor id). One call per shopper in the
 * batch. No-op without the SHOPPERS binding.
 */
export async function rememberInteractions(env: HistoryEnv, site: string, events: Event[], now: number): Promise<void> {
  if (!env.SHOPPERS) return;
  const byUser = new Map<string, { items: Interaction[]; visitors: Set<string> }>();
  for (const e of events) {
    if (e.userId === undefined) continue;
    const entry = byUser.get(e.userId) ?? { items: [], visitors: new Set<string>() };
    entry.visitors.add(e.visitorId);
    if (e.type !== 'impression')
      entry.items.push({
        id: e.id,
        itemId: e.itemId,
        type: e.type,
        ts: e.ts ?? now,
        ...(e.channel ? { channel: e.channel } : {}),
        ...(e.ref ? { ref: e.ref } : {}),
      });
    byUser.set(e.userId, entry);
  }
  await Promise.all(
    [...byUser].map(([userId, { items, visitors }]) => stub(env, site, userId).add(items, { site, visitors: [...visitors] })),
  );
}

/** An identified shopper's latest interactions across channels, oldest first ([] without the binding). */
export async function shopperInteractions(env: HistoryEnv, site: string, userId: string): Promise<Interaction[]> {
  if (!env.SHOPPERS) return [];
  return stub(env, site, userId).recent();
}

/** An identified shopper's latest interactions and items bought ([] without the binding). */
export async function shopperSnapshot(
  env: HistoryEnv,
  site: string,
  userId: string,
): Promise<{ recent: Interaction[]; purchased: string[] }> {
  if (!env.SHOPPERS) return { recent: [], purchased: [] };
  return stub(env, site, userId).snapshot();
}
