-- Products managed through the catalog API (PUT /v1/admin/sites/:site/items). Each write is
-- compiled to KV in hash buckets (site/{site}/catalog-live/{bucket}) so a large catalog stays far
-- under the 25 MiB value limit.
CREATE TABLE IF NOT EXISTS catalog_items (
  site TEXT NOT NULL,
  id TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  item TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (site, id)
);
CREATE INDEX IF NOT EXISTS catalog_items_bucket ON catalog_items (site, bucket);
