import { ActivePointer, kvKeys } from '../../schema/pack-manifest.js';
import { openPack, type Pack, PackReadError } from '../pack/index.js';
import { openLocalKvBinding, remoteKv } from './kv-targets.js';

/**
 * Reading what `edgepick publish` wrote: the site's active pointer, and the pack it points to
 * (manifest, then its chunks), from the same KV `publish` writes to — wrangler's local store
 * through `getPlatformProxy` (`--local`, `--persist-to`) or a Cloudflare account through
 * `wrangler kv key get --remote` (the wrangler `publish --remote` runs: `wranglerCommand`). Read-only:
 * nothing here writes.
 */
export interface KvReader {
  /** A value as text, or null when the key is absent. */
  get(key: string): Promise<string | null>;
  /** A value's bytes (pack chunks are binary), or null when the key is absent. */
  getBytes(key: string): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

/** The local KV that `wrangler dev` serves (`.wrangler/state`, or `--persist-to dir` → `dir/v3`), as `publish --local` opens it. */
export async function openLocalKvReader(options: {
  config: string;
  binding: string;
  persistTo?: string;
  environment?: string;
}): Promise<KvReader> {
  const { ns, close } = await openLocalKvBinding(options, 'reading local KV');
  return {
    get: (key) => ns.get(key, 'text'),
    getBytes: async (key) => {
      const buf = await ns.get(key, 'arrayBuffer');
      return buf === null ? null : new Uint8Array(buf);
    },
    close,
  };
}

/**
 * A Cloudflare account's KV: `wrangler kv key get <key> --binding PACKS --config … [--env <name>]
 * --remote --preview false` per key (the raw value on stdout; wrangler's "404: Not Found" reads as null).
 */
export function remoteKvReader(options: { config: string; binding: string; environment?: string; env?: NodeJS.ProcessEnv }): KvReader {
  // The same wrangler calls `publish --remote` makes (kv-targets.ts), reading only.
  const kv = remoteKv(options);
  return { get: kv.get, getBytes: kv.getBytes, close: kv.close };
}

/** The site's active pointer, or undefined when there is none (or it is not valid JSON / a valid pointer). */
export async function readActivePointer(kv: Pick<KvReader, 'get'>, site: string): Promise<ActivePointer | undefined> {
  const text = await kv.get(kvKeys.active(site));
  if (text === null) return undefined;
  try {
    const parsed = ActivePointer.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A site's active model: its pointer and its pack, validated as the worker validates it. */
export interface ActiveModel {
  pointer: ActivePointer;
  pack: Pack;
}

/**
 * The pack the site's active pointer names: pointer → `${packPrefix}/manifest` → its chunks, opened
 * with the pack reader (checksum and all). Undefined when the site has no active model; a
 * PackReadError when the pointer names a pack that is missing or broken.
 */
export async function readActivePack(kv: KvReader, site: string): Promise<ActiveModel | undefined> {
  const pointer = await readActivePointer(kv, site);
  if (!pointer) return undefined;
  const where = `${site}@${pointer.version}`;
  const text = await kv.get(kvKeys.manifest(pointer.packPrefix));
  if (text === null) throw new PackReadError(`active model ${where}: manifest ${kvKeys.manifest(pointer.packPrefix)} is missing`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw new PackReadError(`active model ${where}: manifest is not JSON`);
  }
  const count = Number((manifest as { chunks?: unknown } | null)?.chunks);
  if (!Number.isInteger(count) || count < 0 || count > 10_000)
    throw new PackReadError(`active model ${where}: manifest chunk count is invalid`);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const chunk = await kv.getBytes(kvKeys.chunk(pointer.packPrefix, i));
    if (chunk === null) throw new PackReadError(`active model ${where}: chunk ${i} is missing`);
    chunks.push(chunk);
  }
  try {
    return { pointer, pack: await openPack(manifest, chunks) };
  } catch (err) {
    if (err instanceof PackReadError) throw new PackReadError(`active model ${where}: ${err.message}`);
    throw err;
  }
}
