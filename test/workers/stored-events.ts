import { env } from 'cloudflare:test';

/**
 * Waits until the events pipeline (queue consumer) has stored `ids` of `site` in D1, polling; fails
 * with what is missing after `timeoutMs`. Events are stored after the 200, usually within ~1 s.
 */
export async function waitForStored(site: string, ids: string[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const want = [...new Set(ids)];
  for (;;) {
    const found = new Set<string>();
    for (let i = 0; i < want.length; i += 90) {
      const part = want.slice(i, i + 90);
      const { results } = await env.DB.prepare(
        `SELECT id FROM events WHERE site = ?1 AND id IN (${part.map((_, j) => `?${j + 2}`).join(',')})`,
      )
        .bind(site, ...part)
        .all<{ id: string }>();
      for (const r of results) found.add(r.id);
    }
    if (found.size === want.length) return;
    if (Date.now() > deadline)
      throw new Error(
        `events not stored after ${timeoutMs} ms: ${want
          .filter((id) => !found.has(id))
          .slice(0, 10)
          .join(', ')}…`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
