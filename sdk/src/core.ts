import type { CatalogItem } from '../../schema/catalog.js';
import type { Event, EventType } from '../../schema/events.js';
import type { ListRequest, RecentInteraction, RecommendationsRequest, RecommendationsResponse } from '../../schema/recommendations.js';
import type { SharerReferrals } from '../../schema/referrals.js';
import type { LinkResolution } from '../../schema/routing-decision.js';
import { isRetryable } from './errors.js';
import { type ClientOptions, type Consent, g, json, need, resolveOptions } from './options.js';
import type { TransportRequest } from './transport.js';

export type { LinkResolution } from '../../schema/routing-decision.js';
export type { Channel, ClientOptions, Consent, MiniProgramApi } from './options.js';

/** An event to record with `track()`; the client adds `visitorId`, `userId`, the sharer (`ref` option), its `channel` (unless given, e.g. `wechat` for an H5 page in a mini-program's web-view) and the defaults below. */
export interface TrackInput extends Pick<Event, 'recommendationId' | 'placement' | 'quantity' | 'price' | 'channel'> {
  /**
   * Who shared the item with the shopper (a mini-program page's `ref` query): the event records the arrival
   * with them, and the item's recent entry keeps it (picks show it first, `shared_with_you`). Ignored when it
   * is the shopper's own id or not an id. @default the `ref` option
   */
  ref?: string;
  /** What happened: view, click, add_to_cart, purchase, share, or impression (which does not count as an interaction). */
  type: EventType;
  /** The item it happened to. */
  itemId: string;
  /** Your own event id (8–64 chars), e.g. derived from an order id, so a repeated track is dropped. @default a random id */
  id?: string;
  /** ms since the Unix epoch. @default Date.now() */
  ts?: number;
}

/** A recommendations response (`recommend`, `similar`, `popular`): items with the `recommendationId` to send back on events. */
export type Picks = RecommendationsResponse;
/** `myShares()`: the shopper's two-level share results over `from`…`to` (UTC days). */
export type ShareResults = SharerReferrals & { from: string; to: string };

/** What `recommend()` asks for; the client adds the user id, visitor id and recent interactions. */
export interface RecommendOptions {
  /** Items to return (1–100). @default 10 */
  k?: number;
  /** Item ids never to return, e.g. what is already in the cart (≤ 500). @default none */
  exclude?: RecommendationsRequest['exclude'];
  /** Category and price bounds every item must meet. @default none */
  filter?: RecommendationsRequest['filter'];
  /** Where the picks are shown, e.g. `for-you`, for attribution. @default none */
  placement?: RecommendationsRequest['placement'];
  /** Where the shopper is, for scene-aware picks (e.g. `wechat` for an H5 page in a mini-program's web-view). @default the client's `channel` */
  channel?: RecommendationsRequest['channel'];
}

const INTERACTIONS: EventType[] = ['view', 'click', 'add_to_cart', 'purchase', 'share'];

const randomId = (prefix: string) => {
  // 20 base-36 characters ≈ 103 bits (the modulo bias does not matter for an id).
  const b = new Uint8Array(20);
  try {
    crypto.getRandomValues(b);
  } catch {
    // No Web Crypto (WeChat and Baidu mini-programs).
    b.forEach((_, i) => (b[i] = Math.random() * 256));
  }
  return prefix + Array.from(b, (x) => (x % 36).toString(36)).join('');
};
const noop = () => {};
const enc = encodeURIComponent;

/**
 * A headless edgepick client: picks, tracking, share links. Runs in browsers, Node ≥ 18,
 * Workers and WeChat/Baidu mini-programs (no DOM needed).
 *
 * Events are batched and persisted until the API has answered, so none is lost to a navigation or
 * a network error: on page hide they go out by `sendBeacon`, and the stored copy is resent on the
 * next load (at least once; the API stores each event id once).
 * @example const client = createClient({ site: 'demo', endpoint: 'https://picks.example.com' });
 */
export function createClient(options: ClientOptions) {
  const o = resolveOptions(options);
  const { send, store, channel } = o;
  const base = `${o.endpoint.replace(/\/$/, '')}/v1/sites/${o.site}`;
  // Every request carries the site's public key; a beacon cannot set headers, so it goes in its query.
  const headers: Record<string, string> = o.key ? { 'X-Edgepick-Key': o.key } : {};
  const events = `${base}/events`;
  const key = (k: string) => `ep:${o.site}:${k}`;
  const load = <T>(k: string): T[] => {
    try {
      return JSON.parse(store.get(key(k))!) || []; // JSON.parse(null) is null
    } catch {
      return [];
    }
  };

  let consent: Consent = o.consent ?? (g.navigator?.globalPrivacyControl ? 'denied' : 'granted');
  const granted = () => consent === 'granted';
  let userId = o.userId;
  let visitorId = store.get(key('vid'));
  if (!visitorId) store.set(key('vid'), (visitorId = randomId('v_')));
  /** `r` as a sharer: never this shopper's own id (visitor or user), nor anything the API would refuse (which would cost the whole event). */
  const sharer = (r?: string) => (r !== visitorId && r !== userId && /^[\w-]{1,128}$/.test(r!) ? r : undefined);
  const ref = sharer(o.ref);
  // The sharer waits for the first interaction (the landing item, normally its view): that item's recent
  // entry carries `ref`, so the API shows it again first as `shared_with_you`, even to an anonymous shopper.
  let landing = ref;
  // Recent interactions and unsent events: written only once consent is decided (`pending` keeps
  // them in memory), emptied on denial (setConsent below, also run at creation).
  let recent: RecentInteraction[] = load('recent');
  let queue: Event[] = load('queue');
  const save = () => consent !== 'pending' && (store.set(key('recent'), json(recent)), store.set(key('queue'), json(queue)));
  const listeners = new Set<(e?: TrackInput) => void>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let flushing: Promise<void> | undefined;
  let failures = 0;

  /** `?k=v&…` of the defined, non-empty values (or ''). */
  const query = (q: Record<string, string | number | undefined>) => {
    const qs = Object.entries(q)
      .filter(([, v]) => v != null && v !== '')
      .map(([k, v]) => `${k}=${enc(v!)}`)
      .join('&');
    return qs && `?${qs}`;
  };
  /** A request with the site key; a POST when there is a body. */
  const request = (url: string, body?: object): TransportRequest => ({
    url,
    method: body ? 'POST' : 'GET',
    body: body && json(body),
    headers,
    timeout: o.timeout,
  });

  /** Reads (GET, or a POST that only reads) are idempotent, so they are retried. */
  async function read<T>(path: string, q: Record<string, string | number | undefined> = {}, body?: object): Promise<T> {
    const req = request(base + path + query(q), body);
    for (let attempt = 0; ; attempt++) {
      try {
        return (await send(req)) as T;
      } catch (e) {
        if (!isRetryable(e) || attempt >= o.retries) throw e;
        await new Promise((r) => setTimeout(r, Math.min(2000, 200 * 2 ** attempt) * (0.5 + Math.random())));
      }
    }
  }

  function schedule() {
    if (timer || !queue.length || !granted()) return;
    // Back off while the API is unreachable: 1×, 2×, 4× … 32× the interval.
    timer = setTimeout(
      () => {
        timer = undefined;
        flush().catch(noop);
      },
      o.flushInterval * 2 ** Math.min(failures, 5),
    );
  }

  /** Sends queued events now; rejects if the API is unreachable (they stay queued and are retried). */
  function flush(): Promise<void> {
    flushing ??= (async () => {
      while (queue.length && granted()) {
        const batch = queue.slice(0, o.batchSize);
        try {
          await send(request(events, { events: batch }));
        } catch (e) {
          // Any other 4xx refuses the batch itself: resending it would fail forever, so it is dropped.
          if (isRetryable(e)) throw (failures++, e);
        }
        failures = 0;
        queue = queue.filter((q) => !batch.includes(q));
        save();
      }
    })().finally(() => {
      flushing = undefined;
      schedule();
    });
    return flushing;
  }

  /** `granted` persists and sends what was held; `denied` drops held events and the stored history. */
  function setConsent(value: Consent) {
    need(/^(granted|pending|denied)$/.test(value), 'consent must be granted, pending or denied', value);
    if ((consent = value) === 'denied') recent = queue = [];
    save();
    schedule();
  }

  function track(input: TrackInput): void {
    need(
      input?.itemId && INTERACTIONS.concat('impression').includes(input.type) && /^(.{8,64})?$/.test(input.id ?? ''),
      `track() needs {type: ${INTERACTIONS},impression; itemId; id?: 8–64 chars}`,
      input,
    );
    const id = input.id ?? randomId('e_');
    const interaction = INTERACTIONS.includes(input.type);
    // A sharer given with the event (a mini-program page's `ref` query) counts like the client's own.
    const given = sharer(input.ref);
    if (consent !== 'denied') {
      if (interaction) {
        recent = [
          ...recent.filter((r) => r.itemId !== input.itemId || r.type !== input.type),
          { itemId: input.itemId, type: input.type, ts: Date.now(), ref: given ?? sharer(landing) },
        ].slice(-50); // the API takes at most 50 (schema/recommendations.ts RECENT_MAX)
        landing = undefined;
      }
      // Client-side de-duplication by id; the API de-duplicates whatever is sent twice.
      if (!queue.some((q) => q.id === id))
        queue = [
          ...queue,
          { userId, channel, ...input, ref: given ?? ref, id, visitorId: visitorId!, ts: input.ts ?? Date.now() } as Event,
        ].slice(-500); // unsent events kept (offline for long): the oldest go first
    }
    if (interaction) listeners.forEach((l) => l(input));
    save();
    if (queue.length >= o.batchSize) flush().catch(noop);
    else schedule();
  }

  // Page hide: hand everything to sendBeacon. A string body goes as text/plain (no CORS preflight) and
  // survives navigation; a beacon cannot set headers, so the site key rides in the query.
  const beacon = () => {
    for (let i = 0; granted() && i < queue.length; i += o.batchSize)
      g.navigator?.sendBeacon?.(events + query({ key: o.key }), json({ events: queue.slice(i, i + o.batchSize) }));
  };
  g.addEventListener?.('pagehide', beacon);
  g.document?.addEventListener?.('visibilitychange', () => g.document!.visibilityState === 'hidden' && beacon());
  setConsent(consent); // applies a denial at once; sends what an earlier page left unsent

  return {
    site: o.site,
    /** Where this client's events say the shopper is (`channel` option, else from the transport). */
    channel,
    /** The anonymous visitor id, persisted on this device. */
    get visitorId() {
      return visitorId!;
    },
    /** Personal picks; sends the visitor's latest interactions (with consent) so they count at once. @default opts: {} (10 items) */
    recommend: (opts: RecommendOptions = {}) =>
      read<Picks>(
        '/recommendations',
        {},
        { userId, channel, ...(granted() && { visitorId, recent: recent.length ? recent : undefined }), ...opts },
      ),
    /** Items like `itemId`; `k` is 1–100. @default opts: {} (10 items, none excluded) */
    similar: (itemId: string, opts: Partial<Pick<ListRequest, 'k' | 'exclude'>> = {}) =>
      read<Picks>(`/items/${enc(itemId)}/similar`, { k: opts.k, exclude: opts.exclude?.join(',') }),
    /** Best sellers, optionally in one category; `k` is 1–100. @default opts: {} (10 items, every category) */
    popular: (opts: { k?: number; category?: string } = {}) => read<Picks>('/popular', opts),
    /** One catalog item. */
    item: (itemId: string) => read<CatalogItem>(`/items/${enc(itemId)}`),
    /** The routing decision for a campaign link (`/r/:slug`) as JSON, for mini-programs and custom UIs. Pass the link's URL (`location.href` on a landing page) so its utm_*, ref and ch params count. @default url: none */
    resolveLink: (slug: string, url?: string) => read<LinkResolution>(`/links/${enc(slug)}/resolve`, { visitorId: visitorId!, url }),
    /** Records an event (adds id, visitorId, ts); view/click/add_to_cart/purchase/share also count at once in `recommend()`. */
    track,
    /** Sends queued events now; rejects if the API is unreachable (they stay queued and are retried). */
    flush,
    /**
     * A link to share `itemId` with this shopper as the sharer (`ref`: the user id when signed in, else
     * the visitor id) and `ch` = `channel` when given; tracks a `share`. With the `shareSlug` option, the
     * site's share campaign link `/r/<slug>?ref=…&item=…`; else the product page `url` with `ref` added.
     * @default opts: {} (url: the current page)
     */
    shareLink(itemId: string, opts: string | { channel?: string; url?: string } = {}): string {
      const { url = g.location?.href, channel: ch } = typeof opts === 'string' ? { url: opts } : opts;
      const ref = userId ?? visitorId!;
      need(itemId && (url || o.shareSlug), 'shareLink() needs an item id and a URL', url);
      track({ type: 'share', itemId });
      if (o.shareSlug) return `${o.endpoint.replace(/\/$/, '')}/r/${enc(o.shareSlug)}${query({ ref, item: itemId, ch })}`;
      const [, path, q, hash] = /^([^?#]*)\??([^#]*)(.*)$/.exec(url!)!;
      const params = q.split('&').filter((p) => p && !/^(ref|ch)(=|$)/.test(p));
      return `${path}?${[...params, `ref=${enc(ref)}`, ...(ch ? [`ch=${enc(ch)}`] : [])].join('&')}${hash}`;
    },
    /** This shopper's own share results (last 30 days): `{sharer, level1, level2}` (visits, purchases, revenue). */
    myShares: () => read<ShareResults>('/shares/mine', { visitorId: visitorId! }),
    /** `granted` persists and sends what was held; `denied` drops held events and the stored history. */
    setConsent,
    /** Sets (or clears) the shop's user id; personal picks refresh. */
    setUserId(id: string | undefined) {
      userId = id;
      listeners.forEach((l) => l());
    },
    /** Called after each recorded interaction and user change (for-you widgets refresh on it). */
    subscribe(fn: (e?: TrackInput) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** The recent interactions that `recommend()` sends. */
    recent: () => recent.slice(),
    /** Events not yet accepted by the API. */
    pending: () => queue.length,
  };
}

/** The object `createClient()` returns. */
export type Client = ReturnType<typeof createClient>;
