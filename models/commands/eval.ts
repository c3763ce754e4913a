import { parseArgs } from 'node:util';
import { trainAls } from '../als/train.js';
import { InputError } from '../data/input-error.js';
import { type Interactions, readInteractions } from '../data/read-interactions.js';
import { evaluate, type Metrics } from '../eval/evaluate.js';
import type { CommandIO } from './io.js';
import { progressPrinter, TRAINING_OPTIONS, trainingParams } from './options.js';

/** `edgepick eval --train <csv> --test <csv> [--k 10,20] [training options] [--json]` */
export async function runEval(argv: string[], io: CommandIO): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...TRAINING_OPTIONS,
      train: { type: 'string' },
      test: { type: 'string' },
      k: { type: 'string', default: '10,20' },
      json: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length) throw new InputError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (!values.train || !values.test) throw new InputError('eval needs --train <csv> and --test <csv>');
  const ks = values.k.split(',').map((s) => Number(s.trim()));
  if (ks.some((k) => !Number.isInteger(k) || k < 1 || k > 1000))
    throw new InputError(`--k must be a comma-separated list of integers in 1..1000, got ${JSON.stringify(values.k)}`);
  const { params, threads } = trainingParams(values);
  const train = await readInteractions(values.train, { eventWeights: params.eventWeights });
  const test = await readInteractions(values.test, { eventWeights: params.eventWeights });
  const started = performance.now();
  const model = await trainAls(train, params, { threads, onProgress: progressPrinter(io) });
  const trainSeconds = (performance.now() - started) / 1000;
  const res = evaluate(model, train, test, ks);
  if (values.json) {
    io.stdout(`${JSON.stringify({ trainSeconds, params: model.params, ...res })}\n`);
    return;
  }
  io.stdout(formatTable(res, ks, train, test, trainSeconds));
}

function formatTable(
  res: { model: Metrics; popularity: Metrics },
  ks: number[],
  train: Interactions,
  test: Interactions,
  seconds: number,
): string {
  const rows: [string, string, string][] = [['metric', 'model', 'popularity']];
  for (const name of ['recall', 'ndcg', 'precision', 'coverage']) {
    for (const k of ks)
      rows.push([
        `${name === 'ndcg' ? 'NDCG' : name[0].toUpperCase() + name.slice(1)}@${k}`,
        res.model[`${name}@${k}`].toFixed(4),
        res.popularity[`${name}@${k}`].toFixed(4),
      ]);
  }
  const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => `${r[0].padEnd(w[0])}  ${r[1].padStart(w[1])}  ${r[2].padStart(w[2])}`);
  return (
    `train ${train.users.length} interactions, test ${test.users.length}; trained in ${seconds.toFixed(1)}s\n` +
    `${lines.join('\n')}\n` +
    `users evaluated: ${res.model.users}${res.model.skippedUsers ? ` (${res.model.skippedUsers} test users unknown to training skipped)` : ''}\n`
  );
}
