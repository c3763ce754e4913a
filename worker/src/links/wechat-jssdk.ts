/**
 * WeChat JS-SDK signing for the `wx-open-launch-weapp` open tag: an official account's
 * access_token → jsapi_ticket (both valid ~7,200 s; the ticket is cached in KV), then
 * signature = SHA-1("jsapi_ticket=…&noncestr=…&timestamp=…&url=…") for the page URL without its hash.
 * Needs the Worker secrets WECHAT_OA_APPID / WECHAT_OA_SECRET (a verified service account bound to the
 * mini-program); without them, or when WeChat's API fails, callers fall back to the in-app hint page.
 */
export interface JsSdkEnv {
  PACKS: KVNamespace;
  WECHAT_OA_APPID?: string;
  WECHAT_OA_SECRET?: string;
}

export interface JsSdkConfig {
  appId: string;
  timestamp: number;
  nonceStr: string;
  signature: string;
}

const API = 'https://api.weixin.qq.com/cgi-bin';

async function sha1Hex(text: string): Promise<string> {
  const d = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The jsapi_ticket, from KV while it has more than 5 minutes left, else fetched anew. */
export async function jsapiTicket(env: JsSdkEnv, now = Date.now()): Promise<string | null> {
  const appId = env.WECHAT_OA_APPID;
  const secret = env.WECHAT_OA_SECRET;
  if (!appId || !secret) return null;
  const key = `wechat/jsapi-ticket/${appId}`;
  const cached = (await env.PACKS.get(key, 'json').catch(() => null)) as { ticket: string; expiresAt: number } | null;
  if (cached && cached.expiresAt - now > 300_000) return cached.ticket;
  try {
    const tok = (await (
      await fetch(`${API}/token?grant_type=client_credential&appid=${encodeURIComponent(appId)}&secret=${encodeURIComponent(secret)}`)
    ).json()) as {
      access_token?: string;
      errcode?: number;
      errmsg?: string;
    };
    if (!tok.access_token) throw new Error(`token: ${tok.errcode} ${tok.errmsg}`);
    const t = (await (await fetch(`${API}/ticket/getticket?access_token=${encodeURIComponent(tok.access_token)}&type=jsapi`)).json()) as {
      ticket?: string;
      expires_in?: number;
      errcode?: number;
      errmsg?: string;
    };
    if (!t.ticket) throw new Error(`getticket: ${t.errcode} ${t.errmsg}`);
    const ttl = Math.max(600, t.expires_in ?? 7200);
    await env.PACKS.put(key, JSON.stringify({ ticket: t.ticket, expiresAt: now + ttl * 1000 }), { expirationTtl: ttl });
    return t.ticket;
  } catch (e) {
    console.error(`wechat jsapi_ticket: ${(e as Error).message}`);
    return cached?.ticket ?? null;
  }
}

/** wx.config parameters for `pageUrl` (its #hash is not signed). */
export async function signPage(appId: string, ticket: string, pageUrl: string, now = Date.now(), nonce?: string): Promise<JsSdkConfig> {
  const url = pageUrl.split('#')[0];
  const timestamp = Math.floor(now / 1000);
  const nonceStr = nonce ?? Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
  const signature = await sha1Hex(`jsapi_ticket=${ticket}&noncestr=${nonceStr}&timestamp=${timestamp}&url=${url}`);
  return { appId, timestamp, nonceStr, signature };
}
