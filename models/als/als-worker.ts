// Worker-thread entry for ALS half-sweeps: receives the shared arrays once, then solves row ranges.
import { parentPort } from 'node:worker_threads';
import { type SolveInput, solveRows } from './cg.js';

type Msg =
  | { kind: 'init'; id: number; users: SolveInput; items: SolveInput }
  | { kind: 'solve'; side: 'users' | 'items'; from: number; to: number };

let sides: { users: SolveInput; items: SolveInput } | undefined;

parentPort!.on('message', (msg: Msg) => {
  if (msg.kind === 'init') {
    sides = { users: msg.users, items: msg.items };
    parentPort!.postMessage({ ok: true });
    return;
  }
  solveRows(sides![msg.side], msg.from, msg.to);
  parentPort!.postMessage({ ok: true });
});
