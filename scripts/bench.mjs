// `npm run bench`: runs every bench/*.ts, prints their tables and writes BENCHMARKS.md with the
// machine, the command and the date. Benches that need ../shared/data skip themselves (and say so).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const benches = [
  ['Trainer quality and speed on MovieLens 1M', 'bench/train-ml1m.ts'],
  ['Recommendation latency on the local worker', 'bench/worker-latency.ts'],
  ['Routing rule evaluation', 'bench/rules.ts'],
  ["Excluding a shopper's own items (Amazon Toys)", 'bench/own-items.ts'],
  ['Merchandising rules, scene and cold start inside the scoring pass', 'bench/merch-scoring.ts'],
  ['Sustained load through wrangler dev (autocannon)', 'bench/load.ts'],
  ['Event ingest through the pipeline (R2 + Queue → D1 + R2 archive)', 'bench/ingest.ts'],
];
const only = process.argv[2];
const cpu = (() => {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? os.cpus()[0]?.model;
  } catch {
    return os.cpus()[0]?.model;
  }
})();
const machine = `${cpu}, ${os.availableParallelism()} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
let md = `# Benchmarks\n\nMachine: ${machine}  \nCommand: \`npm run bench\`  \nDate: ${new Date().toISOString()}\n\nNumbers from one run on a noisy shared machine; compare ratios measured side by side in the same run.\n`;
for (const [title, file] of benches) {
  if (only && !file.includes(only)) continue;
  console.log(`\n== ${title} (${file})`);
  const res = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(res.stdout);
  const out = res.stdout
    .split('\n')
    .filter((l) => !l.startsWith('{'))
    .join('\n')
    .trim();
  md += `\n## ${title}\n\n\`npx tsx ${file}\`${res.status === 0 ? '' : ` — **failed (exit ${res.status})**`}\n\n${out}\n`;
}
if (!only) writeFileSync('BENCHMARKS.md', md);
console.log(only ? '\n(partial run: BENCHMARKS.md not rewritten)' : '\nwrote BENCHMARKS.md');
