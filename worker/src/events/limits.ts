/**
 * Per-visitor event limit: wrangler.toml's `EVENTS_VISITOR_LIMIT` binding allows 30 batches per
 * visitor (site × visitorId) per 10 s per Cloudflare location (at most 3,000 events). These constants
 * document it (openapi, Retry-After); test/node/wrangler-env.test.ts checks they match wrangler.toml.
 */
export const EVENTS_VISITOR_LIMIT = 30;
export const EVENTS_VISITOR_PERIOD_S = 10;
