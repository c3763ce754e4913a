import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { InputError } from '../data/input-error.js';
import type { KvTarget } from './publish.js';

/** The slice of a Workers KV binding that publishing uses (the runtime types are not loaded in Node code). */
/** The few KV binding methods the CLI uses on the local state. */
export interface KvBinding {
  get(key: string, type: 'text'): Promise<string | null>;
  get(key: string, type: 'arrayBuffer'): Promise<ArrayBuffer | null>;
  put(key: string, value: string | Uint8Array): Promise<void>;
}

/**
 * The local KV that `wrangler dev` serves (persisted under `.wrangler/state/v3` by default),
 * opened through wrangler's `getPlatformProxy` — the same Miniflare storage, no HTTP in between.
 */
export async function openLocalKv(options: {
  config: string;
  persistTo?: string;
  binding: string;
  environment?: string;
}): Promise<KvTarget & { close(): Promise<void> }> {
  const { ns, close } = await openLocalKvBinding(options, 'publish --local');
  return { get: (key) => ns.get(key, 'text'), put: (key, value) => ns.put(key, value), close };
}

/**
 * A KV binding of the local state `wrangler dev` serves, through wrangler's `getPlatformProxy`
 * (`--persist-to dir` means what it means to `wrangler dev`: state lives in dir/v3). `environment`
 * selects `[env.<name>]`'s binding, as `wrangler dev --env <name>` does (its own namespace id, so
 * its own local storage). `purpose` names the command in the error when wrangler is missing.
 */
export async function openLocalKvBinding(
  options: { config: string; persistTo?: string; binding: string; environment?: string },
  purpose: string,
) {
  let wrangler: typeof import('wrangler');
  try {
    wrangler = await import('wrangler');
  } catch {
    throw new InputError(`${purpose} needs the \`wrangler\` package (npm install -D wrangler)`);
  }
  const proxy = await wrangler.getPlatformProxy<Record<string, KvBinding>>({
    configPath: options.config,
    ...(options.environment ? { environment: options.environment } : {}),
    ...(options.persistTo ? { persist: { path: join(options.persistTo, 'v3') } } : {}),
  });
  const ns = proxy.env[options.binding];
  if (!ns) {
    await proxy.dispose();
    const where = options.environment ? ` [env.${options.environment}]` : '';
    throw new InputError(`${options.config}${where} has no KV binding named ${options.binding}`);
  }
  return { ns, close: () => proxy.dispose() };
}

/**
 * A real Cloudflare account's KV through `wrangler kv key get|put --remote` (needs `wrangler login`
 * or CLOUDFLARE_API_TOKEN, and the namespace's `id` in the wrangler config). Each call is
 *
 *     wrangler kv key get <key> --binding PACKS --config wrangler.toml [--env <name>] --remote --preview false
 *     wrangler kv key put <key> --path <file> --binding PACKS --config wrangler.toml [--env <name>] --remote --preview false
 *
 * `--env` (`environment`) resolves the binding in `[env.<name>]` of the config. `--preview false`
 * selects the namespace `id`: wrangler refuses a binding that has both `id` and `preview_id` (as this
 * repo's top level) without it, and takes the `id` of a binding that has only one (as its
 * `[env.production]`). Values go through a temporary file
 * (`--path`), so binary chunks up to the 25 MiB limit are uploaded unchanged; `get` reads the raw
 * value from stdout. A failure throws an InputError: one line naming the command, then wrangler's
 * own message. A missing key (wrangler: "404: Not Found") reads as null.
 *
 * wrangler is `$EDGEPICK_WRANGLER` when set, else the first `wrangler` on PATH (npm scripts and
 * `npx edgepick` put the project's own there), else `npx wrangler`.
 */
export function remoteKv(options: {
  config: string;
  binding: string;
  /** A wrangler environment (`--env`); the top level when undefined. */
  environment?: string;
  env?: NodeJS.ProcessEnv;
}): KvTarget & { getBytes(key: string): Promise<Uint8Array | null>; close(): Promise<void> } {
  const env = options.env ?? process.env;
  const [command, ...prefix] = wranglerCommand(env);
  const dir = mkdtempSync(join(tmpdir(), 'edgepick-publish-'));
  // wrangler's debug log goes to stdout, where `get` prints the value: keep the log level at most `log`.
  const childEnv = env.WRANGLER_LOG === 'debug' ? { ...env, WRANGLER_LOG: 'log' } : env;
  const run = (args: string[]) => {
    const argv = [
      ...prefix,
      'kv',
      'key',
      ...args,
      '--binding',
      options.binding,
      '--config',
      options.config,
      ...(options.environment ? ['--env', options.environment] : []),
      '--remote',
      '--preview',
      'false',
    ];
    const res = spawnSync(command, argv, { env: childEnv, maxBuffer: 64 * 1024 * 1024 });
    if (res.error)
      throw new InputError(
        `could not run ${[command, ...prefix].join(' ')} (${res.error.message}); install wrangler or set EDGEPICK_WRANGLER`,
      );
    return { status: res.status, stdout: res.stdout, stderr: res.stderr.toString('utf8'), out: res.stdout.toString('utf8') };
  };
  const fail = (op: string, key: string, res: { status: number | null; stderr: string; out: string }) =>
    new InputError(
      `wrangler kv key ${op} ${key} failed (exit ${res.status ?? 'signal'}); wrangler said:\n${wranglerMessage(res.stderr, res.out)}`,
    );
  let n = 0;
  /** The raw value (binary chunks byte for byte); null for a missing key. */
  const getBytes = async (key: string): Promise<Uint8Array | null> => {
    const res = run(['get', key]);
    if (res.status === 0) return new Uint8Array(res.stdout);
    if (/ - 404:/.test(res.stderr)) return null; // a missing key: "Failed to fetch … - 404: Not Found"
    throw fail('get', key, res);
  };
  return {
    getBytes,
    async get(key) {
      const bytes = await getBytes(key);
      return bytes === null ? null : new TextDecoder().decode(bytes);
    },
    async put(key, value) {
      const file = join(dir, `v${n++}`);
      writeFileSync(file, value);
      try {
        const res = run(['put', key, '--path', file]);
        if (res.status !== 0) throw fail('put', key, res);
      } finally {
        rmSync(file, { force: true });
      }
    },
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The wrangler to run: `$EDGEPICK_WRANGLER`, else `wrangler` on PATH, else `npx wrangler`. */
export function wranglerCommand(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.EDGEPICK_WRANGLER) return [env.EDGEPICK_WRANGLER];
  const names = process.platform === 'win32' ? ['wrangler.cmd', 'wrangler.exe'] : ['wrangler'];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const file = join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        if (statSync(file).isFile()) return [file];
      } catch {}
    }
  }
  return ['npx', 'wrangler'];
}

/**
 * What wrangler printed about a failure, without colours, its banner and the "Logs were written"
 * line: its `[ERROR]` message and what follows it (at most 12 lines).
 */
export function wranglerMessage(stderr: string, stdout = ''): string {
  const clean = (s: string) =>
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes
      .replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')
      .split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => l.trim() && !/Logs were written to|^\s*⛅️ wrangler|^[─-]+$|^Resource location:/.test(l.trim()));
  let lines = clean(stderr);
  if (!lines.length) lines = clean(stdout);
  const error = lines.findIndex((l) => /\[ERROR\]/.test(l));
  if (error >= 0) lines = lines.slice(error);
  const text = lines
    .slice(0, 12)
    .map((l) => `  ${l.replace(/^\s*✘\s*/, '').trim()}`)
    .join('\n');
  return text || '  (nothing on stderr)';
}
