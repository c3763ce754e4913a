import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TrainingEvent } from '../../schema/events.js';
import { SITE_ID_PATTERN } from '../../schema/ids.js';
import { InputError } from '../data/input-error.js';
import { wranglerCommand, wranglerMessage } from '../publish/kv-targets.js';
import { d1DatabaseName, resolveWranglerEnv, type WranglerEnv } from '../publish/wrangler-env.js';
import type { CommandIO } from './io.js';

/** One row of the D1 `events` table (worker/migrations), as `edgepick export` reads it. */
export interface EventRow {
  id: string;
  type: string;
  visitor_id: string;
  user_id: string | null;
  item_id: string;
  recommendation_id: string | null;
  placement: string | null;
  ref: string | null;
  quantity: number | null;
  price: number | null;
  client_ts: number | null;
  received_at: number;
  raw: string;
  channel: string | null;
}

/** Where the next page starts: after this (received_at, id); the first page starts after (-1, ''). */
export interface Cursor {
  receivedAt: number;
  id: string;
}

/** A site's events in D1, read a page at a time in (received_at, id) order. */
export interface EventSource {
  /** Up to `limit` rows after `after`, with client time (else receive time) ≥ `since` when given. */
  page(site: string, after: Cursor, since: number | undefined, limit: number): Promise<EventRow[]>;
  close(): Promise<void>;
}

const COLUMNS =
  'id, type, visitor_id, user_id, item_id, recommendation_id, placement, ref, quantity, price, client_ts, received_at, raw, channel';

/**
 * Keyset pagination over the `(site, received_at)` index and the `(site, id)` key: each page is
 * one bounded query, however many events the site has, and rows written between pages are
 * neither repeated nor skipped (they sort after the cursor).
 */
function pageSql(p: { site: string; after: string; afterId: string; since?: string; limit: number }): string {
  return (
    `SELECT ${COLUMNS} FROM events WHERE site = ${p.site} AND (received_at > ${p.after} OR (received_at = ${p.after} AND id > ${p.afterId}))` +
    `${p.since === undefined ? '' : ` AND COALESCE(client_ts, received_at) >= ${p.since}`} ORDER BY received_at, id LIMIT ${p.limit}`
  );
}

interface D1Like {
  prepare(sql: string): { bind(...values: unknown[]): { all<T>(): Promise<{ results: T[] }> } };
}

/** How a D1 failure names the database and the command that creates its tables. */
interface D1Place {
  mode: 'local' | 'remote';
  /** The database_name (or binding) `wrangler d1 migrations apply` takes. */
  database: string;
  /** `--env <name>`, or nothing. */
  envArgs: string[];
}

/**
 * The local D1 that `wrangler dev` uses (`.wrangler/state`, or `--persist-to dir` → `dir/v3`), through
 * wrangler's `getPlatformProxy`; `environment` opens `[env.<name>]`'s database (`wrangler dev --env`).
 */
export async function openLocalEvents(options: {
  config: string;
  binding: string;
  persistTo?: string;
  environment?: string;
  /** For the "no events table" hint: the database name (default: the binding). */
  database?: string;
}): Promise<EventSource> {
  let wrangler: typeof import('wrangler');
  try {
    wrangler = await import('wrangler');
  } catch {
    throw new InputError('export --local needs the `wrangler` package (npm install -D wrangler)');
  }
  const proxy = await wrangler.getPlatformProxy<Record<string, D1Like>>({
    configPath: options.config,
    ...(options.environment ? { environment: options.environment } : {}),
    ...(options.persistTo ? { persist: { path: join(options.persistTo, 'v3') } } : {}),
  });
  const db = proxy.env[options.binding];
  if (!db || typeof db.prepare !== 'function') {
    await proxy.dispose();
    const where = options.environment ? ` [env.${options.environment}]` : '';
    throw new InputError(`${options.config}${where} has no D1 binding named ${options.binding}`);
  }
  const place: D1Place = {
    mode: 'local',
    database: options.database ?? options.binding,
    envArgs: options.environment ? ['--env', options.environment] : [],
  };
  return {
    async page(site, after, since, limit) {
      const sql = pageSql({ site: '?1', after: '?2', afterId: '?3', since: since === undefined ? undefined : '?4', limit });
      const values = since === undefined ? [site, after.receivedAt, after.id] : [site, after.receivedAt, after.id, since];
      try {
        return (
          await db
            .prepare(sql)
            .bind(...values)
            .all<EventRow>()
        ).results;
      } catch (err) {
        throw d1Error((err as Error).message, place);
      }
    },
    close: () => proxy.dispose(),
  };
}

/**
 * D1 through `wrangler d1 execute <database> --config … [--env <name>] --remote --json --command "SELECT …"`:
 * `--remote` (a Cloudflare account: `wrangler login` or CLOUDFLARE_API_TOKEN, and the database id in
 * the wrangler config), or the local store (`{ persistTo }`), which the tests use to run this same
 * path. `database` is the `database_name` of the D1 binding in the environment `environment` selects
 * (`d1DatabaseName`). `--command` takes no parameters, so values are inlined as SQL literals: the
 * site id matches SITE_ID_PATTERN, numbers are integers, and the cursor id is quoted with '' doubled.
 */
export function wranglerEvents(options: {
  config: string;
  database: string;
  /** A wrangler environment (`--env`); the top level when undefined. */
  environment?: string;
  location: 'remote' | { persistTo?: string };
  env?: NodeJS.ProcessEnv;
}): EventSource {
  const env = options.env ?? process.env;
  const [command, ...prefix] = wranglerCommand(env);
  const where =
    options.location === 'remote'
      ? ['--remote']
      : ['--local', ...(options.location.persistTo ? ['--persist-to', options.location.persistTo] : [])];
  const envArgs = options.environment ? ['--env', options.environment] : [];
  const place: D1Place = { mode: options.location === 'remote' ? 'remote' : 'local', database: options.database, envArgs };
  const str = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const int = (n: number) => {
    if (!Number.isSafeInteger(n)) throw new InputError(`not an integer: ${n}`);
    return String(n);
  };
  return {
    async page(site, after, since, limit) {
      if (!SITE_ID_PATTERN.test(site)) throw new InputError(`invalid site id ${JSON.stringify(site)}`);
      const sql = pageSql({
        site: str(site),
        after: int(after.receivedAt),
        afterId: str(after.id),
        since: since === undefined ? undefined : int(since),
        limit: Number(int(limit)),
      });
      const args = [
        ...prefix,
        'd1',
        'execute',
        options.database,
        '--config',
        options.config,
        ...envArgs,
        ...where,
        '--json',
        '--command',
        sql,
      ];
      const res = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
      if (res.error)
        throw new InputError(
          `could not run ${[command, ...prefix].join(' ')} (${res.error.message}); install wrangler or set EDGEPICK_WRANGLER`,
        );
      const out = parseJsonOutput(res.stdout);
      if (res.status !== 0 || !Array.isArray(out)) {
        const message =
          (out as { error?: { text?: string } } | undefined)?.error?.text ?? `wrangler said:\n${wranglerMessage(res.stderr, res.stdout)}`;
        throw d1Error(message, place);
      }
      return (out[0] as { results?: EventRow[] } | undefined)?.results ?? [];
    },
    close: async () => {},
  };
}

function parseJsonOutput(stdout: string): unknown {
  const text = stdout.trim();
  try {
    return JSON.parse(text);
  } catch {
    // Anything wrangler printed before its JSON (a warning line) is skipped.
    const start = text.search(/^[[{]/m);
    if (start > 0) {
      try {
        return JSON.parse(text.slice(start));
      } catch {}
    }
    return undefined;
  }
}

function d1Error(message: string, { mode, database, envArgs }: D1Place): InputError {
  const env = envArgs.length ? ` ${envArgs.join(' ')}` : '';
  if (/no such table: events/.test(message))
    return new InputError(
      `the ${mode} D1 database has no events table: run \`wrangler d1 migrations apply ${database} --${mode}${env}\`${mode === 'local' ? ' (with the same --persist-to)' : ''} first`,
    );
  return new InputError(`reading events from ${mode} D1 ${database}${env ? ` (${env.trim()})` : ''} failed: ${message}`);
}

/**
 * `--since`: a date `YYYY-MM-DD` (midnight UTC) or an ISO 8601 time with a zone (`2026-01-05T08:00:00Z`),
 * as ms since the epoch.
 */
export function parseSince(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m) {
    const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    if (new Date(t).toISOString().slice(0, 10) === value) return t;
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    const t = Date.parse(value);
    if (Number.isFinite(t)) return t;
  }
  throw new InputError(`--since must be a date YYYY-MM-DD (or an ISO 8601 time with a zone), got ${JSON.stringify(value)}`);
}

/** One JSONL line: the event as the client sent it (`raw`) plus `receivedAt`; rebuilt from the columns if `raw` no longer parses. */
export function jsonLine(row: EventRow): string {
  let event: Record<string, unknown> | undefined;
  try {
    const raw = JSON.parse(row.raw);
    if (raw && typeof raw === 'object' && !Array.isArray(raw) && TrainingEvent.safeParse(raw).success) event = raw;
  } catch {}
  if (!event) {
    // The columns hold the validated fields: the same event without the fields this schema does not know.
    event = { id: row.id, type: row.type, visitorId: row.visitor_id, itemId: row.item_id };
    const optional = {
      userId: row.user_id,
      ts: row.client_ts,
      recommendationId: row.recommendation_id,
      placement: row.placement,
      channel: row.channel,
      ref: row.ref,
      quantity: row.quantity,
      price: row.price,
    };
    for (const [k, v] of Object.entries(optional)) if (v !== null && v !== undefined) event[k] = v;
  }
  return JSON.stringify({ ...event, receivedAt: row.received_at });
}

const csvField = (s: string) => (/[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** One CSV line `user,item,event,timestamp`: user = userId ?? visitorId, timestamp = client time ?? receive time (ms). */
export function csvLine(row: EventRow): string {
  return `${csvField(row.user_id ?? row.visitor_id)},${csvField(row.item_id)},${row.type},${row.client_ts ?? row.received_at}`;
}

export interface ExportResult {
  events: number;
  pages: number;
  format: 'jsonl' | 'csv';
  /** Earliest and latest receive time exported (ms). */
  firstReceivedAt: number;
  lastReceivedAt: number;
}

/**
 * Writes a site's events to `out` page by page (JSON lines, or CSV when `out` ends in `.csv`), via
 * a temporary file renamed at the end: a failed export leaves no partial file. Throws an
 * InputError when the site has no events (since `since`).
 */
export async function exportEvents(
  source: EventSource,
  options: { site: string; out: string; since?: number; pageSize?: number; onPage?: (events: number) => void },
): Promise<ExportResult> {
  const format = /\.csv$/i.test(options.out) ? 'csv' : 'jsonl';
  const line = format === 'csv' ? csvLine : jsonLine;
  const limit = options.pageSize ?? 10_000;
  const tmp = `${options.out}.${process.pid}.partial`;
  const file = await open(tmp, 'w');
  let done = false;
  try {
    if (format === 'csv') await file.write('user,item,event,timestamp\n');
    let after: Cursor = { receivedAt: -1, id: '' };
    let events = 0;
    let pages = 0;
    let first = Number.NaN;
    for (;;) {
      const rows = await source.page(options.site, after, options.since, limit);
      if (rows.length === 0) break;
      pages++;
      if (events === 0) first = rows[0].received_at;
      events += rows.length;
      await file.write(`${rows.map(line).join('\n')}\n`);
      const last = rows[rows.length - 1];
      after = { receivedAt: last.received_at, id: last.id };
      options.onPage?.(events);
      if (rows.length < limit) break;
    }
    if (events === 0) {
      const since = options.since === undefined ? '' : ` since ${new Date(options.since).toISOString()}`;
      throw new InputError(`site ${options.site} has no events${since} (wrong --site, or nothing recorded yet)`);
    }
    await file.close();
    await rename(tmp, options.out);
    done = true;
    return { events, pages, format, firstReceivedAt: first, lastReceivedAt: after.receivedAt };
  } finally {
    if (!done) {
      await file.close().catch(() => {});
      await rm(tmp, { force: true });
    }
  }
}

export const EXPORT_OPTIONS = {
  site: { type: 'string' },
  local: { type: 'boolean' },
  remote: { type: 'boolean' },
  since: { type: 'string' },
  out: { type: 'string' },
  config: { type: 'string', default: 'wrangler.toml' },
  env: { type: 'string' },
  'persist-to': { type: 'string' },
  binding: { type: 'string', default: 'DB' },
  'page-size': { type: 'string' },
} as const;

/** Checks the options `export` and `retrain` share; returns the site and `--since` in ms. */
export function checkSource(command: string, values: { site?: string; local?: boolean; remote?: boolean; since?: string; config: string }) {
  if (!values.site) throw new InputError(`${command} needs --site <id>`);
  if (!SITE_ID_PATTERN.test(values.site))
    throw new InputError(`--site must be 1–63 lowercase letters, digits and dashes, got ${JSON.stringify(values.site)}`);
  if (values.local && values.remote) throw new InputError('choose one of --local and --remote');
  if (!existsSync(values.config))
    throw new InputError(`wrangler config not found: ${values.config} (run from the project root or pass --config)`);
  return { site: values.site, since: values.since === undefined ? undefined : parseSince(values.since) };
}

/**
 * Opens the events of `--local` (getPlatformProxy) or `--remote` (wrangler d1 execute), in the D1
 * database bound as `binding` in the target environment (`resolveWranglerEnv`).
 */
export async function openEvents(
  values: { remote?: boolean; config: string; binding: string; 'persist-to'?: string },
  target: WranglerEnv,
): Promise<EventSource> {
  const database = d1DatabaseName(target, values.binding);
  return values.remote
    ? wranglerEvents({ config: values.config, database, environment: target.name, location: 'remote' })
    : openLocalEvents({
        config: values.config,
        binding: values.binding,
        persistTo: values['persist-to'],
        environment: target.name,
        database,
      });
}

/**
 * `edgepick export --site <id> (--local|--remote) [--env <name>] [--since <date>] --out <file>
 *  [--persist-to dir] [--config wrangler.toml] [--binding DB]`
 */
export async function runExport(argv: string[], io: CommandIO): Promise<ExportResult> {
  const { values, positionals } = parseArgs({ args: argv, options: EXPORT_OPTIONS, strict: true, allowPositionals: true });
  if (positionals.length) throw new InputError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const { site, since } = checkSource('export', values);
  if (!values.local && !values.remote)
    throw new InputError('export needs --local (wrangler dev’s D1) or --remote (your Cloudflare account)');
  if (!values.out) throw new InputError('export needs --out <file> (.jsonl, or .csv for user,item,event,timestamp)');
  let pageSize: number | undefined;
  if (values['page-size'] !== undefined) {
    pageSize = Number(values['page-size']);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100_000)
      throw new InputError(`--page-size must be an integer in 1..100000, got ${JSON.stringify(values['page-size'])}`);
  }
  const target = await resolveWranglerEnv({ config: values.config, env: values.env });
  const where = `${values.remote ? 'remote D1' : 'local D1'}${target.label}`;
  const source = await openEvents(values, target);
  try {
    const res = await exportEvents(source, {
      site,
      out: values.out,
      since,
      pageSize,
      onPage: (n) => io.stderr(`${io.isTTY ? '\r' : ''}read ${n} events${io.isTTY ? '' : '\n'}`),
    });
    if (io.isTTY) io.stderr('\n');
    const span = `${new Date(res.firstReceivedAt).toISOString()} … ${new Date(res.lastReceivedAt).toISOString()}`;
    io.stdout(`wrote ${res.events} events of site ${site} from ${where} (received ${span}) to ${values.out} (${res.format})\n`);
    return res;
  } finally {
    await source.close();
  }
}
