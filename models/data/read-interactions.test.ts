import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from './input-error.js';
import { parseCsvHeader, parseInteractions, readInteractions, toCsr, USER_COLUMNS } from './read-interactions.js';

const dir = mkdtempSync(join(tmpdir(), 'edgepick-read-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('readInteractions', () => {
  it('reads CSV columns by name, weights from events, sums duplicates and skips weight 0', async () => {
    const x = await readInteractions(
      file('a.csv', 'timestamp,item,user,event\n1,i1,u1,click\n2,i1,u1,view\n3,i2,u2,purchase\n4,i3,u2,impression\n'),
    );
    expect(x.userIds).toEqual(['u1', 'u2']);
    expect(x.itemIds).toEqual(['i1', 'i2']);
    expect(Array.from(x.weights)).toEqual([3, 5]);
  });

  it('reads RFC 4180 quoted fields (commas and quotes inside ids)', async () => {
    const x = await readInteractions(file('q.csv', '"user","item","event"\n"u 1","sku, red",click\nu2,"say ""hi""",view\n'));
    expect(x.userIds).toEqual(['u 1', 'u2']);
    expect(x.itemIds).toEqual(['sku, red', 'say "hi"']);
    expect(Array.from(x.weights)).toEqual([2, 1]);
  });

  it('accepts common column aliases and tab-separated files', async () => {
    const a = await readInteractions(file('alias.csv', 'user_id,product_id,event_type\nu1,p1,purchase\n'));
    expect(a.itemIds).toEqual(['p1']);
    expect(Array.from(a.weights)).toEqual([5]);
    const t = await readInteractions(file('tabs.tsv', 'user\titem\tweight\nu1\ti,1\t2.5\n'));
    expect(t.itemIds).toEqual(['i,1']);
    expect(Array.from(t.weights)).toEqual([2.5]);
  });

  it('prefers an explicit weight column and reads JSONL events', async () => {
    const x = await readInteractions(file('b.csv', 'user,item,weight,event\nu,i,0.5,purchase\n'));
    expect(Array.from(x.weights)).toEqual([0.5]);
    const j = await readInteractions(file('c.jsonl', '{"userId":"u1","itemId":"p1","type":"add_to_cart"}\n\n{"user":"u2","item":"p1"}\n'));
    expect(j.userIds).toEqual(['u1', 'u2']);
    expect(Array.from(j.weights)).toEqual([3, 1]);
    // What the worker stores (and `edgepick export` writes) reads as is: the Event schema's fields.
    const exported = await readInteractions(
      file('d.jsonl', '{"id":"e_0001aaaa","type":"purchase","visitorId":"v_1","itemId":"p9","ts":1767225600000,"placement":"for-you"}\n'),
    );
    expect(exported.userIds).toEqual(['v_1']);
    expect(Array.from(exported.weights)).toEqual([5]);
  });

  it.each([
    ['missing.csv', null, /file not found/],
    ['empty.csv', '', /empty/],
    ['header.csv', 'a,b\n1,2\n', /header must name the columns user and item/],
    ['short.csv', 'user,item\nu1,i1\nu2\n', /short\.csv:3: expected at least 2 columns/],
    ['event.csv', 'user,item,event\nu1,i1,teleport\n', /event\.csv:2: unknown event type "teleport"/],
    ['weight.csv', 'user,item,weight\nu1,i1,-3\n', /weight\.csv:2: weight must be a non-negative number/],
    ['zero.csv', 'user,item,event\nu1,i1,impression\n', /no interactions/],
    ['bad.jsonl', '{"userId":"u"}\n{oops\n', /bad\.jsonl:1: missing itemId/],
    ['type.jsonl', '{"userId":"u","itemId":"p","type":"teleport"}\n', /type\.jsonl:1: type: Invalid option/],
    ['nobody.jsonl', '{"itemId":"p","type":"view"}\n', /nobody\.jsonl:1: userId: missing userId \(or visitorId\)/],
    ['surrogate.jsonl', '{"userId":"u\\ud800","itemId":"p"}\n', /surrogate\.jsonl:1: userId: holds a lone surrogate/],
  ])('%s → a one-line InputError', async (name, text, message) => {
    const p = text === null ? join(dir, name) : file(name, text);
    const err = await readInteractions(p).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('\n');
  });

  it('builds CSR by user and by item', () => {
    const x = parseInteractions('user,item\na,1\nb,2\na,3\n', 't.csv');
    const byUser = toCsr(x, true);
    expect(Array.from(byUser.indptr)).toEqual([0, 2, 3]);
    expect(Array.from(byUser.indices)).toEqual([0, 2, 1]);
    const byItem = toCsr(x, false);
    expect(Array.from(byItem.indptr)).toEqual([0, 1, 2, 3]);
  });
});

describe('parseCsvHeader', () => {
  it('normalises names, drops a BOM, detects tabs and splits rows the same way', () => {
    const h = parseCsvHeader('\uFEFF"User ID", Item-Id ,event');
    expect(h.columns).toEqual(['user_id', 'item_id', 'event']);
    expect(h.find(...USER_COLUMNS)).toBe(0);
    expect(h.find('nope')).toBe(-1);
    expect(h.split('"u, 1",i,view')).toEqual(['u, 1', 'i', 'view']);
    const t = parseCsvHeader('visitor_id\tsku');
    expect(t.columns).toEqual(['visitor_id', 'sku']);
    expect(t.split('v,1\tp"2')).toEqual(['v,1', 'p"2']);
  });
});
