import type { KeyRole } from '../../../schema/sites.js';

/** Token prefixes per role: a leaked token says at a glance what it opens (and secret scanners can match it). */
const PREFIX: Record<KeyRole, string> = { public: 'ep_pub_', developer: 'ep_dev_', marketer: 'ep_mkt_' };

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** A new secret token for `role`: the role's prefix and 192 random bits (base64url). */
export function newToken(role: KeyRole): string {
  return PREFIX[role] + base64url(crypto.getRandomValues(new Uint8Array(24)));
}

/** A new key id (`key_` + 12 hex digits): public, safe to log and show. */
export function newKeyId(): string {
  return `key_${hex(crypto.getRandomValues(new Uint8Array(6)))}`;
}

/** SHA-256 of a token, hex: what D1 and KV store instead of the token. */
export async function tokenHash(token: string): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))));
}

/** Whether a string has the shape of one of our tokens (cheap check before any lookup). */
export const looksLikeToken = (s: string) => /^ep_(pub|dev|mkt)_[A-Za-z0-9_-]{32}$/.test(s);

/** Constant-time comparison of two strings (no early exit on the first differing byte). */
export function safeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
