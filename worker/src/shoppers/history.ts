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
}

/**
 * One identified shopper's latest interactions, whichever channel they happened in (web, WeChat
 * or Baidu mini-program…): a Durable Object per site × userId, so every request for that shopper
 * sees one strongly consistent list (KV's eventual consistency could lose a click made seconds
 * ago; D1 would put a query on the read path). Newest last, at most HISTORY_MAX, de-duplicated
 * on the event id.
 */
export class ShopperHistory extends DurableObject<Env> {
  /** Adds interactions (any order); returns how many the shopper now has. */
  async add(items: Interaction[]): Promise<number> {
    const current = (await this.ctx.storage.get<Interaction[]>('recent')) ?? [];
    const ids = new Set(current.map((i) => i.id));
    const merged = [...current, ...items.filter((i) => !ids.has(i.id) && (ids.add(i.id), true))];
    merged.sort((a, b) => a.ts - b.ts);
    const kept = merged.slice(-HISTORY_MAX);
    await this.ctx.storage.put('recent', kept);
    return kept.length;
  }

  /** The shopper's latest interactions, oldest first. */
  async recent(): Promise<Interaction[]> {
    return (await this.ctx.storage.get<Interaction[]>('recent')) ?? [];
  }
}

type HistoryEnv = { SHOPPERS?: DurableObjectNamespace<ShopperHistory> };

const stub = (env: HistoryEnv, site: string, userId: string) => env.SHOPPERS!.get(env.SHOPPERS!.idFromName(`${site}\u0000${userId}`));

/**
 * Remembers the interactions of identified shoppers (events with a `userId`; impressions are not
 * interactions). One call per shopper in the batch. No-op without the SHOPPERS binding.
 */
export async function rememberInteractions(env: HistoryEnv, site: string, events: Event[], now: number): Promise<void> {
  if (!env.SHOPPERS) return;
  const byUser = new Map<string, Interaction[]>();
  for (const e of events) {
    if (e.userId === undefined || e.type === 'impression') continue;
    const list = byUser.get(e.userId) ?? [];
    list.push({ id: e.id, itemId: e.itemId, type: e.type, ts: e.ts ?? now, ...(e.channel ? { channel: e.channel } : {}) });
    byUser.set(e.userId, list);
  }
  await Promise.all([...byUser].map(([userId, items]) => stub(env, site, userId).add(items)));
}

/** An identified shopper's latest interactions across channels, oldest first ([] without the binding). */
export async function shopperInteractions(env: HistoryEnv, site: string, userId: string): Promise<Interaction[]> {
  if (!env.SHOPPERS) return [];
  return stub(env, site, userId).recent();
}
