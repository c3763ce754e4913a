import { describe, expect, it } from 'vitest';
import { parseInteractions } from '../data/read-interactions.js';
import { parseTime, readTimedRows, splitByTime } from './time-split.js';

describe('time-based holdout', () => {
  it('reads times from ms, seconds and ISO strings', () => {
    expect(parseTime(1767225600000)).toBe(1767225600000);
    expect(parseTime(1767225600)).toBe(1767225600000);
    expect(parseTime('1767225600000')).toBe(1767225600000);
    expect(parseTime('2026-01-01T00:00:00Z')).toBe(Date.UTC(2026, 0, 1));
    for (const bad of [undefined, null, '', 'soon', -1, Number.NaN, {}]) expect(parseTime(bad)).toBeUndefined();
  });

  it('holds out the latest 20% of interactions by time (ties in file order), impressions left out', () => {
    // JSONL as `edgepick export` writes it: client ts when sent, else receivedAt.
    const T = Date.UTC(2026, 0, 1);
    const lines = [
      { userId: 'a', itemId: 'i1', type: 'view', ts: T + 5000, receivedAt: T + 9000 },
      { userId: 'a', itemId: 'i2', type: 'impression', ts: T + 9500, receivedAt: T + 9600 },
      { visitorId: 'v', itemId: 'i3', type: 'click', receivedAt: T + 1000 },
      { userId: 'b', itemId: 'i1', type: 'purchase', ts: T + 7000, receivedAt: T + 7100 },
      { userId: 'b', itemId: 'i4', type: 'view', ts: T + 7000, receivedAt: T + 7050 },
      { userId: 'c', itemId: 'i2', type: 'share', ts: T + 2000, receivedAt: T + 2100 },
      { userId: 'c', itemId: 'i3', type: 'view', ts: T + 3000, receivedAt: T + 3100 },
      { userId: 'a', itemId: 'i4', type: 'view', ts: T + 4000, receivedAt: T + 4100 },
      { userId: 'd', itemId: 'i1', type: 'view', ts: T + 6000, receivedAt: T + 6100 },
      { userId: 'd', itemId: 'i2', type: 'add_to_cart', ts: T + 6500, receivedAt: T + 6600 },
      { userId: 'e', itemId: 'i5', type: 'view', ts: T + 1500, receivedAt: T + 1600 },
    ].map((o) => JSON.stringify(o));
    const rows = readTimedRows(`${lines.join('\n')}\n`, 'events.jsonl');
    expect(rows.format).toBe('jsonl');
    expect(rows.rows).toHaveLength(10); // the impression carries no weight
    const split = splitByTime(rows, 0.2);
    expect([split.trainRows, split.testRows]).toEqual([8, 2]);
    // The latest two: b's purchase and view at 7000 (file order between them).
    expect(split.test.trim().split('\n')).toEqual([lines[3], lines[4]]);
    expect(split.cutoff).toBe(T + 7000);
    expect([split.from, split.to]).toEqual([T + 1000, T + 7000]);
    const test = parseInteractions(split.test, 'test', { format: 'jsonl' });
    expect(test.userIds).toEqual(['b']);
    const train = parseInteractions(split.train, 'train', { format: 'jsonl' });
    expect(train.users).toHaveLength(8);
    expect(train.userIds).toContain('v'); // visitorId when there is no userId, as the trainer reads it
    // An explicit weight or custom event weights decide what counts, as in training.
    expect(readTimedRows(lines[1], 'x.jsonl', { eventWeights: { impression: 0.5 } }).rows).toHaveLength(1);
  });

  it('splits CSV with its header on both sides, and always keeps one row on each side', () => {
    const csv = 'user,item,event,timestamp\nu1,a,view,30\nu1,b,click,10\nu2,a,impression,40\nu2,c,view,20\n';
    const split = splitByTime(readTimedRows(csv, 'x.csv'), 0.2);
    expect(split.train).toBe('user,item,event,timestamp\nu1,b,click,10\nu2,c,view,20\n');
    expect(split.test).toBe('user,item,event,timestamp\nu1,a,view,30\n');
    expect(splitByTime(readTimedRows(csv, 'x.csv'), 0.9).trainRows).toBe(1);
    expect(splitByTime(readTimedRows('user,item,timestamp\nu,a,5\n', 'x.csv')).testRows).toBe(0);
  });

  it('refuses rows it cannot place in time', () => {
    expect(() => readTimedRows('user,item\nu,a\n', 'x.csv')).toThrow(/needs a timestamp column/);
    expect(() => readTimedRows('user,item,timestamp\nu,a,\n', 'x.csv')).toThrow(/x\.csv:2: no timestamp/);
    expect(() => readTimedRows('{"userId":"u","itemId":"a","type":"view"}\n', 'e.jsonl')).toThrow(
      /e\.jsonl:1: no time \(ts or receivedAt\)/,
    );
    expect(() => readTimedRows('{"userId":\n', 'e.jsonl', { format: 'jsonl' })).toThrow(/e\.jsonl:1: not valid JSON/);
    expect(() => splitByTime({ format: 'jsonl', rows: [] }, 1)).toThrow(/between 0 and 1/);
  });
});
