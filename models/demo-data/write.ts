import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DemoInteraction, type DemoOptions, generateDemoStore, splitDemo } from './generate.js';

const csv = (rows: DemoInteraction[]) =>
  `user,item,event,timestamp\n${rows.map((x) => `${x.user},${x.item},${x.event},${x.timestamp}`).join('\n')}\n`;

/** Writes catalog.json, interactions.csv and a train.csv/test.csv split into `dir`; returns counts. */
export async function writeDemoStore(dir: string, options: DemoOptions = {}) {
  const store = generateDemoStore(options);
  const { train, test } = splitDemo(store.interactions);
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(join(dir, 'catalog.json'), `${JSON.stringify({ items: store.catalog }, null, 1)}\n`),
    writeFile(join(dir, 'interactions.csv'), csv(store.interactions)),
    writeFile(join(dir, 'train.csv'), csv(train)),
    writeFile(join(dir, 'test.csv'), csv(test)),
    writeFile(join(dir, 'groups.json'), `${JSON.stringify(store.groups)}\n`),
  ]);
  return {
    products: store.catalog.length,
    users: Object.keys(store.groups).length,
    interactions: store.interactions.length,
    train: train.length,
    test: test.length,
  };
}
