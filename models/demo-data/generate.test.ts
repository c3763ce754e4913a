import { describe, expect, it } from 'vitest';
import { CatalogItem } from '../../schema/catalog.js';
import { generateDemoStore, splitDemo } from './generate.js';

describe('demo store', () => {
  const store = generateDemoStore();

  it('is deterministic for a seed and differs for another', () => {
    const again = generateDemoStore();
    expect(again.interactions.slice(0, 500)).toEqual(store.interactions.slice(0, 500));
    expect(again.catalog).toEqual(store.catalog);
    const other = generateDemoStore({ seed: 8 });
    expect(other.interactions.slice(0, 50)).not.toEqual(store.interactions.slice(0, 50));
  });

  it('has ~2,000 valid products with Chinese and English names and worker-served images', () => {
    expect(store.catalog).toHaveLength(2000);
    for (const item of store.catalog) {
      expect(CatalogItem.safeParse(item).success).toBe(true);
      expect(item.title).toMatch(/[\u4e00-\u9fff]/);
      expect(item.titleEn).toMatch(/^[A-Za-z]/);
      expect(item.image).toMatch(/^\/demo\/img\/p\d{4}\.svg/);
      expect(item.price).toBeGreaterThan(0);
    }
    expect(new Set(store.catalog.map((i) => i.category)).size).toBeGreaterThanOrEqual(10);
  });

  it('has ~50,000 interactions with power-law popularity', () => {
    expect(store.interactions.length).toBeGreaterThan(40_000);
    expect(store.interactions.length).toBeLessThan(60_000);
    const counts = new Map<string, number>();
    for (const x of store.interactions) counts.set(x.item, (counts.get(x.item) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const top1pct = sorted.slice(0, 20).reduce((a, b) => a + b, 0);
    // The top 1% of products draw far more than 1% of interactions (a long tail).
    expect(top1pct / store.interactions.length).toBeGreaterThan(0.05);
    expect(counts.size).toBeGreaterThan(1500);
  });

  it('holds out items per user without losing any row', () => {
    const { train, test } = splitDemo(store.interactions);
    expect(train.length + test.length).toBe(store.interactions.length);
    expect(test.length / store.interactions.length).toBeGreaterThan(0.1);
    const trainUsers = new Set(train.map((x) => x.user));
    for (const x of test.slice(0, 1000)) expect(trainUsers.has(x.user)).toBe(true);
  });
});
