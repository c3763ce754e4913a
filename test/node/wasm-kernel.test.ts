import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

it('the committed wasm kernel matches models/als/kernel.wat', () => {
  const res = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], {
    cwd: new URL('../..', import.meta.url).pathname,
    encoding: 'utf8',
  });
  expect(res.stderr.slice(-300)).toBe('');
  expect(res.status).toBe(0);
});
