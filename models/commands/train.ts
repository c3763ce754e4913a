import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { trainAls } from '../als/train.js';
import { InputError } from '../data/input-error.js';
import { readInteractions, toCsr } from '../data/read-interactions.js';
import { encodePack } from '../pack/index.js';
import type { CommandIO } from './io.js';
import { progressPrinter, TRAINING_OPTIONS, trainingParams } from './options.js';

/** `edgepick train <interactions> --out <pack> [training options]` */
export async function runTrain(argv: string[], io: CommandIO): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...TRAINING_OPTIONS, out: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [input, ...extra] = positionals;
  if (!input) throw new InputError('train needs an interactions file: edgepick train <interactions.csv> --out <pack>');
  if (extra.length) throw new InputError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (!values.out) throw new InputError('train needs --out <pack>');
  const { params, threads } = trainingParams(values);
  const started = performance.now();
  const data = await readInteractions(input, { eventWeights: params.eventWeights });
  io.stderr(`read ${data.users.length} interactions: ${data.userIds.length} users × ${data.itemIds.length} items\n`);
  const model = await trainAls(data, params, { threads, onProgress: progressPrinter(io) });
  // Each user's trained items go into the pack too, so serving can leave them out of their picks.
  const bytes = await encodePack({ ...model, userItemsCsr: toCsr(data, true) });
  await writeFile(values.out, bytes);
  const p = model.params;
  io.stdout(
    `wrote ${values.out} (${(bytes.byteLength / 1024 / 1024).toFixed(1)} MiB): ${model.itemIds.length} items, ${model.userIds.length} users, ` +
      `${p.factors} factors, ${p.iterations} iterations, λ=${p.regularization}, α=${p.alpha} in ${((performance.now() - started) / 1000).toFixed(1)}s\n`,
  );
}
