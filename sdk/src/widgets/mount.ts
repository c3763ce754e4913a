import type { RecommendedItem } from '../../../schema/recommendations.js';
import { type Client, type ClientOptions, createClient, type Picks } from '../core.js';
import { ValidationError } from '../errors.js';
import { card, h, skeleton } from './cards.js';
import { adoptStyles } from './styles.js';
import { type Locale, type Placement, pickLocale, TEXTS, type Texts } from './texts.js';

const REASONS = ['because_you_viewed', 'shared_with_you', 'trending', 'pinned', 'new'] as const;

/** Options of `mountRecommendations()`: a `client` (or a `site`) is required, `itemId` too for `similar`. */
export interface WidgetOptions {
  /** A client from createClient(), or `site` (+ `endpoint`) to make one. @default a new client for `site` */
  client?: Client;
  /** Site id for a client made by the widget (ignored when `client` is given). @default none */
  site?: string;
  /** API origin for a client made by the widget. @default '' (same origin) */
  endpoint?: string;
  /** The site's public key for a client made by the widget. @default none */
  key?: string;
  /** Which list to show. @default 'for-you' */
  placement?: Placement;
  /** The item whose look-alikes `similar` shows (required for `similar`). @default none */
  itemId?: string;
  /** Cards to show (1–100). @default 8 */
  limit?: number;
  /** A wrapping grid, or one scrolling row with previous/next buttons and arrow keys. @default 'grid' */
  layout?: 'grid' | 'carousel';
  /** Heading; '' hides it. @default the placement's text */
  title?: string;
  /** Language of the widget's texts. @default from <html lang>, else navigator.language ('en…' → en, else zh-CN) */
  locale?: Locale;
  /** Your own wording for any of the texts. @default the locale's texts */
  texts?: Partial<Texts>;
  /**
   * A share button on each built-in card: `client.shareLink(item)` (the shopper as sharer), then the
   * Web Share sheet where the browser has one, else the link is copied. @default false
   */
  share?: boolean;
  /** Show each item's `reason` as a short label on the built-in card ("Shared with you", "Trending"…). @default false */
  reasons?: boolean;
  /**
   * Social proof on the built-in card: "Shared 12 times today" for an item with `sharedToday` ≥ 1 (people
   * who shared it on the site's day, counted by the API). @default false
   */
  socialProof?: boolean;
  /** Your own card: return an element (render data as text). @default the built-in card (image, title, price) */
  renderItem?: (item: RecommendedItem) => HTMLElement;
  /** Render inside a shadow root. @default false */
  shadow?: boolean;
  /** On error or no items: show popular items, or hide the widget. @default 'popular' */
  fallback?: 'popular' | 'hide';
}

/** What `mountRecommendations()` returns, to change, reload or remove the widget. */
export interface WidgetHandle {
  /** The response on screen (after the `edgepick:load` event), if any. */
  readonly picks: Picks | undefined;
  /** Merges new options and reloads (throws a ValidationError for bad ones, keeping the old). */
  update(options: Partial<WidgetOptions>): void;
  /** Loads again; resolves once the widget shows the new items or the fallback, or hides. */
  refresh(): Promise<void>;
  /** Stops refreshes and impression tracking and removes what the widget rendered. */
  destroy(): void;
}

/**
 * Renders recommendations into `el` and keeps them current: personal picks refresh after the
 * visitor interacts. Never spins forever: errors fall back to popular items, or hide.
 * @example mountRecommendations(document.querySelector('#recs'), { site: 'demo', placement: 'for-you' })
 */
export function mountRecommendations(el: HTMLElement, options: WidgetOptions): WidgetHandle {
  if (!el || typeof el.appendChild !== 'function') throw new ValidationError('edgepick: mountRecommendations needs an element');
  let o = check({ placement: 'for-you', limit: 8, layout: 'grid', fallback: 'popular', ...options });
  const client = o.client ?? createClient({ site: o.site!, endpoint: o.endpoint, key: o.key } as ClientOptions);
  const root: HTMLElement | ShadowRoot = o.shadow ? (el.shadowRoot ?? el.attachShadow({ mode: 'open' })) : el;
  adoptStyles(o.shadow ? (root as ShadowRoot) : document);
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const observers: IntersectionObserver[] = [];
  const unsubscribe = client.subscribe(() => {
    if (o.placement !== 'for-you') return;
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), 250);
  });

  const texts = () => ({ ...TEXTS[o.locale ?? pickLocale()], ...o.texts });

  /** Swaps the rendered widget; a shadow root keeps anything else it holds (a fallback `<style>`). */
  let current: HTMLElement | undefined;
  let shown: Picks | undefined;
  function show(node?: HTMLElement) {
    if (!current && !o.shadow) root.replaceChildren(); // placeholder markup the page put inside
    current?.remove();
    if (node) root.append(node);
    current = node;
  }

  function frame(count: number, make: (i: number) => HTMLElement) {
    const t = texts();
    const wrap = h('section', `ep${o.layout === 'carousel' ? ' ep-car' : ''}`, 'widget');
    const title = o.title ?? t[o.placement!];
    const headingId = `ep-h-${Math.random().toString(36).slice(2, 8)}`;
    if (title) {
      const heading = h('h2', 'ep-h', 'heading', title);
      heading.id = headingId;
      wrap.append(heading);
    }
    const list = h('ul', 'ep-list', 'list');
    for (let i = 0; i < count; i++) {
      const li = document.createElement('li');
      li.append(make(i));
      list.append(li);
    }
    if (o.layout === 'carousel') carousel(wrap, list, t, title ? headingId : undefined);
    wrap.append(list);
    show(wrap);
    return list;
  }

  async function load(): Promise<Picks> {
    const k = o.limit;
    if (o.placement === 'similar') return client.similar(o.itemId!, { k });
    if (o.placement === 'popular') return client.popular({ k });
    return client.recommend({ k, placement: o.placement });
  }

  async function refresh(): Promise<void> {
    const mine = ++seq;
    if (!current) frame(o.limit!, () => skeleton());
    let picks: Picks | undefined;
    try {
      picks = await load();
      if (!picks.items.length) throw new Error('no items');
    } catch {
      picks =
        o.fallback === 'popular' && o.placement !== 'popular' ? await client.popular({ k: o.limit }).catch(() => undefined) : undefined;
    }
    if (mine !== seq) return; // a newer refresh owns the widget
    if (!picks?.items.length) {
      el.hidden = true;
      shown = undefined;
      show();
      return;
    }
    el.hidden = false;
    shown = picks;
    render(picks);
    el.dispatchEvent(new CustomEvent('edgepick:load', { detail: picks, bubbles: true }));
  }

  function render(picks: Picks) {
    observers.splice(0).forEach((ob) => ob.disconnect());
    const locale = o.locale ?? pickLocale();
    const items = picks.items;
    const t = texts();
    const list = frame(items.length, (i) => {
      const why = o.reasons ? items[i].reason?.type : undefined;
      // Only the reasons that tell the shopper something ("popular" on a popular list does not); a
      // type this version does not know shows nothing.
      const known = REASONS.find((r) => r === why);
      const label = known ? t[known] : undefined;
      const node = o.renderItem ? o.renderItem(items[i]) : card(items[i], locale, label, o.socialProof && t);
      node.addEventListener('click', () =>
        client.track({ type: 'click', itemId: items[i].id, recommendationId: picks.recommendationId, placement: o.placement }),
      );
      return o.share && !o.renderItem ? withShare(node, items[i], t) : node;
    });
    watchImpressions(list, items, picks.recommendationId);
  }

  /** The card in a box with a share button over the image corner (a button may not sit inside the link). */
  function withShare(node: HTMLElement, item: RecommendedItem, t: Texts): HTMLElement {
    const box = h('div', 'ep-cw');
    const b = h('button', 'ep-s', 'share', t.share) as HTMLButtonElement;
    b.type = 'button';
    b.setAttribute('aria-label', `${t.share}: ${item.title ?? item.id}`);
    b.addEventListener('click', async () => {
      const page = item.url && /^https?:/.test(item.url) ? item.url : undefined;
      const url = client.shareLink(item.id, { channel: client.channel, url: page });
      const nav = navigator as Navigator & { share?: (d: object) => Promise<void> };
      try {
        if (nav.share) await nav.share({ title: item.title ?? item.id, url });
        else {
          await nav.clipboard.writeText(url);
          b.textContent = t.copied;
          setTimeout(() => (b.textContent = t.share), 2000);
        }
      } catch {} // dismissed share sheet, or no clipboard: nothing to do
    });
    box.append(node, b);
    return box;
  }

  /** An impression: a card ≥ 50% visible for ≥ 1 s while the tab is visible; once per card per response. */
  function watchImpressions(list: HTMLElement, items: RecommendedItem[], recommendationId: string) {
    if (typeof IntersectionObserver === 'undefined') return;
    const timers = new Map<Element, ReturnType<typeof setTimeout>>();
    const ob = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (e.isIntersecting && e.intersectionRatio >= 0.5) {
            const i = [...list.children].indexOf(e.target);
            timers.set(
              e.target,
              setTimeout(() => {
                ob.unobserve(e.target);
                // In a hidden tab, observe again: the observer reports the card anew once the tab is
                // visible (it does not run while hidden), which starts a fresh second.
                if (document.visibilityState === 'visible')
                  client.track({ type: 'impression', itemId: items[i].id, recommendationId, placement: o.placement });
                else ob.observe(e.target);
              }, 1000),
            );
          } else clearTimeout(timers.get(e.target));
        }
      },
      { threshold: [0, 0.5] },
    );
    for (const li of list.children) ob.observe(li);
    observers.push(ob);
  }

  void refresh();
  return {
    get picks() {
      return shown;
    },
    update(next) {
      o = check({ ...o, ...next });
      void refresh();
    },
    refresh,
    destroy() {
      seq++;
      clearTimeout(timer);
      unsubscribe();
      observers.splice(0).forEach((ob) => ob.disconnect());
      show();
    },
  };
}

function check(o: WidgetOptions): WidgetOptions {
  if (!o.client && !o.site) throw new ValidationError('edgepick: widget options need a client or a site');
  if (!['for-you', 'similar', 'popular'].includes(o.placement!))
    throw new ValidationError(`edgepick: placement must be for-you, similar or popular, got ${JSON.stringify(o.placement)}`);
  if (o.placement === 'similar' && !o.itemId) throw new ValidationError('edgepick: placement "similar" needs itemId');
  if (!Number.isInteger(o.limit) || o.limit! < 1 || o.limit! > 100)
    throw new ValidationError(`edgepick: limit must be an integer in 1..100, got ${JSON.stringify(o.limit)}`);
  if (o.layout !== 'grid' && o.layout !== 'carousel')
    throw new ValidationError(`edgepick: layout must be grid or carousel, got ${JSON.stringify(o.layout)}`);
  return o;
}

/** WAI-ARIA APG carousel: labelled region, slide groups "3 of 8", prev/next buttons, arrow keys. */
function carousel(wrap: HTMLElement, list: HTMLElement, t: Texts, headingId?: string) {
  wrap.setAttribute('role', 'region');
  wrap.setAttribute('aria-roledescription', 'carousel');
  if (headingId) wrap.setAttribute('aria-labelledby', headingId);
  else wrap.setAttribute('aria-label', t.carousel);
  const slides = [...list.children] as HTMLElement[];
  slides.forEach((li, i) => {
    li.setAttribute('role', 'group');
    li.setAttribute('aria-roledescription', 'slide');
    li.setAttribute('aria-label', t.slide.replace('{i}', String(i + 1)).replace('{n}', String(slides.length)));
  });
  let current = 0;
  const go = (i: number, focus: boolean) => {
    current = Math.max(0, Math.min(slides.length - 1, i));
    list.scrollTo({ left: slides[current].offsetLeft - list.offsetLeft });
    if (focus) (slides[current].querySelector('a,button,[tabindex]') as HTMLElement | null)?.focus();
  };
  const nav = document.createElement('div');
  nav.className = 'ep-nav';
  for (const [label, delta, part] of [
    [t.previous, -1, 'prev'],
    [t.next, 1, 'next'],
  ] as const) {
    const b = document.createElement('button');
    b.type = 'button';
    b.setAttribute('aria-label', label);
    b.setAttribute('aria-controls', (list.id ||= `ep-l-${Math.random().toString(36).slice(2, 8)}`));
    b.setAttribute('part', `button ${part}`);
    b.textContent = delta < 0 ? '‹' : '›';
    b.addEventListener('click', () => go(current + delta, false));
    nav.append(b);
  }
  wrap.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    const focused = slides.findIndex(
      (s) => s.contains(document.activeElement) || s.contains((wrap.getRootNode() as ShadowRoot).activeElement ?? null),
    );
    go((focused >= 0 ? focused : current) + (e.key === 'ArrowRight' ? 1 : -1), true);
  });
  wrap.append(nav);
}
