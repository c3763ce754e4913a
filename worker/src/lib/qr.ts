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
