import type { Target } from '../../../schema/routing.js';
import { type DouyinEnv, douyinClientToken, douyinSecret, type Fetcher } from './douyin-token.js';
import { isPlatformLinkHost } from './policy.js';
import type { LiveLink } from './targets.js';

/**
 * Douyin Links generated per visit, with the visitor's attribution in the page query.
 *
 * "生成 Link V2" (https://developer.open-douyin.com/docs/resource/zh-CN/mini-app/develop/server/url-and-qrcode/link/url-link-generate):
 * `POST https://open.douyin.com/api/apps/v1/url_link/generate/`, headers `access-token: <client_token>` and
 * `content-type: application/json`, body `{app_id, app_name, path, query, expire_time}`: `app_name` one of douyin,
 * douyinlite, toutiao, toutiaolite; `path` without query (empty = home page); `query` JSON of at most 1024
 * characters (`{}` when none); `expire_time` Unix seconds, at most 180 days ahead, rounded up to whole hours.
 * Limits: 100 QPS and 500,000 Links a day per mini-program, only after its trial period. The stored page shows the
 * response as `{err_no, err_msg, log_id, data}` with `data`'s fields folded away; we read `data.url_link`, the
 * field the mini-game variant of the same API shows in its example — see `readLink` if Douyin answers otherwise.
 */
export const DOUYIN_LINK_URL = 'https://open.douyin.com/api/apps/v1/url_link/generate/';
/** Characters of the `query` JSON (docs). */
export const DOUYIN_QUERY_LIMIT = 1024;
/** Requested lifetime: one day under the 180-day cap, as Douyin rounds up to the hour and its clock may lag ours. */
const LIFETIME_S = 179 * 86_400;
/** A cached Link is served until a day before it expires, then generated again. */
const RENEW_BEFORE_MS = 86_400_000;
/** Budget for the whole lookup (token + generate + one retry), so a slow Douyin API delays a redirect by at most this. */
const DEADLINE_MS = 2_500;
/**
 * Fresh Links per app and isolate per minute. Attribution params make Links per sharer; this bounds what a flood
 * of made-up `utm_*` values can take from the 500,000-a-day quota. Over budget the visitor gets the app's Link
 * without attribution (cached once per target), else the fallback.
 */
export const GENERATE_PER_MINUTE = 30;

/** The request body, in one place so its shape is easy to correct if Douyin's API changes. */
export function linkRequestBody(appId: string, path: string, query: string, expireTime: number) {
  return { app_id: appId, app_name: 'douyin', path: path.replace(/^\/+/, ''), query, expire_time: expireTime };
}

/** The generated Link from Douyin's answer, or an error saying why there is none. */
function readLink(body: unknown): string {
  const b = body as { err_no?: number; err_msg?: string; log_id?: string; data?: { url_link?: unknown } } | null;
  const url = b?.data?.url_link;
  if (b?.err_no === 0 && typeof url === 'string') return url;
  throw new Error(`err_no ${b?.err_no} ${b?.err_msg ?? ''} (log_id ${b?.log_id ?? '-'})`);
}

// Query values are URL-encoded unless they hold only the characters Douyin lists (letters, digits and `-._~`
// are left as they are by both), like the other targets' queries; the mini-program decodes them.
const PLAIN = /^[A-Za-z0-9\-._~]*$/;
const enc = (s: string) => (PLAIN.test(s) ? s : encodeURIComponent(s));

/**
 * The Link's `query` JSON: the target's own `key=value&…` (kept as written, and winning over a param of the same
 * name), then the pass-through params in URL order while the JSON stays within 1024 characters; the rest are dropped.
 */
export function douyinQuery(base: string | undefined, params: [string, string][]): { json: string; dropped: string[] } {
  const obj: Record<string, string> = {};
  for (const part of (base ?? '').split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    obj[i < 0 ? part : part.slice(0, i)] = i < 0 ? '' : part.slice(i + 1);
  }
  const dropped: string[] = [];
  let json = JSON.stringify(obj);
  for (const [k, v] of params) {
    const key = enc(k);
    if (Object.hasOwn(obj, key)) continue;
    obj[key] = enc(v);
    const next = JSON.stringify(obj);
    if (next.length <= DOUYIN_QUERY_LIMIT) json = next;
    else {
      delete obj[key];
      dropped.push(k);
    }
  }
  return { json, dropped };
}

async function sha256Hex(text: string): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}

type Cached = { url: string; expiresAt: number };
const MEMORY_MAX = 512;
const memory = new Map<string, Cached>();
const budget = new Map<string, { minute: number; used: number }>();

function remember(key: string, v: Cached) {
  memory.delete(key);
  if (memory.size >= MEMORY_MAX) memory.delete(memory.keys().next().value!);
  memory.set(key, v);
}

function spend(appId: string, now: number): boolean {
  const minute = Math.floor(now / 60_000);
  const b = budget.get(appId);
  if (!b || b.minute !== minute) {
    budget.set(appId, { minute, used: 1 });
    return true;
  }
  return ++b.used <= GENERATE_PER_MINUTE;
}

interface Options {
  now?: number;
  fetcher?: Fetcher;
}

async function generate(env: DouyinEnv, appId: string, secret: string, body: object, o: Required<Options>): Promise<Cached | null> {
  const signal = AbortSignal.timeout(DEADLINE_MS);
  const fetcher = o.fetcher;
  for (const fresh of [false, true]) {
    const token = await douyinClientToken(env, appId, secret, { now: o.now, fetcher, signal, fresh });
    if (!token) return null;
    try {
      const res = await fetcher(DOUYIN_LINK_URL, {
        method: 'POST',
        headers: { 'access-token': token, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
      const url = readLink(await res.json());
      // Anything but an https Link on Douyin's link host would be refused by the redirect guard: treat it as a failure.
      const u = new URL(url);
      if (u.protocol !== 'https:' || !isPlatformLinkHost('douyin-miniprogram', u.hostname)) {
        console.error(`douyin url_link ${appId}: unexpected Link ${u.protocol}//${u.hostname} (not used)`);
        return null;
      }
      return { url: u.href, expiresAt: (body as { expire_time: number }).expire_time * 1000 };
    } catch (e) {
      console.error(`douyin url_link ${appId}${fresh ? ' (fresh token)' : ''}: ${(e as Error).message}`);
      // A refused cached token (another isolate fetched a newer one) is worth one retry; a timeout is not.
      if (signal.aborted) return null;
    }
  }
  return null;
}

/** After Douyin fails for an app, this isolate stops asking it for this long (ms): redirects stay fast while it is down. */
const BACKOFF_MS = 60_000;
const downUntil = new Map<string, number>();

/**
 * A live Douyin Link for `target` carrying `params`, or null when the app has no secret configured or Douyin
 * cannot give one (the caller then uses the target's pasted Link or fallback: a redirect never fails on this).
 * Cached per (app, path, query JSON) in the isolate and in KV (`douyin/url-link/{appId}/{sha256}`) until a day
 * before it expires; concurrent requests for the same Link share one call.
 */
export async function douyinLiveLink(
  env: DouyinEnv,
  target: Extract<Target, { kind: 'douyin-miniprogram' }>,
  params: [string, string][],
  opts: Options = {},
): Promise<LiveLink | null> {
  const secret = douyinSecret(env, target.appId);
  if (!secret) return null;
  const o = { now: opts.now ?? Date.now(), fetcher: opts.fetcher ?? ((input: string, init?: RequestInit) => fetch(input, init)) };
  const { json, dropped } = douyinQuery(target.query, params);
  const got = await lookup(env, target, secret, json, o, params.length === 0);
  if (got !== 'over-budget') return got ? toLink(got, dropped) : null;
  // Over budget with attribution: the target's Link without it (one per target, so almost always cached).
  const bare = await lookup(env, target, secret, douyinQuery(target.query, []).json, o, true);
  return bare && bare !== 'over-budget'
    ? toLink(
        bare,
        params.map(([k]) => k),
      )
    : null;
}

const toLink = (c: Cached, dropped: string[]): LiveLink => ({ url: c.url, expiresAt: new Date(c.expiresAt).toISOString(), dropped });

async function lookup(
  env: DouyinEnv,
  target: Extract<Target, { kind: 'douyin-miniprogram' }>,
  secret: string,
  json: string,
  o: Required<Options>,
  unmetered: boolean,
): Promise<Cached | null | 'over-budget'> {
  const key = `douyin/url-link/${target.appId}/${await sha256Hex(`${target.path}\n${json}`)}`;
  const live = (c: Cached | null | undefined) => (c && c.expiresAt - o.now > RENEW_BEFORE_MS ? c : null);
  const mem = live(memory.get(key));
  if (mem) return mem;
  // Each request does its own I/O: a pending read or fetch of one request is never awaited by another (a
  // Worker cancels a request's I/O with it). Only resolved Links are shared, through `memory` and KV; duplicate
  // generations under concurrency are bounded by GENERATE_PER_MINUTE.
  const stored = live((await env.PACKS.get(key, 'json').catch(() => null)) as Cached | null);
  if (stored) {
    remember(key, stored);
    return stored;
  }
  if ((downUntil.get(target.appId) ?? 0) > o.now) return null;
  if (!unmetered && !spend(target.appId, o.now)) return 'over-budget';
  const expireTime = Math.floor(o.now / 1000) + LIFETIME_S;
  const made = await generate(env, target.appId, secret, linkRequestBody(target.appId, target.path, json, expireTime), o);
  if (!made) {
    downUntil.set(target.appId, o.now + BACKOFF_MS);
    return null;
  }
  remember(key, made);
  const ttl = Math.floor((made.expiresAt - RENEW_BEFORE_MS - o.now) / 1000);
  if (ttl >= 60)
    await env.PACKS.put(key, JSON.stringify(made), { expirationTtl: ttl }).catch((e: Error) =>
      console.error(`douyin link KV: ${e.message}`),
    );
  return made;
}

/** Forgets this isolate's Links and budgets (tests). */
export function clearDouyinLinks(): void {
  memory.clear();
  budget.clear();
  downUntil.clear();
}
