import { SELF } from 'cloudflare:test';
import fc from 'fast-check';

/**
 * Request generators and response checks for the fuzz harness (fuzz.test.ts): malformed and
 * hostile requests derived from the zod schemas in schema/ and the routes in worker/src.
 */

export const ORIGIN = 'https://edge.test';
export const TOKEN = 'test-admin-token';
/** A site with a published model and a KV config (set up by fuzz.test.ts). */
export const SHOP = 'fuzz-shop';
/** A link on the demo site with time, query and WeChat rules (set up by fuzz.test.ts). */
export const LINK = 'fuzz-link';

/** One request: `path` and `query` are sent as written (already percent-encoded, or raw on purpose). */
export interface Req {
  method: string;
  path: string;
  query?: string;
  headers?: [string, string][];
  body?: string;
}

export interface Outcome {
  status: number;
  contentType: string;
  allow: string | null;
  text: string;
  pathname: string;
}

// ---------------------------------------------------------------------------------------------
// Strings, numbers and JSON values
// ---------------------------------------------------------------------------------------------

/** Hand-picked hostile strings: number look-alikes, prototype keys, broken unicode, separators, long. */
export const NASTY: readonly string[] = [
  '',
  ' ',
  '0',
  '-0',
  '-1',
  '1.5',
  '0x10',
  '0b11',
  '0o7',
  '1e3',
  '1e1',
  ' 5',
  '5 ',
  '+5',
  '\u0665',
  '\uff15',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '9007199254740993',
  '9'.repeat(400),
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '[object Object]',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'isPrototypeOf',
  '\ud800',
  '\udfff',
  'a\ud800b',
  '\udc00a',
  '\u0000',
  'a\u0000b',
  '\u202e',
  '\u200f',
  '\u200b',
  '\ufeff',
  '\uffff',
  '😀',
  '👩‍👩‍👧‍👦',
  '\u{10ffff}',
  'e\u0301',
  '%',
  '%00',
  '%2F',
  '%ZZ',
  '%E0%A4%A',
  '%ED%A0%80',
  '../..',
  '..',
  '.',
  '/',
  '//',
  '\\',
  '?',
  '#',
  '&',
  '=',
  ',',
  ',,',
  ' , ',
  ':',
  ':click',
  'a1:click',
  'a1:nope',
  'a1:',
  '<script>alert(1)</script>',
  '"',
  "'",
  '$' + '{x}',
  '\n',
  '\r\n',
  '\t',
  'a'.repeat(129),
  'a'.repeat(600),
  'é'.repeat(300),
  '😀'.repeat(200),
  'x'.repeat(3000),
];

const specialUnit = fc.constantFrom(
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '\u0000',
  '\u202e',
  '\u200f',
  '😀',
  ',',
  ':',
  '%',
  '/',
  '\\',
  '&',
  '=',
  '#',
  '?',
  ' ',
);
const unit = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: specialUnit },
);
/** Short random strings that mix ASCII, any code point and lone surrogates. */
export const randomString = fc.string({ unit, maxLength: 12 });

export const hostileString = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...NASTY) }, { weight: 2, arbitrary: randomString });

/** Any of `valid` (plausible values for the field) or a hostile string. */
export const field = (...valid: string[]) =>
  fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...valid) }, { weight: 3, arbitrary: hostileString });

export const hostileNumber = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1,
    1.5,
    2,
    3,
    5,
    10,
    50,
    51,
    100,
    101,
    500,
    501,
    10_000,
    10_001,
    1e9,
    1e9 + 1,
    2 ** 53 + 2,
    1e308,
    -1e308,
    5e-324,
    Number.MAX_SAFE_INTEGER,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];
export const hostileKey = fc.oneof(fc.constantFrom(...PROTO_KEYS, '', ' ', 'extra', '\ud800', '\u0000', 'a'.repeat(600)), randomString);

/** Sets an own, enumerable property, even for `__proto__` (so JSON.stringify writes it as a key). */
export function put(target: Record<string, unknown> | unknown[], key: string | number, value: unknown) {
  if (Array.isArray(target) && typeof key === 'number') target[key] = value;
  else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An object from entries, `__proto__` etc. included as own keys. */
export function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) put(o, k, v);
  return o;
}

const leaf = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null));
const shallow = fc.oneof(leaf, fc.array(leaf, { maxLength: 3 }), fc.array(fc.tuple(hostileKey, leaf), { maxLength: 3 }).map(objectOf));
/** A JSON value of any type, two levels deep at most. */
export const hostileJson = fc.oneof(
  { weight: 3, arbitrary: leaf },
  { weight: 1, arbitrary: fc.array(shallow, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(fc.tuple(hostileKey, shallow), { maxLength: 3 }).map(objectOf) },
);

function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (isObj(v)) return objectOf(Object.keys(v).map((k) => [k, clone(v[k])])) as T;
  return v;
}

type Path = (string | number)[];
function pathsOf(v: unknown, p: Path = [], out: Path[] = []): Path[] {
  out.push(p);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...p, i], out));
  else if (isObj(v)) for (const k of Object.keys(v)) pathsOf(v[k], [...p, k], out);
  return out;
}
const at = (v: unknown, p: Path): unknown => p.reduce<unknown>((x, k) => (x as Record<string | number, unknown>)[k], v);

/** One change somewhere in a valid body: the path is picked by index among the value's paths. */
export interface Mutation {
  at: number;
  /** `leaf`: a string, number or boolean leaf becomes a hostile value of the same type (the body often stays valid). */
  op: 'leaf' | 'set' | 'delete' | 'add' | 'grow' | 'wrap';
  key: string;
  value: unknown;
  str: string;
  num: number;
  n: number;
  /** `leaf` only: restrict to leaves under these keys (e.g. the free-text fields a schema lets through). */
  keys?: readonly string[];
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('leaf', 'leaf', 'leaf', 'set', 'set', 'delete', 'add', 'grow', 'wrap'),
  key: hostileKey,
  value: hostileJson,
  str: hostileString,
  num: hostileNumber,
  n: fc.constantFrom(0, 2, 51, 101, 501),
});

export function mutate(base: unknown, muts: Mutation[]): unknown {
  let root = clone(base);
  for (const m of muts) {
    const all = pathsOf(root);
    const leaves = all.filter(
      (p) =>
        p.length > 0 &&
        ['string', 'number', 'boolean'].includes(typeof at(root, p)) &&
        (!m.keys || m.keys.includes(String(p[p.length - 1]))),
    );
    const paths = m.op === 'leaf' && leaves.length ? leaves : all;
    const p = paths[m.at % paths.length];
    if (p.length === 0) {
      if (m.op === 'set' || m.op === 'leaf') root = m.value;
      else if (m.op === 'delete') root = undefined;
      else if (m.op === 'wrap') root = [root];
      else if (m.op === 'add' && isObj(root)) put(root, m.key, m.value);
      continue;
    }
    const parent = at(root, p.slice(0, -1)) as Record<string, unknown> | unknown[];
    const key = p[p.length - 1];
    const current = (parent as Record<string | number, unknown>)[key];
    switch (m.op) {
      case 'leaf':
        put(
          parent,
          key,
          typeof current === 'string' ? m.str : typeof current === 'number' ? m.num : typeof current === 'boolean' ? !current : m.value,
        );
        break;
      case 'set':
        put(parent, key, m.value);
        break;
      case 'delete':
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key as string];
        break;
      case 'add':
        if (isObj(current)) put(current, m.key, m.value);
        else if (Array.isArray(current)) current.push(m.value);
        else put(parent, key, m.value);
        break;
      case 'grow': {
        // Over the schema's array limits (50 recent, 100 events, 500 excluded), kept small for objects.
        const item = Array.isArray(current) ? (current[0] ?? m.value) : current;
        const n = typeof item === 'object' && item !== null ? Math.min(m.n, 101) : m.n;
        put(
          parent,
          key,
          Array.from({ length: n }, () => clone(item)),
        );
        break;
      }
      case 'wrap':
        put(parent, key, [current]);
        break;
    }
  }
  return root;
}

/** Bodies that JSON.stringify cannot produce. */
export const RAW_BODIES: readonly string[] = [
  '',
  ' ',
  '\n',
  'null',
  'true',
  '42',
  '-1',
  '"text"',
  '[]',
  '[{}]',
  '{}',
  'NaN',
  'Infinity',
  '{"k": NaN}',
  '{"k": 1e999}',
  '{"k": -0}',
  '{"k": 0x10}',
  '{',
  '}',
  '[',
  '{"a":1,}',
  "{'a':1}",
  '{"a":1}{"b":2}',
  '{"a":1} trailing',
  '\ufeff{}',
  '{"__proto__": {"k": 1}}',
  '{"constructor": {"prototype": {"polluted": true}}}',
  '{"events": {"__proto__": []}}',
  '{"a":"\\ud800"}',
  '{"a":"\u0000"}',
  '{"a":"\\u0000"}',
  '{"a":"\\x41"}',
  '\u0000',
  '\ud800',
  `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
  `{"a":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`,
  `[${'1,'.repeat(10_000)}1]`,
  `"${'x'.repeat(50_000)}"`,
];

/** The JSON body of a POST: one hostile leaf in `base`, structural mutations of it, `base` itself, raw junk, or any JSON value. */
export const jsonBody = (base: unknown, maxMutations = 3) =>
  fc.oneof(
    { weight: 3, arbitrary: mutation.map((m) => JSON.stringify(mutate(base, [{ ...m, op: 'leaf' }])) ?? '') },
    {
      weight: 4,
      arbitrary: fc.array(mutation, { minLength: 1, maxLength: maxMutations }).map((m) => JSON.stringify(mutate(base, m)) ?? ''),
    },
    { weight: 2, arbitrary: fc.constant(JSON.stringify(base)) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_BODIES) },
    { weight: 1, arbitrary: hostileJson.map((v) => JSON.stringify(v) ?? '') },
  );

// ---------------------------------------------------------------------------------------------
// URL pieces
// ---------------------------------------------------------------------------------------------

const hex = (b: number) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`;

/** encodeURIComponent that also takes lone surrogates (as their WTF-8 bytes: invalid UTF-8 once decoded). */
export function pct(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += hex(0xe0 | (c >> 12)) + hex(0x80 | ((c >> 6) & 0x3f)) + hex(0x80 | (c & 0x3f));
    else out += encodeURIComponent(s[i]);
  }
  return out;
}

export type Encoding = 'pct' | 'raw' | 'double';
export const encoding = fc.constantFrom<Encoding>('pct', 'pct', 'pct', 'raw', 'double');
const encode = (s: string, e: Encoding) => (e === 'raw' ? s : e === 'pct' ? pct(s) : pct(pct(s)));

/** A path segment: a value from `values`, percent-encoded (mostly), raw, or encoded twice. */
export const segment = (values: fc.Arbitrary<string>) => fc.tuple(values, encoding).map(([v, e]) => encode(v, e));

/** A query string from `[key, value]` pairs (duplicates welcome) and raw junk pieces. */
export const queryString = (pairs: fc.Arbitrary<[string, string]>, maxLength = 6) =>
  fc
    .array(
      fc.oneof(
        { weight: 8, arbitrary: fc.tuple(pairs, encoding).map(([[k, v], e]) => `${encode(k, e)}=${encode(v, e)}`) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('k', '=', '==', 'k=1=2', '%', '%zz=1', '&', ';', 'k[]=1', 'k[a]=1', '__proto__[x]=1', '+=+'),
        },
      ),
      { maxLength },
    )
    .map((parts) => (parts.length ? parts.join('&') : undefined));

/** Query pairs: known fields with plausible or hostile values, plus hostile keys. */
export const pairs = (fields: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<[string, string]> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.oneof(...Object.entries(fields).map(([k, v]) => fc.tuple(fc.constant(k), v))) },
    { weight: 1, arbitrary: fc.tuple(hostileKey, hostileString) },
  );

// ---------------------------------------------------------------------------------------------
// Methods and headers
// ---------------------------------------------------------------------------------------------

export const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND'] as const;
/** Mostly `primary`, sometimes any other method. */
export const method = (...primary: string[]) =>
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...primary) }, { weight: 1, arbitrary: fc.constantFrom(...ALL_METHODS) });

export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json;;;',
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/vnd.api+json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/html',
  'application/xml',
  '*/*',
  'json',
  ';',
  'application/json; charset=utf-16',
];
/** A content-type header (mostly JSON), or none at all (fetch then sends text/plain). */
export const contentType = fc.oneof(
  { weight: 5, arbitrary: fc.constant<string | undefined>('application/json') },
  { weight: 2, arbitrary: fc.constantFrom<string | undefined>(...CONTENT_TYPES, undefined) },
);

export const ORIGINS = [
  'http://localhost:5173',
  'http://localhost',
  'http://localhost:99999999',
  'http://127.0.0.1:8787',
  'null',
  'https://evil.example',
  'x',
];
export const originHeader = fc.option(fc.constantFrom(...ORIGINS), { freq: 3 });

export const AUTH_OK = `Bearer ${TOKEN}`;
export const AUTH_VARIANTS = [
  '',
  'Bearer',
  'Bearer ',
  'Bearer wrong',
  `Bearer ${TOKEN}x`,
  `Bearer ${TOKEN.slice(0, -1)}`,
  `Bearer  ${TOKEN}`,
  `bearer ${TOKEN}`,
  `BEARER ${TOKEN}`,
  `Basic ${TOKEN}`,
  TOKEN,
  `Bearer ${'x'.repeat(5000)}`,
  'Bearer t\u00ebst',
  `Bearer ${TOKEN}, Bearer wrong`,
  'Bearer null',
  'Bearer undefined',
];
/** Mostly the right admin token, sometimes a wrong, odd or missing one. */
export const authHeader = fc.oneof(
  { weight: 6, arbitrary: fc.constant<string | undefined>(AUTH_OK) },
  { weight: 1, arbitrary: fc.constantFrom<string | undefined>(...AUTH_VARIANTS, undefined) },
);

export const UAS: readonly string[] = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 10_3_1 like Mac OS X) AppleWebKit/603.1.30 (KHTML, like Gecko) Version/10.0 Mobile/14E304 Safari/602.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 9_3 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Mobile/13E233 MicroMessenger/6.3.15 NetType/WIFI Language/zh_CN',
  'Mozilla/5.0 (Linux; Android 10) MicroMessenger/8.0 miniProgram',
  'Mozilla/5.0 (Linux; Android 10) wxwork/4.0 MicroMessenger/7.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 swan/2.4.0 swan-baiduboxapp/11.9.0.1 baiduboxapp/11.9.0.1 (Baidu; P2 12.2)',
  'Mozilla/5.0 (Linux; Android 9) baiduboxapp/11.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/75.0.3770.142 Safari/537.36',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (Linux; Android 10; HarmonyOS) AlipayClient/10.0',
  'aweme musical_ly trill_1 QQ/8.0',
  '',
  'compatible; ' + 'a'.repeat(5000) + ' bot',
  'spider'.repeat(2000),
  '\u00ff\u00fe',
];
/** Header values must be ByteStrings (≤ U+00FF), so random header values are Latin-1. */
// Printable ASCII: what headers carry on the wire from browsers (workerd warns loudly on raw latin-1).
const latin1 = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });
export const visitorHeaders: fc.Arbitrary<[string, string][]> = fc
  .record(
    {
      'user-agent': fc.oneof(fc.constantFrom(...UAS), latin1),
      'accept-language': fc.oneof(fc.constantFrom('zh-CN,zh;q=0.9', 'en', '*', ',', ';', 'zh-CN;q=NaN', 'x'.repeat(5000), ''), latin1),
      referer: fc.oneof(
        fc.constantFrom(
          'https://www.baidu.com/s?wd=x',
          'not a url',
          'https://',
          'https://[::1',
          'javascript:alert(1)',
          `https://a.example/${'x'.repeat(4000)}`,
        ),
        latin1,
      ),
      cookie: fc.oneof(
        fc.constantFrom(
          'ep_vid=v_0123456789abcdef',
          'ep_vid=',
          'ep_vid=%ZZ',
          'ep_vid=__proto__',
          `ep_vid=${'a'.repeat(65)}`,
          'ep_vid="x"; ep_vid=y',
        ),
        latin1,
      ),
    },
    { requiredKeys: [] },
  )
  .map((h) => Object.entries(h) as [string, string][]);

// ---------------------------------------------------------------------------------------------
// Sending and checking
// ---------------------------------------------------------------------------------------------

export const urlOf = (r: Req) => `${ORIGIN}${r.path}${r.query === undefined ? '' : `?${r.query}`}`;

export async function send(r: Req): Promise<Outcome> {
  const headers = new Headers();
  for (const [k, v] of r.headers ?? []) headers.append(k, v);
  const bodyAllowed = r.method !== 'GET' && r.method !== 'HEAD';
  const res = await SELF.fetch(urlOf(r), {
    method: r.method,
    headers,
    redirect: 'manual',
    ...(bodyAllowed && r.body !== undefined ? { body: r.body } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    allow: res.headers.get('allow'),
    text,
    pathname: new URL(urlOf(r)).pathname,
  };
}

/** Paths whose errors must be JSON: the API, the meta routes and the demo images. */
export function isApiPath(pathname: string): boolean {
  const p = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return p === '/v1' || p.startsWith('/v1/') || p === '/health' || p === '/openapi.json' || p.startsWith('/demo/img/') || p === '/demo/img';
}

/** What is wrong with a response (empty: nothing). */
export function problems(r: Req, o: Outcome): string[] {
  const out: string[] = [];
  if (o.status >= 500) out.push(`status ${o.status} ≥ 500`);
  if (o.status >= 400 && o.status < 500 && isApiPath(o.pathname)) {
    if (!/^application\/json\s*(;|$)/i.test(o.contentType))
      out.push(`4xx content-type is ${JSON.stringify(o.contentType)}, not application/json`);
    if (r.method !== 'HEAD') {
      let body: unknown;
      try {
        body = JSON.parse(o.text);
      } catch {
        out.push('4xx body is not JSON');
      }
      if (body !== undefined) {
        const e = (body as { error?: { code?: unknown; message?: unknown; issues?: unknown } } | null)?.error;
        if (!e || typeof e !== 'object') out.push('4xx body has no error object');
        else {
          if (typeof e.code !== 'string') out.push('error.code is not a string');
          if (typeof e.message !== 'string') out.push('error.message is not a string');
          if (e.issues !== undefined && !Array.isArray(e.issues)) out.push('error.issues is not an array');
        }
      }
    }
  }
  return out;
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);

/** A one-line, copy-pasteable description of a request and its response (escapes shown as \uXXXX). */
export function show(r: Req, o?: Outcome): string {
  const req = [
    r.method,
    JSON.stringify(cut(urlOf(r), 300)),
    ...(r.headers?.length ? [`headers=${JSON.stringify(r.headers.map(([k, v]) => [k, cut(v, 80)]))}`] : []),
    ...(r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD' ? [`body=${JSON.stringify(cut(r.body, 300))}`] : []),
  ].join(' ');
  return o ? `${req} → ${o.status} ${JSON.stringify(o.contentType)} ${JSON.stringify(cut(o.text, 300))}` : req;
}

/** The property every fuzzed request must satisfy: no 5xx, and JSON errors on API paths. */
export async function expectSane(r: Req): Promise<void> {
  const o = await send(r);
  const p = problems(r, o);
  if (p.length) throw new Error(`${p.join('; ')}\n  ${show(r, o)}`);
}
