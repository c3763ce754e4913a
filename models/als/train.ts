import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InputError } from '../data/input-error.js';
import { type Interactions, toCsr } from '../data/read-interactions.js';
import { type AlsParams, DEFAULT_EVENT_WEIGHTS, type TrainedModel } from '../model.js';
import { gramPlusReg, type SolveInput, solveRows } from './cg.js';
import { mulberry32 } from './random.js';

/**
 * Defaults tuned on MovieLens 1M (BENCHMARKS.md): with c = 1 + α·w, α = 4 matches implicit's
 * confidence 5 (its c = α·w), and λ = 1 regularises well at 64 factors.
 */
export const DEFAULT_PARAMS: AlsParams = {
  factors: 64,
  iterations: 15,
  regularization: 1,
  alpha: 4,
  seed: 42,
  cgSteps: 3,
  eventWeights: DEFAULT_EVENT_WEIGHTS,
};

export interface Progress {
  iteration: number;
  iterations: number;
  elapsedMs: number;
  etaMs: number;
}

export interface TrainOptions {
  /** Worker threads; results are identical for any count. @default os.availableParallelism() */
  threads?: number;
  onProgress?: (p: Progress) => void;
}

function validate(p: AlsParams, threads: number) {
  const intIn = (name: string, v: number, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new InputError(`--${name} must be an integer in ${lo}..${hi}, got ${v}`);
  };
  intIn('factors', p.factors, 1, 1024);
  intIn('iterations', p.iterations, 1, 1000);
  intIn('cg-steps', p.cgSteps, 1, 100);
  intIn('threads', threads, 1, 256);
  intIn('seed', p.seed, 0, 2 ** 32 - 1);
  if (!Number.isFinite(p.regularization) || p.regularization < 0) throw new InputError(`--regularization must be a number ≥ 0, got ${p.regularization}`);
  if (!Number.isFinite(p.alpha) || p.alpha <= 0) throw new InputError(`--alpha must be a number > 0, got ${p.alpha}`);
}

const shared = (n: number) => new Float32Array(new SharedArrayBuffer(n * 4));

/** Implicit-feedback ALS (Hu, Koren & Volinsky 2008) with conjugate-gradient row solves. */
export async function trainAls(data: Interactions, params: Partial<AlsParams> = {}, options: TrainOptions = {}): Promise<TrainedModel> {
  const p: AlsParams = { ...DEFAULT_PARAMS, ...params, eventWeights: { ...DEFAULT_PARAMS.eventWeights, ...params.eventWeights } };
  const nUsers = data.userIds.length;
  const nItems = data.itemIds.length;
  const threads = Math.min(options.threads ?? availableParallelism(), Math.max(1, Math.floor(Math.max(nUsers, nItems) / 256)) || 1);
  validate(p, options.threads ?? threads);
  const f = p.factors;
  // Initial factors: uniform [0, 0.01) like implicit, from the seed, in a fixed order.
  const rand = mulberry32(p.seed);
  const X = shared(nUsers * f);
  const Y = shared(nItems * f);
  for (let k = 0; k < X.length; k++) X[k] = rand() * 0.01;
  for (let k = 0; k < Y.length; k++) Y[k] = rand() * 0.01;
  const byUser = toCsr(data, true);
  const byItem = toCsr(data, false);
  const sharedCsr = (c: typeof byUser) => ({
    indptr: copyShared(c.indptr),
    indices: copyShared(c.indices),
    values: copyShared(c.values),
  });
  const Gu = new Float64Array(new SharedArrayBuffer(f * f * 8));
  const Gi = new Float64Array(new SharedArrayBuffer(f * f * 8));
  const users: SolveInput = { X, Y, G: Gu, ...sharedCsr(byUser), factors: f, alpha: p.alpha, cgSteps: p.cgSteps };
  const items: SolveInput = { X: Y, Y: X, G: Gi, ...sharedCsr(byItem), factors: f, alpha: p.alpha, cgSteps: p.cgSteps };

  const pool = threads > 1 ? await startPool(threads, users, items) : undefined;
  const start = performance.now();
  try {
    for (let it = 0; it < p.iterations; it++) {
      gramPlusReg(Y, nItems, f, p.regularization, Gu);
      await sweep(pool, users, 'users', nUsers);
      gramPlusReg(X, nUsers, f, p.regularization, Gi);
      await sweep(pool, items, 'items', nItems);
      const elapsedMs = performance.now() - start;
      options.onProgress?.({ iteration: it + 1, iterations: p.iterations, elapsedMs, etaMs: (elapsedMs / (it + 1)) * (p.iterations - it - 1) });
    }
  } finally {
    await pool?.close();
  }
  for (const [name, arr] of [['user', X], ['item', Y]] as const) {
    for (let k = 0; k < arr.length; k++) {
      if (!Number.isFinite(arr[k])) throw new InputError(`training diverged: ${name} factor ${k} is ${arr[k]} (lower --alpha or the weights, or raise --regularization)`);
    }
  }
  const itemPopularity = new Float32Array(nItems);
  for (let k = 0; k < data.items.length; k++) itemPopularity[data.items[k]] += data.weights[k];
  return {
    params: p,
    factors: f,
    itemIds: data.itemIds,
    itemFactors: Float32Array.from(Y),
    userIds: data.userIds,
    userFactors: Float32Array.from(X),
    itemPopularity,
    interactions: data.users.length,
  };
}

function copyShared<T extends Int32Array | Float32Array>(a: T): T {
  const out = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

interface Pool {
  workers: Worker[];
  close(): Promise<void>;
}

function once(w: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMsg = () => {
      w.off('error', onErr);
      resolve();
    };
    const onErr = (e: Error) => {
      w.off('message', onMsg);
      reject(e);
    };
    w.once('message', onMsg);
    w.once('error', onErr);
  });
}

/**
 * Worker threads run `als-worker`: next to this module when bundled (dist/als-worker.js), or the
 * TypeScript source through tsx's loader when running from source (tests, `tsx`).
 */
async function startPool(n: number, users: SolveInput, items: SolveInput): Promise<Pool> {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './als-worker.ts' : './als-worker.js', import.meta.url);
  const workers = Array.from({ length: n }, () => new Worker(url, fromSource ? { execArgv: ['--import', 'tsx'] } : {}));
  await Promise.all(
    workers.map((w, id) => {
      const ready = once(w);
      w.postMessage({ kind: 'init', id, users, items });
      return ready;
    }),
  );
  return { workers, close: async () => void (await Promise.all(workers.map((w) => w.terminate()))) };
}

async function sweep(pool: Pool | undefined, input: SolveInput, side: 'users' | 'items', n: number) {
  if (!pool) return solveRows(input, 0, n);
  // Split by interaction count, not row count, so threads finish together on skewed data.
  const { indptr } = input;
  const total = indptr[n];
  const k = pool.workers.length;
  let from = 0;
  await Promise.all(
    pool.workers.map((w, t) => {
      let to = n;
      if (t < k - 1) {
        const target = (total * (t + 1)) / k;
        let lo = from;
        let hi = n;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (indptr[mid] < target) lo = mid + 1;
          else hi = mid;
        }
        to = lo;
      }
      const range = { from, to };
      from = to;
      const done = once(w);
      w.postMessage({ kind: 'solve', side, ...range });
      return done;
    }),
  );
}
