import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { QR_MAX_VERSION, QR_PNG_MAX_PIXELS_PER_MODULE, QR_QUIET_ZONE, qrEncode, qrPng, qrSvg } from './qr.js';

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

/** Bitwise CRC-32 (no table), written independently of qr.ts's table-driven one. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (c ^ 0xffffffff) >>> 0;
}

interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  chunkTypes: string[];
  zlib: Uint8Array;
  /** Rows of pixels, true = black. */
  pixels: boolean[][];
}

/** A strict decoder for what qrPng writes: checks the signature and every CRC, inflates the IDATs, un-filters. */
async function decodePng(png: Uint8Array): Promise<DecodedPng> {
  expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    expect(at + 12 + length, `${type} overruns the file`).toBeLessThanOrEqual(png.length);
    expect(view.getUint32(at + 8 + length), `${type} CRC`).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    chunks.push({ type, data });
    at += 12 + length;
  }
  const chunkTypes = chunks.map((c) => c.type);
  expect(chunkTypes[0]).toBe('IHDR');
  expect(chunkTypes.at(-1)).toBe('IEND');
  expect(chunks.at(-1)!.data.length).toBe(0);

  const ihdr = new DataView(chunks[0].data.buffer, chunks[0].data.byteOffset, 13);
  expect(chunks[0].data.length).toBe(13);
  const [width, height] = [ihdr.getUint32(0), ihdr.getUint32(4)];
  const [bitDepth, colorType, compression, filter, interlace] = chunks[0].data.subarray(8);
  expect([compression, filter, interlace]).toEqual([0, 0, 0]);
  expect(bitDepth === 1 || bitDepth === 8).toBe(true);
  expect(colorType).toBe(0); // grayscale

  const idats = chunks.filter((c) => c.type === 'IDAT').map((c) => c.data);
  const zlib = new Uint8Array(idats.reduce((sum, d) => sum + d.length, 0));
  idats.reduce((at, d) => (zlib.set(d, at), at + d.length), 0);
  const raw = new Uint8Array(await new Response(new Blob([zlib]).stream().pipeThrough(new DecompressionStream('deflate'))).arrayBuffer());

  const stride = 1 + Math.ceil((width * bitDepth) / 8);
  expect(raw.length).toBe(stride * height);
  // Filter type 0 (none) is all qrPng writes, so un-filtering is reading the bytes after each row's filter byte.
  expect(Array.from({ length: height }, (_, y) => raw[y * stride]).filter((f) => f !== 0)).toEqual([]);
  const white = (1 << bitDepth) - 1;
  const grey: string[] = [];
  const pixels: boolean[][] = [];
  for (let y = 0; y < height; y++) {
    const line = raw.subarray(y * stride + 1, (y + 1) * stride);
    const row: boolean[] = new Array(width);
    for (let x = 0; x < width; x++) {
      const value = bitDepth === 1 ? (line[x >> 3] >> (7 - (x & 7))) & 1 : line[x];
      if (value !== 0 && value !== white) grey.push(`${x},${y}`);
      row[x] = value === 0;
    }
    pixels.push(row);
  }
  expect(grey.slice(0, 10), 'pixels neither black nor white').toEqual([]);
  return { width, height, bitDepth, colorType, chunkTypes, zlib, pixels };
}

describe('qrPng', () => {
  it("has a CRC-32 that agrees with the standard check value and PNG's IEND", () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
  });

  it.each([
    ['https://edge.example/r/demo', 8],
    ['https://edge.example/r/demo', 1], // width 37: rows end in padding bits
    ['https://picks.example.com/r/spring-sale-2026?utm_source=baidu&utm_medium=cpc&ref=v_0123456789abcdef', 3],
    ['扫码打开小程序 · https://edge.example/r/demo', 5],
    ['x'.repeat(213), QR_PNG_MAX_PIXELS_PER_MODULE],
  ])('draws every module of %s as a %i-px block, black exactly where qrEncode says dark', async (text, ppm) => {
    const png = await qrPng(text, ppm);
    const { width, height, bitDepth, colorType, chunkTypes, zlib, pixels } = await decodePng(png);
    const { modules } = qrEncode(text, { border: QR_QUIET_ZONE });
    const n = modules.length;
    expect(n).toBe(qrEncode(text).modules.length + 2 * QR_QUIET_ZONE);
    expect([width, height, bitDepth, colorType]).toEqual([n * ppm, n * ppm, 1, 0]);
    expect(chunkTypes).toEqual(['IHDR', 'IDAT', 'IEND']);
    // zlib (RFC 1950) framing, not raw deflate: CM = 8, header check bits.
    expect(zlib[0] & 0x0f).toBe(8);
    expect(((zlib[0] << 8) | zlib[1]) % 31).toBe(0);
    const wrong: string[] = [];
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const [my, mx] = [Math.floor(y / ppm), Math.floor(x / ppm)];
        if (pixels[y][x] !== modules[my][mx]) wrong.push(`${x},${y}`);
      }
    expect(wrong.slice(0, 10)).toEqual([]);
    // The quiet zone is white, and the code does have black pixels (a finder pattern's corner).
    const q = QR_QUIET_ZONE * ppm;
    expect(pixels.some((row, y) => row.some((black, x) => black && (y < q || x < q || y >= height - q || x >= width - q)))).toBe(false);
    expect(pixels[q][q]).toBe(true);
  });

  it('is bigger for a longer text', async () => {
    const short = await decodePng(await qrPng('https://edge.example/r/demo'));
    const long = await decodePng(await qrPng(`https://edge.example/r/demo?${'x'.repeat(60)}`)); // 88 bytes
    expect(short.width).toBe((29 + 8) * 8); // version 3
    expect(long.width).toBe((41 + 8) * 8); // version 6
  });

  it("defaults to 8 px per module and matches qrSvg's frame", async () => {
    const url = 'https://edge.example/r/demo';
    const { width } = await decodePng(await qrPng(url));
    expect(qrSvg(url, 8)).toContain(`width="${width}" height="${width}" viewBox="0 0 37 37"`);
  });

  it('refuses a bad pixelsPerModule or a payload over 10-M', async () => {
    for (const ppm of [0, -1, 1.5, QR_PNG_MAX_PIXELS_PER_MODULE + 1, Number.NaN, Number.POSITIVE_INFINITY])
      await expect(qrPng('https://edge.example/r/demo', ppm)).rejects.toThrow(RangeError);
    await expect(qrPng('x'.repeat(214))).rejects.toThrow(/214 bytes is too long/);
  });
});
