-- Merchandising rules per site × placement (worker/src/merchandising). D1 is the source of truth;
-- KV `site/{site}/placement-rules/{placement}` holds the copy every request reads.
CREATE TABLE IF NOT EXISTS placement_rules (
  site TEXT NOT NULL,
  placement TEXT NOT NULL,
  version INTEGER NOT NULL,
  rules TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (site, placement)
);
