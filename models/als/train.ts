import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InputError } from '../data/input-error.js';
import { type Csr, type Interactions, toCsr } from '../data/read-interactions.js';
import { type AlsParams, DEFAULT_EVENT_WEIGHTS, type TrainedModel } from '../model.js';
import { gramMatrix } from '../pack/gram.js';
import { type SolveInput, solveRows } from './cg.js';
import { sampledLoss } from './loss.js';
import { mulberry32 } from './random.js';
import { kernelModule, kernelSolver, type WasmLayout } from './wasm-kernel.js';

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
  /** Training objective per user on a fixed sample of users (see loss.ts); falls as ALS converges. */
  loss: number;
}

export interface TrainOptions {
  /** Worker threads; results are identical for any count. @default os.availableParallelism() */
  threads?: number;
  /** `wasm`: the float32 SIMD kernel (needs factors % 4 = 0); `js`: the float64 reference solver. @default 'wasm' when possible */
  backend?: 'wasm' | 'js';
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
  if (!Number.isFinite(p.regularization) || p.regularization < 0)
    throw new InputError(`--regularization must be a number ≥ 0, got ${p.regularization}`);
  if (!Number.isFinite(p.alpha) || p.alpha <= 0) throw new InputError(`--alpha must be a number > 0, got ${p.alpha}`);
}

/** Where the factors and CSR arrays live: plain SharedArrayBuffers (JS) or one shared wasm memory. */
interface Store {
  X: Float32Array;
  Y: Float32Array;
  Gu: Float32Array | Float64Array;
  Gi: Float32Array | Float64Array;
  users: SolveInput;
  items: SolveInput;
  wasm?: WasmLayout;
}

function jsStore(data: Interactions, f: number, p: AlsParams): Store {
  const shared = (n: number) => new Float32Array(new SharedArrayBuffer(n * 4));
  const X = shared(data.userIds.length * f);
  const Y = shared(data.itemIds.length * f);
  const Gu = new Float64Array(new SharedArrayBuffer(f * f * 8));
  const Gi = new Float64Array(new SharedArrayBuffer(f * f * 8));
  const csr = (c: Csr) => ({ indptr: copyShared(c.indptr), indices: copyShared(c.indices), values: copyShared(c.values) });
  const users: SolveInput = { X, Y, G: Gu, ...csr(toCsr(data, true)), factors: f, alpha: p.alpha, cgSteps: p.cgSteps };
  const items: SolveInput = { X: Y, Y: X, G: Gi, ...csr(toCsr(data, false)), factors: f, alpha: p.alpha, cgSteps: p.cgSteps };
  return { X, Y, Gu, Gi, users, items };
}

function wasmStore(data: Interactions, f: number, p: AlsParams, threads: number, module: WebAssembly.Module): Store | undefined {
  const byUser = toCsr(data, true);
  const byItem = toCsr(data, false);
  let top = 0;
  const take = (bytes: number) => {
    const at = top;
    top += Math.ceil(bytes / 16) * 16;
    return at;
  };
  const nU = data.userIds.length;
  const nI = data.itemIds.length;
  const nnz = data.users.length;
  const at = {
    X: take(nU * f * 4),
    Y: take(nI * f * 4),
    Gu: take(f * f * 4),
    Gi: take(f * f * 4),
    uPtr: take((nU + 1) * 4),
    uIdx: take(nnz * 4),
    uVal: take(nnz * 4),
    iPtr: take((nI + 1) * 4),
    iIdx: take(nnz * 4),
    iVal: take(nnz * 4),
    scratch: take(threads * 16 * f),
  };
  const pages = Math.ceil(top / 65536) + 1;
  if (pages > 32768) return undefined; // over 2 GiB: the JS solver handles it
  const memory = new WebAssembly.Memory({ initial: pages, maximum: 32768, shared: true });
  const buf = memory.buffer;
  const f32 = (o: number, n: number) => new Float32Array(buf, o, n);
  const i32 = (o: number, n: number) => new Int32Array(buf, o, n);
  i32(at.uPtr, nU + 1).set(byUser.indptr);
  i32(at.uIdx, nnz).set(byUser.indices);
  f32(at.uVal, nnz).set(byUser.values);
  i32(at.iPtr, nI + 1).set(byItem.indptr);
  i32(at.iIdx, nnz).set(byItem.indices);
  f32(at.iVal, nnz).set(byItem.values);
  const X = f32(at.X, nU * f);
  const Y = f32(at.Y, nI * f);
  const Gu = f32(at.Gu, f * f);
  const Gi = f32(at.Gi, f * f);
  const side = (x: number, y: number, g: number, ptr: number, idx: number, val: number) => ({
    X: x,
    Y: y,
    G: g,
    indptr: ptr,
    indices: idx,
    values: val,
  });
  const wasm: WasmLayout = {
    memory,
    module,
    users: side(at.X, at.Y, at.Gu, at.uPtr, at.uIdx, at.uVal),
    items: side(at.Y, at.X, at.Gi, at.iPtr, at.iIdx, at.iVal),
    scratch: at.scratch,
    factors: f,
    alpha: p.alpha,
    cgSteps: p.cgSteps,
  };
  // indptr views for load balancing (same numbers as the CSR arrays in wasm memory).
  const users = { indptr: byUser.indptr } as SolveInput;
  const items = { indptr: byItem.indptr } as SolveInput;
  return { X, Y, Gu, Gi, users, items, wasm };
}

/** Implicit-feedback ALS (Hu, Koren & Volinsky 2008) with conjugate-gradient row solves. */
export async function trainAls(data: Interactions, params: Partial<AlsParams> = {}, options: TrainOptions = {}): Promise<TrainedModel> {
  const p: AlsParams = { ...DEFAULT_PARAMS, ...params, eventWeights: { ...DEFAULT_PARAMS.eventWeights, ...params.eventWeights } };
  const nUsers = data.userIds.length;
  const nItems = data.itemIds.length;
  validate(p, options.threads ?? 1);
  // Small problems do not pay for threads.
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), Math.floor(Math.max(nUsers, nItems) / 256)));
  const f = p.factors;
  const module = options.backend !== 'js' && f % 4 === 0 ? kernelModule() : null;
  if (options.backend === 'wasm' && !module) throw new InputError('the wasm backend needs factors divisible by 4 and WebAssembly SIMD');
  const store = (module && wasmStore(data, f, p, threads, module)) || jsStore(data, f, p);
  const { X, Y } = store;
  // Initial factors: uniform [0, 0.01) like implicit, from the seed, in a fixed order.
  const rand = mulberry32(p.seed);
  for (let k = 0; k < X.length; k++) X[k] = rand() * 0.01;
  for (let k = 0; k < Y.length; k++) Y[k] = rand() * 0.01;
  const gram = new Float64Array(f * f);
  const byUser = toCsr(data, true);

  const pool = threads > 1 ? await startPool(threads, store) : undefined;
  const local = !pool && store.wasm ? kernelSolver(store.wasm, 0) : undefined;
  const solveLocal = (side: 'users' | 'items', from: number, to: number) =>
    local ? local(side, from, to) : solveRows(store[side], from, to);
  const start = performance.now();
  try {
    gramMatrix(Y, nItems, f, p.regularization, gram);
    for (let it = 0; it < p.iterations; it++) {
      store.Gu.set(gram);
      await sweep(pool, solveLocal, store.users.indptr, 'users', nUsers);
      store.Gi.set(gramMatrix(X, nUsers, f, p.regularization, gram));
      await sweep(pool, solveLocal, store.items.indptr, 'items', nItems);
      // YᵀY + λI of the new Y: the next user sweep needs it, and so does the progress loss.
      gramMatrix(Y, nItems, f, p.regularization, gram);
      if (options.onProgress) {
        const loss = sampledLoss(X, Y, gram, byUser, f, p.alpha);
        const elapsedMs = performance.now() - start;
        options.onProgress({
          iteration: it + 1,
          iterations: p.iterations,
          elapsedMs,
          etaMs: (elapsedMs / (it + 1)) * (p.iterations - it - 1),
          loss,
        });
      }
    }
  } finally {
    await pool?.close();
  }
  for (const [name, arr] of [
    ['user', X],
    ['item', Y],
  ] as const) {
    for (let k = 0; k < arr.length; k++) {
      if (!Number.isFinite(arr[k]))
        throw new InputError(
          `training diverged: ${name} factor ${k} is ${arr[k]} (lower --alpha or the weights, or raise --regularization)`,
        );
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
async function startPool(n: number, store: Store): Promise<Pool> {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './als-worker.ts' : './als-worker.js', import.meta.url);
  const workers = Array.from({ length: n }, () => new Worker(url, fromSource ? { execArgv: ['--import', 'tsx'] } : {}));
  await Promise.all(
    workers.map((w, id) => {
      const ready = once(w);
      w.postMessage(
        store.wasm ? { kind: 'init-wasm', id, layout: store.wasm } : { kind: 'init', id, users: store.users, items: store.items },
      );
      return ready;
    }),
  );
  return { workers, close: async () => void (await Promise.all(workers.map((w) => w.terminate()))) };
}

/** One half-sweep; with a pool, rows are split by interaction count so threads finish together. */
async function sweep(
  pool: Pool | undefined,
  solveLocal: (side: 'users' | 'items', from: number, to: number) => void,
  indptr: Int32Array,
  side: 'users' | 'items',
  n: number,
) {
  if (!pool) return solveLocal(side, 0, n);
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
