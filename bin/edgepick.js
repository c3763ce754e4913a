#!/usr/bin/env node
// The CLI is built to dist/cli.js by `npm run build` (also run by `npm install` via `prepare`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('edgepick: dist/cli.js is missing; run `npm run build` first');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
