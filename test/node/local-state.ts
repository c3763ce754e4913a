import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { getPlatformProxy } from 'wrangler';
import { main } from '../../models/cli.js';
import type { CommandIO } from '../../models/commands/io.js';

// A real local Cloudflare state for node tests: a `--persist-to` folder with the D1 migrations
// applied by wrangler, events inserted through getPlatformProxy's D1 binding (the storage
// `wrangler dev` and `edgepick export --local` use), and the CLI run in-process.

export const root = new URL('../..', import.meta.url).pathname;

/** Another wrangler config than the repository's, and an environment of it (`--env`). */
export interface StateTarget {
  config?: string;
  env?: string;
  /** The D1 database_name in that config and environment (default `edgepick`). */
  database?: string;
}

/** `wrangler d1 migrations apply edgepick --local --persist-to <state>` (`[--config c] [--env e]`). */
export function applyMigrations(state: string, target: StateTarget = {}): void {
  const res = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/wrangler/bin/wrangler.js'),
      'd1',
      'migrations',
      'apply',
      target.database ?? 'edgepick',
      '--local',
      '--persist-to',
      state,
      ...(target.config ? ['--config', target.config] : []),
      ...(target.env ? ['--env', target.env] : []),
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' } },
  );
  if (res.status !== 0) throw new Error(`migrations failed: ${res.stderr}${res.stdout}`);
}

/** An event as the test inserts it: the SDK's fields plus the worker's receive time. */
export interface TestEvent {
  id: string;
  type: string;
  visitorId: string;
  userId?: string;
  itemId: string;
  ts?: number;
  receivedAt: number;
  channel?: string;
  placement?: string;
  /** Stored as `raw` instead of the event's JSON (an event stored by an older schema). */
  raw?: string;
}

interface D1 {
  prepare(sql: string): unknown;
  batch(statements: unknown[]): Promise<unknown>;
}

/** Inserts events into the local D1 `events` table the way the worker's store does (raw = the event as sent). */
export async function insertEvents(state: string, site: string, events: TestEvent[], target: StateTarget = {}): Promise<void> {
  const proxy = await getPlatformProxy<{ DB: D1 }>({
    configPath: target.config ?? join(root, 'wrangler.toml'),
    ...(target.env ? { environment: target.env } : {}),
    persist: { path: join(state, 'v3') },
  });
  try {
    const db = proxy.env.DB;
    // Multi-row INSERTs with literal values: D1 binds at most 100 parameters per statement, and
    // one statement per event through the proxy is slow (~3 ms each, a minute for the retrain test).
    const lit = (v: string | number | null | undefined) =>
      v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;
    // D1 takes statements of at most 100 KB: 150 events (~300 bytes each) per INSERT, ten INSERTs per batch.
    const statements = [];
    for (let i = 0; i < events.length; i += 150) {
      const values = events
        .slice(i, i + 150)
        .map(({ receivedAt, raw, ...e }) =>
          [site, e.id, e.type, e.visitorId, e.userId, e.itemId, e.ts, receivedAt, raw ?? JSON.stringify(e), e.channel].map(lit).join(', '),
        );
      statements.push(
        db.prepare(
          `INSERT INTO events (site, id, type, visitor_id, user_id, item_id, client_ts, received_at, raw, channel) VALUES (${values.join('), (')}) ON CONFLICT (site, id) DO NOTHING`,
        ),
      );
    }
    for (let i = 0; i < statements.length; i += 10) await db.batch(statements.slice(i, i + 10));
  } finally {
    await proxy.dispose();
  }
}

/** Runs `edgepick …` in-process; returns the exit code and what it printed. */
export async function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), isTTY: false };
  const status = await main(args, io);
  return { status, stdout, stderr };
}

/** Demo-data interaction rows (`user,item,event,timestamp`), in file order (by time). */
export function parseDemoCsv(text: string): { user: string; item: string; event: string; timestamp: number }[] {
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [user, item, event, timestamp] = l.split(',');
      return { user, item, event, timestamp: Number(timestamp) };
    });
}
