import { SELF } from 'cloudflare:test';
import { expect } from 'vitest';

/** A recommendations response as the tests read it. */
export interface Picks {
  source: string;
  items: { id: string; title?: string; sharedToday?: number; reason?: { type: string; itemId?: string } }[];
}

/** `POST /v1/sites/:site/recommendations` with `body`; expects 200 and answers the parsed response. */
export async function postPicks(site: string, body: Record<string, unknown>): Promise<Picks> {
  const res = await SELF.fetch(`https://edge.test/v1/sites/${site}/recommendations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Picks;
}

/** The item ids of a response, in order. */
export const pickIds = (r: Picks) => r.items.map((i) => i.id);
