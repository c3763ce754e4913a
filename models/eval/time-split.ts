import { DEFAULT_EVENT_WEIGHTS } from '../../schema/events.js';
import { InputError } from '../data/input-error.js';
import { parseCsvHeader } from '../data/read-interactions.js';

/** One row of a trainer input file with its time: the row's text, unchanged, and its time in ms. */
export interface TimedRow {
  text: string;
  time: number;
}

/** A trainer input file (CSV or JSONL) as timed rows, in file order. */
export interface TimedRows {
  format: 'csv' | 'jsonl';
  /** CSV: the header line (each split repeats it); JSONL: undefined. */
  header?: string;
  /** Rows that carry weight; rows of weight 0 (impressions by default) are left out, as the trainer skips them. */
  rows: TimedRow[];
}

/** Column names read as a row's time in CSV input (after `parseCsvHeader`'s normalisation). */
export const TIME_COLUMNS = ['timestamp', 'ts', 'time', 'client_ts', 'received_at'];

/**
 * Milliseconds since the epoch from a number (ms; values below 1e11, i.e. before 1973 in ms, are
 * read as seconds) or an ISO 8601 string; undefined when it is neither.
 */
export function parseTime(v: unknown): number | undefined {
  if (typeof v === 'string' && v.trim() !== '') {
    const s = v.trim();
    if (/^\d+(\.\d+)?$/.test(s)) return parseTime(Number(s));
    const t = Date.parse(s);
    return Number.isFinite(t) ? t : undefined;
  }
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v < 1e11 ? v * 1000 : v;
  return undefined;
}

/**
 * Reads the rows of a trainer input file (the formats `edgepick train` reads, as `edgepick export`
 * writes them) with their times, for a split by time. A JSONL event's time is its client `ts`, else
 * the `receivedAt` that `edgepick export` adds (else a `timestamp` field); a CSV row's, its
 * `timestamp` (or `ts`, `time`) column. A row without a readable time is an error: a time-based
 * holdout cannot place it. Everything else about a row is checked later by the trainer's parser.
 */
export function readTimedRows(
  text: string,
  name: string,
  options: { format?: 'csv' | 'jsonl'; eventWeights?: Record<string, number> } = {},
): TimedRows {
  const weights: Record<string, number> = { ...DEFAULT_EVENT_WEIGHTS, ...options.eventWeights };
  // A row's weight as the trainer will compute it; unknown types count (the trainer reports them).
  const weightOf = (weight: unknown, type: unknown) => {
    if (weight !== undefined && weight !== null && weight !== '') {
      const w = Number(weight);
      return Number.isFinite(w) ? w : 1; // a malformed weight stays in, for the trainer to report
    }
    if (typeof type === 'string' && type !== '' && weights[type] !== undefined) return weights[type];
    return 1;
  };
  const format = options.format ?? (text.trimStart().startsWith('{') ? 'jsonl' : 'csv');
  const lines = text.split('\n');
  const rows: TimedRow[] = [];
  if (format === 'jsonl') {
    lines.forEach((raw, n) => {
      const line = raw.trim();
      if (!line) return;
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line);
      } catch {
        throw new InputError(`${name}:${n + 1}: not valid JSON`);
      }
      if (!o || typeof o !== 'object' || Array.isArray(o)) throw new InputError(`${name}:${n + 1}: expected a JSON object`);
      if (!(weightOf(o.weight, o.type ?? o.event) > 0)) return;
      const time = parseTime(o.ts ?? o.receivedAt ?? o.timestamp);
      if (time === undefined)
        throw new InputError(`${name}:${n + 1}: no time (ts or receivedAt) to place the event in a time-based holdout`);
      rows.push({ text: line, time });
    });
    return { format, rows };
  }
  let first = 0;
  while (first < lines.length && lines[first].trim() === '') first++;
  if (first === lines.length) throw new InputError(`${name} is empty`);
  const header = lines[first].replace(/\r$/, '');
  const { find, split } = parseCsvHeader(header);
  const ti = find(...TIME_COLUMNS);
  if (ti < 0)
    throw new InputError(`${name}: a time-based holdout needs a timestamp column (header: ${JSON.stringify(header.slice(0, 80))})`);
  const wi = find('weight', 'value', 'count');
  const ei = find('event', 'event_type', 'type');
  for (let n = first + 1; n < lines.length; n++) {
    const line = lines[n].replace(/\r$/, '');
    if (line.length === 0) continue;
    const f = split(line);
    if (!(weightOf(wi >= 0 ? f[wi]?.trim() : undefined, ei >= 0 ? f[ei]?.trim() : undefined) > 0)) continue;
    const time = parseTime(f[ti]?.trim());
    if (time === undefined) throw new InputError(`${name}:${n + 1}: no timestamp to place the row in a time-based holdout`);
    rows.push({ text: line, time });
  }
  return { format, header, rows };
}

/** The two halves of a split by time, as trainer input text in the file's own format. */
export interface TimeSplit {
  format: 'csv' | 'jsonl';
  train: string;
  test: string;
  trainRows: number;
  testRows: number;
  /** Time of the first test row (ms): every training row is at or before it. */
  cutoff: number;
  /** Times of the earliest and the latest row (ms). */
  from: number;
  to: number;
}

/**
 * Splits rows by time, like a deployment sees them: the latest `fraction` of the interactions
 * (rows of weight > 0, by time, ties in file order) are the test set, everything before them the
 * training set. Unlike the per-user random holdout (`splitHoldout`) no shopper's future leaks into
 * training. At least one row goes to each side when there are two or more.
 */
export function splitByTime(data: TimedRows, fraction = 0.2): TimeSplit {
  if (!(fraction > 0 && fraction < 1)) throw new InputError(`holdout fraction must be between 0 and 1, got ${fraction}`);
  const n = data.rows.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => data.rows[a].time - data.rows[b].time || a - b);
  const nTest = n < 2 ? 0 : Math.min(n - 1, Math.max(1, Math.floor(n * fraction)));
  const cut = n - nTest;
  const text = (idx: number[]) => {
    const body = idx.map((i) => data.rows[i].text).join('\n');
    return data.header === undefined ? `${body}\n` : `${data.header}\n${body}\n`;
  };
  return {
    format: data.format,
    train: text(order.slice(0, cut)),
    test: text(order.slice(cut)),
    trainRows: cut,
    testRows: nTest,
    cutoff: nTest ? data.rows[order[cut]].time : Number.POSITIVE_INFINITY,
    from: n ? data.rows[order[0]].time : Number.NaN,
    to: n ? data.rows[order[n - 1]].time : Number.NaN,
  };
}
