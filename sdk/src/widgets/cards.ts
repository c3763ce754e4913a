import type { RecommendedItem } from '../../../schema/recommendations.js';
import type { Texts } from './texts.js';

type El = HTMLElement;
/** An element with a class, optionally a `part` name and text (always as text, never HTML). */
export const h = (tag: string, cls: string, part?: string, text?: string): El => {
  const el = document.createElement(tag);
  el.className = cls;
  if (part) el.setAttribute('part', part);
  if (text) el.textContent = text;
  return el;
};

/** Formats a price for the locale; falls back to a plain number if Intl lacks the currency. */
export function formatPrice(price: number | undefined, currency: string | undefined, locale: string): string {
  if (price === undefined) return '';
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: currency ?? 'CNY' }).format(price);
  } catch {
    return String(price);
  }
}

/**
 * A product card. Every product field goes in as text or an attribute, never as HTML. Short labels
 * over the image's top corner, one under the other, so they shift nothing: `reason` (why it is shown)
 * and, given `proofTexts`, social proof ("Shared 12 times today") from the item's `sharedToday`.
 */
export function card(item: RecommendedItem, locale: string, reason?: string, proofTexts?: Texts | false): El {
  const a = h('a', 'ep-card', 'card') as HTMLAnchorElement;
  if (item.url && /^(https?:|\/|#)/.test(item.url)) a.href = item.url;
  a.dataset.itemId = item.id;
  const img = h('img', 'ep-img', 'image') as HTMLImageElement;
  img.loading = 'lazy';
  img.decoding = 'async';
  img.width = 320;
  img.height = 320;
  img.alt = item.title ?? item.id;
  if (item.image && /^(https?:|\/|data:image\/)/.test(item.image)) img.src = item.image;
  a.append(
    img,
    h('div', 'ep-t', 'title', item.title ?? item.id),
    h('div', 'ep-p', 'price', formatPrice(item.price, item.currency, locale)),
  );
  if (reason) a.append(h('span', 'ep-r', 'reason', reason));
  const n = item.sharedToday;
  // Only a number ≥ 1 shows (as text, like every field).
  if (proofTexts && typeof n === 'number' && n >= 1)
    a.append(h('span', 'ep-r', 'social-proof', ((n === 1 && proofTexts.shared_once) || proofTexts.shared_today).replace('{n}', `${n}`)));
  return a;
}

/** A placeholder of the card's final size (same classes and boxes), so loading shifts nothing. */
export function skeleton(): El {
  const s = h('div', 'ep-card ep-sk');
  s.setAttribute('aria-hidden', 'true');
  s.append(h('div', 'ep-img'), h('div', 'ep-t', '', '\u00a0'), h('div', 'ep-p', '', '\u00a0'));
  return s;
}
