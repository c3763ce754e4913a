/** FNV-1a 32-bit offset basis and prime (Fowler–Noll–Vo; the IETF draft-eastlake-fnv). */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** Feeds `text`'s UTF-16 code units into an FNV-1a state (so callers can hash joined strings without joining them). */
export function fnvFeed(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h;
}

/**
 * FNV-1a, 32-bit, over the UTF-16 code units of `text`: small, fast and stable across runtimes,
 * so a visitor lands in the same split bucket on every edge and after every deploy.
 */
export function fnv1a32(text: string): number {
  return fnvFeed(FNV_OFFSET, text) >>> 0;
}
