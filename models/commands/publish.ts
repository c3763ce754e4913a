import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { InputError } from '../data/input-error.js';
import { openLocalKv, remoteKv } from '../publish/kv-targets.js';
import { publishPack } from '../publish/publish.js';
import { checkKvBinding, resolveWranglerEnv } from '../publish/wrangler-env.js';
import type { CommandIO } from './io.js';

/**
 * `edgepick publish <pack> --site <id> [--local|--remote] [--env <name>] [--catalog <json>]
 *  [--config wrangler.toml] [--persist-to dir] [--binding PACKS] [--force]`. A pack and catalog
 * identical to the active ones write nothing ("unchanged (vN)", exit 0) unless `--force`. `--env`
 * publishes to the KV namespace of `[env.<name>]` (remote, or its local storage with `--local`).
 */
export async function runPublish(argv: string[], io: CommandIO): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      site: { type: 'string' },
      local: { type: 'boolean' },
      remote: { type: 'boolean' },
      catalog: { type: 'string' },
      config: { type: 'string', default: 'wrangler.toml' },
      env: { type: 'string' },
      'persist-to': { type: 'string' },
      binding: { type: 'string', default: 'PACKS' },
      force: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: true,
  });
  const [packPath, ...extra] = positionals;
  if (!packPath) throw new InputError('publish needs a pack file: edgepick publish <pack> --site <id> --local');
  if (extra.length) throw new InputError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (!values.site) throw new InputError('publish needs --site <id>');
  if (values.local && values.remote) throw new InputError('choose one of --local and --remote');
  if (!existsSync(packPath)) throw new InputError(`pack file not found: ${packPath}`);
  if (!existsSync(values.config))
    throw new InputError(`wrangler config not found: ${values.config} (run from the project root or pass --config)`);
  let catalog: unknown;
  if (values.catalog) {
    if (!existsSync(values.catalog)) throw new InputError(`catalog file not found: ${values.catalog}`);
    try {
      catalog = JSON.parse(readFileSync(values.catalog, 'utf8'));
    } catch {
      throw new InputError(`catalog is not valid JSON: ${values.catalog}`);
    }
  }
  // Before reading the pack or running wrangler: an unknown environment or binding fails here, in one line.
  const target = await resolveWranglerEnv({ config: values.config, env: values.env });
  checkKvBinding(target, values.binding);
  const bytes = new Uint8Array(readFileSync(packPath));
  const kv = values.remote
    ? remoteKv({ config: values.config, binding: values.binding, environment: target.name })
    : await openLocalKv({ config: values.config, binding: values.binding, persistTo: values['persist-to'], environment: target.name });
  try {
    const res = await publishPack(kv, values.site, bytes, catalog, { force: values.force });
    const where = `${values.remote ? 'remote KV' : 'local KV'}${target.label}`;
    if (res.unchanged) {
      io.stdout(
        `unchanged (${res.version}): pack ${res.packId}${catalog !== undefined ? ' and this catalog' : ''} already active on ${res.site} in ${where}; ` +
          'nothing written (--force publishes a new version)\n',
      );
      return;
    }
    io.stdout(
      `published pack ${res.packId} as ${res.site}@${res.version} to ${where} (${res.chunks} chunk${res.chunks === 1 ? '' : 's'}` +
        `${res.catalogItems !== undefined ? `, catalog of ${res.catalogItems} items in ${res.catalogChunks} chunk${res.catalogChunks === 1 ? '' : 's'}` : ''})${res.previous ? `; previous ${res.previous}` : ''}\n`,
    );
  } finally {
    await kv.close();
  }
}
