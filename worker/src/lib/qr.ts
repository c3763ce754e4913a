/**
 * QR codes for the desktop page, encoded by `uqr` (dependency-free, runs in workerd) and drawn here as SVG.
 * Always byte mode (the text's UTF-8 bytes), error correction level M, versions 1–10: up to 213 bytes, plenty
 * for a short link, and a denser code would not scan well in the page's 222-px image.
 * Checked module-for-module against the `qrcode` npm package in qr.test.ts.
 */
import { encode } from 'uqr';

export const QR_MAX_VERSION = 10;
/** Light modules around the drawn code (the standard asks for 4). */
export const QR_QUIET_ZONE = 4;

export interface QrOptions {
  /** Force a mask (0–7); by default uqr's lowest-penalty one. */
  mask?: number;
  /** The smallest version to consider (1–10); by default 1, i.e. the smallest that fits. */
  minVersion?: number;
  /** Light modules added on each side (default 0). */
  border?: number;
}

export interface QrCode {
  version: number;
  mask: number;
  /** Rows of modules, border included; true = dark. */
  modules: boolean[][];
}

/** Encodes `text` (as UTF-8). Throws a RangeError if it exceeds version 10-M (213 bytes). */
export function qrEncode(text: string, options: QrOptions = {}): QrCode {
  // Bytes rather than the string: given a string, uqr picks numeric or alphanumeric mode when every character
  // allows it (so "HELLO" would differ from byte mode), and its UTF-8 conversion (encodeURI) throws on a lone
  // surrogate, which TextEncoder turns into U+FFFD.
  const bytes = Array.from(new TextEncoder().encode(text));
  try {
    const qr = encode(bytes, {
      ecc: 'M',
      boostEcc: false, // stay at M even when a higher level would fit the same version
      minVersion: options.minVersion ?? 1,
      maxVersion: QR_MAX_VERSION,
      maskPattern: options.mask ?? -1,
      border: options.border ?? 0,
    });
    return { version: qr.version, mask: qr.maskPattern, modules: qr.data };
  } catch (err) {
    if (err instanceof RangeError && err.message === 'Data too long') {
      throw new RangeError(`QR payload of ${bytes.length} bytes is too long (max 213 at version 10-M)`);
    }
    throw err;
  }
}

/** Text for an XML title, ASCII only (the page base64-encodes the SVG with btoa, which refuses other characters). */
function escapeXml(text: string): string {
  return text.replace(/[^\x20-\x7e]|[&<>"']/gu, (ch) => {
    const cp = ch.codePointAt(0)!;
    // Control characters and lone surrogates cannot appear in XML, even as references.
    const ok = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && (cp < 0xd800 || cp > 0xdfff) && cp !== 0xfffe && cp !== 0xffff);
    return `&#x${(ok ? cp : 0xfffd).toString(16)};`;
  });
}

/**
 * An SVG of the code with a 4-module quiet zone, titled with its text: the dark modules are one path of
 * horizontal runs, crisp at any size.
 */
export function qrSvg(text: string, pixelsPerModule = 6): string {
  const { modules } = qrEncode(text, { border: QR_QUIET_ZONE });
  const n = modules.length;
  let d = '';
  modules.forEach((row, y) => {
    for (let x = 0; x < n; x++) {
      if (!row[x]) continue;
      let end = x + 1;
      while (end < n && row[end]) end++;
      d += `M${x} ${y}h${end - x}v1H${x}z`;
      x = end;
    }
  });
  const px = n * pixelsPerModule;
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${px}" height="${px}" viewBox="0 0 ${n} ${n}" shape-rendering="crispEdges"><title>${escapeXml(text)}</title><rect width="${n}" height="${n}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`;
}

/** Bounds for qrPng's pixels per module: 32 × (57 + 8) modules at version 10 is a 2080-px image. */
export const QR_PNG_MAX_PIXELS_PER_MODULE = 32;

/** CRC-32 (ISO-HDLC, reflected polynomial 0xedb88320) as PNG chunks use it, byte-table driven. */
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** One PNG chunk: length, type, data, CRC-32 of type + data. */
function pngChunk(type: string, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) chunk[4 + i] = type.charCodeAt(i);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * A PNG of the code with the same quiet zone as qrSvg, `pixelsPerModule` (an integer, 1–32) pixels per module.
 * 1-bit grayscale (0 = black, 1 = white): a QR code has only two colours, so this is lossless, every PNG decoder
 * must read it, and the scanlines are an eighth of 8-bit grayscale's before compression (smaller after it too).
 * One IDAT, filter type 0 (none) on every row, compressed by the runtime's CompressionStream('deflate'), which
 * is the zlib format (RFC 1950) PNG requires. Rejects with a RangeError for a bad pixelsPerModule or a payload
 * over 10-M.
 */
export async function qrPng(text: string, pixelsPerModule = 8): Promise<Uint8Array<ArrayBuffer>> {
  const ppm = pixelsPerModule;
  if (!Number.isInteger(ppm) || ppm < 1 || ppm > QR_PNG_MAX_PIXELS_PER_MODULE) {
    throw new RangeError(`pixelsPerModule must be an integer from 1 to ${QR_PNG_MAX_PIXELS_PER_MODULE}, got ${ppm}`);
  }
  const { modules } = qrEncode(text, { border: QR_QUIET_ZONE });
  const size = modules.length * ppm;
  const stride = 1 + Math.ceil(size / 8); // filter byte + packed pixels, most significant bit first

  // Each module row is one scanline (white bits set, padding bits left 0), repeated ppm times.
  const raw = new Uint8Array(stride * size);
  modules.forEach((row, my) => {
    const line = raw.subarray(my * ppm * stride, (my * ppm + 1) * stride);
    for (let x = 0; x < size; x++) if (!row[Math.floor(x / ppm)]) line[1 + (x >> 3)] |= 0x80 >>> (x & 7);
    for (let k = 1; k < ppm; k++) raw.copyWithin((my * ppm + k) * stride, my * ppm * stride, (my * ppm + 1) * stride);
  });
  const zlib = new Uint8Array(await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream('deflate'))).arrayBuffer());

  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, size); // width
  view.setUint32(4, size); // height
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, colour type 0 (grayscale), deflate, adaptive filtering, no interlace

  const parts = [Uint8Array.from(PNG_SIGNATURE), pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib), pngChunk('IEND', new Uint8Array(0))];
  const png = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of parts) png.set(p, offset), (offset += p.length);
  return png;
}
