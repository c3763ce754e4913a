import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kvKeys } from '../../schema/pack-manifest.js';
import { trainAls } from '../als/train.js';
import { parseInteractions } from '../data/read-interactions.js';
import { encodePack } from '../pack/index.js';
import { publishPack } from './publish.js';
import { readActivePack, readActivePointer, remoteKvReader } from './read-active.js';

/** A stand-in for `wrangler kv key get <key> … --remote`: values from $STUB_STORE, "404: Not Found" (exit 1) when absent. */
const STUB = `#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');
const args = process.argv.slice(2);
fs.appendFileSync(process.env.STUB_LOG, JSON.stringify(args) + '\\n');
if (args[3] === 'fail/me') { process.stderr.write('✘ [ERROR] Authentication error [code: 10000]\\n'); process.exit(1); }
const file = path.join(process.env.STUB_STORE, encodeURIComponent(args[3]));
if (args[2] !== 'get' || !fs.existsSync(file)) { process.stderr.write('✘ [ERROR] Failed to fetch … - 404: Not Found\\n'); process.exit(1); }
process.stdout.write(fs.readFileSync(file));
`;

function stub() {
  const dir = mkdtempSync(join(tmpdir(), 'edgepick-read-active-'));
  const store = join(dir, 'store');
  mkdirSync(store);
  const bin = join(dir, 'wrangler');
  writeFileSync(bin, STUB);
  chmodSync(bin, 0o755);
  const log = join(dir, 'log.jsonl');
  writeFileSync(log, '');
  const kv = {
    get: async (key: string) => {
      try {
        return readFileSync(join(store, encodeURIComponent(key)), 'utf8');
      } catch {
        return null;
      }
    },
    put: async (key: string, value: string | Uint8Array) => writeFileSync(join(store, encodeURIComponent(key)), value),
  };
  const env = { ...process.env, EDGEPICK_WRANGLER: bin, STUB_STORE: store, STUB_LOG: log };
  return {
    kv,
    env,
    store,
    calls: () =>
      readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string[]),
  };
}

async function pack(seed: number) {
  const data = parseInteractions('user,item\nu1,a\nu1,b\nu2,b\nu2,c\nu3,a\nu3,c\n', 'x.csv');
  return encodePack(await trainAls(data, { factors: 4, iterations: 2, seed }, { threads: 1 }));
}

describe('reading the active model back from KV', () => {
  it('follows pointer → manifest → binary chunks through `wrangler kv key get --remote`', async () => {
    const s = stub();
    const reader = remoteKvReader({ config: resolve('wrangler.toml'), binding: 'PACKS', env: s.env });
    expect(await readActivePack(reader, 'shop')).toBeUndefined();
    await publishPack(s.kv, 'shop', await pack(1));
    const second = await publishPack(s.kv, 'shop', await pack(2));
    const active = await readActivePack(reader, 'shop');
    expect(active?.pointer.version).toBe('v2');
    expect(active?.pack.manifest.id).toBe(second.packId);
    expect(active?.pack.itemIds).toEqual(['a', 'b', 'c']);
    expect(active?.pack.userIds).toEqual(['u1', 'u2', 'u3']);
    expect((await readActivePointer(reader, 'shop'))?.previous[0].version).toBe('v1');
    expect(s.calls()[0]).toEqual([
      'kv',
      'key',
      'get',
      'site/shop/active',
      '--binding',
      'PACKS',
      '--config',
      resolve('wrangler.toml'),
      '--remote',
      '--preview',
      'false',
    ]);
    await expect(reader.get('fail/me')).rejects.toThrow(
      /wrangler kv key get fail\/me failed \(exit 1\); wrangler said:\n {2}\[ERROR\] Authentication error/,
    );
  });

  it('refuses a pointer whose pack is missing or damaged (PackReadError naming the version)', async () => {
    const s = stub();
    const reader = remoteKvReader({ config: resolve('wrangler.toml'), binding: 'PACKS', env: s.env });
    await publishPack(s.kv, 'shop', await pack(1));
    const prefix = kvKeys.packPrefix('shop', 'v1');
    const chunk = join(s.store, encodeURIComponent(kvKeys.chunk(prefix, 0)));
    const bytes = readFileSync(chunk);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(chunk, bytes);
    await expect(readActivePack(reader, 'shop')).rejects.toThrow(/^active model shop@v1: pack checksum mismatch/);
    await s.kv.put(kvKeys.active('shop'), '{"not":"a pointer"}');
    expect(await readActivePack(reader, 'shop')).toBeUndefined();
    await s.kv.put(
      kvKeys.active('shop'),
      JSON.stringify({ version: 'v9', packId: 'x', packPrefix: 'site/shop/pack/v9', publishedAt: 'now' }),
    );
    await expect(readActivePack(reader, 'shop')).rejects.toThrow(
      /^active model shop@v9: manifest site\/shop\/pack\/v9\/manifest is missing/,
    );
  });
});
