import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { QR_MAX_VERSION, QR_QUIET_ZONE, qrEncode, qrSvg } from './qr.js';

/** The reference code from the `qrcode` npm package (dev dependency only): byte mode, level M, its own version choice. */
function reference(text: string, mask: number): { version: number; rows: string[] } {
  // Byte mode throughout (the package would otherwise split numeric/alphanumeric segments).
  const q = QRCode.create([{ data: new TextEncoder().encode(text), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
    maskPattern: mask as QRCode.QRCodeMaskPattern,
  });
  const n = q.modules.size;
  return {
    version: q.version,
    rows: Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => q.modules.get(r, c)).join('')),
  };
}

const rows = (modules: boolean[][]) => modules.map((row) => row.map((x) => (x ? 1 : 0)).join(''));

describe('qrEncode', () => {
  // [text, expected version]: the smallest version whose level-M byte capacity holds 4 + 8 (16 from v10) bits + 8 per byte.
  const cases: [string, number][] = [
    ['https://edge.example/r/demo', 3], // 27 bytes: v2-M holds 28 codewords, 228 bits needed > 224
    ['HELLO', 1], // byte mode, although every character is alphanumeric
    ['https://picks.example.com/r/spring-sale-2026?utm_source=baidu&utm_medium=cpc&ref=v_0123456789abcdef', 6], // 99 bytes; v5-M holds 86
    ['x'.repeat(150), 8], // 150 bytes; v8-M holds 154
    [
      'https://edge.example/r/a-much-longer-campaign-slug?utm_source=wechat&utm_medium=social&utm_campaign=double-eleven&ref=v_1234567890abcdef&ch=group-share-7',
      9, // 153 bytes: 1236 bits > v8-M's 1232
    ],
    ['扫码打开小程序 · https://edge.example/r/demo', 4], // 52 UTF-8 bytes; v3-M holds 44
    ['x'.repeat(213), 10], // the most version 10-M holds
  ];

  it.each(cases)('matches the qrcode package module for module, at the expected version: %s (v%i)', (text, version) => {
    for (let mask = 0; mask < 8; mask++) {
      const mine = qrEncode(text, { mask });
      const ref = reference(text, mask);
      expect(mine.version).toBe(version);
      expect(ref.version).toBe(version);
      expect(mine.mask).toBe(mask);
      expect(mine.modules.length).toBe(17 + 4 * version);
      expect(rows(mine.modules)).toEqual(ref.rows);
    }
    // The automatic mask is uqr's lowest-penalty choice, which can differ from the package's (their penalty rules
    // differ): both are valid codes, so compare with the package drawing the same mask.
    const auto = qrEncode(text);
    expect(auto.version).toBe(version);
    expect(rows(auto.modules)).toEqual(reference(text, auto.mask).rows);
  });

  it('starts from minVersion, and refuses payloads over 10-M', () => {
    expect(qrEncode('HELLO', { minVersion: 4 }).version).toBe(4);
    expect(qrEncode('x'.repeat(100)).version).toBe(6);
    expect(() => qrEncode('x'.repeat(214))).toThrow(/214 bytes is too long/);
    expect(() => qrEncode('HELLO', { minVersion: QR_MAX_VERSION + 1 })).toThrow(RangeError);
  });

  it('encodes a lone surrogate as U+FFFD instead of throwing', () => {
    expect(rows(qrEncode('a\ud800b', { mask: 0 }).modules)).toEqual(rows(qrEncode('a\ufffdb', { mask: 0 }).modules));
  });

  it('adds a light border', () => {
    const plain = qrEncode('https://edge.example/r/demo');
    const framed = qrEncode('https://edge.example/r/demo', { border: 4 });
    expect(framed.modules.length).toBe(plain.modules.length + 8);
    expect(rows(framed.modules.slice(4, -4).map((row) => row.slice(4, -4)))).toEqual(rows(plain.modules));
    expect(framed.modules.flatMap((row, y) => row.filter((dark, x) => dark && (y < 4 || x < 4 || y >= 33 || x >= 33)))).toEqual([]);
  });
});

describe('qrSvg', () => {
  it('draws the modules as one path inside a quiet zone, crisp and sized', () => {
    const url = 'https://edge.example/r/demo';
    const svg = qrSvg(url);
    // Version 3 (29 modules) + 2×4 quiet modules = 37, × 6 px.
    expect(svg).toContain('width="222" height="222" viewBox="0 0 37 37" shape-rendering="crispEdges"');
    expect(svg).toContain(`<title>${url}</title>`);
    expect(svg.match(/<path /g)).toHaveLength(1);
    expect(svg.match(/<rect /g)).toHaveLength(1);
    // The path covers exactly the dark modules, all inside the quiet zone.
    const { modules } = qrEncode(url, { border: QR_QUIET_ZONE });
    const drawn = modules.map((row) => row.map(() => false));
    for (const [, x, y, w] of svg.matchAll(/M(\d+) (\d+)h(\d+)v1H\1z/g))
      for (let i = 0; i < Number(w); i++) drawn[Number(y)][Number(x) + i] = true;
    expect(rows(drawn)).toEqual(rows(modules));
    expect(drawn.flatMap((row, y) => row.filter((dark, x) => dark && (y < 4 || x < 4 || y >= 33 || x >= 33)))).toEqual([]);
  });

  it('has no script and escapes its title to ASCII (the page base64-encodes it with btoa)', () => {
    const svg = qrSvg('https://e.example/?q=</title><script>alert(1)</script>&"\'扫码\u0001');
    expect(svg).not.toMatch(/<script|\son\w+=/i);
    expect(svg.match(/<\/?title>/g)).toEqual(['<title>', '</title>']);
    expect(svg).toContain(
      '<title>https://e.example/?q=&#x3c;/title&#x3e;&#x3c;script&#x3e;alert(1)&#x3c;/script&#x3e;&#x26;&#x22;&#x27;&#x626b;&#x7801;&#xfffd;</title>',
    );
    expect(() => btoa(svg)).not.toThrow();
    expect(() => btoa(qrSvg('a\ud800b'))).not.toThrow();
  });
});
