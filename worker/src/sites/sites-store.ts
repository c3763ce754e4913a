import { SiteConfig } from '../../../schema/catalog.js';
import { kvKeys } from '../../../schema/pack-manifest.js';
import type { CreateSiteRequest, KeyInfo, KeyRole, NewKey, PatchSiteRequest, SiteInfo, TokenGrant } from '../../../schema/sites.js';
import { ApiError } from '../http/errors.js';
import { newKeyId, newToken, tokenHash } from './tokens.js';

/**
 * D1 access for sites and keys, and their compile to KV (`site/{site}/config`, `token/{sha256}`):
 * D1 is the source of truth, KV what requests read. Tokens are stored as SHA-256 only.
 */

interface SiteRow {
  id: string;
  name: string;
  config: string;
  created_at: number;
  updated_at: number;
}

const iso = (t: number) => new Date(t).toISOString();

function info(row: SiteRow): SiteInfo {
  const c = SiteConfig.parse(JSON.parse(row.config));
  return {
    id: row.id,
    name: row.name,
    allowedOrigins: c.allowedOrigins,
    linkHosts: c.linkHosts,
    currency: c.currency,
    ...(c.publicOrigin ? { publicOrigin: c.publicOrigin } : {}),
    ...(c.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: c.utcOffsetMinutes } : {}),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** Every site created through the API, by id (the console's site list for the owner). */
export async function listSites(db: D1Database): Promise<SiteInfo[]> {
  const { results } = await db.prepare('SELECT id, name, config, created_at, updated_at FROM sites ORDER BY id LIMIT 1000').all<SiteRow>();
  return results.map(info);
}

/** Creates a site with one key per role; 409 when the id is taken (or reserved for the demo). */
export async function createSite(
  db: D1Database,
  kv: KVNamespace,
  req: CreateSiteRequest,
  actor: string,
  reserved: string[] = [],
): Promise<{ site: SiteInfo; keys: Record<KeyRole, NewKey> }> {
  if (reserved.includes(req.id)) throw new ApiError('conflict', `site id ${req.id} is reserved`);
  const config: SiteConfig = SiteConfig.parse({ ...req, requireKey: true });
  const now = Date.now();
  const made = await Promise.all(
    (['public', 'developer', 'marketer'] as const).map((role) => makeKey(req.id, role, undefined, actor, now)),
  );
  try {
    await db.batch([
      db
        .prepare('INSERT INTO sites (id, name, config, created_at, updated_at, created_by) VALUES (?1, ?2, ?3, ?4, ?4, ?5)')
        .bind(req.id, req.name, JSON.stringify(config), now, actor),
      ...made.map((k) => insertKey(db, k.row)),
    ]);
  } catch (e) {
    if (/UNIQUE constraint failed: sites\.id/.test(String((e as Error).message))) throw new ApiError('conflict', `site ${req.id} exists`);
    throw e;
  }
  await kv.put(kvKeys.config(req.id), JSON.stringify(config));
  await Promise.all(made.map((k) => kv.put(kvKeys.token(k.row.hash), JSON.stringify(k.grant))));
  const site = await getSite(db, req.id);
  return { site: site!, keys: { public: made[0].key, developer: made[1].key, marketer: made[2].key } };
}

/** The site, or null when it was never created through the API. */
export async function getSite(db: D1Database, id: string): Promise<SiteInfo | null> {
  const row = await db.prepare('SELECT id, name, config, created_at, updated_at FROM sites WHERE id = ?1').bind(id).first<SiteRow>();
  return row ? info(row) : null;
}

/** Changes settings, recompiles the KV config; 404 when the site was not created through the API. */
export async function patchSite(db: D1Database, kv: KVNamespace, id: string, patch: PatchSiteRequest): Promise<SiteInfo> {
  const row = await db.prepare('SELECT id, name, config, created_at, updated_at FROM sites WHERE id = ?1').bind(id).first<SiteRow>();
  if (!row) throw new ApiError('site_not_found', `site ${id} was not created through the admin API`);
  const { name, ...settings } = patch;
  const config = SiteConfig.parse({ ...JSON.parse(row.config), ...settings });
  const now = Date.now();
  await db
    .prepare('UPDATE sites SET name = ?2, config = ?3, updated_at = ?4 WHERE id = ?1')
    .bind(id, name ?? row.name, JSON.stringify(config), now)
    .run();
  await kv.put(kvKeys.config(id), JSON.stringify(config));
  return info({ ...row, name: name ?? row.name, config: JSON.stringify(config), updated_at: now });
}

/** A new key for a site created through the API. */
export async function createKey(
  db: D1Database,
  kv: KVNamespace,
  site: string,
  role: KeyRole,
  label: string | undefined,
  actor: string,
): Promise<NewKey> {
  if (!(await getSite(db, site))) throw new ApiError('site_not_found', `site ${site} was not created through the admin API`);
  const k = await makeKey(site, role, label, actor, Date.now());
  await insertKey(db, k.row).run();
  await kv.put(kvKeys.token(k.row.hash), JSON.stringify(k.grant));
  return k.key;
}

/** The active (not revoked) key a token belongs to, or null: for signing in to the console. */
export async function findActiveKey(db: D1Database, token: string): Promise<{ id: string; site: string; role: KeyRole } | null> {
  return db
    .prepare('SELECT id, site, role FROM site_keys WHERE hash = ?1 AND revoked_at IS NULL')
    .bind(await tokenHash(token))
    .first<{ id: string; site: string; role: KeyRole }>();
}

/** Whether a key exists and is not revoked (a console session ends with its key). */
export async function isKeyActive(db: D1Database, id: string): Promise<boolean> {
  return (await db.prepare('SELECT 1 AS ok FROM site_keys WHERE id = ?1 AND revoked_at IS NULL').bind(id).first()) !== null;
}

/** Every key of a site, newest first; never a secret. */
export async function listKeys(db: D1Database, site: string): Promise<KeyInfo[]> {
  const { results } = await db
    .prepare('SELECT id, role, label, hint, created_at, created_by, revoked_at FROM site_keys WHERE site = ?1 ORDER BY created_at DESC, id')
    .bind(site)
    .all<{
      id: string;
      role: KeyRole;
      label: string | null;
      hint: string;
      created_at: number;
      created_by: string;
      revoked_at: number | null;
    }>();
  return results.map((r) => ({
    id: r.id,
    role: r.role,
    ...(r.label ? { label: r.label } : {}),
    hint: r.hint,
    createdAt: iso(r.created_at),
    createdBy: r.created_by,
    ...(r.revoked_at ? { revokedAt: iso(r.revoked_at) } : {}),
  }));
}

/** Revokes a key: marked in D1, its grant deleted from KV. 404 for an unknown or already revoked key. */
export async function revokeKey(db: D1Database, kv: KVNamespace, site: string, id: string): Promise<void> {
  const row = await db
    .prepare('SELECT hash FROM site_keys WHERE id = ?1 AND site = ?2 AND revoked_at IS NULL')
    .bind(id, site)
    .first<{ hash: string }>();
  if (!row) throw new ApiError('not_found', `no active key ${JSON.stringify(id.slice(0, 64))} on site ${site}`);
  await db.prepare('UPDATE site_keys SET revoked_at = ?2 WHERE id = ?1').bind(id, Date.now()).run();
  await kv.delete(kvKeys.token(row.hash));
}

interface KeyRowInput {
  id: string;
  site: string;
  role: KeyRole;
  label: string | null;
  hash: string;
  hint: string;
  created_at: number;
  created_by: string;
}

async function makeKey(site: string, role: KeyRole, label: string | undefined, actor: string, now: number) {
  const token = newToken(role);
  const id = newKeyId();
  const row: KeyRowInput = {
    id,
    site,
    role,
    label: label ?? null,
    hash: await tokenHash(token),
    hint: token.slice(-4),
    created_at: now,
    created_by: actor,
  };
  const grant: TokenGrant = { site, role, keyId: id };
  const key: NewKey = { id, role, ...(label ? { label } : {}), token };
  return { row, grant, key };
}

function insertKey(db: D1Database, r: KeyRowInput) {
  return db
    .prepare('INSERT INTO site_keys (id, site, role, label, hash, hint, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)')
    .bind(r.id, r.site, r.role, r.label, r.hash, r.hint, r.created_at, r.created_by);
}
