import { SELF } from 'cloudflare:test';

/** A signed-in console browser for workers tests: keeps the session cookie and the page's CSRF token. */
export interface ConsoleClient {
  cookie: string;
  csrf: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** A form POST (`_csrf` added unless `csrf: false`). */
  post(path: string, form?: Record<string, string>, options?: { csrf?: boolean; headers?: Record<string, string> }): Promise<Response>;
  /** A JSON POST with `X-CSRF-Token` (as console.js sends it). */
  postJson(path: string, body: unknown, options?: { csrf?: boolean }): Promise<Response>;
}

const BASE = 'https://edge.test';
const cookieOf = (res: Response, name: string) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith(`${name}=`));

/** The `_csrf` hidden field of a console page. */
export const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** Signs in with a token through the real form; throws unless it succeeds. */
export async function signIn(token: string): Promise<ConsoleClient> {
  const page = await SELF.fetch(`${BASE}/console/sign-in`);
  const signinCookie = cookieOf(page, 'ep_signin')!;
  const res = await SELF.fetch(`${BASE}/console/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: signinCookie, 'content-type': 'application/x-www-form-urlencoded', origin: BASE },
    body: new URLSearchParams({ _csrf: csrfOf(await page.text()), token, next: '/console' }),
  });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = cookieOf(res, 'ep_console')!;
  const client: ConsoleClient = {
    cookie,
    csrf: '',
    get: (path, headers = {}) => SELF.fetch(`${BASE}${path}`, { redirect: 'manual', headers: { cookie, ...headers } }),
    post: (path, form = {}, options = {}) =>
      SELF.fetch(`${BASE}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: BASE, ...options.headers },
        body: new URLSearchParams({ ...(options.csrf === false ? {} : { _csrf: client.csrf }), ...form }),
      }),
    postJson: (path, body, options = {}) =>
      SELF.fetch(`${BASE}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          cookie,
          'content-type': 'application/json',
          accept: 'application/json',
          origin: BASE,
          ...(options.csrf === false ? {} : { 'x-csrf-token': client.csrf }),
        },
        body: JSON.stringify(body),
      }),
  };
  // Any signed-in page carries the session's CSRF token (the sign-out form).
  const home = await SELF.fetch(`${BASE}/console/sites`, { redirect: 'follow', headers: { cookie } });
  client.csrf = csrfOf(await home.text());
  if (!client.csrf) {
    // A site key is redirected home to its first page.
    const first = await SELF.fetch(`${BASE}/console`, { redirect: 'follow', headers: { cookie } });
    client.csrf = csrfOf(await first.text());
  }
  return client;
}

/** Creates a site through the admin API with the owner token; returns its keys. */
export async function createSite(id: string, extra: Record<string, unknown> = {}) {
  const res = await SELF.fetch(`${BASE}/v1/admin/sites`, {
    method: 'POST',
    headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
    body: JSON.stringify({
      id,
      name: `Shop ${id}`,
      allowedOrigins: ['https://shop.example'],
      linkHosts: ['shop.example'],
      currency: 'CNY',
      ...extra,
    }),
  });
  if (res.status !== 201) throw new Error(`create site ${id}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as {
    site: { id: string };
    keys: Record<'public' | 'developer' | 'marketer', { id: string; token: string }>;
  };
  return {
    site: body.site,
    keys: { public: body.keys.public.token, developer: body.keys.developer.token, marketer: body.keys.marketer.token },
    keyIds: { public: body.keys.public.id, developer: body.keys.developer.id, marketer: body.keys.marketer.id },
  };
}

/** The cells (th and td, tags stripped, entities kept) of each row of `<table id="{id}">`'s tbody and tfoot. */
export function rowsOf(html: string, id: string): string[][] {
  const table = new RegExp(`<table id="${id}"[^>]*>(.*?)</table>`, 's').exec(html)?.[1];
  if (!table) throw new Error(`no table #${id}`);
  const body = table.replace(/<thead>.*?<\/thead>/s, '');
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) =>
    [...m[1].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((c) =>
      c[1]
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
}
