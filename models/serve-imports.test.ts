import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveSpecifier, scanImports } from '../scripts/check-deps.mjs';

// scripts/check-deps.mjs enforces the repository's layering (worker → schema and the models/pack
// read side; models tests never import worker/). This adds the serving module's own contract, which
// that layering allows but the worker relies on: models/pack/serve/ runs in workerd and in the CLI,
// so it imports no packages (no node:*), no trainer and no pack writer — only itself, the pack
// reader's types and schema/.
const root = new URL('..', import.meta.url).pathname;
const dir = 'models/pack/serve';

describe('models/pack/serve imports', () => {
  it('only itself, models/pack/reader.ts and schema/', () => {
    const files = readdirSync(`${root}${dir}`).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    const bad: string[] = [];
    for (const name of files) {
      const from = `${dir}/${name}`;
      for (const { specifier } of scanImports(readFileSync(`${root}${from}`, 'utf8'))) {
        const to = resolveSpecifier(root, from, specifier, new Set());
        const ok = typeof to === 'string' && (to.startsWith(`${dir}/`) || to === 'models/pack/reader.ts' || to.startsWith('schema/'));
        if (!ok) bad.push(`${from} → ${specifier}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
