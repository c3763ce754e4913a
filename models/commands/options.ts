import { InputError } from '../data/input-error.js';
import type { AlsParams } from '../model.js';

/** parseArgs option specs shared by `train` and `eval`. */
export const TRAINING_OPTIONS = {
  factors: { type: 'string' },
  iterations: { type: 'string' },
  regularization: { type: 'string' },
  alpha: { type: 'string' },
  seed: { type: 'string' },
  threads: { type: 'string' },
  'cg-steps': { type: 'string' },
  'event-weights': { type: 'string' },
} as const;

function num(name: string, v: string | undefined, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new InputError(`--${name} must be ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** Training options from parsed values; range checks happen in trainAls. */
export function trainingParams(values: Record<string, string | boolean | undefined>): { params: Partial<AlsParams>; threads?: number } {
  const s = (k: string) => values[k] as string | undefined;
  const params: Partial<AlsParams> = {};
  const set = <K extends keyof AlsParams>(k: K, v: AlsParams[K] | undefined) => {
    if (v !== undefined) params[k] = v;
  };
  set('factors', num('factors', s('factors'), true));
  set('iterations', num('iterations', s('iterations'), true));
  set('regularization', num('regularization', s('regularization'), false));
  set('alpha', num('alpha', s('alpha'), false));
  set('seed', num('seed', s('seed'), true));
  set('cgSteps', num('cg-steps', s('cg-steps'), true));
  const ew = s('event-weights');
  if (ew !== undefined) {
    const weights: Record<string, number> = {};
    for (const part of ew.split(',')) {
      const [k, v] = part.split('=');
      const w = Number(v);
      if (!k || v === undefined || !Number.isFinite(w) || w < 0)
        throw new InputError(`--event-weights expects type=weight,… with weights ≥ 0, got ${JSON.stringify(part)}`);
      weights[k.trim()] = w;
    }
    params.eventWeights = weights;
  }
  return { params, threads: num('threads', s('threads'), true) };
}

/** A progress reporter: one rewritten line on a TTY, a line per iteration elsewhere. */
export function progressPrinter(io: { stderr: (s: string) => void; isTTY: boolean }) {
  const fmt = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  return (p: { iteration: number; iterations: number; elapsedMs: number; etaMs: number; loss: number }) => {
    const line = `iter ${p.iteration}/${p.iterations}  loss ${p.loss.toPrecision(5)}  elapsed ${fmt(p.elapsedMs)}  eta ${fmt(p.etaMs)}`;
    if (io.isTTY) io.stderr(`\r${line}${p.iteration === p.iterations ? '\n' : ''}`);
    else io.stderr(`${line}\n`);
  };
}
