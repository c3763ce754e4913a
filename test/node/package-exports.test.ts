import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

describe('the npm package entry', () => {
  it('exports the built ESM with types listed first', async () => {
    expect(Object.keys(pkg.exports['.'])[0]).toBe('types');
    expect(existsSync(new URL(`../../${pkg.exports['.'].types}`, import.meta.url))).toBe(true);
    const mod = await import(new URL(`../../${pkg.exports['.'].import}`, import.meta.url).href);
    for (const name of ['createClient', 'mountRecommendations', 'defineElements', 'isHTTPError', 'HTTPError', 'TimeoutError'])
      expect(typeof mod[name]).toBe('function');
    const client = mod.createClient({ site: 'demo', endpoint: 'http://127.0.0.1:1' });
    expect(client.visitorId).toMatch(/^v_[0-9a-z]{20}$/);
  });

  it('exports the mini-program build as edgepick/miniprogram: CommonJS for require(), with types', () => {
    const entry = pkg.exports['./miniprogram'];
    expect(Object.keys(entry)[0]).toBe('types');
    expect(existsSync(new URL(`../../${entry.types}`, import.meta.url))).toBe(true);
    // The package resolves itself by name through "exports", as a bundler or Node would for a dependant.
    const require = createRequire(import.meta.url);
    expect(require.resolve('edgepick/miniprogram')).toBe(new URL(`../../${entry.default}`, import.meta.url).pathname);
    const mod = require('edgepick/miniprogram');
    for (const name of ['createClient', 'isHTTPError', 'HTTPError', 'memoryStorage']) expect(typeof mod[name]).toBe('function');
    expect(mod.mountRecommendations).toBeUndefined();
    expect(mod.createClient({ site: 'demo', endpoint: 'http://127.0.0.1:1', storage: mod.memoryStorage() }).visitorId).toMatch(
      /^v_[0-9a-z]{20}$/,
    );
  });

  it('declares the CLI and Node ≥ 22.12', () => {
    expect(pkg.bin.edgepick).toBe('bin/edgepick.js');
    expect(pkg.engines.node).toBe('>=22.12');
  });
});
