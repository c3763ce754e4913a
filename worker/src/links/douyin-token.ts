/**
 * Douyin open-platform credentials for mini-programs: the app secrets (one Worker secret) and the
 * client_token that "生成 Link V2" takes in its `access-token` header.
 *
 * client_token ("获取应用授权调用凭证",
 * https://developer.open-douyin.com/docs/resource/zh-CN/mini-app/develop/server/interface-request-credential/non-user-authorization/get-client_token):
 * `POST https://open.douyin.com/oauth/client_token/`, JSON `{client_key: <appId>, client_secret, grant_type:
 * "client_credential"}` → `{data: {access_token: "clt.…", expires_in: 7200, error_code: 0, description}, message}`.
 * Valid 2 hours; fetching a new one retires the previous one after 5 minutes (only the newest two stay valid),
 * so isolates share one through KV (`douyin/client-token/{appId}`) like the WeChat jsapi_ticket, and a caller
 * whose cached token is refused asks again with `fresh`.
 */
export interface DouyinEnv {
  PACKS: KVNamespace;
  /**
   * Worker secret: JSON object of mini-program AppID → AppSecret, e.g. `{"tt0123456789abcdef":"…"}`
   * (`wrangler secret put DOUYIN_APP_SECRETS`). Apps not listed use the target's pasted `urlLink`.
   */
  DOUYIN_APP_SECRETS?: string;
}

/** What talks to Douyin: `fetch` in production, a stub in tests. */
export type Fetcher = (input: string, init?: RequestInit) => Promise<Response>;

export const DOUYIN_TOKEN_URL = 'https://open.douyin.com/oauth/client_token/';
/** A cached token is used while it has more than this left (ms): the same margin as the WeChat ticket. */
const TOKEN_MARGIN_MS = 300_000;

let secretsRaw: string | undefined;
let secrets: Record<string, string> = {};

/** The AppSecret for `appId` from `DOUYIN_APP_SECRETS` (parsed once per isolate and value); undefined when absent or malformed. */
export function douyinSecret(env: Pick<DouyinEnv, 'DOUYIN_APP_SECRETS'>, appId: string): string | undefined {
  const raw = env.DOUYIN_APP_SECRETS;
  if (!raw) return undefined;
  if (raw !== secretsRaw) {
    secretsRaw = raw;
    secrets = {};
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string' && v) secrets[k] = v;
    } catch {
      console.error('DOUYIN_APP_SECRETS is not a JSON object of appId → secret; Douyin Links are not generated');
    }
  }
  return Object.hasOwn(secrets, appId) ? secrets[appId] : undefined;
}

const memory = new Map<string, { token: string; expiresAt: number }>();

/**
 * A client_token for `appId`: from this isolate, else from KV while it has more than 5 minutes left, else
 * fetched anew (`fresh` skips both caches: the cached one was refused). Null when Douyin refuses or is down.
 */
export async function douyinClientToken(
  env: DouyinEnv,
  appId: string,
  secret: string,
  opts: { now?: number; fetcher?: Fetcher; signal?: AbortSignal; fresh?: boolean } = {},
): Promise<string | null> {
  const now = opts.now ?? Date.now();
  const key = `douyin/client-token/${appId}`;
  if (!opts.fresh) {
    const mem = memory.get(appId);
    if (mem && mem.expiresAt - now > TOKEN_MARGIN_MS) return mem.token;
    const cached = (await env.PACKS.get(key, 'json').catch(() => null)) as { token: string; expiresAt: number } | null;
    if (cached && cached.expiresAt - now > TOKEN_MARGIN_MS) {
      memory.set(appId, cached);
      return cached.token;
    }
  }
  try {
    const res = await (opts.fetcher ?? fetch)(DOUYIN_TOKEN_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_key: appId, client_secret: secret, grant_type: 'client_credential' }),
      signal: opts.signal,
    });
    const body = (await res.json()) as { data?: { access_token?: string; expires_in?: number; error_code?: number; description?: string } };
    const token = body.data?.access_token;
    if (!res.ok || !token) throw new Error(`HTTP ${res.status}, error_code ${body.data?.error_code} ${body.data?.description ?? ''}`);
    // Docs: 7200 s. Keep at least 10 minutes so a short answer cannot make every request fetch again.
    const ttl = Math.max(600, body.data?.expires_in ?? 7200);
    const entry = { token, expiresAt: now + ttl * 1000 };
    memory.set(appId, entry);
    await env.PACKS.put(key, JSON.stringify(entry), { expirationTtl: ttl }).catch((e: Error) =>
      console.error(`douyin token KV: ${e.message}`),
    );
    return token;
  } catch (e) {
    console.error(`douyin client_token ${appId}: ${(e as Error).message}`);
    return null;
  }
}

/** Forgets this isolate's tokens (tests). */
export function clearDouyinTokens(): void {
  memory.clear();
}
