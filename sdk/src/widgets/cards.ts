import type { RecommendedItem } from '../../../schema/recommendations.js';

type El = HTMLElement;
const h = (tag: string, cls: string, part?: string): El => {
  const el = document.createElement(tag);
  el.className = cls;
  if (part) el.setAttribute('part', part);
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
 * A product card. Every product field goes in as text or an attribute, never as HTML. `reason`: a
 * short label (why it is shown) laid over the image corner, so it shifts nothing.
 */
export function card(item: RecommendedItem, locale: string, reason?: string): El {
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
  const title = h('div', 'ep-t', 'title');
  title.textContent = item.title ?? item.id;
  const price = h('div', 'ep-p', 'price');
  price.textContent = formatPrice(item.price, item.currency, locale);
  a.append(img, title, price);
  if (reason) {
    const r = h('span', 'ep-r', 'reason');
    r.textContent = reason;
    a.append(r);
  }
  return a;
}

/** A placeholder of the card's final size (same classes and boxes), so loading shifts nothing. */
export function skeleton(): El {
  const s = h('div', 'ep-card ep-sk');
  s.setAttribute('aria-hidden', 'true');
  const img = h('div', 'ep-img');
  const t = h('div', 'ep-t');
  const p = h('div', 'ep-p');
  t.textContent = '\u00a0';
  p.textContent = '\u00a0';
  s.append(img, t, p);
  return s;
}
