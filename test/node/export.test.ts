import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportEvents, wranglerEvents } from '../../models/commands/export.js';
import { readInteractions } from '../../models/data/read-interactions.js';
import { TrainingEvent } from '../../schema/events.js';
import { applyMigrations, cli, insertEvents, root, type TestEvent } from './local-state.js';

// `edgepick export` against a real local D1: migrations applied by wrangler, events inserted
// through getPlatformProxy, exported through both readers (getPlatformProxy, `wrangler d1 execute`).

const dir = mkdtempSync(join(tmpdir(), 'edgepick-export-'));
const state = join(dir, 'state');
const base = Date.UTC(2026, 0, 10);

// 24 events over 6 days; pairs share a receive time (so order falls to the id, which runs backwards),
// ids hold a quote (SQL literals in the wrangler reader), every 4th has no client time, every 3rd no userId.
const events: TestEvent[] = Array.from({ length: 24 }, (_, i) => ({
  id: `event'${String(99 - i).padStart(4, '0')}`,
  type: ['view', 'click', 'add_to_cart', 'purchase', 'share', 'impression'][i % 6],
  visitorId: `v${i % 5}`,
  ...(i % 3 === 0 ? {} : { userId: `u${i % 4}` }),
  itemId: i === 22 ? 'sku,"7"' : `sku-${i % 6}`,
  ...(i % 4 === 0 ? {} : { ts: base + i * 6 * 3_600_000 - 60_000 }),
  receivedAt: base + Math.floor(i / 2) * 12 * 3_600_000,
  ...(i === 5 ? { placement: 'for-you', channel: 'wechat' } : {}),
  // An event stored before a schema change: its raw no longer parses, the columns still do.
  ...(i === 7 ? { raw: '{"legacy":' } : {}),
}));
const byOrder = [...events].sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : 1));
const timeOf = (e: TestEvent) => e.ts ?? e.receivedAt;

beforeAll(async () => {
  applyMigrations(state);
  await insertEvents(state, 'shop', events);
  await insertEvents(state, 'other', [{ id: 'other-0001', type: 'view', visitorId: 'x', itemId: 'sku-1', receivedAt: base }]);
}, 120_000);

const local = ['--local', '--persist-to', state];

describe('edgepick export', () => {
  it('writes the stored events as JSON lines in (received_at, id) order, page by page', async () => {
    const out = join(dir, 'all.jsonl');
    const res = await cli('export', '--site', 'shop', ...local, '--out', out, '--page-size', '5');
    expect(res.stderr).not.toMatch(/error/i);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/wrote 24 events of site shop from local D1/);
    expect(res.stderr).toMatch(/read 5 events\nread 10 events\n.*read 24 events/s);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(byOrder.map((e) => e.id));
    for (const [i, l] of lines.entries()) {
      const e = byOrder[i];
      expect(TrainingEvent.safeParse(l).success).toBe(true);
      expect(l).toMatchObject({ type: e.type, visitorId: e.visitorId, itemId: e.itemId, receivedAt: e.receivedAt });
      expect(l.userId).toBe(e.userId);
      expect(l.ts).toBe(e.ts);
    }
    // raw as sent, fields included; the legacy row rebuilt from its columns.
    expect(lines.find((l) => l.id === events[5].id)).toMatchObject({ placement: 'for-you', channel: 'wechat' });
    expect(lines.find((l) => l.id === events[7].id)).toMatchObject({ type: events[7].type, itemId: events[7].itemId, userId: 'u3' });
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('--since keeps events whose client time (else receive time) is on or after the date', async () => {
    const out = join(dir, 'since.jsonl');
    const res = await cli('export', '--site', 'shop', ...local, '--since', '2026-01-13', '--out', out);
    expect(res.status).toBe(0);
    const ids = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).id);
    const since = Date.UTC(2026, 0, 13);
    const expected = byOrder.filter((e) => timeOf(e) >= since).map((e) => e.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(24);
    expect(ids).toEqual(expected);
    // 03:00 falls between a receive time (00:00) and the client time of the same event (05:59): the client's counts.
    const iso = await cli('export', '--site', 'shop', ...local, '--since', '2026-01-13T03:00:00Z', '--out', join(dir, 'iso.jsonl'));
    expect(iso.status).toBe(0);
    const isoIds = readFileSync(join(dir, 'iso.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).id);
    const at3 = Date.UTC(2026, 0, 13, 3);
    expect(byOrder.some((e) => e.receivedAt < at3 && timeOf(e) >= at3)).toBe(true);
    expect(isoIds).toEqual(byOrder.filter((e) => timeOf(e) >= at3).map((e) => e.id));
  });

  it('writes CSV user,item,event,timestamp for a .csv --out, and `train` reads both exports', async () => {
    const csv = join(dir, 'all.csv');
    expect((await cli('export', '--site', 'shop', ...local, '--out', csv)).status).toBe(0);
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('user,item,event,timestamp');
    expect(rows).toHaveLength(25);
    const first = byOrder[0];
    expect(rows[1]).toBe(`${first.userId ?? first.visitorId},${first.itemId},${first.type},${timeOf(first)}`);
    expect(rows).toContain(`u2,"sku,""7""",${events[22].type},${timeOf(events[22])}`);
    // Same interactions through the trainer's reader, whichever the format.
    const a = await readInteractions(csv);
    const b = await readInteractions(join(dir, 'all.jsonl'));
    expect(a.users.length).toBe(b.users.length);
    expect(new Set(a.itemIds)).toEqual(new Set(b.itemIds));
    expect(a.itemIds).toContain('sku,"7"');
    for (const input of [csv, join(dir, 'all.jsonl')]) {
      const res = await cli('train', input, '--out', join(dir, 'm.pack'), '--factors', '4', '--iterations', '2', '--threads', '1');
      expect(res.stderr).not.toMatch(/edgepick train:/);
      expect(res.status).toBe(0);
    }
  });

  it('reads the same pages through `wrangler d1 execute --json` (the --remote path, run on the local store)', async () => {
    const source = wranglerEvents({
      config: join(root, 'wrangler.toml'),
      database: 'edgepick',
      location: { persistTo: state },
      env: { ...process.env, CI: 'true', EDGEPICK_WRANGLER: join(root, 'node_modules/.bin/wrangler') },
    });
    const out = join(dir, 'wrangler.jsonl');
    const res = await exportEvents(source, { site: 'shop', out, pageSize: 10, since: Date.UTC(2026, 0, 11) });
    expect(res.pages).toBe(Math.ceil(byOrder.filter((e) => timeOf(e) >= Date.UTC(2026, 0, 11)).length / 10));
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).id);
    expect(lines).toEqual(byOrder.filter((e) => timeOf(e) >= Date.UTC(2026, 0, 11)).map((e) => e.id));
  }, 60_000);

  it('fails with one line for a missing site, a bad date, no events, no --local/--remote, or no events table', async () => {
    const out = join(dir, 'x.jsonl');
    const cases: [string[], RegExp][] = [
      [['--local', '--out', out], /^edgepick export: export needs --site <id>\n$/],
      [['--site', 'Bad_Site', '--local', '--out', out], /--site must be/],
      [['--site', 'shop', '--out', out], /export needs --local .* or --remote/],
      [['--site', 'shop', ...local, '--since', '2026-02-30', '--out', out], /--since must be a date YYYY-MM-DD/],
      [['--site', 'shop', ...local, '--since', 'yesterday', '--out', out], /--since must be a date YYYY-MM-DD/],
      [['--site', 'shop', ...local], /export needs --out/],
      [['--site', 'nobody', ...local, '--out', out], /^edgepick export: site nobody has no events \(wrong --site/],
      [['--site', 'shop', ...local, '--since', '2027-01-01', '--out', out], /site shop has no events since 2027-01-01T00:00:00.000Z/],
      [
        ['--site', 'shop', '--local', '--persist-to', join(dir, 'empty'), '--out', out],
        /local D1 database has no events table: run `wrangler d1 migrations apply/,
      ],
    ];
    for (const [args, message] of cases) {
      const res = await cli('export', ...args);
      expect(res.status, args.join(' ')).toBe(1);
      expect(res.stderr).toMatch(message);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  }, 60_000);
});
