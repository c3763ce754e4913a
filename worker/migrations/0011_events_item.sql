-- A site's events of given items (cold-start feedback: worker/src/recommend/explore-stats.ts counts the
-- impressions and clicks of the live catalog's products; 10× fewer rows read than the time index).
CREATE INDEX IF NOT EXISTS events_site_item ON events (site, item_id, received_at);
-- Today's shares per site (social proof: worker/src/referrals/share-counts.ts).
CREATE INDEX IF NOT EXISTS events_shares ON events (site, received_at) WHERE type = 'share';
