/**
 * A small QR Code encoder (ISO/IEC 18004): byte mode, error correction level M, versions 1–10
 * (up to 213 bytes — plenty for a short link). Returns the module matrix; `qrSvg` draws it.
 * Checked module-for-module against the `qrcode` npm package in qr.test.ts.
 */

// Level M: [data codewords per block, block count] groups and EC codewords per block, versions 1–10.
const BLOCKS_M: [groups: [number, number][], ec: number][] = [
  [[[16, 1]], 10],
  [[[28, 1]], 16],
  [[[44, 1]], 26],
  [[[32, 2]], 18],
  [[[43, 2]], 24],
  [[[27, 4]], 16],
  [[[31, 4]], 18],
  [
    [
      [38, 2],
      [39, 2],
    ],
    22,
  ],
  [
    [
      [36, 3],
      [37, 2],
    ],
    22,
  ],
  [
    [
      [43, 4],
      [44, 1],
    ],
    26,
  ],
];
const ALIGN: number[][] = [[], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50]];

// GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i++) {
  EXP[i] = x;
  LOG[x] = i;
  x <<= 1;
  if (x & 0x100) x ^= 0x11d;
}
for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
const mul = (a: number, b: number) => (a && b ? EXP[LOG[a] + LOG[b]] : 0);

function rsGenerator(n: number): Uint8Array {
  let g = new Uint8Array([1]);
  for (let i = 0; i < n; i++) {
    const next = new Uint8Array(g.length + 1);
    for (let j = 0; j < g.length; j++) {
      next[j] ^= g[j];
      next[j + 1] ^= mul(g[j], EXP[i]);
    }
    g = next;
  }
  return g;
}

function rsRemainder(data: Uint8Array, n: number): Uint8Array {
  const gen = rsGenerator(n);
  const buf = new Uint8Array(data.length + n);
  buf.set(data);
  for (let i = 0; i < data.length; i++) {
    const f = buf[i];
    if (f) for (let j = 0; j < gen.length; j++) buf[i + j] ^= mul(gen[j], f);
  }
  return buf.slice(data.length);
}

const dataCapacity = (v: number) => BLOCKS_M[v - 1][0].reduce((s, [n, c]) => s + n * c, 0);

/** Codewords for `bytes` at version `v`: byte-mode bit stream, padding, RS blocks, interleaving. */
function codewords(bytes: Uint8Array, v: number): Uint8Array {
  const cap = dataCapacity(v);
  const bits: number[] = [];
  const put = (value: number, len: number) => {
    for (let i = len - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  put(0b0100, 4);
  put(bytes.length, v < 10 ? 8 : 16);
  for (const b of bytes) put(b, 8);
  put(0, Math.min(4, cap * 8 - bits.length));
  while (bits.length % 8) bits.push(0);
  const data = new Uint8Array(cap);
  for (let i = 0; i < bits.length / 8; i++) for (let j = 0; j < 8; j++) data[i] = (data[i] << 1) | bits[i * 8 + j];
  for (let i = bits.length / 8, pad = 0; i < cap; i++, pad ^= 1) data[i] = pad ? 0x11 : 0xec;
  const [groups, ec] = BLOCKS_M[v - 1];
  const blocks: Uint8Array[] = [];
  let off = 0;
  for (const [n, count] of groups) for (let c = 0; c < count; c++, off += n) blocks.push(data.subarray(off, off + n));
  const ecs = blocks.map((b) => rsRemainder(b, ec));
  const out: number[] = [];
  const longest = Math.max(...blocks.map((b) => b.length));
  for (let i = 0; i < longest; i++) for (const b of blocks) if (i < b.length) out.push(b[i]);
  for (let i = 0; i < ec; i++) for (const e of ecs) out.push(e[i]);
  return Uint8Array.from(out);
}

const MASKS: ((r: number, c: number) => boolean)[] = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_r, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

function bch(value: number, poly: number, polyBits: number): number {
  let v = value << (polyBits - 1);
  for (let i = 31 - Math.clz32(v); i >= polyBits - 1; i--) if (v & (1 << i)) v ^= poly << (i - polyBits + 1);
  return v;
}

/** Builds the matrix for version `v` and mask `mask`. */
function build(bytes: Uint8Array, v: number, mask: number): boolean[][] {
  const size = 17 + 4 * v;
  const m: boolean[][] = Array.from({ length: size }, () => new Array(size).fill(false));
  const fixed: boolean[][] = Array.from({ length: size }, () => new Array(size).fill(false));
  const set = (r: number, c: number, dark: boolean) => {
    m[r][c] = dark;
    fixed[r][c] = true;
  };
  for (const [r0, c0] of [
    [0, 0],
    [0, size - 7],
    [size - 7, 0],
  ]) {
    for (let r = -1; r <= 7; r++)
      for (let c = -1; c <= 7; c++) {
        const rr = r0 + r;
        const cc = c0 + c;
        if (rr < 0 || cc < 0 || rr >= size || cc >= size) continue;
        const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3));
        set(rr, cc, r >= 0 && r <= 6 && c >= 0 && c <= 6 && ring !== 2);
      }
  }
  for (let i = 8; i < size - 8; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  const align = ALIGN[v - 1];
  const last = align.length - 1;
  for (let i = 0; i <= last; i++)
    for (let j = 0; j <= last; j++) {
      // The three corners hold finder patterns.
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) continue;
      const r = align[i];
      const c = align[j];
      for (let dr = -2; dr <= 2; dr++) for (let dc = -2; dc <= 2; dc++) set(r + dr, c + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
    }
  // Format information (EC level M = 00), BCH(15,5), masked with 0x5412.
  const format = (bch(mask, 0x537, 11) | (mask << 10)) ^ 0x5412;
  placeFormat(m, fixed, format, size);
  if (v >= 7) {
    const info = bch(v, 0x1f25, 13) | (v << 12);
    for (let i = 0; i < 18; i++) {
      const bit = ((info >> i) & 1) === 1;
      const a = Math.floor(i / 3);
      const b = (i % 3) + size - 11;
      set(a, b, bit);
      set(b, a, bit);
    }
  }
  // Data, in the zigzag order, masked.
  const data = codewords(bytes, v);
  let bit = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let vert = 0; vert < size; vert++) {
      for (let j = 0; j < 2; j++) {
        const c = right - j;
        const upward = ((right + 1) & 2) === 0;
        const r = upward ? size - 1 - vert : vert;
        if (fixed[r][c]) continue;
        let dark = bit < data.length * 8 ? ((data[bit >>> 3] >>> (7 - (bit & 7))) & 1) === 1 : false;
        bit++;
        if (MASKS[mask](r, c)) dark = !dark;
        m[r][c] = dark;
      }
    }
  }
  return m;
}

/** The 15 format bits in both copies (ISO 18004 §7.9): bit 0 is the least significant. */
function placeFormat(m: boolean[][], fixed: boolean[][], format: number, size: number) {
  const set = (r: number, c: number, dark: boolean) => {
    m[r][c] = dark;
    fixed[r][c] = true;
  };
  for (let i = 0; i < 15; i++) {
    const dark = ((format >> i) & 1) === 1;
    // Copy 1: column 8 (bits 0–7 top-down, skipping the timing row) and row 8 (bits 8–14 right-to-left).
    if (i < 6) set(i, 8, dark);
    else if (i < 8) set(i + 1, 8, dark);
    else if (i === 8) set(8, 7, dark);
    else set(8, 14 - i, dark);
    // Copy 2: row 8 from the right (bits 0–7), column 8 from the bottom (bits 8–14).
    if (i < 8) set(8, size - 1 - i, dark);
    else set(size - 15 + i, 8, dark);
  }
  set(size - 8, 8, true);
}

/** ISO 18004 penalty (N1–N4); the mask with the lowest score is used. */
function penalty(m: boolean[][]): number {
  const n = m.length;
  let score = 0;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      let run = 1;
      for (let j = 1; j <= n; j++) {
        const same = j < n && (pass ? m[j][i] === m[j - 1][i] : m[i][j] === m[i][j - 1]);
        if (same) run++;
        else {
          if (run >= 5) score += 3 + run - 5;
          run = 1;
        }
      }
      for (let j = 0; j + 10 < n; j++) {
        const at = (k: number) => (pass ? m[j + k][i] : m[i][j + k]);
        const p = [true, false, true, true, true, false, true];
        const core = p.every((x, k) => at(k) === x);
        if (core && [7, 8, 9, 10].every((k) => !at(k))) score += 40;
        const core2 = p.every((x, k) => at(k + 4) === x);
        if (core2 && [0, 1, 2, 3].every((k) => !at(k))) score += 40;
      }
    }
  }
  for (let r = 0; r + 1 < n; r++)
    for (let c = 0; c + 1 < n; c++) if (m[r][c] === m[r + 1][c] && m[r][c] === m[r][c + 1] && m[r][c] === m[r + 1][c + 1]) score += 3;
  let dark = 0;
  for (const row of m) for (const x of row) if (x) dark++;
  score += Math.floor(Math.abs((dark * 20) / (n * n) - 10)) * 10;
  return score;
}

export interface QrOptions {
  /** Force a mask (0–7); by default the lowest-penalty one. */
  mask?: number;
  /** Force a version (1–10); by default the smallest that fits. */
  version?: number;
}

/** Encodes `text` (UTF-8) as a QR matrix (true = dark). Throws if it exceeds version 10-M (213 bytes). */
export function qrMatrix(text: string, options: QrOptions = {}): boolean[][] {
  const bytes = new TextEncoder().encode(text);
  let v = options.version ?? 1;
  while (v <= 10 && dataCapacity(v) * 8 < 4 + (v < 10 ? 8 : 16) + bytes.length * 8) v++;
  if (v > 10) throw new RangeError(`QR payload of ${bytes.length} bytes is too long (max 213 at version 10-M)`);
  if (options.mask !== undefined) return build(bytes, v, options.mask);
  let best: boolean[][] | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask < 8; mask++) {
    const m = build(bytes, v, mask);
    const s = penalty(m);
    if (s < bestScore) {
      best = m;
      bestScore = s;
    }
  }
  return best!;
}

/** An SVG of the code with a 4-module quiet zone, drawn as one path (crisp at any size). */
export function qrSvg(text: string, pixelsPerModule = 6): string {
  const m = qrMatrix(text);
  const n = m.length + 8;
  let d = '';
  for (let r = 0; r < m.length; r++) for (let c = 0; c < m.length; c++) if (m[r][c]) d += `M${c + 4} ${r + 4}h1v1h-1z`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${n * pixelsPerModule}" height="${n * pixelsPerModule}" viewBox="0 0 ${n} ${n}" shape-rendering="crispEdges"><rect width="${n}" height="${n}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`;
}
