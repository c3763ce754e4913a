#!/usr/bin/env node
// Dependency-direction check (no dependencies: a small tokenizer, not a parser).
//
// Reads every .ts/.mts/.cts/.tsx/.js/.mjs/.cjs file (not node_modules, dist, .wrangler, .tmp, …),
// collects its relative imports — static, `export … from`, dynamic `import('…')`, `require('…')` —
// and enforces the layering below. Prints `file: imports X (rule)` per violation; exits 1 if any.
//
//   sdk/       may import schema/ with `import type` / `export type` only. Under verbatimModuleSyntax an
//              import whose specifiers are all inline (`import { type A }`) still loads the module.
//   worker/    may import schema/ and the models/pack read side, nothing else under models/. The pack's
//              trainer side is models/pack/writer.ts and every pack file that reaches it at runtime.
//   trainer    models/als/ and models/commands/ are imported only from models/, test/, bench/, scripts/
//              (worker/, sdk/, schema/ never, not even their tests).
//   schema/    imports nothing from worker/, sdk/, models/.
//   rooms      worker/src/<room>/ may import worker/src/http/, worker/src/lib/, worker/src/env.ts (the
//              shared Hono env type), schema/, the models/pack read side, its own room, and another room
//              only through that room's non-store modules (never another room's `*store*` file).
//              Exception: console/ is a second front end over the rooms' stores (as each room's admin
//              routes are the first), so it may call their `*store*` modules — never SQL of its own.
//   tests      *.test.* files may import anything, except that models/ tests may not import worker/.
//   cycles     no import cycles (type-only imports included; each cycle is printed as a path).
//
// Usage: node scripts/check-deps.mjs [root]        (root defaults to the repository)

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SKIP_DIRS = new Set(['node_modules', 'dist', '.wrangler', '.git', '.tmp', '.edgepick', 'coverage', 'test-results']);
const CODE_EXT = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const TEST_FILE = /\.test\.(?:[cm]?[jt]s|[jt]sx)$/;
/** Feature rooms named in the design; any other directory under worker/src except http/ and lib/ is a room too. */
export const ROOMS = [
  'sites',
  'recommend',
  'events',
  'links',
  'meta',
  'demo',
  'catalog',
  'models-admin',
  'merch',
  'attribution',
  'console',
];
const SHARED_WORKER_DIRS = new Set(['http', 'lib']);
const PACK_WRITER = 'models/pack/writer.ts';

export const RULES = {
  sdkSchema: 'sdk/ may import schema/ with `import type` only',
  sdkSchemaInline:
    'sdk/ may import schema/ with `import type` only; all specifiers are inline `type`, but verbatimModuleSyntax keeps the import at runtime — write `import type { … }`',
  workerModels: 'worker/ may import from models/ only the models/pack read side',
  workerPackWriter: 'worker/ may import only the models/pack read side; this file is trainer side (reaches models/pack/writer.ts)',
  trainer: 'only models/, test/, bench/, scripts/ may import the trainer (models/als/, models/commands/)',
  schema: 'schema/ imports nothing from worker/, sdk/, models/',
  roomStore: 'a room may use another room only through its non-store modules, never its `*store*` files',
  roomRoot: 'a room may import from the worker/src root only env.ts',
  testModels: 'models/ tests may not import worker/ code',
  cycle: 'import cycle',
};

// ---------------------------------------------------------------------------------------------
// Tokenizer: enough of JS/TS lexing to skip comments, strings, template literals and regex literals.

const REGEX_AFTER_WORD = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
  'extends',
]);
const ID_START = /[A-Za-z_$\u0080-\uffff]/;
const ID_PART = /[\w$\u0080-\uffff]/;

/** @returns {{ type: 'id' | 'str' | 'tpl' | 'punct' | 'num' | 'regex', value: string | null, line: number }[]} */
export function tokenize(src) {
  const out = [];
  const braces = []; // '{' or '${'
  let i = src.startsWith('#!') ? src.indexOf('\n') : 0; // shebang
  if (i < 0) i = src.length;
  let line = 1;
  const n = src.length;
  const push = (type, value) => out.push({ type, value, line });
  const regexAllowed = () => {
    const t = out[out.length - 1];
    if (!t) return true;
    if (t.type === 'id') return REGEX_AFTER_WORD.has(t.value);
    if (t.type === 'punct') return t.value !== ')' && t.value !== ']';
    return false;
  };
  // Scans template text from i (just after '`' or a substitution's '}'); returns true if it ended at '`'.
  const template = (start) => {
    let text = '';
    while (i < n) {
      const c = src[i];
      if (c === '\\') {
        text += src.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (c === '`') {
        i++;
        push('tpl', start ? text : null); // a literal only if it had no substitutions
        return;
      }
      if (c === '$' && src[i + 1] === '{') {
        i += 2;
        if (start) push('tpl', null);
        braces.push('${');
        return;
      }
      if (c === '\n') line++;
      text += c;
      i++;
    }
  };
  while (i < n) {
    const c = src[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\ufeff') {
      i++;
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      for (let k = i; k < stop; k++) if (src[k] === '\n') line++;
      i = stop;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let text = '';
      while (j < n && src[j] !== c && src[j] !== '\n') {
        if (src[j] === '\\') {
          text += src[j + 1] ?? '';
          j += 2;
        } else text += src[j++];
      }
      i = j + 1;
      push('str', text);
    } else if (c === '`') {
      i++;
      template(true);
    } else if (c === '}' && braces[braces.length - 1] === '${') {
      braces.pop();
      i++;
      template(false);
    } else if (c === '/' && regexAllowed()) {
      let j = i + 1;
      let inClass = false;
      while (j < n && src[j] !== '\n') {
        const d = src[j];
        if (d === '\\') j++;
        else if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        j++;
      }
      j++;
      while (j < n && ID_PART.test(src[j])) j++; // flags
      push('regex', src.slice(i, j));
      i = j;
    } else if (ID_START.test(c) || c === '#') {
      let j = i + 1;
      while (j < n && ID_PART.test(src[j])) j++;
      push('id', src.slice(i, j));
      i = j;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n && /[\w.]/.test(src[j])) j++;
      push('num', src.slice(i, j));
      i = j;
    } else {
      if (c === '{') braces.push('{');
      else if (c === '}') braces.pop();
      push('punct', c);
      i++;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Import extraction.

/**
 * Every module specifier in `src`, with how it is imported:
 * `runtime` (loads the module), `type` (`import type`, `export type`, `typeof import()`, any import
 * in a .d.ts), or `inline-type` (`import { type A, type B }` — erased names, but under
 * verbatimModuleSyntax the `import {} from` remains and loads the module).
 * @returns {{ specifier: string, kind: 'runtime' | 'type' | 'inline-type', line: number, form: string }[]}
 */
export function scanImports(src, { declaration = false } = {}) {
  const t = tokenize(src);
  const found = [];
  const is = (k, type, value) => t[k] && t[k].type === type && (value === undefined || t[k].value === value);
  const add = (strTok, kind, form) => found.push({ specifier: strTok.value, kind: declaration ? 'type' : kind, line: strTok.line, form });

  // Reads an import/export clause from k up to `from '…'` at brace depth 0; null if there is none.
  const clause = (k) => {
    let depth = 0;
    const specs = [];
    let current = [];
    const outside = []; // tokens at depth 0 (default import, `* as ns`)
    for (let j = k; j < t.length && j < k + 5000; j++) {
      const tok = t[j];
      if (tok.type === 'punct' && tok.value === '{') {
        depth++;
        continue;
      }
      if (tok.type === 'punct' && tok.value === '}') {
        depth--;
        if (current.length) specs.push(current);
        current = [];
        continue;
      }
      if (depth === 0) {
        if (tok.type === 'id' && tok.value === 'from' && is(j + 1, 'str')) return { specs, outside, str: t[j + 1], end: j + 1 };
        if (tok.type === 'punct' && (tok.value === ';' || tok.value === '=' || tok.value === '(')) return null;
        if (tok.type === 'id' && (tok.value === 'import' || tok.value === 'export')) return null;
        if (!(tok.type === 'punct' && tok.value === ',')) outside.push(tok);
      } else if (tok.type === 'punct' && tok.value === ',') {
        if (current.length) specs.push(current);
        current = [];
      } else current.push(tok);
    }
    return null;
  };
  const inlineType = (spec) => spec[0].value === 'type' && spec.length > 1 && !(spec[1].value === 'as' && spec.length === 3);
  const namedKind = (c) => (c.outside.length === 0 && c.specs.length > 0 && c.specs.every(inlineType) ? 'inline-type' : 'runtime');

  for (let k = 0; k < t.length; k++) {
    const tok = t[k];
    if (tok.type !== 'id') continue;
    const prev = t[k - 1];
    if (prev && prev.type === 'punct' && prev.value === '.') continue; // obj.import(), obj.require()
    if (tok.value === 'import') {
      if (is(k + 1, 'punct', '(')) {
        const arg = t[k + 2];
        if (
          arg &&
          (arg.type === 'str' || (arg.type === 'tpl' && arg.value !== null)) &&
          (is(k + 3, 'punct', ')') || is(k + 3, 'punct', ','))
        ) {
          add(arg, prev && prev.type === 'id' && prev.value === 'typeof' ? 'type' : 'runtime', 'dynamic');
        }
        continue;
      }
      if (is(k + 1, 'punct', '.')) continue; // import.meta
      if (is(k + 1, 'str')) {
        add(t[k + 1], 'runtime', 'side-effect');
        continue;
      }
      // `import type X from`, `import type { … } from`, `import type * as X from` — but not `import type from '…'`
      // (a default import named `type`) nor `import type, { … } from`.
      const typeOnly = is(k + 1, 'id', 'type') && !(is(k + 2, 'id', 'from') && is(k + 3, 'str')) && !is(k + 2, 'punct', ',');
      const c = clause(typeOnly ? k + 2 : k + 1);
      if (!c) continue;
      add(c.str, typeOnly ? 'type' : namedKind(c), 'static');
      k = c.end;
    } else if (tok.value === 'export') {
      let j = k + 1;
      const typeOnly = is(j, 'id', 'type') && (is(j + 1, 'punct', '{') || is(j + 1, 'punct', '*'));
      if (typeOnly) j++;
      if (!is(j, 'punct', '{') && !is(j, 'punct', '*')) continue;
      const c = clause(j);
      if (!c) continue;
      add(c.str, typeOnly ? 'type' : is(j, 'punct', '*') ? 'runtime' : namedKind(c), 're-export');
      k = c.end;
    } else if (tok.value === 'require' && is(k + 1, 'punct', '(') && is(k + 2, 'str') && is(k + 3, 'punct', ')')) {
      add(t[k + 2], 'runtime', 'require');
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Files, resolution, graph.

/** Repository-relative (posix) paths of every code file under root. */
export function listFiles(root) {
  const files = [];
  const walk = (rel) => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(path);
      } else if (entry.isFile() && CODE_EXT.test(entry.name)) files.push(path);
    }
  };
  walk('');
  return files.sort();
}

const JS_TO_TS = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
const TRY_EXT = ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.jsx', '.mjs', '.cjs', '.json'];

/** The repository-relative file a relative specifier names, `null` if it names none; `undefined` for bare specifiers. */
export function resolveSpecifier(root, from, specifier, known) {
  if (!/^\.\.?(\/|$)/.test(specifier)) return undefined;
  const base = posix.normalize(posix.join(posix.dirname(from), specifier.split(/[?#]/)[0]));
  if (base.startsWith('../')) return null;
  const isFile = (p) => known.has(p) || (existsSync(join(root, p)) && statSync(join(root, p)).isFile());
  const ext = posix.extname(base);
  const candidates = [];
  for (const swap of JS_TO_TS[ext] ?? []) candidates.push(base.slice(0, -ext.length) + swap);
  candidates.push(base);
  if (!JS_TO_TS[ext]) {
    for (const e of TRY_EXT) candidates.push(base + e);
    for (const e of TRY_EXT) candidates.push(`${base}/index${e}`);
  }
  return candidates.find((p) => p !== '.' && isFile(p)) ?? null;
}

/** Every file's resolved relative imports. */
export function buildGraph(root) {
  const files = listFiles(root);
  const known = new Set(files);
  const edges = [];
  for (const from of files) {
    const src = readFileSync(join(root, from), 'utf8');
    for (const imp of scanImports(src, { declaration: /\.d\.[cm]?ts$/.test(from) })) {
      const to = resolveSpecifier(root, from, imp.specifier, known);
      if (to === undefined) continue; // a package
      edges.push({ from, to, ...imp });
    }
  }
  return { files, edges };
}

// ---------------------------------------------------------------------------------------------
// Rules.

const under = (path, dir) => path.startsWith(`${dir}/`);
const isTest = (path) => TEST_FILE.test(path);
const roomOf = (path) => {
  const m = /^worker\/src\/([^/]+)\//.exec(path);
  return m && !SHARED_WORKER_DIRS.has(m[1]) ? m[1] : null;
};
const isStoreModule = (path) => /store/i.test(posix.basename(path).replace(CODE_EXT, ''));
const isTrainer = (path) => under(path, 'models/als') || under(path, 'models/commands');

/** models/pack files on the trainer side: writer.ts and every pack file that reaches it through runtime imports. */
export function packWriteSide(edges) {
  const side = new Set([PACK_WRITER]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of edges) {
      if (e.to && e.kind !== 'type' && under(e.from, 'models/pack') && side.has(e.to) && !side.has(e.from)) {
        side.add(e.from);
        grew = true;
      }
    }
  }
  return side;
}

function edgeViolations(e, writeSide) {
  const { from, to, kind } = e;
  const rules = [];
  if (isTest(from)) {
    if (under(from, 'models') && under(to, 'worker')) rules.push(RULES.testModels);
    if ((under(from, 'worker') || under(from, 'sdk') || under(from, 'schema')) && isTrainer(to)) rules.push(RULES.trainer);
    return rules;
  }
  if (under(from, 'sdk') && under(to, 'schema') && kind !== 'type')
    rules.push(kind === 'inline-type' ? RULES.sdkSchemaInline : RULES.sdkSchema);
  if (under(from, 'worker') && under(to, 'models')) {
    if (!under(to, 'models/pack')) rules.push(RULES.workerModels);
    else if (writeSide.has(to)) rules.push(RULES.workerPackWriter);
  }
  if (isTrainer(to) && !['models', 'test', 'bench', 'scripts'].some((d) => under(from, d))) rules.push(RULES.trainer);
  if (under(from, 'schema') && ['worker', 'sdk', 'models'].some((d) => under(to, d))) rules.push(RULES.schema);
  const room = roomOf(from);
  if (room && under(to, 'worker/src')) {
    const target = roomOf(to);
    if (!to.slice('worker/src/'.length).includes('/')) {
      if (to !== 'worker/src/env.ts') rules.push(RULES.roomRoot);
    } else if (target && target !== room && room !== 'console' && isStoreModule(to)) rules.push(RULES.roomStore);
  }
  return rules;
}

/** Import cycles as paths (first file repeated at the end): the shortest cycle through each file of each strongly connected component. */
export function findCycles(files, edges) {
  const next = new Map(files.map((f) => [f, new Set()]));
  for (const e of edges) if (e.to && next.has(e.to)) next.get(e.from).add(e.to);
  // Tarjan's strongly connected components (iterative).
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const components = [];
  let counter = 0;
  for (const start of files) {
    if (index.has(start)) continue;
    const work = [[start, [...next.get(start)], 0]];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const frame = work[work.length - 1];
      const [v, succ] = frame;
      if (frame[2] < succ.length) {
        const w = succ[frame[2]++];
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push([w, [...next.get(w)], 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(v)));
      }
      if (low.get(v) === index.get(v)) {
        const component = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || next.get(v).has(v)) components.push(new Set(component));
      }
    }
  }
  const cycles = new Map();
  for (const component of components) {
    for (const start of [...component].sort()) {
      // Breadth-first search back to `start` inside the component.
      const parent = new Map([[start, null]]);
      const queue = [start];
      let found = null;
      while (queue.length && !found) {
        const v = queue.shift();
        for (const w of [...next.get(v)].sort()) {
          if (w === start) {
            found = v;
            break;
          }
          if (component.has(w) && !parent.has(w)) {
            parent.set(w, v);
            queue.push(w);
          }
        }
      }
      const path = [];
      for (let v = found; v !== null; v = parent.get(v)) path.unshift(v);
      // Canonical rotation (smallest file first) so each cycle is reported once.
      const r = path.indexOf([...path].sort()[0]);
      const cycle = [...path.slice(r), ...path.slice(0, r)];
      cycles.set(cycle.join('\0'), [...cycle, cycle[0]]);
    }
  }
  return [...cycles.values()].sort((a, b) => a.join().localeCompare(b.join()));
}

/**
 * Checks the tree under `root`.
 * `unresolved` lists relative imports that name no file (typecheck catches those in checked code).
 * @returns {{ files: string[], edges: object[], unresolved: string[], violations: { file: string, imports: string, rule: string, kind: string, line: number }[] }}
 */
export function checkDeps(root) {
  const { files, edges } = buildGraph(root);
  const writeSide = packWriteSide(edges);
  const violations = [];
  for (const e of edges) {
    if (e.to === null) continue; // not a rule (examples/ name files the user copies in); see `unresolved`
    for (const rule of edgeViolations(e, writeSide)) violations.push({ file: e.from, imports: e.to, rule, kind: e.kind, line: e.line });
  }
  const typeOnly = new Set(edges.filter((e) => e.to && e.kind === 'type').map((e) => `${e.from}\0${e.to}`));
  for (const cycle of findCycles(files, edges)) {
    const hops = cycle.slice(1).map((to, i) => `${cycle[i]}\0${to}`);
    const note = hops.some((h) => typeOnly.has(h)) ? ' (through a type-only import)' : '';
    violations.push({ file: cycle[0], imports: cycle[1], rule: `${RULES.cycle}: ${cycle.join(' → ')}${note}`, kind: 'cycle', line: 0 });
  }
  violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.imports.localeCompare(b.imports));
  const unresolved = edges.filter((e) => e.to === null).map((e) => `${e.from}: ${e.specifier}`);
  return { files, edges, unresolved, violations };
}

/** `file: imports X (rule)` — `imports type X` when the import is type-only. */
export function formatViolation(v) {
  const how = v.kind === 'type' ? 'imports type' : 'imports';
  return `${v.file}${v.line ? `:${v.line}` : ''}: ${how} ${v.imports} (${v.rule})`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url)));
  const { files, edges, unresolved, violations } = checkDeps(root);
  for (const u of unresolved) console.error(`note: ${u} (relative import names no file; not a rule)`);
  for (const v of violations) console.log(formatViolation(v));
  console.log(
    `check-deps: ${files.length} files, ${edges.length} relative imports, ${violations.length} violation${violations.length === 1 ? '' : 's'}`,
  );
  process.exitCode = violations.length ? 1 : 0;
}
