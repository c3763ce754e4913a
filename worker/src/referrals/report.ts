import { attribute, firstReferrers, type SharerStats, type UserLinks, userLinks } from './attribution.js';
import { arrivals, purchases, signIns } from './store.js';

/**
 * Every sharer's two-level results for `[fromMs, toMs)` from the site's stored events (arrivals up to
 * `toMs`, purchases in the range, sign-ins linking visitor and user ids), and those sign-in links.
 */
export async function referralsReport(
  db: D1Database,
  site: string,
  fromMs: number,
  toMs: number,
): Promise<{ sharers: SharerStats[]; links: UserLinks }> {
  const [all, bought, pairs] = await Promise.all([arrivals(db, site, toMs), purchases(db, site, fromMs, toMs), signIns(db, site, toMs)]);
  const links = userLinks(pairs);
  return { sharers: attribute(all, bought, firstReferrers(all, links), fromMs, toMs, links), links };
}
