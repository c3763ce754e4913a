import { applyD1Migrations, env } from 'cloudflare:test';

type Migrations = Parameters<typeof applyD1Migrations>[1];

// The same migrations `wrangler d1 migrations apply` runs (read in vitest.config.mts); idempotent.
await applyD1Migrations(env.DB, (env as unknown as { TEST_MIGRATIONS: Migrations }).TEST_MIGRATIONS);
