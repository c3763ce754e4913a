// Types for scripts/check-deps.mjs (imported by test/node/check-deps.test.ts).

export type ImportKind = 'runtime' | 'type' | 'inline-type';

export interface FoundImport {
  specifier: string;
  kind: ImportKind;
  line: number;
  form: 'static' | 're-export' | 'dynamic' | 'side-effect' | 'require';
}

export interface Edge extends FoundImport {
  from: string;
  /** Repository-relative file, or null when the relative specifier names no file. */
  to: string | null;
}

export interface Violation {
  file: string;
  imports: string;
  rule: string;
  kind: ImportKind | 'cycle';
  line: number;
}

export const SKIP_DIRS: Set<string>;
export const ROOMS: string[];
export const RULES: {
  sdkSchema: string;
  sdkSchemaInline: string;
  workerModels: string;
  workerPackWriter: string;
  trainer: string;
  schema: string;
  roomStore: string;
  roomRoot: string;
  testModels: string;
  cycle: string;
};

export function tokenize(src: string): { type: 'id' | 'str' | 'tpl' | 'punct' | 'num' | 'regex'; value: string | null; line: number }[];
export function scanImports(src: string, options?: { declaration?: boolean }): FoundImport[];
export function listFiles(root: string): string[];
export function resolveSpecifier(root: string, from: string, specifier: string, known: Set<string>): string | null | undefined;
export function buildGraph(root: string): { files: string[]; edges: Edge[] };
export function packWriteSide(edges: Edge[]): Set<string>;
export function findCycles(files: string[], edges: Edge[]): string[][];
export function checkDeps(root: string): { files: string[]; edges: Edge[]; unresolved: string[]; violations: Violation[] };
export function formatViolation(v: Violation): string;
