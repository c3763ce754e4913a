import { parseArgs } from 'node:util';
import { InputError } from '../data/input-error.js';
import { writeDemoStore } from '../demo-data/write.js';
import type { CommandIO } from './io.js';

const int = (name: string, v: string | undefined, min: number, max: number, dflt: number) => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InputError(`--${name} must be an integer in ${min}..${max}, got ${JSON.stringify(v)}`);
  return n;
};

/** `edgepick demo-data --out <dir> [--products N] [--users N] [--interactions N] [--seed N]` */
export async function runDemoData(argv: string[], io: CommandIO): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      products: { type: 'string' },
      users: { type: 'string' },
      interactions: { type: 'string' },
      seed: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!values.out) throw new InputError('demo-data needs --out <dir>');
  const counts = await writeDemoStore(values.out, {
    products: int('products', values.products, 10, 1_000_000, 2000),
    users: int('users', values.users, 10, 10_000_000, 2500),
    interactions: int('interactions', values.interactions, 100, 100_000_000, 50_000),
    seed: int('seed', values.seed, 0, 2 ** 31 - 1, 7),
  });
  io.stdout(
    `wrote ${values.out}/catalog.json (${counts.products} products), interactions.csv (${counts.interactions} rows from ${counts.users} shoppers), train.csv (${counts.train}) / test.csv (${counts.test}), groups.json\n`,
  );
}
