import { KERNEL_WASM_BASE64 } from './kernel-wasm.js';

/** Byte offsets of one ALS side (users or items) in the shared wasm memory. */
export interface SidePointers {
  X: number;
  Y: number;
  G: number;
  indptr: number;
  indices: number;
  values: number;
}

export interface WasmLayout {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  users: SidePointers;
  items: SidePointers;
  /** Per-thread scratch (4 vectors of f floats), thread t at scratch + t·16·f. */
  scratch: number;
  factors: number;
  alpha: number;
  cgSteps: number;
}

type Solve = (
  X: number,
  Y: number,
  G: number,
  indptr: number,
  indices: number,
  values: number,
  from: number,
  to: number,
  f: number,
  alpha: number,
  steps: number,
  scratch: number,
) => void;

let compiled: WebAssembly.Module | null | undefined;

/** The SIMD kernel, or null where WebAssembly SIMD or shared memory is unavailable (then the JS solver runs). */
export function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled = new WebAssembly.Module(Buffer.from(KERNEL_WASM_BASE64, 'base64'));
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Instantiates the kernel on `layout.memory` and returns a solver for row ranges. */
export function kernelSolver(layout: WasmLayout, thread: number): (side: 'users' | 'items', from: number, to: number) => void {
  const instance = new WebAssembly.Instance(layout.module, { env: { memory: layout.memory } });
  const solve = instance.exports.solve as Solve;
  const scratch = layout.scratch + thread * 16 * layout.factors;
  return (side, from, to) => {
    const p = layout[side];
    solve(p.X, p.Y, p.G, p.indptr, p.indices, p.values, from, to, layout.factors, layout.alpha, layout.cgSteps, scratch);
  };
}
