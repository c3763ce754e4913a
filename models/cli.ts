import { runDemoData } from './commands/demo-data.js';
import { runEval } from './commands/eval.js';
import { runExport } from './commands/export.js';
import { type CommandIO, processIO } from './commands/io.js';
import { runPack } from './commands/pack.js';
import { runPublish } from './commands/publish.js';
import { runRecommend } from './commands/recommend.js';
import { GateRefusedError, runRetrain } from './commands/retrain.js';
import { runTrain } from './commands/train.js';
import { InputError } from './data/input-error.js';
import { PackReadError, PackWriteError } from './pack/index.js';

const USAGE = `edgepick — train, evaluate and publish recommendation models for the edge

usage:
  edgepick train <interactions.csv|.jsonl> --out <pack> [--factors 64] [--iterations 15]
                 [--regularization R] [--alpha A] [--seed 42] [--threads N]
  edgepick eval --train <csv> --test <csv> [--k 10,20] [training options] [--json]
  edgepick recommend --pack <pack> --users <csv> --k 20 [--exclude <train csv>] --out <tsv>
  edgepick publish <pack> --site <id> [--local|--remote] [--env <name>] [--catalog catalog.json]
  edgepick pack --item-factors <file|dir> [--item-ids <txt>] [--user-factors <file|dir>] [--user-ids <txt>]
                --out <pack> [--interactions <csv|jsonl>] [--regularization 1] [--alpha 1]
  edgepick demo-data --out <dir>
  edgepick export --site <id> (--local|--remote) [--env <name>] [--since <date>] --out <file.jsonl|.csv>
                  [--persist-to dir]
  edgepick retrain --site <id> [--local|--remote] [--env <name>] [--persist-to dir] [--force]
                   [--max-drop 0.005] [--holdout 0.2] [--catalog catalog.json] [training options]
                   (npm run retrain -- …)

  --env <name>: the [env.<name>] bindings of the wrangler config (as \`wrangler deploy --env <name>\`)

docs: docs/cli.md
`;

const COMMANDS: Record<string, (argv: string[], io: CommandIO) => Promise<unknown>> = {
  train: runTrain,
  eval: runEval,
  recommend: runRecommend,
  publish: runPublish,
  pack: runPack,
  'demo-data': runDemoData,
  export: runExport,
  retrain: runRetrain,
};

/** Runs the CLI; returns the exit code. Expected failures print one line, never a stack trace. */
export async function main(argv: string[], io: CommandIO = processIO): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr(`edgepick: unknown command ${JSON.stringify(command)} (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  try {
    await run(rest, io);
    return 0;
  } catch (err) {
    if (err instanceof GateRefusedError) {
      io.stderr(`edgepick ${command}: ${err.message}\n`);
      return 3;
    }
    if (err instanceof InputError || err instanceof PackReadError || err instanceof PackWriteError) {
      io.stderr(`edgepick ${command}: ${err.message}\n`);
      return 1;
    }
    // node:util parseArgs errors (unknown option, missing value) are usage errors.
    const code = (err as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`edgepick ${command}: ${(err as Error).message}\n`);
      return 2;
    }
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      io.stderr(`edgepick ${command}: ${(err as Error).message}\n`);
      return 1;
    }
    io.stderr(`edgepick ${command}: unexpected error: ${(err as Error).message ?? String(err)}\n`);
    if (process.env.EDGEPICK_DEBUG) io.stderr(`${(err as Error).stack}\n`);
    return 1;
  }
}
