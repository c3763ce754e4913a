import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../data/input-error.js';
import type { KvTarget } from './publish.js';

/** The slice of a Workers KV binding that publishing uses (the runtime types are not loaded in Node code). */
interface KvBinding {
  get(key: string, type: 'text'): Promise<string | null>;
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
}): Promise<KvTarget & { close(): Promise<void> }> {
  let wrangler: typeof import('wrangler');
  try {
    wrangler = await import('wrangler');
  } catch {
    throw new InputError('publish --local needs the `wrangler` package (npm install -D wrangler)');
  }
  const proxy = await wrangler.getPlatformProxy<Record<string, KvBinding>>({
    configPath: options.config,
    // `--persist-to dir` means what it means to `wrangler dev`: state lives in dir/v3.
    ...(options.persistTo ? { persist: { path: join(options.persistTo, 'v3') } } : {}),
  });
  const ns = proxy.env[options.binding];
  if (!ns) {
    await proxy.dispose();
    throw new InputError(`${options.config} has no KV binding named ${options.binding}`);
  }
  return {
    get: (key) => ns.get(key, 'text'),
    put: (key, value) => ns.put(key, value),
    close: () => proxy.dispose(),
  };
}

/**
 * A real Cloudflare account's KV through `wrangler kv key get|put --remote` (needs
 * `wrangler login` or CLOUDFLARE_API_TOKEN). Values go through temporary files, so binary
 * chunks up to the 25 MiB limit are uploaded unchanged.
 */
export function remoteKv(options: { config: string; binding: string }): KvTarget & { close(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'edgepick-publish-'));
  const run = (args: string[]) => {
    const res = spawnSync('npx', ['wrangler', 'kv', 'key', ...args, '--binding', options.binding, '--config', options.config, '--remote'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return res;
  };
  let n = 0;
  return {
    async get(key) {
      const res = run(['get', key, '--text']);
      if (res.status !== 0) return null; // missing key: wrangler exits non-zero
      return res.stdout;
    },
    async put(key, value) {
      const file = join(dir, `v${n++}`);
      writeFileSync(file, value);
      const res = run(['put', key, '--path', file]);
      if (res.status !== 0)
        throw new InputError(`wrangler kv key put ${key} failed: ${(res.stderr || res.stdout).trim().split('\n').pop()}`);
    },
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
