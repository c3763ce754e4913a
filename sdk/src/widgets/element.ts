import type { Client } from '../core.js';
import { mountRecommendations, type WidgetHandle, type WidgetOptions } from './mount.js';
import type { Locale, Placement } from './texts.js';

const ATTRS = ['placement', 'limit', 'item-id', 'layout', 'title', 'locale', 'fallback', 'shadow'];

/**
 * Defines `<edgepick-recs placement="for-you" limit="8" item-id="…" layout="grid|carousel">`
 * using `client` for every element on the page.
 */
export function defineElements(client: Client, name = 'edgepick-recs') {
  if (typeof customElements === 'undefined' || customElements.get(name)) return;
  customElements.define(
    name,
    class extends HTMLElement {
      static observedAttributes = ATTRS;
      handle?: WidgetHandle;
      options(): WidgetOptions {
        const a = (n: string) => this.getAttribute(n) ?? undefined;
        return {
          client,
          placement: (a('placement') ?? 'for-you') as Placement,
          limit: a('limit') ? Number(a('limit')) : 8,
          itemId: a('item-id'),
          layout: (a('layout') ?? 'grid') as 'grid' | 'carousel',
          title: a('title'),
          locale: a('locale') as Locale | undefined,
          fallback: (a('fallback') ?? 'popular') as 'popular' | 'hide',
          shadow: this.hasAttribute('shadow'),
        };
      }
      connectedCallback() {
        try {
          this.handle = mountRecommendations(this, this.options());
        } catch (e) {
          console.error(e);
          this.hidden = true;
        }
      }
      attributeChangedCallback() {
        if (!this.handle) return;
        try {
          this.handle.update(this.options());
        } catch (e) {
          console.error(e);
        }
      }
      disconnectedCallback() {
        this.handle?.destroy();
        this.handle = undefined;
      }
    },
  );
}
