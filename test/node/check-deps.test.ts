import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraph, checkDeps, formatViolation, packWriteSide, RULES, scanImports } from '../../scripts/check-deps.mjs';

// The real tree's violations are enforced by `npm run check:deps` (part of `npm test`); this file proves the
// checker can fail: a fixture tree with one violation of each rule (and allowed neighbours that must pass).

const FIXTURE: Record<string, string> = {
  // schema: the contract; may not reach into worker/sdk/models.
  'schema/catalog.ts': `export type CatalogItem = { id: string };\nexport const Catalog = {};\n`,
  'schema/bad.ts': `import type { AppEnv } from '../worker/src/env.js';\nexport type X = AppEnv;\n`,
  // sdk: schema by `import type` / `export type` only.
  'sdk/src/ok.ts': [
    `import type { CatalogItem } from '../../schema/catalog.js';`,
    `export type { CatalogItem as Item } from '../../schema/catalog.js';`,
    `import { type Local, local } from './local.js';`,
    `// import { Catalog } from '../../schema/catalog.js';  (a comment, not an import)`,
    `const s = "import { Catalog } from '../../schema/catalog.js'";`,
    `const re = /['"]\\/schema\\//g;`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text under test
    "const t = `${s} from '../../schema/catalog.js'`;",
    `export const x: CatalogItem | Local | RegExp | string = local ?? re ?? t;`,
  ].join('\n'),
  'sdk/src/local.ts': `export type Local = 1;\nexport const local = 1;\n`,
  'sdk/src/bad-runtime.ts': `import {\n  Catalog,\n} from '../../schema/catalog.js';\nexport const c = Catalog;\n`,
  'sdk/src/bad-inline.ts': `import { type CatalogItem } from '../../schema/catalog.js';\nexport type C = CatalogItem;\n`,
  'sdk/src/bad-dynamic.ts': `export const load = () => import('../../schema/catalog.js');\n`,
  // models: the trainer (als/, commands/) and the pack (reader = read side, writer + what reaches it = trainer side).
  'models/model.ts': `export const DEFAULT_EVENT_WEIGHTS = {};\n`,
  'models/als/train.ts': `import { buildPack } from '../pack/writer.js';\nexport const train = buildPack;\n`,
  'models/als/train.test.ts': `import { foldIn } from '../../worker/src/recommend/fold-in.js';\nimport { openPack } from '../pack/reader.js';\nexport { foldIn, openPack };\n`,
  'models/commands/train.ts': `import { train } from '../als/train.js';\nexport { train };\n`,
  'models/pack/reader.ts': `export const openPack = () => 1;\n`,
  'models/pack/writer.ts': `import type { X } from '../../schema/bad.js';\nexport const buildPack = (x?: X) => x;\n`,
  'models/pack/index.ts': `export { openPack } from './reader.js';\nexport { buildPack } from './writer.js';\n`,
  // worker: rooms sites/recommend/events/links, shared http/ and lib/, root env.ts and index.ts.
  'worker/src/env.ts': `export type AppEnv = { Bindings: object };\n`,
  'worker/src/index.ts': `import { siteMiddleware } from './sites/middleware.js';\nimport { recommend } from './recommend/recommend.js';\nexport default { siteMiddleware, recommend };\n`,
  'worker/src/http/errors.ts': `import { Catalog } from '../../../schema/catalog.js';\nexport const errors = Catalog;\n`,
  'worker/src/lib/qr.ts': `export const qr = 1;\n`,
  'worker/src/sites/site-store.ts': `import { openPack } from '../../../models/pack/reader.js';\nexport type LoadedModel = { pack: typeof openPack };\n`,
  'worker/src/sites/middleware.ts': [
    `import type { AppEnv } from '../env.js';`,
    `import { errors } from '../http/errors.js';`,
    `import type { LoadedModel } from './site-store.js';`,
    `export const siteMiddleware = (m?: LoadedModel, e?: AppEnv) => [m, e, errors];`,
  ].join('\n'),
  'worker/src/sites/bad-writer.ts': `import { buildPack } from '../../../models/pack/writer.js';\nexport const b = buildPack;\n`,
  'worker/src/sites/bad-pack-index.ts': `import { openPack } from '../../../models/pack/index.js';\nexport const o = openPack;\n`,
  'worker/src/recommend/fold-in.ts': `export const foldIn = 1;\n`,
  'worker/src/recommend/rec-store.ts': `export const cache = new Map();\n`,
  'worker/src/recommend/recommend.ts': [
    `import { DEFAULT_EVENT_WEIGHTS } from '../../../models/model.js';`,
    `import { siteMiddleware } from '../sites/middleware.js';`,
    `import { qr } from '../lib/qr.js';`,
    `import { cache } from './rec-store.js';`,
    `import { foldIn } from './fold-in.js';`,
    `export const recommend = [DEFAULT_EVENT_WEIGHTS, siteMiddleware, qr, cache, foldIn];`,
  ].join('\n'),
  'worker/src/recommend/uses-store.ts': `import type { LoadedModel } from '../sites/site-store.js';\nexport type M = LoadedModel;\n`,
  'worker/src/recommend/recommend.test.ts': `import { buildPack } from '../../../models/pack/writer.js';\nimport { cache } from '../sites/site-store.js';\nexport { buildPack, cache };\n`,
  'worker/src/recommend/trainer.test.ts': `import { train } from '../../../models/als/train.js';\nexport { train };\n`,
  'worker/src/events/bad-root.ts': `import app from '../index.js';\nexport const a = app;\n`,
  'worker/src/links/a.ts': `import { b } from './b.js';\nexport const a = () => b;\n`,
  'worker/src/links/b.ts': `import { c } from './c.js';\nexport const b = () => c;\n`,
  'worker/src/links/c.ts': `import { a } from './a.js';\nexport const c = () => a;\n`,
  // Outside the product: bench/, test/, scripts/ may use the trainer; bin/ may not.
  'bench/train.ts': `import { train } from '../models/als/train.js';\nexport { train };\n`,
  'test/workers/fixtures.ts': `import { train } from '../../models/commands/train.js';\nexport { train };\n`,
  'bin/tool.js': `const { train } = await import('../models/commands/train.js');\nexport { train };\n`,
  // Never scanned.
  'node_modules/x/index.js': `import '../../models/als/train.js';\n`,
  'dist/cli.js': `import '../models/als/train.js';\n`,
  '.wrangler/tmp/a.js': `import '../../models/als/train.js';\n`,
};

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'edgepick-deps-'));
  for (const [path, text] of Object.entries(FIXTURE)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('check-deps on a fixture tree', () => {
  it('reports exactly one violation of each rule, and nothing for the allowed imports', () => {
    const { violations } = checkDeps(root);
    const got = violations.map((v) => [v.file, v.imports, v.rule]);
    expect(got).toEqual([
      ['bin/tool.js', 'models/commands/train.ts', RULES.trainer],
      ['models/als/train.test.ts', 'worker/src/recommend/fold-in.ts', RULES.testModels],
      ['schema/bad.ts', 'worker/src/env.ts', RULES.schema],
      ['sdk/src/bad-dynamic.ts', 'schema/catalog.ts', RULES.sdkSchema],
      ['sdk/src/bad-inline.ts', 'schema/catalog.ts', RULES.sdkSchemaInline],
      ['sdk/src/bad-runtime.ts', 'schema/catalog.ts', RULES.sdkSchema],
      ['worker/src/events/bad-root.ts', 'worker/src/index.ts', RULES.roomRoot],
      [
        'worker/src/links/a.ts',
        'worker/src/links/b.ts',
        `${RULES.cycle}: worker/src/links/a.ts → worker/src/links/b.ts → worker/src/links/c.ts → worker/src/links/a.ts`,
      ],
      ['worker/src/recommend/recommend.ts', 'models/model.ts', RULES.workerModels],
      ['worker/src/recommend/trainer.test.ts', 'models/als/train.ts', RULES.trainer],
      ['worker/src/recommend/uses-store.ts', 'worker/src/sites/site-store.ts', RULES.roomStore],
      ['worker/src/sites/bad-pack-index.ts', 'models/pack/index.ts', RULES.workerPackWriter],
      ['worker/src/sites/bad-writer.ts', 'models/pack/writer.ts', RULES.workerPackWriter],
    ]);
    expect(formatViolation(violations.find((v) => v.file === 'worker/src/recommend/uses-store.ts')!)).toBe(
      `worker/src/recommend/uses-store.ts:1: imports type worker/src/sites/site-store.ts (${RULES.roomStore})`,
    );
  });

  it('exits 1 and prints `file: imports X (rule)` from the command line', async () => {
    const { spawnSync } = await import('node:child_process');
    const res = spawnSync(process.execPath, [new URL('../../scripts/check-deps.mjs', import.meta.url).pathname, root], {
      encoding: 'utf8',
    });
    expect(res.status).toBe(1);
    expect(res.stdout).toContain(`bin/tool.js:1: imports models/commands/train.ts (${RULES.trainer})`);
    expect(res.stdout).toMatch(/check-deps: \d+ files, \d+ relative imports, 13 violations/);
  });

  it('tells type-only imports from runtime ones', () => {
    const kinds = (src: string) => scanImports(src).map((i) => `${i.kind} ${i.specifier}`);
    expect(kinds(`import type { A } from './a.js';`)).toEqual(['type ./a.js']);
    expect(kinds(`import type * as ns from './a.js';`)).toEqual(['type ./a.js']);
    expect(kinds(`import type from './a.js';`)).toEqual(['runtime ./a.js']); // a default import named `type`
    expect(kinds(`import { type A, type B as C } from './a.js';`)).toEqual(['inline-type ./a.js']);
    expect(kinds(`import { type A, b } from './a.js';`)).toEqual(['runtime ./a.js']);
    expect(kinds(`import D, { type A } from './a.js';`)).toEqual(['runtime ./a.js']);
    expect(kinds(`import {} from './a.js';\nimport './b.js';`)).toEqual(['runtime ./a.js', 'runtime ./b.js']);
    expect(kinds(`export type { A } from './a.js';\nexport * from './b.js';\nexport * as c from './c.js';`)).toEqual([
      'type ./a.js',
      'runtime ./b.js',
      'runtime ./c.js',
    ]);
    expect(kinds(`export { type A } from './a.js';\nexport { b } from './b.js';\nexport { c };\nexport type Z = 1;`)).toEqual([
      'inline-type ./a.js',
      'runtime ./b.js',
    ]);
    expect(kinds(`let m: typeof import('./a.js');\nconst n = await import('./b.js');\nimport.meta.url;\nobj.import('./c.js');`)).toEqual([
      'type ./a.js',
      'runtime ./b.js',
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text under test
    expect(kinds('const x = a / b / 2; const y = `${x}` + "}"; import { z } from \'./z.js\';')).toEqual(['runtime ./z.js']);
    expect(scanImports(`import { a } from './a.js';`, { declaration: true })[0].kind).toBe('type');
  });
});

describe('check-deps on this repository', () => {
  // Only what the checker sees here; the violation list itself is `npm run check:deps`.
  it('reads every source file and resolves its relative imports', () => {
    const repo = new URL('../..', import.meta.url).pathname;
    const { files, edges } = buildGraph(repo);
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => /^(node_modules|dist|\.wrangler|\.tmp)\//.test(f))).toBe(false);
    const has = (from: string, to: string, kind: string) => edges.some((e) => e.from === from && e.to === to && e.kind === kind);
    expect(has('worker/src/index.ts', 'worker/src/sites/middleware.ts', 'runtime')).toBe(true);
    expect(has('sdk/src/core.ts', 'schema/catalog.ts', 'type')).toBe(true);
    expect(has('models/pack/index.ts', 'models/pack/writer.ts', 'runtime')).toBe(true);
    // The WeChat example requires the mini-program build that `npm run build` copies into its libs/.
    expect(has('examples/wechat-miniprogram/app.js', 'examples/wechat-miniprogram/libs/edgepick.js', 'runtime')).toBe(true);
    const writeSide = packWriteSide(edges);
    for (const f of ['models/pack/writer.ts', 'models/pack/index.ts']) expect(writeSide.has(f)).toBe(true);
    expect(writeSide.has('models/pack/reader.ts')).toBe(false);
  });
});
