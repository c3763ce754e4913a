import type { Channel } from '../../schema/events.js';
import { ValidationError } from './errors.js';
import { type KeyValueStorage, type MiniStorageApi, miniProgramStorage, webStorage } from './storage.js';
import { fetchTransport, type MiniRequestApi, miniProgramTransport, type Transport } from './transport.js';

/** The `wx` (WeChat), `swan` (Baidu) or `tt` (Douyin) object of a mini-program: `request` plus sync storage. */
export type MiniProgramApi = MiniRequestApi & MiniStorageApi;
// Mini-programs expose `wx`/`swan`/`tt` as globals that are not always properties of `globalThis`
// (which older WeChat runtimes lack altogether), so they are looked up with `typeof`.
declare const wx: MiniProgramApi | undefined;
declare const swan: MiniProgramApi | undefined;
declare const tt: MiniProgramApi | undefined;

export type { Channel } from '../../schema/events.js';

/** Tracking consent: `granted` sends and stores events, `pending` holds them in memory, `denied` keeps none. */
export type Consent = 'granted' | 'pending' | 'denied';

/** Options of `createClient()`: only `site` is required. */
export interface ClientOptions {
  /** Site id (required), e.g. `demo`. */
  site: string;
  /** API origin, e.g. `https://picks.example.com`; required in mini-programs. @default '' (same origin; the script tag uses its own origin) */
  endpoint?: string;
  /** The site's public key (`ep_pub_…`), sent as the `X-Edgepick-Key` header (`?key=` on beacons); sites created through the admin API need it. @default none */
  key?: string;
  /** Where the shopper is, sent on every event. @default from the transport: fetch in a browser 'web', wx 'wechat', swan 'baidu', tt 'douyin', else 'other' */
  channel?: Channel;
  /** The shop's own user id, once known (see `setUserId`). @default none (anonymous: the visitor id only) */
  userId?: string;
  /** Milliseconds before a request fails with `TimeoutError`. @default 5000 */
  timeout?: number;
  /** Retries of reads (recommend, similar, popular, item) after a network error, timeout, 408, 429 or 5xx; exponential backoff with jitter. @default 2 */
  retries?: number;
  /** Tracking consent: `pending` holds events in memory until `setConsent('granted')`; `denied` sends and stores none. @default 'granted' ('denied' when the browser sends Global Privacy Control) */
  consent?: Consent;
  /** `'fetch'`, `'wx'`, `'swan'`, `'tt'`, the `wx`/`swan`/`tt` object itself, or your own function. @default 'fetch', else the mini-program's `wx`/`swan`/`tt` when there is no fetch */
  transport?: 'fetch' | 'wx' | 'swan' | 'tt' | MiniProgramApi | Transport;
  /** Where the visitor id, recent interactions and unsent events live. @default localStorage, mini-program storage, else memory */
  storage?: KeyValueStorage;
  /** Milliseconds between event flushes. @default 2000 */
  flushInterval?: number;
  /** Events per request (1–100); a full batch is sent at once. @default 20 */
  batchSize?: number;
  /**
   * The sharer (their user id or visitor id) when this visit came from a shared link (`?ref=`); added to this
   * visit's events, and to the recent entry of the first interaction (the landing item), which picks then show
   * first as `shared_with_you`. Ignored when it is the shopper's own id. @default none (the script tag reads `?ref=`)
   */
  ref?: string;
  /** Slug of the site's share campaign link: `shareLink()` then returns `/r/<slug>?ref=…&item=…&ch=…` (list `item` in the link's pass-through). @default none (`shareLink()` returns the product URL) */
  shareSlug?: string;
}

/** The global object, typed with just the browser APIs the client may use (each one may be missing). */
export const g = (typeof globalThis === 'object' ? globalThis : {}) as {
  fetch?: unknown;
  location?: { href: string };
  navigator?: { globalPrivacyControl?: boolean; sendBeacon?(url: string, data: string): boolean };
  addEventListener?(t: string, f: () => void): void;
  document?: { visibilityState?: string; addEventListener?(t: string, f: () => void): void };
};

/** `JSON.stringify`, under a name that minifies. */
export const json = JSON.stringify;
/** Throws `edgepick: ${what}, got ${value}` as a ValidationError unless `ok`. */
export function need(ok: unknown, what: string, value: unknown): asserts ok {
  if (!ok) throw new ValidationError(`edgepick: ${what}, got ${json(value)}`);
}

/** Options merged with their defaults once, checked (one clear ValidationError), transport and storage chosen. */
export function resolveOptions(options: ClientOptions) {
  const o = { timeout: 5000, retries: 2, flushInterval: 2000, batchSize: 20, endpoint: '', ...options };
  const t = o.transport;
  need(/^[a-z0-9][a-z0-9-]{0,62}$/.test(o.site), 'options.site must be a site id like "demo"', o.site);
  for (const k of ['timeout', 'retries', 'flushInterval', 'batchSize'] as const) {
    const min = +(k !== 'retries');
    need(
      Number.isInteger(o[k]) && o[k] >= min && (k !== 'batchSize' || o[k] <= 100),
      `options.${k} must be an integer ≥ ${min}${k === 'batchSize' ? ', ≤ 100' : ''}`,
      o[k],
    );
  }
  const fn = typeof t === 'function';
  const given = typeof t === 'object' && t;
  // [transport name, channel, global]: the global named, or passed itself, or (no fetch) the first one present.
  const minis: [string, Channel, MiniProgramApi | false][] = [
    ['wx', 'wechat', typeof wx === 'object' && wx],
    ['swan', 'baidu', typeof swan === 'object' && swan],
    ['tt', 'douyin', typeof tt === 'object' && tt],
  ];
  const [name, channel, api = given] = minis.find(([n, , m]) => (given ? m === given : t ? t === n : !g.fetch && m)) ?? [];
  need(api || !name, `options.transport "${t}" needs the ${t} global of a mini-program`, t);
  need(
    o.endpoint ? /^https?:\/\/[^/]+/.test(o.endpoint) : !api,
    `options.endpoint must be an http(s) origin${api ? ' in a mini-program' : ''}`,
    o.endpoint,
  );
  return {
    ...o,
    channel: o.channel ?? channel ?? (api || fn || !g.document ? 'other' : 'web'),
    send: (fn ? t : api ? miniProgramTransport(api) : fetchTransport) as Transport,
    store: o.storage ?? (api ? miniProgramStorage(api) : webStorage()),
  };
}
