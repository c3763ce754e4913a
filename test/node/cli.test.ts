import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { npyBytes } from '../../models/import/test-fixtures.js';
import { decodePack } from '../../models/pack/index.js';

// Runs the built CLI (dist/cli.js via bin/edgepick.js), as a user would.
const root = new URL('../..', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/edgepick.js'), ...args], { encoding: 'utf8', cwd: root });
const dir = mkdtempSync(join(tmpdir(), 'edgepick-cli-'));

beforeAll(() => {
  const res = run('demo-data', '--out', dir, '--products', '300', '--users', '600', '--interactions', '9000');
  expect(res.status).toBe(0);
});

describe('edgepick CLI', () => {
  it('train writes a pack and reports progress on stderr', () => {
    const res = run('train', join(dir, 'train.csv'), '--out', join(dir, 'm.pack'), '--factors', '16', '--iterations', '5', '--seed', '3');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/wrote .*m\.pack/);
    expect(res.stderr).toMatch(/iter 5\/5 {2}loss [\d.]+ {2}elapsed/);
  });

  it('eval prints model and popularity metrics side by side', () => {
    const table = run(
      'eval',
      '--train',
      join(dir, 'train.csv'),
      '--test',
      join(dir, 'test.csv'),
      '--factors',
      '16',
      '--iterations',
      '5',
      '--k',
      '5,10',
    );
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/metric\s+model\s+popularity/);
    for (const m of ['Recall@5', 'NDCG@10', 'Precision@10', 'Coverage@10']) expect(table.stdout).toContain(m);
    const json = JSON.parse(
      run('eval', '--train', join(dir, 'train.csv'), '--test', join(dir, 'test.csv'), '--factors', '16', '--iterations', '5', '--json')
        .stdout,
    );
    expect(json.model['ndcg@10']).toBeGreaterThan(json.popularity['ndcg@10']);
  });

  it('recommend writes top-K per user without their training items', () => {
    run('train', join(dir, 'train.csv'), '--out', join(dir, 'r.pack'), '--factors', '16', '--iterations', '5');
    writeFileSync(join(dir, 'users.csv'), 'user\nu0001\nu0002\nnobody\n');
    const res = run(
      'recommend',
      '--pack',
      join(dir, 'r.pack'),
      '--users',
      join(dir, 'users.csv'),
      '--k',
      '7',
      '--exclude',
      join(dir, 'train.csv'),
      '--out',
      join(dir, 'out.tsv'),
    );
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/1 unknown to the pack/);
    const lines = readFileSync(join(dir, 'out.tsv'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    const train = readFileSync(join(dir, 'train.csv'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('u0001,'))
      .map((l) => l.split(',')[1]);
    const [user, items] = lines[0].split('\t');
    expect(user).toBe('u0001');
    expect(items.split(',')).toHaveLength(7);
    for (const i of items.split(',')) expect(train).not.toContain(i);
  });

  it('fails with one line and a non-zero exit on bad input', () => {
    writeFileSync(join(dir, 'bad.csv'), 'user,item\nu1,i1\nu2\n');
    const bad = run('train', join(dir, 'bad.csv'), '--out', join(dir, 'x.pack'));
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe('edgepick train: bad.csv:3: expected at least 2 columns (user,item), got 1');
    writeFileSync(join(dir, 'empty.csv'), 'user,item\n');
    expect(run('train', join(dir, 'empty.csv'), '--out', join(dir, 'x.pack')).stderr).toMatch(/no interactions/);
    const opt = run('train', join(dir, 'train.csv'), '--out', join(dir, 'x.pack'), '--colour', 'red');
    expect(opt.status).toBe(2);
    expect(opt.stderr).toMatch(/Unknown option '--colour'/);
    const corrupt = run('recommend', '--pack', join(dir, 'users.csv'), '--users', join(dir, 'users.csv'), '--out', join(dir, 'o.tsv'));
    expect(corrupt.status).toBe(1);
    expect(corrupt.stderr).toMatch(/not an edgepick pack/);
    expect(run('frobnicate').status).toBe(2);
  });

  it('pack rebuilds a trained pack from its exported factors, and recommend serves the same lists from it', async () => {
    // Export a trained model the way Spark (JSON lines, items) and implicit (.npy + id list, users) would hand it over.
    expect(run('train', join(dir, 'train.csv'), '--out', join(dir, 'orig.pack'), '--factors', '8', '--iterations', '3').status).toBe(0);
    const orig = await decodePack(new Uint8Array(readFileSync(join(dir, 'orig.pack'))));
    const f = orig.factors;
    const rows = orig.itemIds.map((id, i) => JSON.stringify({ id, features: Array.from(orig.itemFactors.subarray(i * f, i * f + f)) }));
    writeFileSync(join(dir, 'item_factors.json'), `${rows.join('\n')}\n`);
    writeFileSync(join(dir, 'user_factors.npy'), npyBytes(orig.userFactors!, [orig.userIds!.length, f]));
    writeFileSync(join(dir, 'user_ids.txt'), `${orig.userIds!.join('\n')}\n`);
    const p = orig.manifest.model.params;
    const res = run(
      'pack',
      '--item-factors',
      join(dir, 'item_factors.json'),
      '--user-factors',
      join(dir, 'user_factors.npy'),
      '--user-ids',
      join(dir, 'user_ids.txt'),
      '--interactions',
      join(dir, 'train.csv'),
      '--regularization',
      String(p.regularization),
      '--alpha',
      String(p.alpha),
      '--out',
      join(dir, 'imported.pack'),
    );
    expect(res.stderr).not.toMatch(/error/);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/wrote .*imported\.pack .*: 300 items, 600 users, 8 factors/);
    const imported = await decodePack(new Uint8Array(readFileSync(join(dir, 'imported.pack'))));
    expect(imported.itemFactors).toEqual(orig.itemFactors);
    expect(imported.gram).toEqual(orig.gram);
    expect(imported.itemPopularity).toEqual(orig.itemPopularity);
    expect(imported.manifest.counts).toEqual(orig.manifest.counts);

    writeFileSync(join(dir, 'pack-users.csv'), 'user\nu0001\nu0002\nu0003\nnobody\n');
    const lists = (pack: string) => {
      const out = join(dir, `${pack}.tsv`);
      const r = run(
        'recommend',
        '--pack',
        join(dir, pack),
        '--users',
        join(dir, 'pack-users.csv'),
        '--k',
        '10',
        '--exclude',
        join(dir, 'train.csv'),
        '--out',
        out,
      );
      expect(r.status).toBe(0);
      return readFileSync(out, 'utf8');
    };
    const served = lists('imported.pack');
    expect(served.trim().split('\n')).toHaveLength(4);
    expect(served).toBe(lists('orig.pack'));

    const bad = run(
      'pack',
      '--item-factors',
      join(dir, 'item_factors.json'),
      '--user-factors',
      join(dir, 'user_factors.npy'),
      '--out',
      join(dir, 'x.pack'),
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(
      'edgepick pack: user_factors.npy is a .npy array without ids: add --user-ids <file> (one id per line, in row order)\n',
    );
  });
});
