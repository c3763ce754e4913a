import type { CatalogItem } from '../../schema/catalog.js';
import type { EventType } from '../../schema/events.js';
import type { ItemFilter, RecentInteraction, RecommendationsResponse } from '../../schema/recommendations.js';
import { isHTTPError, ValidationError } from './errors.js';
import { type KeyValueStorage, type MiniStorageApi, memoryStorage, miniProgramStorage, webStorage } from './storage.js';
import { fetchTransport, type MiniRequestApi, miniProgramTransport, type Transport } from './transport.js';

type MiniApi = MiniRequestApi & MiniStorageApi;

export type Consent = 'granted' | 'pending' | 'denied';

export interface ClientOptions {
  /** Site id (required), e.g. `demo`. */
  site: string;
  /** API origin, e.g. `https://picks.example.com`. @default '' (same origin) */
  endpoint?: string;
  /** The shop's own user id, once known. */
  userId?: string;
  /** Milliseconds before a request fails with TimeoutError. @default 5000 */
  timeout?: number;
  /** Retries for reads (recommend, similar, popular, item), with exponential backoff and jitter. @default 2 */
  retries?: number;
  /** Tracking consent. `pending` holds events until `setConsent('granted')`. @default 'granted' ('denied' when the browser sends Global Privacy Control) */
  consent?: Consent;
  /** `fetch`, the WeChat/Baidu mini-program request API, or your own. @default auto-detected */
  transport?: 'fetch' | 'wx' | 'swan' | Transport;
  /** Where the visitor id, recent interactions and unsent events live. @default auto-detected */
  storage?: KeyValueStorage;
  /** Milliseconds between event flushes. @default 2000 */
  flushInterval?: number;
  /** Events per request; a full batch flushes at once. @default 20 */
  batchSize?: number;
}

export interface TrackInput {
  type: EventType;
  itemId: string;
  recommendationId?: string;
  placement?: string;
  ref?: string;
  quantity?: number;
  price?: number;
}

type QueuedEvent = TrackInput & { id: string; visitorId: string; userId?: string; ts: number };
export type Picks = RecommendationsResponse;
/** `GET /v1/sites/:site/links/:slug/resolve` (docs/routing.md). */
export interface LinkResolution {
  slug: string;
  version: number;
  ruleId: string | null;
  variant?: number;
  target: { kind: string; [k: string]: unknown };
  plan: { kind: 'redirect'; location: string } | { kind: 'page'; page: string; url: string; fallbackUrl?: string } | { kind: 'preview' };
  env: { host: string; os: string; bot: boolean; [k: string]: unknown };
  dropped: string[];
  warnings: string[];
}
export interface RecommendOptions {
  k?: number;
  exclude?: string[];
  filter?: ItemFilter;
  placement?: string;
}

const RECENT_MAX = 50;
const QUEUE_MAX = 500;
const INTERACTIONS: EventType[] = ['view', 'click', 'add_to_cart', 'purchase', 'share'];

const g = globalThis as unknown as {
  wx?: never;
  swan?: never;
  fetch?: unknown;
  navigator?: { globalPrivacyControl?: boolean; sendBeacon?: (url: string, data: Blob) => boolean };
  addEventListener?: (t: string, f: () => void) => void;
  document?: { visibilityState?: string; addEventListener?: (t: string, f: () => void) => void };
};

const randomId = (prefix: string) => {
  const b = new Uint8Array(12);
  if (typeof crypto !== 'undefined' && crypto.getRandomValues) crypto.getRandomValues(b);
  else b.forEach((_, i) => (b[i] = Math.floor(Math.random() * 256)));
  return prefix + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
};
const parse = <T>(s: string | null, d: T): T => {
  try {
    return s ? (JSON.parse(s) as T) : d;
  } catch {
    return d;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bad = (m: string) => new ValidationError(`edgepick: ${m}`);

/**
 * A headless edgepick client: picks, tracking, share links. Runs in browsers, Node ≥ 18,
 * Workers and WeChat/Baidu mini-programs.
 * @example const client = createClient({ site: 'demo', endpoint: 'https://picks.example.com' });
 */
export function createClient(options: ClientOptions) {
  const o = { timeout: 5000, retries: 2, flushInterval: 2000, batchSize: 20, endpoint: '', ...options };
  if (!o.site || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(o.site)) throw bad(`options.site must be a site id like "demo", got ${JSON.stringify(o.site)}`);
  for (const k of ['timeout', 'retries', 'flushInterval', 'batchSize'] as const) {
    if (!(Number.isInteger(o[k]) && o[k] >= (k === 'retries' ? 0 : 1) && (k !== 'batchSize' || o[k] <= 100)))
      throw bad(`options.${k} must be a positive integer${k === 'batchSize' ? ' ≤ 100' : ''}, got ${JSON.stringify(o[k])}`);
  }
  if (o.endpoint && !/^https?:\/\/[^/]+/.test(o.endpoint)) throw bad(`options.endpoint must be an http(s) origin, got ${JSON.stringify(o.endpoint)}`);
  const mini = (o.transport === 'wx' || o.transport === 'swan' ? (g as Record<string, unknown>)[o.transport] : !g.fetch ? (g.wx ?? g.swan) : undefined) as
    | MiniApi
    | undefined;
  if ((o.transport === 'wx' || o.transport === 'swan') && !mini) throw bad(`transport ${o.transport} needs the ${o.transport} global`);
  const send: Transport = typeof o.transport === 'function' ? o.transport : mini ? miniProgramTransport(mini) : fetchTransport;
  const store: KeyValueStorage = o.storage ?? (mini ? miniProgramStorage(mini) : g.document ? webStorage() : memoryStorage());
  const base = `${o.endpoint.replace(/\/$/, '')}/v1/sites/${o.site}`;
  const key = (k: string) => `ep:${o.site}:${k}`;

  let consent: Consent = o.consent ?? (g.navigator?.globalPrivacyControl === true ? 'denied' : 'granted');
  let userId = o.userId;
  let visitorId = store.get(key('vid'));
  if (!visitorId) {
    visitorId = randomId('v_');
    store.set(key('vid'), visitorId);
  }
  // Recent interactions and unsent events persist only with consent; otherwise they stay in memory.
  let recent: RecentInteraction[] = consent === 'granted' ? parse(store.get(key('recent')), []) : [];
  let queue: QueuedEvent[] = consent === 'granted' ? parse(store.get(key('queue')), []) : [];
  const sentIds = new Set<string>();
  const listeners = new Set<(e: TrackInput) => void>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let flushing: Promise<void> | undefined;

  const save = () => {
    if (consent !== 'granted') return;
    store.set(key('recent'), JSON.stringify(recent));
    store.set(key('queue'), JSON.stringify(queue));
  };

  async function read<T>(path: string, params: Record<string, string | number | undefined>): Promise<T> {
    const qs = Object.entries(params)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
      .join('&');
    const url = `${base}${path}${qs ? `?${qs}` : ''}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return (await send({ url, method: 'GET', timeout: o.timeout })) as T;
      } catch (e) {
        // 4xx will not change on retry; network faults, timeouts and 5xx might.
        const retryable = !isHTTPError(e) || e.status >= 500 || e.status === 429;
        if (!retryable || attempt >= o.retries) throw e;
        await sleep(Math.min(2000, 200 * 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  }

  function schedule() {
    if (timer || consent !== 'granted' || !queue.length) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, o.flushInterval);
  }

  /** Sends queued events now; events stay queued (and persisted) until the API has answered. */
  async function flush(): Promise<void> {
    if (flushing) return flushing;
    if (consent !== 'granted' || !queue.length) return;
    flushing = (async () => {
      while (queue.length && consent === 'granted') {
        const batch = queue.slice(0, o.batchSize);
        try {
          await send({ url: `${base}/events`, method: 'POST', body: JSON.stringify({ events: batch }), timeout: o.timeout });
        } catch (e) {
          // A 4xx batch is malformed for good: drop it rather than resend it forever.
          if (!(isHTTPError(e) && e.status < 500 && e.status !== 429)) throw e;
        }
        const done = new Set(batch.map((b) => b.id));
        done.forEach((id) => sentIds.add(id));
        queue = queue.filter((q) => !done.has(q.id));
        save();
      }
    })().finally(() => {
      flushing = undefined;
    });
    return flushing.catch(() => schedule());
  }

  function track(input: TrackInput): void {
    if (!input?.itemId || !INTERACTIONS.concat('impression').includes(input.type)) {
      throw bad(`track() needs {type, itemId}, type one of ${INTERACTIONS}, impression`);
    }
    if (INTERACTIONS.includes(input.type)) {
      recent = [
        ...recent.filter((r) => !(r.itemId === input.itemId && r.type === input.type)),
        { itemId: input.itemId, type: input.type, ts: Date.now() },
      ].slice(-RECENT_MAX);
      listeners.forEach((l) => l(input));
    }
    if (consent === 'denied') return;
    const ev: QueuedEvent = { ...input, id: randomId('e_'), visitorId: visitorId!, ts: Date.now(), ...(userId ? { userId } : {}) };
    if (queue.some((q) => q.id === ev.id) || sentIds.has(ev.id)) return;
    queue = [...queue, ev].slice(-QUEUE_MAX);
    save();
    if (queue.length >= o.batchSize) void flush();
    else schedule();
  }

  /** On page hide: hand the queue to sendBeacon (it survives navigation); the copy in storage is resent later and de-duplicated by id. */
  const beacon = () => {
    if (consent !== 'granted' || !queue.length || !g.navigator?.sendBeacon) return;
    for (let i = 0; i < queue.length; i += o.batchSize) {
      g.navigator.sendBeacon(`${base}/events`, new Blob([JSON.stringify({ events: queue.slice(i, i + o.batchSize) })], { type: 'text/plain' }));
    }
  };
  g.addEventListener?.('pagehide', beacon);
  g.document?.addEventListener?.('visibilitychange', () => g.document?.visibilityState === 'hidden' && beacon());
  schedule();

  const list = (ids?: string[]) => (ids?.length ? ids.join(',') : undefined);
  const canUseRecent = () => consent === 'granted';

  return {
    site: o.site,
    get visitorId() {
      return visitorId!;
    },
    /** Personal picks; sends the visitor's latest interactions so they count at once. */
    recommend(opts: RecommendOptions = {}): Promise<Picks> {
      const f = opts.filter;
      return read<Picks>('/recommendations', {
        userId,
        visitorId: visitorId!,
        k: opts.k,
        recent: canUseRecent() ? list(recent.map((r) => `${r.itemId}:${r.type}`)) : undefined,
        exclude: list(opts.exclude),
        category: Array.isArray(f?.category) ? f.category.join(',') : f?.category,
        minPrice: f?.minPrice,
        maxPrice: f?.maxPrice,
        placement: opts.placement,
      });
    },
    similar: (itemId: string, opts: { k?: number; exclude?: string[] } = {}) =>
      read<Picks>(`/items/${encodeURIComponent(itemId)}/similar`, { k: opts.k, exclude: list(opts.exclude) }),
    popular: (opts: { k?: number; category?: string } = {}) => read<Picks>('/popular', { k: opts.k, category: opts.category }),
    item: (itemId: string) => read<CatalogItem>(`/items/${encodeURIComponent(itemId)}`, {}),
    /** The routing decision for a campaign link (`/r/:slug`) as JSON — for mini-programs and custom UIs. */
    resolveLink: (slug: string, url?: string) => read<LinkResolution>(`/links/${encodeURIComponent(slug)}/resolve`, { visitorId: visitorId!, url }),
    track,
    flush,
    /** A link to the product that carries this visitor as the sharer (`ref`), for social attribution. */
    shareLink(itemId: string, url: string): string {
      if (!itemId || !url) throw bad('shareLink(itemId, url) needs both');
      const [path, hash = ''] = url.split('#');
      const sep = path.includes('?') ? '&' : '?';
      track({ type: 'share', itemId });
      return `${path}${sep}ref=${encodeURIComponent(visitorId!)}${hash ? `#${hash}` : ''}`;
    },
    setConsent(value: Consent) {
      consent = value;
      if (value === 'denied') queue = [];
      save();
      void flush();
    },
    setUserId(id: string | undefined) {
      userId = id;
      listeners.forEach((l) => l({ type: 'view', itemId: '' }));
    },
    /** Called after each recorded interaction (widgets refresh personal picks on it). */
    subscribe(fn: (e: TrackInput) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** The recent interactions that `recommend()` sends. */
    recent: () => recent.slice(),
    pending: () => queue.length,
  };
}

export type Client = ReturnType<typeof createClient>;
