import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { TrainingEvent } from '../../schema/events.js';
import { DEFAULT_EVENT_WEIGHTS } from '../model.js';
import { InputError } from './input-error.js';

/** Interactions in coordinate form: parallel arrays indexing into the id lists (ids in first-seen order). */
export interface Interactions {
  userIds: string[];
  itemIds: string[];
  users: Int32Array;
  items: Int32Array;
  weights: Float32Array;
}

export interface ReadOptions {
  eventWeights?: Record<string, number>;
}

/**
 * Reads CSV (`user,item[,weight][,event][,timestamp]` with a header row; columns found by name) or
 * JSONL events (`{"userId","itemId","type","weight"?}`). Weight = weight column, else the event's
 * weight, else 1; rows of weight 0 are skipped; repeated (user, item) pairs are summed.
 */
export async function readInteractions(path: string, options: ReadOptions = {}): Promise<Interactions> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new InputError(`file not found: ${path}`);
  }
  if (size === 0) throw new InputError(`${basename(path)} is empty`);
  const text = await readFile(path, 'utf8');
  const weights = { ...DEFAULT_EVENT_WEIGHTS, ...options.eventWeights };
  const jsonl = /\.(jsonl|ndjson)$/i.test(path) || text.trimStart().startsWith('{');
  const acc = new Accumulator();
  (jsonl ? parseJsonl : parseCsv)(text, basename(path), weights, acc);
  return acc.finish(basename(path));
}

/** Parses from a string (used by tests and by callers that already hold the text). */
export function parseInteractions(text: string, name: string, options: ReadOptions & { format?: 'csv' | 'jsonl' } = {}): Interactions {
  const weights = { ...DEFAULT_EVENT_WEIGHTS, ...options.eventWeights };
  const acc = new Accumulator();
  const jsonl = options.format ? options.format === 'jsonl' : text.trimStart().startsWith('{');
  (jsonl ? parseJsonl : parseCsv)(text, name, weights, acc);
  return acc.finish(name);
}

/**
 * Collects rows into growable typed arrays (no per-pair Map: V8 Maps stop at 2^24 entries, and
 * real logs have more pairs), then merges repeated (user, item) pairs in O(n) when finished.
 */
class Accumulator {
  userIndex = new Map<string, number>();
  itemIndex = new Map<string, number>();
  userIds: string[] = [];
  itemIds: string[] = [];
  n = 0;
  users = new Int32Array(1024);
  items = new Int32Array(1024);
  weights = new Float32Array(1024);

  add(user: string, item: string, w: number) {
    let u = this.userIndex.get(user);
    if (u === undefined) {
      u = this.userIds.length;
      this.userIds.push(user);
      this.userIndex.set(user, u);
    }
    let i = this.itemIndex.get(item);
    if (i === undefined) {
      i = this.itemIds.length;
      this.itemIds.push(item);
      this.itemIndex.set(item, i);
    }
    if (this.n === this.users.length) {
      const grow = <T extends Int32Array | Float32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.users = grow(this.users);
      this.items = grow(this.items);
      this.weights = grow(this.weights);
    }
    this.users[this.n] = u;
    this.items[this.n] = i;
    this.weights[this.n] = w;
    this.n++;
  }

  /** Rows grouped by user (users and, within a user, items in order of first appearance), duplicates summed. */
  finish(name: string): Interactions {
    if (this.n === 0) throw new InputError(`${name} has no interactions (empty dataset, or every row has weight 0)`);
    const nUsers = this.userIds.length;
    const start = new Int32Array(nUsers + 1);
    for (let k = 0; k < this.n; k++) start[this.users[k] + 1]++;
    for (let u = 0; u < nUsers; u++) start[u + 1] += start[u];
    const order = new Int32Array(this.n);
    const fill = start.slice(0, nUsers);
    for (let k = 0; k < this.n; k++) order[fill[this.users[k]]++] = k;
    const mark = new Int32Array(this.itemIds.length).fill(-1);
    const pos = new Int32Array(this.itemIds.length);
    const users = new Int32Array(this.n);
    const items = new Int32Array(this.n);
    const weights = new Float32Array(this.n);
    let out = 0;
    for (let u = 0; u < nUsers; u++) {
      for (let j = start[u]; j < start[u + 1]; j++) {
        const k = order[j];
        const i = this.items[k];
        if (mark[i] === u) weights[pos[i]] += this.weights[k];
        else {
          mark[i] = u;
          pos[i] = out;
          users[out] = u;
          items[out] = i;
          weights[out] = this.weights[k];
          out++;
        }
      }
    }
    return {
      userIds: this.userIds,
      itemIds: this.itemIds,
      users: users.slice(0, out),
      items: items.slice(0, out),
      weights: weights.slice(0, out),
    };
  }
}

function weightOf(raw: string | undefined, event: string | undefined, weights: Record<string, number>, where: string): number {
  if (raw !== undefined && raw !== '') {
    const w = Number(raw);
    if (!Number.isFinite(w) || w < 0) throw new InputError(`${where}: weight must be a non-negative number, got ${JSON.stringify(raw)}`);
    return w;
  }
  if (event !== undefined && event !== '') {
    const w = weights[event];
    if (w === undefined)
      throw new InputError(`${where}: unknown event type ${JSON.stringify(event)} (known: ${Object.keys(weights).join(', ')})`);
    return w;
  }
  return 1;
}

/** Header names accepted for the user id column (after `parseCsvHeader`'s normalisation). */
export const USER_COLUMNS = ['user', 'user_id', 'userid', 'uid', 'visitor_id', 'visitorid'];
/** Header names accepted for the item id column. */
export const ITEM_COLUMNS = ['item', 'item_id', 'itemid', 'product', 'product_id', 'productid', 'sku'];

export interface CsvHeader {
  /** Column names, trimmed, lower-cased, spaces and dashes turned into `_` (`User ID` → `user_id`). */
  columns: string[];
  /** Index of the first column named any of `names`, or −1. */
  find: (...names: string[]) => number;
  /** Splits a data row the way the header was split. */
  split: (line: string) => string[];
}

/**
 * The one CSV header parser (interaction files, `edgepick recommend --users`): a leading BOM is
 * dropped; a header with tabs and no commas makes the file tab-separated, otherwise fields are
 * comma-separated with RFC 4180 quotes.
 */
export function parseCsvHeader(header: string): CsvHeader {
  const sep = header.includes('\t') && !header.includes(',') ? '\t' : ',';
  const split = (l: string) => (sep === ',' ? (l.includes('"') ? splitCsv(l) : l.split(',')) : l.split('\t'));
  const columns = split(header.replace(/^\uFEFF/, '')).map((c) => c.trim().toLowerCase().replace(/[\s-]/g, '_'));
  return { columns, find: (...names) => columns.findIndex((c) => names.includes(c)), split };
}

function parseCsv(text: string, name: string, weights: Record<string, number>, acc: Accumulator) {
  let pos = 0;
  let line = 0;
  const next = (): string | undefined => {
    if (pos >= text.length) return undefined;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    let s = text.slice(pos, end);
    if (s.endsWith('\r')) s = s.slice(0, -1);
    pos = end + 1;
    line++;
    return s;
  };
  let header = next();
  while (header !== undefined && header.trim() === '') header = next();
  if (header === undefined) throw new InputError(`${name} is empty`);
  const { split, columns: cols, find } = parseCsvHeader(header);
  const ui = find(...USER_COLUMNS);
  const ii = find(...ITEM_COLUMNS);
  if (ui < 0 || ii < 0) {
    throw new InputError(`${name}:${line}: header must name the columns user and item (got ${JSON.stringify(header.slice(0, 80))})`);
  }
  const wi = find('weight', 'value', 'count');
  const ei = find('event', 'event_type', 'type');
  const need = Math.max(ui, ii) + 1;
  for (let row = next(); row !== undefined; row = next()) {
    if (row.length === 0) continue;
    const f = split(row);
    if (f.length < need)
      throw new InputError(`${name}:${line}: expected at least ${need} columns (${cols.slice(0, need).join(',')}), got ${f.length}`);
    const user = f[ui].trim();
    const item = f[ii].trim();
    if (!user || !item) throw new InputError(`${name}:${line}: empty ${!user ? 'user' : 'item'} id`);
    const w = weightOf(wi >= 0 ? f[wi]?.trim() : undefined, ei >= 0 ? f[ei]?.trim() : undefined, weights, `${name}:${line}`);
    if (w > 0) acc.add(user, item, w);
  }
}

/** One CSV line with RFC 4180 quoting ("a,b" and doubled "" inside quotes). */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function parseJsonl(text: string, name: string, weights: Record<string, number>, acc: Accumulator) {
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const s = lines[n].trim();
    if (!s) continue;
    const where = `${name}:${n + 1}`;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(s);
    } catch {
      throw new InputError(`${where}: not valid JSON`);
    }
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw new InputError(`${where}: expected a JSON object`);
    // Short aliases (`user`, `item`, `event`, numeric ids) are read as the Event schema's names.
    const text = (v: unknown) => (typeof v === 'number' ? String(v) : v);
    const parsed = TrainingEvent.safeParse({
      ...o,
      userId: text(o.userId ?? o.user),
      visitorId: text(o.visitorId),
      itemId: text(o.itemId ?? o.item),
      type: o.type ?? o.event,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.join('.') || 'event';
      throw new InputError(
        `${where}: ${issue.code === 'invalid_type' && issue.input === undefined ? `missing ${field}` : `${field}: ${issue.message}`}`,
      );
    }
    const e = parsed.data;
    const user = e.userId ?? e.visitorId!;
    const item = e.itemId;
    const w = weightOf(e.weight === undefined ? undefined : String(e.weight), e.type, weights, where);
    if (w > 0) acc.add(user, item, w);
  }
}

/** Compressed sparse rows: for row r, entries [indptr[r], indptr[r+1]) of `indices`/`values`. */
export interface Csr {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** CSR by user (`byUser: true`) or by item. */
export function toCsr(x: Interactions, byUser: boolean): Csr {
  const rows = byUser ? x.users : x.items;
  const cols = byUser ? x.items : x.users;
  const n = byUser ? x.userIds.length : x.itemIds.length;
  const indptr = new Int32Array(n + 1);
  for (let k = 0; k < rows.length; k++) indptr[rows[k] + 1]++;
  for (let r = 0; r < n; r++) indptr[r + 1] += indptr[r];
  const fill = indptr.slice(0, n);
  const indices = new Int32Array(rows.length);
  const values = new Float32Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const at = fill[rows[k]]++;
    indices[at] = cols[k];
    values[at] = x.weights[k];
  }
  return { indptr, indices, values };
}
