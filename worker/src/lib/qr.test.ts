import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { qrMatrix, qrSvg } from './qr.js';

/** The reference matrix from the `qrcode` npm package (dev dependency only). */
function reference(text: string, version: number, mask: number): boolean[][] {
  // Byte mode throughout (the package would otherwise pick numeric/alphanumeric segments).
  const q = QRCode.create([{ data: new TextEncoder().encode(text), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
    version,
    maskPattern: mask as QRCode.QRCodeMaskPattern,
  });
  const n = q.modules.size;
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => q.modules.get(r, c) === 1));
}

describe('qrMatrix', () => {
  const cases: [string, number][] = [
    ['https://edge.example/r/demo', 2],
    ['HELLO', 1],
    ['https://picks.example.com/r/spring-sale-2026?utm_source=baidu&utm_medium=cpc&ref=v_0123456789abcdef', 5],
    ['x'.repeat(150), 8],
    [
      'https://edge.example/r/a-much-longer-campaign-slug?utm_source=wechat&utm_medium=social&utm_campaign=double-eleven&ref=v_1234567890abcdef&ch=group-share-7',
      7,
    ],
    ['扫码打开小程序 · https://edge.example/r/demo', 3],
  ];
  it.each(cases)('matches the qrcode package module for module: %s', (text) => {
    for (const mask of [0, 3, 5, 7]) {
      const mine = qrMatrix(text, { mask });
      const ref = reference(text, (mine.length - 17) / 4, mask);
      expect(mine.length).toBe(ref.length);
      expect(mine.map((row) => row.map((x) => (x ? 1 : 0)).join(''))).toEqual(ref.map((row) => row.map((x) => (x ? 1 : 0)).join('')));
    }
  });

  it('picks the smallest version that fits, and refuses payloads over 10-M', () => {
    expect(qrMatrix('HELLO').length).toBe(21);
    expect(qrMatrix('x'.repeat(100)).length).toBe(17 + 4 * 6);
    expect(() => qrMatrix('x'.repeat(214))).toThrow(/too long/);
  });

  it('draws an SVG without scripts, with a quiet zone', () => {
    const svg = qrSvg('https://edge.example/r/demo');
    // 27 bytes need version 3 (29 modules) + 2×4 quiet modules = 37, × 6 px.
    expect(qrMatrix('https://edge.example/r/demo').length).toBe(29);
    expect(svg).toContain('width="222" height="222" viewBox="0 0 37 37"');
    expect(svg).not.toMatch(/<script/);
  });
});
