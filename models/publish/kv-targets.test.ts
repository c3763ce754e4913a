import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActivePointer, kvKeys } from '../../schema/pack-manifest.js';
import { runPublish } from '../commands/publish.js';
import { InputError } from '../data/input-error.js';
import { encodePack, fileToParts, splitChunks } from '../pack/index.js';
import { remoteKv, wranglerCommand, wranglerMessage } from './kv-targets.js';
import { publishPack } from './publish.js';

/**
 * A stand-in for `wrangler` (a node script on PATH): records each call's argv (and, for `put`, a
 * hash of the `--path` file) as a JSON line in $STUB_LOG, keeps values in $STUB_STORE, and fails
 * as the real wrangler 4 does: a `put` without `--preview` on a binding with both `id` and
 * `preview_id`, a `get` of a missing key (404), and whatever $STUB_FAIL (`op:message`) asks for.
 * Its failures print what wrangler prints: a coloured `✘ [ERROR]` line, a hint, and the log path.
 */
const STUB = `#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const args = process.argv.slice(2);
const flag = (name) => { const i = args.indexOf(name); return i < 0 ? undefined : args[i + 1]; };
const op = args[2];
const key = args[3];
const entry = { argv: args };
const file = flag('--path');
if (file) entry.sha256 = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
fs.appendFileSync(process.env.STUB_LOG, JSON.stringify(entry) + '\\n');
const die = (message) => {
  process.stdout.write('\\n ⛅️ wrangler 4.164.0\\n────────────────────\\nResource location: remote \\n\\n');
  process.stderr.write('\\u001b[31m✘ \\u001b[41;31m[\\u001b[41;97mERROR\\u001b[41;31m]\\u001b[0m \\u001b[1m' + message + '\\u001b[0m\\n\\n\\n');
  process.stderr.write('🪵  Logs were written to "/home/u/.config/.wrangler/logs/wrangler.log"\\n');
  process.exit(1);
};
const fail = process.env.STUB_FAIL;
if (fail && fail.startsWith(op + ':')) die(fail.slice(op.length + 1));
if (op === 'put' && !args.includes('--preview')) die('The binding "PACKS" has both an "id" and a "preview_id" configured. Pass \`--preview\` to target the preview namespace, or \`--preview false\` to target the production namespace.');
const stored = path.join(process.env.STUB_STORE, encodeURIComponent(key));
if (op === 'put') { fs.copyFileSync(file, stored); process.exit(0); }
if (op === 'get') {
  if (!fs.existsSync(stored)) die('Failed to fetch https://api.cloudflare.com/client/v4/accounts/abc/storage/kv/namespaces/edgepick-packs/values/' + encodeURIComponent(key) + ' - 404: Not Found');
  process.stdout.write(fs.readFileSync(stored));
  process.exit(0);
}
die('unknown command ' + op);
`;

const config = resolve('wrangler.toml');
const root = mkdtempSync(join(tmpdir(), 'edgepick-stub-wrangler-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A fresh stub: its directory (to put first on PATH), log and store. */
function stub() {
  const dir = join(root, `s${n++}`);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'store'));
  const bin = join(dir, 'bin', 'wrangler');
  writeFileSync(bin, STUB);
  chmodSync(bin, 0o755);
  const log = join(dir, 'log.jsonl');
  writeFileSync(log, '');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EDGEPICK_WRANGLER: '',
    PATH: `${join(dir, 'bin')}${delimiter}${process.env.PATH}`,
    STUB_LOG: log,
    STUB_STORE: join(dir, 'store'),
  };
  const calls = () =>
    readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { argv: string[]; sha256?: string });
  return { bin, env, calls, stored: (key: string) => readFileSync(join(dir, 'store', encodeURIComponent(key))) };
}

const model = (seed: number) => ({
  params: { factors: 2, regularization: 0.1, alpha: 1, eventWeights: { view: 1 } },
  factors: 2,
  itemIds: ['a', 'b', 'c'],
  itemFactors: Float32Array.from([1, 0, 0, 1, seed, seed]),
  itemPopularity: Float32Array.from([3, 2, 1]),
  interactions: 6,
});
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const tail = ['--binding', 'PACKS', '--config', config, '--remote', '--preview', 'false'];

describe('remoteKv (wrangler kv key get|put --remote), against a stub wrangler on PATH', () => {
  it('runs the exact command lines: get by argument, put from a file (binary chunks byte for byte)', async () => {
    const s = stub();
    const kv = remoteKv({ config, binding: 'PACKS', env: s.env });
    const bytes = await encodePack(model(1), { chunkSize: 16 });
    const res = await publishPack(kv, 'shop', bytes, { items: [{ id: 'a', title: '茶 A' }] });
    await kv.close();
    expect(res.version).toBe('v1');
    const calls = s.calls();
    const prefix = kvKeys.packPrefix('shop', 'v1');
    expect(calls.slice(0, 2).map((c) => c.argv)).toEqual([
      ['kv', 'key', 'get', 'site/shop/active', ...tail],
      ['kv', 'key', 'get', 'site/shop/versions', ...tail],
    ]);
    const puts = calls.slice(2);
    const { manifest, body } = fileToParts(bytes);
    const chunks = splitChunks(manifest as never, body);
    expect(chunks.length).toBeGreaterThan(2);
    expect(puts.map((c) => c.argv[3])).toEqual([
      ...chunks.map((_, i) => kvKeys.chunk(prefix, i)),
      kvKeys.manifest(prefix),
      'site/shop/catalog/v1/0',
      'site/shop/catalog/v1',
      'site/shop/versions',
      'site/shop/active',
    ]);
    for (const c of puts) {
      expect(c.argv.slice(0, 5)).toEqual(['kv', 'key', 'put', c.argv[3], '--path']);
      expect(c.argv.slice(6)).toEqual(tail);
    }
    // The file wrangler read holds the chunk's exact bytes.
    chunks.forEach((chunk, i) => expect(puts[i].sha256).toBe(sha(chunk)));
    expect(new Uint8Array(s.stored(kvKeys.chunk(prefix, 1)))).toEqual(chunks[1]);
    // Reading back through wrangler gets the exact value (no trailing newline).
    const again = remoteKv({ config, binding: 'PACKS', env: s.env });
    const pointer = ActivePointer.parse(JSON.parse((await again.get(kvKeys.active('shop')))!));
    expect(pointer.version).toBe('v1');
    expect(await again.get('site/shop/catalog/v1/0')).toBe('{"items":[{"id":"a","title":"茶 A"}]}');
    await again.close();
  });

  it('with an environment, runs every get and put with `--env <name>` (the binding of [env.<name>]); without, none', async () => {
    const s = stub();
    const kv = remoteKv({ config, binding: 'PACKS', environment: 'production', env: s.env });
    await publishPack(kv, 'shop', await encodePack(model(1)));
    expect((await kv.get(kvKeys.active('shop'))) ?? '').toContain('"version":"v1"');
    await kv.close();
    const envTail = ['--binding', 'PACKS', '--config', config, '--env', 'production', '--remote', '--preview', 'false'];
    const calls = s.calls();
    expect(calls.filter((c) => c.argv[2] === 'put').length).toBeGreaterThan(2);
    for (const c of calls) expect(c.argv.slice(c.argv[2] === 'put' ? 6 : 4)).toEqual(envTail);
    const top = stub();
    const plain = remoteKv({ config, binding: 'PACKS', env: top.env });
    await publishPack(plain, 'shop', await encodePack(model(1)));
    await plain.close();
    expect(top.calls().filter((c) => c.argv.includes('--env'))).toEqual([]);
  });

  it('reads a missing key (wrangler: 404) as null, and throws on any other get failure with wrangler’s message', async () => {
    const s = stub();
    const kv = remoteKv({ config, binding: 'PACKS', env: s.env });
    expect(await kv.get('site/none/active')).toBeNull();
    const failing = remoteKv({
      config,
      binding: 'PACKS',
      env: { ...s.env, STUB_FAIL: 'get:Authentication error [code: 10000]' },
    });
    const err = await failing.get('site/x/active').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(
      'wrangler kv key get site/x/active failed (exit 1); wrangler said:\n  [ERROR] Authentication error [code: 10000]',
    );
    // A publish whose first read fails writes nothing (it must not take the site for a new one).
    await expect(publishPack(failing, 'shop', await encodePack(model(1)))).rejects.toThrow(/Authentication error/);
    expect(s.calls().filter((c) => c.argv[2] === 'put')).toEqual([]);
    await kv.close();
    await failing.close();
  });

  it('surfaces wrangler’s own message when a put fails, and stops before the pointer', async () => {
    const s = stub();
    const message =
      'A request to the Cloudflare API (/accounts/abc/storage/kv/namespaces/edgepick-packs/values/x) failed. namespace not found [code: 10013]';
    const kv = remoteKv({ config, binding: 'PACKS', env: { ...s.env, STUB_FAIL: `put:${message}` } });
    const err = await publishPack(kv, 'shop', await encodePack(model(1))).catch((e: unknown) => e);
    await kv.close();
    expect(err).toBeInstanceOf(InputError);
    const lines = (err as Error).message.split('\n');
    expect(lines[0]).toBe(`wrangler kv key put ${kvKeys.chunk(kvKeys.packPrefix('shop', 'v1'), 0)} failed (exit 1); wrangler said:`);
    expect(lines.slice(1)).toEqual([`  [ERROR] ${message}`]);
    expect(s.calls().filter((c) => c.argv[2] === 'put')).toHaveLength(1);
  });

  it('wrangler’s message drops colours, banner and log path, and keeps the hint lines', () => {
    const stderr =
      '\u001b[31m✘ \u001b[41;31m[\u001b[41;97mERROR\u001b[41;31m]\u001b[0m \u001b[1mIn a non-interactive environment, it’s necessary to set a CLOUDFLARE_API_TOKEN.\u001b[0m\n\n  \n  To continue without logging in, rerun this command with `--temporary`.\n\n\n🪵  Logs were written to "/root/.config/.wrangler/logs/w.log"\n';
    expect(wranglerMessage(stderr, '\n ⛅️ wrangler 4.164.0\n──────\n')).toBe(
      '  [ERROR] In a non-interactive environment, it’s necessary to set a CLOUDFLARE_API_TOKEN.\n  To continue without logging in, rerun this command with `--temporary`.',
    );
    expect(wranglerMessage('', 'something on stdout\n')).toBe('  something on stdout');
    expect(wranglerMessage('', '')).toBe('  (nothing on stderr)');
  });

  it('runs $EDGEPICK_WRANGLER when set, else the first wrangler on PATH, else npx wrangler', () => {
    const s = stub();
    expect(wranglerCommand({ PATH: s.env.PATH, EDGEPICK_WRANGLER: '/opt/w' })).toEqual(['/opt/w']);
    expect(wranglerCommand({ PATH: s.env.PATH })).toEqual([s.bin]);
    expect(wranglerCommand({ PATH: join(root, 'nowhere') })).toEqual(['npx', 'wrangler']);
  });
});

describe('edgepick publish --remote (stub wrangler via EDGEPICK_WRANGLER)', () => {
  let s: ReturnType<typeof stub>;
  let dir: string;
  beforeEach(() => {
    s = stub();
    dir = mkdtempSync(join(root, 'cli-'));
    vi.stubEnv('EDGEPICK_WRANGLER', s.bin);
    vi.stubEnv('STUB_LOG', s.env.STUB_LOG!);
    vi.stubEnv('STUB_STORE', s.env.STUB_STORE!);
  });
  afterEach(() => vi.unstubAllEnvs());

  const run = async (args: string[]) => {
    const out: string[] = [];
    await runPublish(args, { stdout: (t) => out.push(t), stderr: () => {}, isTTY: false });
    return out.join('');
  };

  it('publishes, then reports an identical pack and catalog as unchanged without writing', async () => {
    writeFileSync(join(dir, 'model.pack'), await encodePack(model(1)));
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify({ items: [{ id: 'a', title: 'A' }] }));
    const args = [join(dir, 'model.pack'), '--site', 'shop', '--remote', '--config', config, '--catalog', join(dir, 'catalog.json')];
    expect(await run(args)).toMatch(/^published pack [0-9a-f]{16} as shop@v1 to remote KV \(1 chunk, catalog of 1 items in 1 chunk\)\n$/);
    const puts = () => s.calls().filter((c) => c.argv[2] === 'put').length;
    const written = puts();
    expect(await run(args)).toMatch(
      /^unchanged \(v1\): pack [0-9a-f]{16} and this catalog already active on shop in remote KV; nothing written/,
    );
    expect(puts()).toBe(written);
    expect(await run([...args, '--force'])).toMatch(/as shop@v2 .*; previous v1\n$/);
  });

  it('fails with the command and wrangler’s message (exit 1 through the CLI’s InputError)', async () => {
    writeFileSync(join(dir, 'model.pack'), await encodePack(model(1)));
    vi.stubEnv('STUB_FAIL', 'put:Authentication error [code: 10000]');
    await expect(run([join(dir, 'model.pack'), '--site', 'shop', '--remote', '--config', config])).rejects.toThrow(
      /^wrangler kv key put site\/shop\/pack\/v1\/chunk\/0 failed \(exit 1\); wrangler said:\n {2}\[ERROR\] Authentication error \[code: 10000\]$/,
    );
  });
});
