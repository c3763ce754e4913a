import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = new URL('.', import.meta.url).pathname;

/**
 * Public exports of the contract without a doc comment. `export type X = z.infer<typeof X>` is
 * covered by the doc of `const X` it derives from.
 */
function undocumentedExports(source: string): string[] {
  const lines = source.split('\n');
  const documented = new Set<string>();
  const missing: string[] = [];
  lines.forEach((line, i) => {
    const m = /^export (?:async )?(?:const|let|function|interface|class|enum|type) (\w+)/.exec(line);
    if (!m) return;
    let j = i - 1;
    while (j >= 0 && lines[j].trim().startsWith('//')) j--;
    const hasDoc = j >= 0 && lines[j].trim().endsWith('*/');
    const derived = new RegExp(`^export type ${m[1]} = z\\.(infer|input|output)<typeof ${m[1]}>`).test(line) && documented.has(m[1]);
    if (hasDoc) documented.add(m[1]);
    else if (!derived) missing.push(`${m[1]} (line ${i + 1})`);
  });
  return missing;
}

describe('schema/ public exports', () => {
  it('each has a one-sentence doc comment', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(5);
    const missing = files.flatMap((f) => undocumentedExports(readFileSync(join(dir, f), 'utf8')).map((m) => `${f}: ${m}`));
    expect(missing).toEqual([]);
  });

  it('are all listed by name in schema/index.ts', () => {
    const index = readFileSync(join(dir, 'index.ts'), 'utf8');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts');
    const unlisted = files.flatMap((f) =>
      [...readFileSync(join(dir, f), 'utf8').matchAll(/^export (?:async )?(?:const|let|function|interface|class|enum|type) (\w+)/gm)]
        .map((m) => m[1])
        .filter((name) => !new RegExp(`[{,\\s](type )?${name}[,\\s}]`).test(index))
        .map((name) => `${f}: ${name}`),
    );
    expect(unlisted).toEqual([]);
  });

  it('the check flags an undocumented export and accepts a derived type', () => {
    expect(
      undocumentedExports(
        'export const A = 1;\n/** B. */\nexport const B = z.string();\nexport type B = z.infer<typeof B>;\nexport type A = z.infer<typeof A>;',
      ),
    ).toEqual(['A (line 1)', 'A (line 5)']);
  });
});
