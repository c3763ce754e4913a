import type { Principal } from '../sites/auth.js';
import { findActiveKey, isKeyActive } from '../sites/sites-store.js';
import { safeEqual, tokenHash } from '../sites/tokens.js';

/** Console sessions: D1 rows keyed by the SHA-256 of a random cookie value; no token is ever kept. */

/** The session cookie: HttpOnly, Secure, SameSite=Strict, Path=/console. */
export const SESSION_COOKIE = 'ep_console';
/** A session ends this long after its last request… */
export const SESSION_IDLE_MS = 2 * 3_600_000;
/** …and at the latest this long after sign-in. */
export const SESSION_MAX_MS = 12 * 3_600_000;
/** `last_seen_at` is written at most this often. */
const TOUCH_MS = 5 * 60_000;

export interface Session {
  principal: Principal;
  /** The CSRF token every change must carry (form field `_csrf` or header `X-CSRF-Token`). */
  csrf: string;
  expiresAt: number;
}

const random = (bytes = 32) => {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...b))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
};

/**
 * Who a token is, for signing in: the owner token (every site), or an active developer or
 * marketer key (from D1, the source of truth). A public key, a revoked or unknown token → null.
 */
export async function principalForToken(
  db: D1Database,
  ownerToken: string | undefined,
  token: string,
): Promise<Principal | 'public' | null> {
  if (ownerToken && safeEqual(token, ownerToken)) return { subject: 'admin-token', role: 'admin', sites: '*' };
  const row = await findActiveKey(db, token);
  if (!row) return null;
  if (row.role === 'public') return 'public';
  return { subject: `key:${row.id}`, role: row.role, sites: [row.site] };
}

/** Starts a session; returns the cookie value (shown to the browser only). */
export async function createSession(db: D1Database, principal: Principal, now = Date.now()): Promise<{ cookie: string; session: Session }> {
  const cookie = random();
  const csrf = random(24);
  const expiresAt = now + SESSION_IDLE_MS;
  await db
    .prepare(
      'INSERT INTO console_sessions (id_hash, subject, role, site, csrf, created_at, last_seen_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)',
    )
    .bind(
      await tokenHash(cookie),
      principal.subject,
      principal.role,
      principal.sites === '*' ? null : principal.sites[0],
      csrf,
      now,
      expiresAt,
    )
    .run();
  return { cookie, session: { principal, csrf, expiresAt } };
}

/**
 * The session of a cookie value, or null when unknown, expired (idle or absolute), or its key was
 * revoked since sign-in. Slides the idle expiry.
 */
export async function readSession(db: D1Database, cookie: string | undefined, now = Date.now()): Promise<Session | null> {
  if (!cookie || cookie.length > 100) return null;
  const hash = await tokenHash(cookie);
  const row = await db
    .prepare('SELECT subject, role, site, csrf, created_at, last_seen_at, expires_at FROM console_sessions WHERE id_hash = ?1')
    .bind(hash)
    .first<{
      subject: string;
      role: Principal['role'];
      site: string | null;
      csrf: string;
      created_at: number;
      last_seen_at: number;
      expires_at: number;
    }>();
  if (!row) return null;
  const active = !row.subject.startsWith('key:') || (await isKeyActive(db, row.subject.slice(4)));
  if (row.expires_at <= now || row.created_at + SESSION_MAX_MS <= now || !active) {
    await db.prepare('DELETE FROM console_sessions WHERE id_hash = ?1').bind(hash).run();
    return null;
  }
  let expiresAt = row.expires_at;
  if (now - row.last_seen_at > TOUCH_MS) {
    expiresAt = Math.min(now + SESSION_IDLE_MS, row.created_at + SESSION_MAX_MS);
    await db.prepare('UPDATE console_sessions SET last_seen_at = ?2, expires_at = ?3 WHERE id_hash = ?1').bind(hash, now, expiresAt).run();
  }
  return {
    principal: { subject: row.subject, role: row.role, sites: row.site === null ? '*' : [row.site] },
    csrf: row.csrf,
    expiresAt,
  };
}

/** Ends a session (sign out). */
export async function deleteSession(db: D1Database, cookie: string | undefined): Promise<void> {
  if (!cookie || cookie.length > 100) return;
  await db
    .prepare('DELETE FROM console_sessions WHERE id_hash = ?1')
    .bind(await tokenHash(cookie))
    .run();
}

/** Drops expired sessions (the cron). */
export async function purgeSessions(db: D1Database, now = Date.now()): Promise<void> {
  await db.prepare('DELETE FROM console_sessions WHERE expires_at <= ?1').bind(now).run();
}

/** A fresh random value for the sign-in form's CSRF cookie (double submit, before any session). */
export const newCsrf = () => random(24);
