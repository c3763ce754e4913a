// Worker-thread entry for ALS half-sweeps: receives the shared arrays (JS solver) or the shared
// wasm memory and module (SIMD kernel) once, then solves the row ranges it is sent.
import { parentPort } from 'node:worker_threads';
import { type SolveInput, solveRows } from './cg.js';
import { kernelSolver, type WasmLayout } from './wasm-kernel.js';

type Msg =
  | { kind: 'init'; id: number; users: SolveInput; items: SolveInput }
  | { kind: 'init-wasm'; id: number; layout: WasmLayout }
  | { kind: 'solve'; side: 'users' | 'items'; from: number; to: number };

let solve: ((side: 'users' | 'items', from: number, to: number) => void) | undefined;

parentPort!.on('message', (msg: Msg) => {
  if (msg.kind === 'init') {
    const sides = { users: msg.users, items: msg.items };
    solve = (side, from, to) => solveRows(sides[side], from, to);
  } else if (msg.kind === 'init-wasm') {
    solve = kernelSolver(msg.layout, msg.id);
  } else {
    solve!(msg.side, msg.from, msg.to);
  }
  parentPort!.postMessage({ ok: true });
});
