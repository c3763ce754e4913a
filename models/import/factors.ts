import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { InputError } from '../data/input-error.js';
import { parseNpy } from './npy.js';

/** Where factors trained elsewhere come from (`edgepick pack`). */
export type FactorFormat = 'parquet' | 'jsonl' | 'npy';

/** One side (items or users) of a factor model trained elsewhere: ids and an n × f float32 matrix. */
export interface ImportedFactors {
  ids: string[];
  factors: number;
  /** ids.length × factors, row-major float32. */
  values: Float32Array;
  format: FactorFormat;
  /** The files read, in order (one, or the part files of a Spark output directory). */
  files: string[];
}

export interface ReadFactorsOptions {
  /** For `.npy` only: a text file with one id per line, row i ↔ line i. */
  ids?: string;
  /** The option names used in messages, e.g. `--item-factors` and `--item-ids`. */
  option?: string;
  idsOption?: string;
}

/**
 * Reads factors written by another trainer:
 * - **Parquet** (`.parquet`) or **JSON lines** (`.json`, `.jsonl`, `.ndjson`) with columns `id` and
 *   `features` — Spark MLlib ALS's `itemFactors` / `userFactors` DataFrames as `df.write.parquet(…)`
 *   or `df.write.json(…)` write them. Spark writes a directory of `part-*` files (plus `_SUCCESS` and
 *   `.crc` files); pass the directory or one file. Integer ids are kept as their decimal strings.
 * - **`.npy`** (`np.save(path, model.item_factors)` with `implicit`): a float32/float64 C-order
 *   [n, f] array, with `options.ids` naming the id list (row i ↔ line i).
 *
 * Refuses (InputError, one line naming the file and row): unknown extensions, empty files, ragged
 * rows, NaN/∞ values, duplicate or empty ids, an id list whose length differs from the rows.
 */
export async function readFactors(path: string, options: ReadFactorsOptions = {}): Promise<ImportedFactors> {
  const option = options.option ?? 'factors';
  const idsOption = options.idsOption ?? '--ids';
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new InputError(`${option}: file not found: ${path}`);
  }
  const files = info.isDirectory() ? await partFiles(path) : [path];
  const formats = new Set(files.map((f) => formatOf(f)));
  if (formats.size > 1) throw new InputError(`${path} mixes ${[...formats].join(' and ')} part files`);
  const format = [...formats][0];
  if (format === 'npy') {
    if (info.isDirectory()) throw new InputError(`${path}: pass one .npy file, not a directory`);
    if (!options.ids)
      throw new InputError(`${basename(path)} is a .npy array without ids: add ${idsOption} <file> (one id per line, in row order)`);
    return readNpyFactors(path, options.ids);
  }
  if (options.ids) throw new InputError(`${idsOption} is only for .npy factors (${basename(path)} carries its own id column)`);
  const out = new Collector();
  for (const file of files) {
    const name = info.isDirectory() ? `${basename(path)}/${basename(file)}` : basename(file);
    if ((await stat(file)).size === 0) {
      if (files.length === 1) throw new InputError(`${name} is empty`);
      continue; // Spark writes an empty part file for an empty partition
    }
    if (format === 'parquet') await readParquet(file, name, out);
    else await readJsonLines(file, name, out);
  }
  return { ...out.finish(basename(path)), format, files };
}

/** Factor file format by extension (`.snappy.parquet` and other `x.parquet` count as Parquet). */
export function formatOf(file: string): FactorFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.parquet') return 'parquet';
  if (ext === '.json' || ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.npy') return 'npy';
  throw new InputError(
    `${basename(file)}: unknown factor file extension ${JSON.stringify(ext || '(none)')} (expected .parquet, .json/.jsonl, .npy, or a Spark output directory)`,
  );
}

/** The data files of a Spark output directory: everything but `_SUCCESS`, `_metadata`, `.crc` and hidden files. */
async function partFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.startsWith('_') && !e.name.startsWith('.') && !e.name.endsWith('.crc'))
    .map((e) => e.name)
    .sort();
  if (names.length === 0) throw new InputError(`${dir} holds no part files (expected Spark's part-*.parquet or part-*.json)`);
  return names.map((n) => join(dir, n));
}

/** Rows as they arrive: ids checked for duplicates, features for shape and finiteness, packed into float32. */
class Collector {
  ids: string[] = [];
  index = new Map<string, number>();
  f = 0;
  values = new Float32Array(0);

  addId(raw: unknown, where: string): void {
    let id: string;
    if (typeof raw === 'string') id = raw;
    else if (typeof raw === 'bigint') id = raw.toString();
    else if (typeof raw === 'number' && Number.isSafeInteger(raw)) id = String(raw);
    else if (raw === null || raw === undefined) throw new InputError(`${where}: missing id`);
    else throw new InputError(`${where}: id must be an integer or a string, got ${JSON.stringify(String(raw)).slice(0, 40)}`);
    if (id === '' || id.includes('\n')) throw new InputError(`${where}: id ${JSON.stringify(id)} is empty or contains a newline`);
    const first = this.index.get(id);
    if (first !== undefined) throw new InputError(`${where}: duplicate id ${JSON.stringify(id)} (already row ${first + 1})`);
    this.index.set(id, this.ids.length);
    this.ids.push(id);
  }

  add(rawId: unknown, features: unknown, where: string): void {
    if (features === null || features === undefined) throw new InputError(`${where}: missing features`);
    const arr = features as ArrayLike<unknown>;
    if (typeof features !== 'object' || typeof arr.length !== 'number')
      throw new InputError(`${where}: features must be an array of numbers`);
    const n = arr.length;
    if (this.ids.length === 0) {
      if (n === 0) throw new InputError(`${where}: features is empty`);
      this.f = n;
      this.values = new Float32Array(1024 * n);
    } else if (n !== this.f) {
      throw new InputError(`${where}: ${n} features, earlier rows have ${this.f} (ragged rows)`);
    }
    const row = this.ids.length;
    if ((row + 1) * this.f > this.values.length) {
      const grown = new Float32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    const o = row * this.f;
    for (let k = 0; k < n; k++) {
      const v = arr[k];
      // Spark's JSON writer spells non-finite floats as the strings "NaN", "Infinity", "-Infinity".
      if (typeof v !== 'number') {
        throw new InputError(
          `${where}: features[${k}] is ${v === null ? 'null' : typeof v === 'string' ? JSON.stringify(v) : typeof v}, not a number`,
        );
      }
      const f = Math.fround(v);
      if (!Number.isFinite(f))
        throw new InputError(`${where}: features[${k}] is ${Number.isFinite(v) ? `${v}, which overflows float32` : v}`);
      this.values[o + k] = f;
    }
    this.addId(rawId, where);
  }

  finish(name: string): { ids: string[]; factors: number; values: Float32Array } {
    if (this.ids.length === 0) throw new InputError(`${name} has no rows`);
    return { ids: this.ids, factors: this.f, values: this.values.slice(0, this.ids.length * this.f) };
  }
}

async function readJsonLines(file: string, name: string, out: Collector): Promise<void> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    n++;
    const s = n === 1 ? line.replace(/^\uFEFF/, '').trim() : line.trim();
    if (!s) continue;
    const where = `${name}:${n}`;
    let o: unknown;
    try {
      o = JSON.parse(s);
    } catch {
      throw new InputError(`${where}: not valid JSON`);
    }
    if (!o || typeof o !== 'object' || Array.isArray(o))
      throw new InputError(`${where}: expected a JSON object {"id": …, "features": […]}`);
    const row = o as { id?: unknown; features?: unknown };
    if (row.features !== undefined && !Array.isArray(row.features)) throw new InputError(`${where}: features must be an array of numbers`);
    out.add(row.id, row.features, where);
  }
}

async function readParquet(file: string, name: string, out: Collector): Promise<void> {
  const buffer = await asyncBufferFromFile(file);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (err) {
    throw new InputError(`${name} is not a readable Parquet file: ${(err as Error).message}`);
  }
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  for (const c of ['id', 'features']) {
    if (!columns.includes(c))
      throw new InputError(`${name}: no column ${JSON.stringify(c)} (expected Spark ALS's id and features, got ${columns.join(', ')})`);
  }
  // One row group at a time, so a large file is never all JS objects at once.
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rows = Number(group.num_rows);
    const first = rowStart;
    try {
      await parquetRead({
        file: buffer,
        metadata,
        columns: ['id', 'features'],
        rowStart: first,
        rowEnd: first + rows,
        onComplete: (data) => {
          for (let r = 0; r < data.length; r++) out.add(data[r][0], data[r][1], `${name}: row ${first + r + 1}`);
        },
      });
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`${name}: cannot read Parquet data: ${(err as Error).message}`);
    }
    rowStart += rows;
  }
}

async function readNpyFactors(path: string, idsPath: string): Promise<ImportedFactors> {
  const bytes = new Uint8Array(await readFile(path));
  const m = parseNpy(bytes, basename(path));
  const ids = await readIdList(idsPath);
  if (ids.length !== m.rows) {
    throw new InputError(`${basename(idsPath)} lists ${ids.length} ids but ${basename(path)} has ${m.rows} rows (line i must name row i)`);
  }
  const out = new Collector();
  ids.forEach((id, i) => out.addId(id, `${basename(idsPath)}:${i + 1}`));
  return { ids: out.ids, factors: m.cols, values: m.values, format: 'npy', files: [path] };
}

/** One id per line (trimmed; a final newline is optional); a blank line is refused, since it would shift every row after it. */
export async function readIdList(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError(`id list not found: ${path}`);
  }
  const name = basename(path);
  if (text.trim() === '') throw new InputError(`${name} is empty`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l, i) => {
    const id = l.trim();
    if (!id) throw new InputError(`${name}:${i + 1}: empty id (one id per line, in row order)`);
    return id;
  });
}
