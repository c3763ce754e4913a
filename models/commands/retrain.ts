import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { trainAls } from '../als/train.js';
import { InputError } from '../data/input-error.js';
import { readInteractions, toCsr } from '../data/read-interactions.js';
import { GATE_DEFAULTS, type GateReport, holdoutGate } from '../eval/gate.js';
import { encodePack, PackReadError } from '../pack/index.js';
import {
  type ActiveModel,
  type KvReader,
  openLocalKvReader,
  readActivePack,
  readActivePointer,
  remoteKvReader,
} from '../publish/read-active.js';
import { checkKvBinding, d1DatabaseName, resolveWranglerEnv, type WranglerEnv } from '../publish/wrangler-env.js';
import { checkSource, exportEvents, openEvents } from './export.js';
import type { CommandIO } from './io.js';
import { progressPrinter, TRAINING_OPTIONS, trainingParams } from './options.js';
import { runPublish } from './publish.js';

/** The eval gate refused the candidate: printed as one line, exit code 3 (see models/cli.ts). */
export class GateRefusedError extends Error {
  override name = 'GateRefusedError';
}

const fraction = (name: string, v: string | undefined, dflt: number, min: number, max: number, open = false) => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max || (open && (n === min || n === max)))
    throw new InputError(
      `--${name} must be a number ${open ? 'between' : 'in'} ${min}${open ? ' and ' : '..'}${max}, got ${JSON.stringify(v)}`,
    );
  return n;
};

/**
 * `edgepick retrain --site <id> [--local|--remote] [--env <name>] [--persist-to dir] [--force]
 *  [--max-drop 0.005] [--holdout 0.2] [--since date] [--catalog json] [--work-dir dir] [training options]`
 * (`npm run retrain -- …`): export → eval gate → train → publish, printing each step. `--env` reads
 * the events, the active model and publishes in `[env.<name>]`'s D1 and KV, every step alike.
 */
export async function runRetrain(argv: string[], io: CommandIO): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...TRAINING_OPTIONS,
      site: { type: 'string' },
      local: { type: 'boolean' },
      remote: { type: 'boolean' },
      since: { type: 'string' },
      config: { type: 'string', default: 'wrangler.toml' },
      env: { type: 'string' },
      'persist-to': { type: 'string' },
      'd1-binding': { type: 'string', default: 'DB' },
      binding: { type: 'string', default: 'PACKS' },
      catalog: { type: 'string' },
      force: { type: 'boolean' },
      'max-drop': { type: 'string' },
      holdout: { type: 'string' },
      'work-dir': { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length) throw new InputError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const { site, since } = checkSource('retrain', values);
  const maxDrop = fraction('max-drop', values['max-drop'], GATE_DEFAULTS.maxDrop, 0, 1);
  const holdout = fraction('holdout', values.holdout, GATE_DEFAULTS.holdout, 0, 1, true);
  const { params, threads } = trainingParams(values);
  // Checked now rather than by publish at the end, after the training.
  if (values.catalog && !existsSync(values.catalog)) throw new InputError(`catalog file not found: ${values.catalog}`);
  // The environment and both bindings too: a typo must not cost a training run.
  const target = await resolveWranglerEnv({ config: values.config, env: values.env });
  d1DatabaseName(target, values['d1-binding']);
  checkKvBinding(target, values.binding);
  const remote = Boolean(values.remote);
  const where = remote ? 'remote' : 'local';
  const workDir = values['work-dir'] ?? mkdtempSync(join(tmpdir(), 'edgepick-retrain-'));
  if (values['work-dir']) mkdirSync(workDir, { recursive: true });
  const step = (s: string) => io.stdout(`▶ ${s}\n`);
  try {
    // 1. export
    const eventsPath = join(workDir, 'events.jsonl');
    step(
      `export: site ${site}'s events from ${where} D1${target.label}${since === undefined ? '' : ` since ${new Date(since).toISOString()}`}`,
    );
    const source = await openEvents(
      { remote, config: values.config, binding: values['d1-binding'], 'persist-to': values['persist-to'] },
      target,
    );
    let exported: Awaited<ReturnType<typeof exportEvents>>;
    try {
      exported = await exportEvents(source, { site, out: eventsPath, since });
    } finally {
      await source.close();
    }
    io.stdout(`  ${exported.events} events → ${eventsPath}\n`);

    // 2. the active model
    let active: ActiveModel | undefined;
    const reader = await kvReader(remote, values, target);
    try {
      active = await readActivePack(reader, site);
    } catch (err) {
      if (!(err instanceof PackReadError)) throw err;
      io.stdout(`  warning: ${err.message}; the gate has nothing to compare with\n`);
    } finally {
      await reader.close();
    }

    // 3. eval gate
    step(
      `eval gate: the latest ${Math.round(holdout * 100)}% of interactions held out; ` +
        `candidate vs ${active ? `active ${site}@${active.pointer.version} (pack ${active.pack.manifest.id})` : 'no active model'}`,
    );
    const gate = await holdoutGate(await readFile(eventsPath, 'utf8'), 'events.jsonl', active, {
      params,
      threads,
      maxDrop,
      holdout,
      onProgress: progressPrinter(io),
    });
    active = undefined; // the active pack is not needed past the gate
    io.stdout(formatGate(gate));
    if (!gate.passed) {
      if (!values.force)
        throw new GateRefusedError(`refused to publish: ${gate.reason}; the active model stays (--force publishes anyway)`);
      io.stdout('  --force: publishing despite the gate\n');
    }

    // 4. train on everything
    step(`train: all ${exported.events} events`);
    const data = await readInteractions(eventsPath, { eventWeights: params.eventWeights });
    const model = await trainAls(data, params, { threads, onProgress: progressPrinter(io) });
    const dataWindow = { from: new Date(gate.from).toISOString(), to: new Date(gate.to).toISOString(), events: exported.events };
    const metrics: Record<string, number> = {};
    if (gate.users > 0) {
      metrics[`holdout.ndcg@${gate.k}`] = gate.candidate.ndcg;
      metrics[`holdout.recall@${gate.k}`] = gate.candidate.recall;
      metrics['holdout.users'] = gate.users;
    }
    const bytes = await encodePack({
      ...model,
      params: { ...model.params, dataWindow } as typeof model.params,
      metrics,
      userItemsCsr: toCsr(data, true),
    });
    const packPath = join(workDir, 'model.pack');
    await writeFile(packPath, bytes);
    io.stdout(
      `  ${model.itemIds.length} items, ${model.userIds.length} shoppers, ${model.interactions} pairs → ${packPath} (${(bytes.byteLength / 1024 / 1024).toFixed(1)} MiB)\n`,
    );

    // 5. publish (the `edgepick publish` command itself: version history, then the pointer)
    step(`publish: ${where} KV${target.label}`);
    await runPublish(
      [
        packPath,
        '--site',
        site,
        remote ? '--remote' : '--local',
        '--config',
        values.config,
        '--binding',
        values.binding,
        ...target.args,
        ...(values['persist-to'] && !remote ? ['--persist-to', values['persist-to']] : []),
        ...(values.catalog ? ['--catalog', values.catalog] : []),
      ],
      { ...io, stdout: (s) => io.stdout(`  ${s}`) },
    );
    const after = await kvReader(remote, values, target);
    try {
      const pointer = await readActivePointer(after, site);
      io.stdout(
        `  active: ${site}@${pointer?.version ?? '(none)'}${pointer?.previous[0] ? ` (rollback: POST /v1/admin/sites/${site}/models/rollback → ${pointer.previous[0].version})` : ''}\n`,
      );
    } finally {
      await after.close();
    }
  } finally {
    if (!values['work-dir']) rmSync(workDir, { recursive: true, force: true });
  }
}

function kvReader(
  remote: boolean,
  values: { config: string; binding: string; 'persist-to'?: string },
  target: WranglerEnv,
): Promise<KvReader> | KvReader {
  return remote
    ? remoteKvReader({ config: values.config, binding: values.binding, environment: target.name })
    : openLocalKvReader({ config: values.config, binding: values.binding, persistTo: values['persist-to'], environment: target.name });
}

/** The gate's numbers, as the retrain step prints them. */
export function formatGate(g: GateReport): string {
  const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : '-');
  const lines = [
    `  split: ${g.trainRows} interactions before ${iso(g.cutoff)}, ${g.testRows} from it (events ${iso(g.from)} … ${iso(g.to)})`,
    `  test: ${g.testPairs} new (shopper, item) pairs of ${g.users} shoppers` +
      `${g.seenByActive ? `; ${g.seenByActive} pairs the active model trained on left out` : ''}` +
      `${g.coldUsers ? `; ${g.coldUsers} shoppers without history not scored` : ''}`,
  ];
  if (g.users > 0) {
    const cols: [string, (m: { ndcg: number; recall: number; hitRate: number }) => number][] = [
      [`NDCG@${g.k}`, (m) => m.ndcg],
      [`Recall@${g.k}`, (m) => m.recall],
      [`HitRate@${g.k}`, (m) => m.hitRate],
    ];
    const head = ['', 'candidate', ...(g.active ? [`active ${g.active.version}`] : []), 'popularity'];
    const rows = cols.map(([name, get]) =>
      [name, get(g.candidate), ...(g.active ? [get(g.active)] : []), get(g.popularity)].map((v) =>
        typeof v === 'number' ? v.toFixed(4) : v,
      ),
    );
    const table = [head, ...rows];
    const w = head.map((_, c) => Math.max(...table.map((r) => r[c].length)));
    for (const r of table) lines.push(`  ${r.map((v, c) => (c === 0 ? v.padEnd(w[c]) : v.padStart(w[c]))).join('  ')}`.trimEnd());
    if (g.active && (g.active.foldedIn || g.active.popular))
      lines.push(
        `  (active model: ${g.active.foldedIn} shoppers it did not know folded in from their history, ${g.active.popular} given popular items)`,
      );
  }
  for (const w of g.warnings) lines.push(`  warning: ${w}`);
  const delta = g.delta === undefined ? '' : `Δ NDCG@${g.k} ${g.delta >= 0 ? '+' : ''}${g.delta.toFixed(4)} (max drop ${g.maxDrop}): `;
  lines.push(`  gate: ${delta}${g.passed ? 'pass' : 'REFUSED'} — ${g.reason}`);
  return `${lines.join('\n')}\n`;
}
