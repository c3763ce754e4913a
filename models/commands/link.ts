import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CompiledLink, LinkDefinition, linkKey } from '../../schema/routing.js';
import { InputError } from '../data/input-error.js';
import { openLocalKv, remoteKv } from '../publish/kv-targets.js';
import type { CommandIO } from './io.js';

/**
 * `edgepick link publish <link.json> --site <id> [--local|--remote]` — validates a routing link and
 * publishes it as the next version to the KV key `/r/:slug` reads. (The admin API with versions,
 * audit and rollback in D1 will publish the same compiled value.)
 */
export async function runLink(argv: string[], io: CommandIO): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'publish') throw new InputError('usage: edgepick link publish <link.json> --site <id> [--local|--remote]');
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      site: { type: 'string' },
      local: { type: 'boolean' },
      remote: { type: 'boolean' },
      config: { type: 'string', default: 'wrangler.toml' },
      'persist-to': { type: 'string' },
      binding: { type: 'string', default: 'PACKS' },
    },
    strict: true,
    allowPositionals: true,
  });
  const [file] = positionals;
  if (!file) throw new InputError('link publish needs a link definition file (JSON)');
  if (!values.site || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(values.site)) throw new InputError('link publish needs --site <id>');
  if (!existsSync(file)) throw new InputError(`link file not found: ${file}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new InputError(`${file} is not valid JSON`);
  }
  const parsed = LinkDefinition.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new InputError(`${file}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const kv = values.remote
    ? remoteKv({ config: values.config, binding: values.binding })
    : await openLocalKv({ config: values.config, binding: values.binding, persistTo: values['persist-to'] });
  try {
    const key = linkKey(parsed.data.slug);
    const prevRaw = await kv.get(key);
    const prev = prevRaw ? CompiledLink.safeParse(JSON.parse(prevRaw)) : undefined;
    if (prev?.success && prev.data.site !== values.site) throw new InputError(`slug ${parsed.data.slug} belongs to site ${prev.data.site}`);
    const version = prev?.success ? prev.data.version + 1 : 1;
    await kv.put(key, JSON.stringify({ site: values.site, version, publishedAt: new Date().toISOString(), link: parsed.data }));
    io.stdout(`published link /r/${parsed.data.slug} v${version} for site ${values.site} (${parsed.data.rules.length} rules)\n`);
  } finally {
    await kv.close();
  }
}
