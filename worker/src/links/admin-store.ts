import { LinkDefinition } from '../../../schema/routing.js';
import { ApiError, invalid } from '../http/errors.js';
import { putLink, removeLink } from './kv-store.js';

/** D1 + KV persistence for links: each change is a version row + audit row, then the KV compile. */
export interface Actor {
  subject: string;
}

interface VersionRow {
  slug: string;
  version: number;
  site: string;
  definition: string;
  created_at: number;
  created_by: string;
  note: string | null;
}

export async function currentLink(db: D1Database, site: string, slug: string) {
  const row = await db
    .prepare(
      'SELECT l.current_version AS version, v.definition, l.updated_at FROM links l JOIN link_versions v ON v.slug = l.slug AND v.version = l.current_version WHERE l.slug = ?1 AND l.site = ?2 AND l.deleted = 0',
    )
    .bind(slug, site)
    .first<{ version: number; definition: string; updated_at: number }>();
  if (!row) throw new ApiError('not_found', `no link ${JSON.stringify(slug)} on site ${site}`);
  const parsed = LinkDefinition.safeParse(JSON.parse(row.definition));
  if (!parsed.success)
    throw invalid(
      parsed.error,
      `current version ${row.version} of link ${slug} (it no longer passes today's checks; PUT a corrected definition)`,
    );
  return { version: row.version, updatedAt: new Date(row.updated_at).toISOString(), link: parsed.data };
}

export async function listLinks(db: D1Database, site: string) {
  const { results } = await db
    .prepare(
      'SELECT l.slug, l.current_version AS version, l.updated_at, v.definition FROM links l JOIN link_versions v ON v.slug = l.slug AND v.version = l.current_version WHERE l.site = ?1 AND l.deleted = 0 ORDER BY l.slug',
    )
    .bind(site)
    .all<{ slug: string; version: number; updated_at: number; definition: string }>();
  return results.map((r) => {
    const def = JSON.parse(r.definition) as { name?: string; rules?: unknown[] };
    return {
      slug: r.slug,
      version: r.version,
      name: def.name,
      rules: def.rules?.length ?? 0,
      updatedAt: new Date(r.updated_at).toISOString(),
    };
  });
}

export async function listVersions(db: D1Database, site: string, slug: string) {
  const { results } = await db
    .prepare('SELECT version, created_at, created_by, note FROM link_versions WHERE slug = ?1 AND site = ?2 ORDER BY version DESC')
    .bind(slug, site)
    .all<VersionRow>();
  if (!results.length) throw new ApiError('not_found', `no link ${JSON.stringify(slug)} on site ${site}`);
  return results.map((r) => ({
    version: r.version,
    createdAt: new Date(r.created_at).toISOString(),
    createdBy: r.created_by,
    note: r.note ?? undefined,
  }));
}

export async function getVersion(db: D1Database, site: string, slug: string, version: number): Promise<LinkDefinition> {
  const row = await db
    .prepare('SELECT definition FROM link_versions WHERE slug = ?1 AND site = ?2 AND version = ?3')
    .bind(slug, site, version)
    .first<{ definition: string }>();
  if (!row) throw new ApiError('not_found', `link ${slug} has no version ${version}`);
  // A version saved under older, weaker rules may no longer validate: refuse it, never a 500.
  const parsed = LinkDefinition.safeParse(JSON.parse(row.definition));
  if (!parsed.success) throw invalid(parsed.error, `stored version ${version} of link ${slug} (it no longer passes today's checks)`);
  return parsed.data;
}

/**
 * Writes a new version (create, update or rollback) atomically in D1 — link row, version row,
 * audit row in one batch — then compiles it to KV for `/r/:slug`.
 */
export async function saveVersion(
  db: D1Database,
  kv: KVNamespace,
  site: string,
  link: LinkDefinition,
  actor: Actor,
  action: 'create' | 'update' | 'rollback',
  note?: string,
): Promise<{ version: number }> {
  const existing = await db
    .prepare('SELECT site, current_version, deleted FROM links WHERE slug = ?1')
    .bind(link.slug)
    .first<{ site: string; current_version: number; deleted: number }>();
  if (existing && existing.site !== site) throw new ApiError('conflict', `slug ${link.slug} is taken by another site`);
  if (action === 'create' && existing && !existing.deleted) throw new ApiError('conflict', `link ${link.slug} exists; PUT to change it`);
  if (action !== 'create' && (!existing || existing.deleted))
    throw new ApiError('not_found', `no link ${JSON.stringify(link.slug)} on site ${site}`);
  // The audit row says what changed: the paths that differ from the version being replaced.
  if (action !== 'create' && existing) {
    const prev = await db
      .prepare('SELECT definition FROM link_versions WHERE slug = ?1 AND version = ?2')
      .bind(link.slug, existing.current_version)
      .first<{ definition: string }>();
    const paths = prev ? jsonDiff(JSON.parse(prev.definition), link).map((d) => d.path) : [];
    const changed = paths.length ? `changed: ${paths.slice(0, 20).join(', ')}${paths.length > 20 ? ', …' : ''}` : 'no changes';
    note = note ? `${note}; ${changed}` : changed;
  }
  const now = Date.now();
  const definition = JSON.stringify(link);
  // One transaction (a D1 batch), with the version number computed inside it: concurrent writers
  // get contiguous versions and never collide on (slug, version). A create inserts the links row
  // first, so a concurrent create of the same slug fails on its primary key and rolls back whole.
  const first =
    action === 'create' && !existing
      ? db
          .prepare('INSERT INTO links (slug, site, current_version, deleted, created_at, updated_at) VALUES (?1, ?2, 0, 0, ?3, ?3)')
          .bind(link.slug, site, now)
      : db.prepare('UPDATE links SET updated_at = ?3 WHERE slug = ?1 AND site = ?2').bind(link.slug, site, now);
  let results: D1Result[];
  try {
    results = await db.batch([
      first,
      db
        .prepare(
          'INSERT INTO link_versions (slug, version, site, definition, created_at, created_by, note) SELECT ?1, COALESCE(MAX(version), 0) + 1, ?2, ?3, ?4, ?5, ?6 FROM link_versions WHERE slug = ?1',
        )
        .bind(link.slug, site, definition, now, actor.subject, note ?? null),
      db
        .prepare(
          'UPDATE links SET current_version = (SELECT MAX(version) FROM link_versions WHERE slug = ?1), deleted = 0, updated_at = ?2 WHERE slug = ?1',
        )
        .bind(link.slug, now),
      db
        .prepare(
          'INSERT INTO audit (site, at, actor, action, slug, version, detail) SELECT ?1, ?2, ?3, ?4, ?5, MAX(version), ?6 FROM link_versions WHERE slug = ?5',
        )
        .bind(site, now, actor.subject, action, link.slug, note ?? null),
      db.prepare('SELECT MAX(version) AS v FROM link_versions WHERE slug = ?1').bind(link.slug),
    ]);
  } catch (e) {
    if (/UNIQUE constraint failed: links\.slug/.test(String((e as Error).message)))
      throw new ApiError('conflict', `link ${link.slug} exists; PUT to change it`);
    throw e;
  }
  const version = (results[4].results[0] as { v: number }).v;
  await putLink(kv, { site, version, publishedAt: new Date(now).toISOString(), link }, () => currentVersion(db, link.slug));
  return { version };
}

/** The slug's current version in D1 (the source of truth KV converges to). */
async function currentVersion(db: D1Database, slug: string): Promise<number | null> {
  const row = await db
    .prepare('SELECT current_version AS v, deleted FROM links WHERE slug = ?1')
    .bind(slug)
    .first<{ v: number; deleted: number }>();
  return row && !row.deleted ? row.v : null;
}

export async function deleteLink(db: D1Database, kv: KVNamespace, site: string, slug: string, actor: Actor) {
  const res = await db
    .prepare('UPDATE links SET deleted = 1, updated_at = ?3 WHERE slug = ?1 AND site = ?2 AND deleted = 0')
    .bind(slug, site, Date.now())
    .run();
  if (!res.meta.changes) throw new ApiError('not_found', `no link ${JSON.stringify(slug)} on site ${site}`);
  await db
    .prepare('INSERT INTO audit (site, at, actor, action, slug) VALUES (?1, ?2, ?3, ?4, ?5)')
    .bind(site, Date.now(), actor.subject, 'delete', slug)
    .run();
  await removeLink(kv, slug);
}

export async function auditLog(db: D1Database, site: string, slug?: string) {
  const stmt = slug
    ? db
        .prepare('SELECT at, actor, action, slug, version, detail FROM audit WHERE site = ?1 AND slug = ?2 ORDER BY id DESC LIMIT 200')
        .bind(site, slug)
    : db.prepare('SELECT at, actor, action, slug, version, detail FROM audit WHERE site = ?1 ORDER BY id DESC LIMIT 200').bind(site);
  const { results } = await stmt.all<{
    at: number;
    actor: string;
    action: string;
    slug: string | null;
    version: number | null;
    detail: string | null;
  }>();
  return results.map((r) => ({
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    slug: r.slug ?? undefined,
    version: r.version ?? undefined,
    note: r.detail ?? undefined,
  }));
}

/** Paths whose values differ between two JSON documents (for `diff`). */
export function jsonDiff(a: unknown, b: unknown, path: string[] = [], out: { path: string; from?: unknown; to?: unknown }[] = []) {
  if (JSON.stringify(a) === JSON.stringify(b)) return out;
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) jsonDiff(a[k], b[k], [...path, k], out);
    return out;
  }
  out.push({ path: path.join('.') || '(root)', ...(a === undefined ? {} : { from: a }), ...(b === undefined ? {} : { to: b }) });
  return out;
}
