import type { Client } from '../core.js';
import { mountRecommendations, type WidgetHandle, type WidgetOptions } from './mount.js';
import type { Locale, Placement } from './texts.js';

const ATTRS = ['placement', 'limit', 'item-id', 'layout', 'title', 'locale', 'fallback', 'shadow', 'reasons', 'share', 'social-proof'];

/** Options for every `<edgepick-recs>` on the page (attributes win), plus the tag name. */
export type ElementDefaults = Partial<Omit<WidgetOptions, 'client' | 'site' | 'endpoint' | 'key'>> & {
  /** The tag name to define (a custom element name needs a dash). @default 'edgepick-recs' */
  name?: string;
};

/**
 * Defines `<edgepick-recs placement="for-you|similar|popular" limit="8" item-id="…" layout="grid|carousel"
 * title="…" locale="zh-CN|en" fallback="popular|hide" shadow reasons share social-proof>` rendering with `client`.
 * @example defineElements(createClient({ site: 'demo' }), { locale: 'en', renderItem: myCard })
 */
export function defineElements(client: Client, { name = 'edgepick-recs', ...defaults }: ElementDefaults = {}) {
  if (typeof customElements === 'undefined' || customElements.get(name)) return;
  customElements.define(
    name,
    class extends HTMLElement {
      static observedAttributes = ATTRS;
      handle?: WidgetHandle;
      /** The response on screen, as in the last `edgepick:load` event. */
      get picks() {
        return this.handle?.picks;
      }
      options(): WidgetOptions {
        const a = (n: string) => this.getAttribute(n) ?? undefined;
        return {
          ...defaults,
          client,
          placement: (a('placement') ?? defaults.placement ?? 'for-you') as Placement,
          limit: a('limit') ? Number(a('limit')) : (defaults.limit ?? 8),
          itemId: a('item-id') ?? defaults.itemId,
          layout: (a('layout') ?? defaults.layout ?? 'grid') as 'grid' | 'carousel',
          title: a('title') ?? defaults.title,
          locale: (a('locale') ?? defaults.locale) as Locale | undefined,
          fallback: (a('fallback') ?? defaults.fallback ?? 'popular') as 'popular' | 'hide',
          shadow: this.hasAttribute('shadow') || defaults.shadow,
          reasons: this.hasAttribute('reasons') || defaults.reasons,
          share: this.hasAttribute('share') || defaults.share,
          socialProof: this.hasAttribute('social-proof') || defaults.socialProof,
        };
      }
      connectedCallback() {
        try {
          this.handle = mountRecommendations(this, this.options());
        } catch (e) {
          // Bad attributes (a ValidationError): say why in the console, show nothing.
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
