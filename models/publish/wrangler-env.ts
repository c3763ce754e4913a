import { InputError } from '../data/input-error.js';

/** The parts of wrangler's resolved config (`unstable_readConfig`) the CLI reads. */
interface ResolvedConfig {
  definedEnvironments?: string[];
  targetEnvironment?: string;
  kv_namespaces?: { binding: string }[];
  d1_databases?: { binding: string; database_name?: string }[];
}
type ReadConfig = (args: { config: string; env?: string }, options: { hideWarnings: boolean }) => ResolvedConfig;

/**
 * The wrangler environment (`[env.<name>]` of the wrangler config) that `publish`, `export` and
 * `retrain` target: `--env <name>`, as `wrangler deploy --env <name>` deploys. Environments inherit
 * no bindings, so the environment's own KV namespace and D1 database are the ones used.
 */
export interface WranglerEnv {
  /** `--env <name>`; undefined for the top level. */
  name?: string;
  /** `['--env', name]`, or nothing: added to every wrangler command line. */
  args: string[];
  /** How messages name the target: ` of env production`, or nothing for the top level. */
  label: string;
  /** The config as wrangler resolves it for this environment; undefined only when the wrangler package is not installed (top level only). */
  resolved?: ResolvedConfig;
  /** The config file, as the messages name it. */
  config: string;
}

/**
 * Reads the wrangler config as `wrangler … [--env name]` resolves it (wrangler's own
 * `unstable_readConfig`, so inheritance and validation are wrangler's). An environment the config
 * does not define is one InputError line naming those it does, before any wrangler call or
 * training (wrangler 4 refuses it too, but in a multi-line error, and only once a command runs).
 * Without `--env` and without the wrangler package, `resolved` is undefined and the wrangler CLI
 * resolves bindings itself (what the CLI did before `--env`).
 */
export async function resolveWranglerEnv(options: { config: string; env?: string }): Promise<WranglerEnv> {
  const { config, env: name } = options;
  if (name !== undefined && !name.trim()) throw new InputError('--env needs an environment name ([env.<name>] in the wrangler config)');
  let readConfig: ReadConfig;
  try {
    readConfig = ((await import('wrangler')) as unknown as { unstable_readConfig: ReadConfig }).unstable_readConfig;
  } catch {
    if (name !== undefined) throw new InputError(`--env needs the \`wrangler\` package to read ${config} (npm install -D wrangler)`);
    return { args: [], label: '', config };
  }
  const read = (env?: string) => {
    try {
      return readConfig({ config, ...(env === undefined ? {} : { env }) }, { hideWarnings: true });
    } catch (err) {
      throw new InputError(`could not read ${config}: ${firstLines((err as Error).message)}`);
    }
  };
  if (name === undefined) {
    const resolved = read();
    // CLOUDFLARE_ENV selects an environment for wrangler (and for this read) when --env is absent.
    return { args: [], label: resolved.targetEnvironment ? ` of env ${resolved.targetEnvironment}` : '', resolved, config };
  }
  const defined = read().definedEnvironments ?? [];
  if (!defined.includes(name))
    throw new InputError(
      defined.length
        ? `${config} has no environment ${JSON.stringify(name)} (--env takes one of: ${defined.join(', ')})`
        : `${config} defines no environments ([env.<name>] sections), so --env ${name} has nothing to select`,
    );
  return { name, args: ['--env', name], label: ` of env ${name}`, resolved: read(name), config };
}

/** Where a binding is declared, for messages: `wrangler.toml` or `wrangler.toml [env.production]`. */
function place(target: WranglerEnv): string {
  const env = target.name ?? target.resolved?.targetEnvironment;
  return env ? `${target.config} [env.${env}]` : target.config;
}

/** Throws an InputError when the target's config has no KV namespace bound as `binding`. */
export function checkKvBinding(target: WranglerEnv, binding: string): void {
  const kv = target.resolved?.kv_namespaces;
  if (kv && !kv.some((b) => b.binding === binding))
    throw new InputError(`${place(target)} has no KV binding named ${binding}${names(kv.map((b) => b.binding))}`);
}

/**
 * The D1 database bound as `binding` in the target's config: its `database_name`, which
 * `wrangler d1 execute` and `d1 migrations apply` take. Without a resolved config, the binding
 * itself (wrangler accepts either).
 */
export function d1DatabaseName(target: WranglerEnv, binding: string): string {
  const dbs = target.resolved?.d1_databases;
  if (!dbs) return binding;
  const db = dbs.find((b) => b.binding === binding);
  if (!db) throw new InputError(`${place(target)} has no D1 binding named ${binding}${names(dbs.map((b) => b.binding))}`);
  return db.database_name ?? binding;
}

const names = (list: string[]) => (list.length ? ` (it has: ${list.join(', ')})` : ' (it has none)');

/** wrangler's config errors run over several lines (with a suggested section): the first three. */
const firstLines = (message: string) =>
  message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('```'))
    .slice(0, 3)
    .join(' ');
