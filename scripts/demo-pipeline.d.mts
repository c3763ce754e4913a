import type { ChildProcess, StdioOptions } from 'node:child_process';

/** Makes the demo store in `dir` and publishes it into the local KV/D1 (`state`: a `--persist-to` folder). */
export function prepareDemo(options: { dir: string; state?: string; seed?: number; quiet?: boolean }): void;
/** Starts `wrangler dev` on 127.0.0.1:`port` with the admin token. */
export function serveDemo(options: {
  port: number | string;
  state?: string;
  adminToken: string;
  stdio?: StdioOptions;
  /** More `wrangler dev` arguments (e.g. `--var NAME:value`). */
  args?: string[];
  /** Its own process group (kill `-pid` to stop wrangler and workerd together). */
  detached?: boolean;
}): ChildProcess;
/** Resolves once `${url}/health` answers 200. */
export function waitForHealth(url: string, child: ChildProcess, timeoutMs?: number): Promise<void>;
/** Creates (or updates) the demo campaign link /r/demo through the admin API. */
export function seedDemoLink(url: string, adminToken: string): Promise<void>;
