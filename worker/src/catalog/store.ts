import { type CatalogItem, LiveCatalogBucket, type LiveCatalogMeta } from '../../../schema/catalog.js';
import { kvKeys } from '../../../schema/pack-manifest.js';
import { ApiError } from '../http/errors.js';
import { fnv1a32 } from '../lib/fnv.js';

/**
 * Hash buckets of the live catalog in KV. 64 buckets keep 1M products of ~300 bytes at ~5 MB per
 * value, a fifth of the 25 MiB KV limit; a write recompiles only the buckets it touched.
 */
export const CATALOG_BUCKETS = 64;

/** The bucket of an item id (FNV-1a, stable across runtimes and deploys). */
export const bucketOfItem = (id: string) => fnv1a32(id) % CATALOG_BUCKETS;

/** Stores items in D1 (upsert by id), then recompiles their buckets to KV. */
export async function upsertItems(db: D1Database, kv: KVNamespace, site: string, items: CatalogItem[]): Promise<void> {
  const now = Date.now();
  const stmt = db.prepare(
    'INSERT INTO catalog_items (site, id, bucket, item, deleted, updated_at) VALUES (?1, ?2, ?3, ?4, 0, ?5) ON CONFLICT (site, id) DO UPDATE SET item = ?4, deleted = 0, updated_at = ?5',
  );
  // D1 batches are transactions; 100 statements per batch keeps each one small.
  for (let i = 0; i < items.length; i += 100)
    await db.batch(items.slice(i, i + 100).map((it) => stmt.bind(site, it.id, bucketOfItem(it.id), JSON.stringify(it), now)));
  await compile(db, kv, site, new Set(items.map((it) => bucketOfItem(it.id))));
}

/** Marks an item deleted (it also hides the pack's own catalog row); 404 when the catalog API never had it. */
export async function deleteItem(db: D1Database, kv: KVNamespace, site: string, id: string): Promise<void> {
  const res = await db
    .prepare('UPDATE catalog_items SET deleted = 1, updated_at = ?3 WHERE site = ?1 AND id = ?2 AND deleted = 0')
    .bind(site, id, Date.now())
    .run();
  if (!res.meta.changes) {
    // An item only the pack's catalog knows can be deleted too: record a tombstone.
    const inserted = await db
      .prepare(
        'INSERT INTO catalog_items (site, id, bucket, item, deleted, updated_at) VALUES (?1, ?2, ?3, ?4, 1, ?5) ON CONFLICT (site, id) DO NOTHING',
      )
      .bind(site, id, bucketOfItem(id), JSON.stringify({ id, title: '' }), Date.now())
      .run();
    if (!inserted.meta.changes) throw new ApiError('item_not_found', `item ${JSON.stringify(id.slice(0, 128))} is already deleted`);
  }
  await compile(db, kv, site, new Set([bucketOfItem(id)]));
}

/** Rewrites the given buckets from D1, then the meta with a new version (readers reload on change). */
async function compile(db: D1Database, kv: KVNamespace, site: string, buckets: Set<number>): Promise<void> {
  for (const b of buckets) {
    const { results } = await db
      .prepare('SELECT id, item, deleted FROM catalog_items WHERE site = ?1 AND bucket = ?2 ORDER BY id')
      .bind(site, b)
      .all<{ id: string; item: string; deleted: number }>();
    const bucket: LiveCatalogBucket = { items: [], deleted: [] };
    for (const r of results) {
      if (r.deleted) bucket.deleted.push(r.id);
      else bucket.items.push(JSON.parse(r.item));
    }
    await kv.put(kvKeys.liveCatalogBucket(site, b), JSON.stringify(LiveCatalogBucket.parse(bucket)));
  }
  const meta: LiveCatalogMeta = { version: `${Date.now()}-${crypto.randomUUID().slice(0, 8)}`, buckets: CATALOG_BUCKETS };
  await kv.put(kvKeys.liveCatalog(site), JSON.stringify(meta));
}
