import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { InputError } from '../data/input-error.js';
import { readInteractions } from '../data/read-interactions.js';
import { readFactors } from '../import/factors.js';
import { importedPack } from '../import/pack-input.js';
import { DEFAULT_EVENT_WEIGHTS } from '../model.js';
import { encodePack } from '../pack/index.js';
import type { CommandIO } from './io.js';
import { trainingParams } from './options.js';

/** Fold-in λ when `--regularization` is not given (edgepick train's default). */
export const DEFAULT_IMPORT_REGULARIZATION = 1;
/** Fold-in α when `--alpha` is not given: Spark's and implicit's default. */
export const DEFAULT_IMPORT_ALPHA = 1;

/**
 * `edgepick pack --item-factors <file> [--item-ids <txt>] [--user-factors <file> [--user-ids <txt>]]
 *  --out <pack> [--interactions <csv|jsonl>] [--regularization λ] [--alpha α] [--event-weights …]`
 *
 * Builds a pack from factors trained elsewhere (Spark MLlib ALS, `implicit`); see docs/cli.md.
 */
export async function runPack(argv: string[], io: CommandIO): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      'item-factors': { type: 'string' },
      'item-ids': { type: 'string' },
      'user-factors': { type: 'string' },
      'user-ids': { type: 'string' },
      interactions: { type: 'string' },
      out: { type: 'string' },
      regularization: { type: 'string' },
      alpha: { type: 'string' },
      'event-weights': { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length) throw new InputError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (!values['item-factors'] || !values.out) throw new InputError('pack needs --item-factors <file> and --out <pack>');
  if (values['user-ids'] && !values['user-factors']) throw new InputError('--user-ids needs --user-factors');
  const { params } = trainingParams(values);
  const regularization = params.regularization ?? DEFAULT_IMPORT_REGULARIZATION;
  const alpha = params.alpha ?? DEFAULT_IMPORT_ALPHA;
  if (regularization < 0) throw new InputError(`--regularization must be a number ≥ 0, got ${regularization}`);
  if (alpha <= 0) throw new InputError(`--alpha must be a number > 0, got ${alpha}`);
  const eventWeights = { ...DEFAULT_EVENT_WEIGHTS, ...params.eventWeights };

  const items = await readFactors(values['item-factors'], { ids: values['item-ids'], option: '--item-factors', idsOption: '--item-ids' });
  const users = values['user-factors']
    ? await readFactors(values['user-factors'], { ids: values['user-ids'], option: '--user-factors', idsOption: '--user-ids' })
    : undefined;
  const interactions = values.interactions ? await readInteractions(values.interactions, { eventWeights }) : undefined;
  const { input, popularity, unknownItems } = importedPack(items, users, { regularization, alpha, eventWeights }, interactions);

  io.stderr(
    `read ${items.ids.length} items${users ? ` and ${users.ids.length} users` : ''} × ${items.factors} factors (${items.format})\n`,
  );
  if (popularity === 'item-norm') {
    io.stderr(
      'no --interactions: item popularity is the norm of each item vector (a proxy; manifest model.params.popularity = "item-norm")\n',
    );
  } else if (unknownItems > 0) {
    io.stderr(`${unknownItems} item${unknownItems === 1 ? '' : 's'} of ${values.interactions} without factors ignored\n`);
  }
  const bytes = await encodePack(input);
  await writeFile(values.out, bytes);
  io.stdout(
    `wrote ${values.out} (${(bytes.byteLength / 1024 / 1024).toFixed(1)} MiB): ${items.ids.length} items, ${users?.ids.length ?? 0} users, ` +
      `${items.factors} factors, λ=${regularization}, α=${alpha}, popularity from ${popularity === 'interactions' ? `${input.interactions} interactions` : 'item norms'}\n`,
  );
}
