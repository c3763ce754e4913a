/**
 * Hostile (and a few tricky-but-harmless) URL strings aimed at the demo site's allowed link host
 * `edgepick.example` (linkHosts: `edgepick.example`, `*.edgepick.example`). Used by
 * open-redirect.test.ts, which classifies every entry itself with the WHATWG URL parser: the
 * labels here are only for reading failure reports, never the expectation.
 */
export interface CorpusEntry {
  /** A short, printable name for reports (control characters spelled out). */
  label: string;
  url: string;
}

/** Spells out control, invisible and non-ASCII characters so a report line shows what was sent. */
export function printable(s: string): string {
  return s.replace(/[^\x21-\x7e]/g, (ch) => {
    const cp = ch.codePointAt(0)!;
    if (ch === ' ') return '␠';
    return `\\u{${cp.toString(16).padStart(4, '0')}}`;
  });
}

const hand: string[] = [
  // Scheme case (the guard's `^https:` test is case-sensitive).
  'HTTPS://evil.com/phish',
  'hTTps://evil.com/',
  'Https://evil.com/',
  'HTTPS://EVIL.COM/',
  'httpS://evil.com/x?y=1',
  'HTTPS://edgepick.example@evil.com/',
  // Leading control characters and white space (the URL parser strips C0 controls and space; JS trim() strips other white space).
  '\u0000https://evil.com/',
  '\u0001https://evil.com/',
  '\u0008https://evil.com/',
  '\u001fhttps://evil.com/',
  '\u0000HTTPS://evil.com/',
  '\u0000\u0000\u0000https://evil.com/',
  '\thttps://evil.com/',
  '\nhttps://evil.com/',
  '\r\nhttps://evil.com/',
  ' https://evil.com/',
  '\u000bhttps://evil.com/',
  '\u000chttps://evil.com/',
  '\u00a0https://evil.com/',
  '\ufeffhttps://evil.com/',
  '\u2028https://evil.com/',
  '\u3000https://evil.com/',
  '\u200bhttps://evil.com/',
  'https://evil.com/\u0000',
  'https://evil.com/\u0001 ',
  // Tabs and newlines anywhere are deleted by the URL parser.
  'ht\ttps://evil.com/',
  'h\nttps://evil.com/',
  'https:/\t/evil.com/',
  'https://evil\t.com/',
  'https://edgepick.example/\r\nLocation: https://evil.com/',
  'https://edgepick.example/%0d%0aLocation:%20https://evil.com/',
  'https\u0000://evil.com/',
  // Scheme-relative and slash tricks (the h5 path branch).
  '//evil.com',
  '//evil.com/x',
  '///evil.com',
  '////evil.com/',
  '/\\evil.com',
  '\\\\evil.com',
  '\\/evil.com',
  '/\t/evil.com',
  '/\n/evil.com',
  '/\r/evil.com',
  '\t//evil.com',
  ' //evil.com',
  '\u0000//evil.com',
  '/%2F/evil.com',
  '/%5Cevil.com',
  '/..//evil.com',
  '/../\\evil.com',
  '/.\\/evil.com',
  '/%2e%2e//evil.com',
  '/\u0000/evil.com',
  '//edgepick.example@evil.com',
  '/ok',
  // Scheme without (enough) slashes: special schemes still take the host.
  'https:evil.com',
  'https:/evil.com',
  'https:\\\\evil.com',
  'https:/\\evil.com',
  'https:///evil.com',
  'https:////evil.com',
  'HTTPS:evil.com',
  'https:edgepick.example/ok',
  // User info.
  'https://edgepick.example@evil.com/',
  'https://edgepick.example:443@evil.com/',
  'https://edgepick.example:@evil.com/',
  'https://user:pass@evil.com/',
  'https://@evil.com/',
  'https://:@evil.com/',
  'https://a@b@evil.com/',
  'https://evil.com@edgepick.example',
  'https://evil.com@a@edgepick.example/',
  'https://evil.com%40edgepick.example/',
  'https://edgepick.example%40evil.com/',
  'https://edgepick.example%5C@evil.com/',
  'https://edgepick.example%2F@evil.com/',
  'https://edgepick.example\\@evil.com',
  'https://evil.com\\@edgepick.example',
  'https://evil.com\\.edgepick.example',
  // Host in the path, query or fragment.
  'https://evil.com/edgepick.example',
  'https://evil.com/.edgepick.example',
  'https://evil.com#@edgepick.example',
  'https://evil.com?.edgepick.example',
  'https://evil.com?@edgepick.example',
  'https://edgepick.example#@evil.com',
  'https://edgepick.example?@evil.com',
  'https://evil.com;.edgepick.example',
  // Look-alike and suffix hosts.
  'https://edgepick.example.evil.com/',
  'https://EDGEPICK.EXAMPLE.evil.com/',
  'https://edgepick.example.evil.com\\.edgepick.example',
  'https://eviledgepick.example/',
  'https://evil-edgepick.example/',
  'https://edgepick.examplex/',
  'https://edgepick.exampl/',
  'https://xedgepick.example/',
  'https://edgepick-example.com/',
  'https://example/',
  'https://edgepick/',
  // Trailing dots and ports.
  'https://edgepick.example./ok',
  'https://shop.edgepick.example./ok',
  'https://EDGEPICK.EXAMPLE./ok',
  'https://edgepick.example../',
  'https://evil.com./',
  'https://.edgepick.example/',
  'https://edgepick.example:8443/ok',
  'https://edgepick.example:443/ok',
  'https://edgepick.example:0/',
  'https://edgepick.example:65536/',
  'https://evil.com:443/',
  'https://evil.com:8443/edgepick.example',
  // IDN, Unicode dots, full-width forms, punycode.
  'https://edgepick.ex\u0430mple/',
  'https://\u0435dgepick.example/',
  'https://edgep\u0456ck.example/',
  'https://ed\u0261epick.example/',
  'https://edgepick.exampl\u00e9/',
  'https://edgepick.xn--exmple-4nf/',
  'https://xn--dgepick-6gg.example/',
  'https://xn--edgepck-vog.example/',
  'https://shop.xn--dgepick-6gg.example/',
  'https://evil\u3002com/',
  'https://evil\uff0ecom/',
  'https://evil\uff61com/',
  'https://edgepick.example\u3002evil.com/',
  'https://edgepick\u3002example/ok',
  'https://\uff45\uff44\uff47\uff45\uff50\uff49\uff43\uff4b\uff0e\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45/ok',
  'https://\uff45\uff56\uff49\uff4c\uff0e\uff43\uff4f\uff4d/',
  'https://\u24d4vil.com/',
  'https://edgepick.exampl\u212f/ok',
  'https://edgepick\u200b.example/ok',
  'https://edge\u00adpick.example/ok',
  'https://edgepick.example\u2044evil.com/',
  'https://evil.com\u2215edgepick.example/',
  'https://evil.com\uff0fedgepick.example/',
  // Percent-encoding in the host.
  'https://edgepick%2eexample/ok',
  'https://evil%2ecom/',
  'https://%65vil.com/',
  'https://edgepick.example%2eevil.com/',
  'https://edgepick.example%E3%80%82evil.com/',
  'https://evil.com%2f.edgepick.example',
  'https://evil.com%23.edgepick.example',
  'https://evil.com%00.edgepick.example',
  'https://evil.com%2fedgepick.example',
  // IP addresses and local names.
  'https://127.0.0.1/',
  'https://0x7f.1/',
  'https://2130706433/',
  'https://0177.0.0.1/',
  'https://[::1]/',
  'https://[::ffff:127.0.0.1]/',
  'https://169.254.169.254/latest/meta-data/',
  'https://localhost/',
  // WeChat URL Link host: fine as a urlLink only.
  'https://wxaurl.cn/anything',
  'https://WXAURL.CN/anything',
  'https://wxaurl.cn./anything',
  'https://wxaurl.cn.evil.com/',
  'https://evil.wxaurl.cn/',
  'https://wxaurl.cn@evil.com/',
  'https://evil.com@wxaurl.cn/x',
  'https://evil.com/wxaurl.cn',
  'HTTPS://wxaurl.cn/anything',
  '\u0000https://wxaurl.cn/anything',
  // Other schemes.
  'javascript:alert(1)',
  'JavaScript:alert(document.domain)',
  'java\tscript:alert(1)',
  '\u0000javascript:alert(1)',
  ' javascript:alert(1)',
  'javascript://edgepick.example/%0aalert(1)',
  'data:text/html,<script>alert(1)</script>',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox(1)',
  'http://evil.com/',
  'http://edgepick.example/ok',
  'HTTP://edgepick.example/ok',
  'http:evil.com',
  'ftp://evil.com/',
  'file:///etc/passwd',
  'blob:https://evil.com/0000',
  'wss://evil.com/',
  'mailto:a@evil.com',
  'intent://evil.com#Intent;scheme=https;end',
  'weixin://dl/business/?t=abcd1234',
  'baiduboxapp://swan/abc/pages/index',
  'about:blank',
];

/** Combinatorial part: prefix × scheme spelling × host trick. */
const PREFIXES = ['', '\u0000', '\u0001', '\t', ' ', '\u00a0', '\ufeff'];
const SCHEMES = ['https://', 'HTTPS://', 'hTTps://', 'https:\\\\'];
const HOSTS = [
  'evil.com/x',
  'edgepick.example@evil.com/',
  'edgepick.example.evil.com/',
  'wxaurl.cn/anything',
  'evil.com@edgepick.example/ok',
];

const combos: string[] = [];
for (const p of PREFIXES) for (const s of SCHEMES) for (const h of HOSTS) combos.push(`${p}${s}${h}`);

const seen = new Set<string>();
/** Every hostile or tricky URL string, each once. */
export const CORPUS: CorpusEntry[] = [...hand, ...combos]
  .filter((u) => !seen.has(u) && Boolean(seen.add(u)))
  .map((url) => ({ label: printable(url), url }));

/** Must be accepted in their field (else the corpus test would pass by refusing everything). */
export const CONTROLS = {
  'h5.url': ['https://edgepick.example/ok', 'https://shop.edgepick.example/ok?x=1#top', '/ok?from=control'],
  'qr.url': ['https://edgepick.example/ok', 'https://shop.edgepick.example/ok?x=1'],
  'baidu-swan.fallbackUrl': ['https://edgepick.example/ok', 'https://shop.edgepick.example/ok?x=1'],
  'wechat-miniprogram.urlLink': ['https://wxaurl.cn/abcDEF123', 'https://edgepick.example/ok'],
  'douyin-miniprogram.urlLink': ['https://z.douyin.com/79lNBpL', 'https://edgepick.example/ok'],
  'douyin-miniprogram.fallbackUrl': ['https://edgepick.example/ok', 'https://shop.edgepick.example/ok?x=1'],
} as const;
