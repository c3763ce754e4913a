import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { InputError } from '../data/input-error.js';
import { parseCsvHeader, readInteractions, USER_COLUMNS } from '../data/read-interactions.js';
import { decodePack } from '../pack/index.js';
import { recommendTopK } from '../recommend/recommend.js';
import type { CommandIO } from './io.js';

/** `edgepick recommend --pack <pack> --users <csv> --k 20 [--exclude <train csv>] --out <tsv>` */
export async function runRecommend(argv: string[], io: CommandIO): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      pack: { type: 'string' },
      users: { type: 'string' },
      k: { type: 'string', default: '20' },
      exclude: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length) throw new InputError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (!values.pack || !values.users || !values.out) throw new InputError('recommend needs --pack <pack>, --users <csv> and --out <tsv>');
  const k = Number(values.k);
  if (!Number.isInteger(k) || k < 1 || k > 1000) throw new InputError(`--k must be an integer in 1..1000, got ${JSON.stringify(values.k)}`);
  let bytes: Buffer;
  try {
    bytes = await readFile(values.pack);
  } catch {
    throw new InputError(`pack file not found: ${values.pack}`);
  }
  const pack = await decodePack(new Uint8Array(bytes));
  const users = await readUserColumn(values.users);
  const exclude = new Map<string, Set<string>>();
  if (values.exclude) {
    const x = await readInteractions(values.exclude);
    for (let j = 0; j < x.users.length; j++) {
      const u = x.userIds[x.users[j]];
      let set = exclude.get(u);
      if (!set) exclude.set(u, (set = new Set()));
      set.add(x.itemIds[x.items[j]]);
    }
  }
  // Without --exclude, the pack's own user items (the trained history the worker also leaves out).
  const recs = recommendTopK(pack, users, k, values.exclude ? exclude : undefined);
  const lines = users.map((u) => `${u}\t${recs.get(u)!.join(',')}`);
  await writeFile(values.out, `${lines.join('\n')}\n`);
  const known = new Set(pack.userIds ?? []);
  const unknown = users.filter((u) => !known.has(u)).length;
  io.stdout(
    `wrote ${values.out}: top ${k} for ${users.length} users${unknown ? ` (${unknown} unknown to the pack got popular items)` : ''}\n`,
  );
}

/**
 * Distinct values of the user column, in file order. The header (the first non-blank line) is read
 * like an interactions file's: `user`, `user_id`, `visitor_id`, … ; comma- or tab-separated.
 */
async function readUserColumn(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError(`users file not found: ${path}`);
  }
  const lines = text.split(/\r?\n/);
  let h = 0;
  while (h < lines.length && !lines[h].trim()) h++;
  const { find, split } = parseCsvHeader(lines[h] ?? '');
  const col = find(...USER_COLUMNS);
  if (col < 0) throw new InputError(`${path}:${h + 1}: header must name a user column (${USER_COLUMNS.join(', ')})`);
  const seen = new Set<string>();
  for (let n = h + 1; n < lines.length; n++) {
    if (!lines[n].trim()) continue;
    const id = split(lines[n])[col]?.trim();
    if (!id) throw new InputError(`${path}:${n + 1}: missing user id`);
    seen.add(id);
  }
  if (seen.size === 0) throw new InputError(`${path} lists no users`);
  return [...seen];
}
