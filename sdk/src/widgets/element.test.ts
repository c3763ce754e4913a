// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeApi, fakeApi, nextLoad, picks } from '../../test/fake-api.js';
import { defineElements, type ElementDefaults } from './element.js';

type Recs = HTMLElement & { picks?: unknown };

let api: FakeApi;
let n = 0;
/** A fresh tag name per test: a custom element name can be defined only once per document. */
let tag: string;
beforeEach(() => {
  api = fakeApi();
  tag = `ep-recs-${++n}`;
});
afterEach(() => {
  document.body.replaceChildren();
  document.documentElement.lang = '';
  vi.restoreAllMocks();
});

const define = (defaults: ElementDefaults = {}) => defineElements(api.client, { name: tag, ...defaults });
/** Creates the element with `attrs`, connects it and waits for its first response on screen. */
async function connect(attrs: Record<string, string>) {
  const el = document.createElement(tag) as Recs;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  const loaded = nextLoad(el);
  document.body.append(el);
  await loaded;
  return el;
}
const ids = (root: ParentNode) => [...root.querySelectorAll<HTMLElement>('.ep-card')].map((c) => c.dataset.itemId);
const lastRead = () => api.requests.filter((r) => r.route !== 'events').at(-1)!;

describe('<edgepick-recs>', () => {
  it('is defined under its default name, once', () => {
    defineElements(api.client);
    expect(customElements.get('edgepick-recs')).toBeDefined();
    const Ctor = customElements.get('edgepick-recs');
    expect(() => defineElements(fakeApi().client)).not.toThrow(); // a second copy of the SDK on the page
    expect(customElements.get('edgepick-recs')).toBe(Ctor);
  });

  it('renders for-you picks with its defaults: 8 items, grid, popular fallback, light DOM', async () => {
    define();
    const el = await connect({});
    expect(lastRead().route).toBe('recommendations');
    expect(JSON.parse(lastRead().body!)).toMatchObject({ k: 8, placement: 'for-you' });
    expect(ids(el)).toEqual(['rec-1', 'rec-2', 'rec-3']);
    expect(el.querySelector('.ep')!.classList.contains('ep-car')).toBe(false);
    expect(el.shadowRoot).toBeNull();
    expect(el.picks).toMatchObject({ recommendationId: 'r_realtime' });
  });

  it('reads placement, item-id, limit, layout, title and locale', async () => {
    define();
    const el = await connect({
      placement: 'similar',
      'item-id': 'p 7',
      limit: '3',
      layout: 'carousel',
      title: 'More like this',
      locale: 'en',
    });
    expect(lastRead().path).toBe('/items/p%207/similar?k=3');
    expect(ids(el)).toEqual(['sim-1', 'sim-2']);
    expect(el.querySelector('.ep')!.classList.contains('ep-car')).toBe(true);
    expect(el.querySelector('.ep-h')!.textContent).toBe('More like this');
    expect(el.querySelector('.ep-nav button')!.getAttribute('aria-label')).toBe('Previous');
    const zh = await connect({ placement: 'popular', locale: 'zh-CN' });
    expect(lastRead().path).toBe('/popular?k=8');
    expect(zh.querySelector('.ep-h')!.textContent).toBe('热门商品');
  });

  it('renders into a shadow root with the `shadow` attribute', async () => {
    define();
    const el = await connect({ shadow: '', placement: 'popular' });
    expect(el.shadowRoot).not.toBeNull();
    expect(ids(el.shadowRoot!)).toEqual(['pop-1', 'pop-2']);
    expect(el.querySelector('.ep')).toBeNull();
  });

  it('falls back to popular items by default, and hides with fallback="hide"', async () => {
    define();
    api.answer = (route) => (route === 'recommendations' ? Promise.reject(new Error('503')) : picks('popular', ['pop-1']));
    const el = await connect({});
    expect(api.reads()).toEqual(['recommendations', 'popular']);
    expect(ids(el)).toEqual(['pop-1']);

    const hidden = document.createElement(tag);
    hidden.setAttribute('fallback', 'hide');
    document.body.append(hidden);
    await vi.waitFor(() => expect(hidden.hidden).toBe(true));
    expect(api.reads()).toEqual(['recommendations', 'popular', 'recommendations']);
    expect(hidden.childElementCount).toBe(0);
  });

  it('re-renders when an attribute changes', async () => {
    define();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const el = await connect({ placement: 'popular', limit: '2' });
    let loaded = nextLoad(el);
    el.setAttribute('limit', '5');
    await loaded;
    expect(lastRead().path).toBe('/popular?k=5');
    loaded = nextLoad(el);
    el.setAttribute('placement', 'similar');
    el.setAttribute('item-id', 'p1'); // placement "similar" without item-id is refused in between
    await loaded;
    expect(error).toHaveBeenCalledExactlyOnceWith(expect.objectContaining({ message: 'edgepick: placement "similar" needs itemId' }));
    expect(lastRead().path).toBe('/items/p1/similar?k=5');
    expect(ids(el)).toEqual(['sim-1', 'sim-2']);
    loaded = nextLoad(el);
    el.setAttribute('title', 'Picked');
    await loaded;
    expect(el.querySelector('.ep-h')!.textContent).toBe('Picked');
    loaded = nextLoad(el);
    el.setAttribute('layout', 'carousel');
    await loaded;
    expect(el.querySelector('.ep-car')).not.toBeNull();
  });

  it('hides itself and says why in the console when its attributes are invalid', () => {
    define();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const el = document.createElement(tag);
    el.setAttribute('placement', 'trending');
    document.body.append(el);
    expect(el.hidden).toBe(true);
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'ValidationError', message: expect.stringMatching(/placement must be/) }),
    );
    expect(api.requests).toHaveLength(0);
  });

  it('keeps rendering the last valid attributes when a change is invalid', async () => {
    define();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const el = await connect({ placement: 'popular', limit: '2' });
    const reads = api.reads().length;
    el.setAttribute('limit', 'many');
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringMatching(/limit must be an integer/) }));
    expect(api.reads()).toHaveLength(reads);
    expect(ids(el)).toEqual(['pop-1', 'pop-2']);
  });

  it('applies the defaults given to defineElements; attributes win', async () => {
    define({
      locale: 'en',
      placement: 'popular',
      limit: 4,
      renderItem: (item) => Object.assign(document.createElement('p'), { textContent: item.id }),
    });
    const el = await connect({});
    expect(lastRead().path).toBe('/popular?k=4');
    expect(el.querySelector('.ep-h')!.textContent).toBe('Popular');
    expect([...el.querySelectorAll('p')].map((p) => p.textContent)).toEqual(['pop-1', 'pop-2']);
    const own = await connect({ limit: '2', locale: 'zh-CN' });
    expect(lastRead().path).toBe('/popular?k=2');
    expect(own.querySelector('.ep-h')!.textContent).toBe('热门商品');
  });

  it('shows social proof with the `social-proof` attribute (or the default), none without', async () => {
    define({ locale: 'en' });
    api.answer = () => {
      const p = picks('popular', ['pop-1', 'pop-2']);
      p.items[0].sharedToday = 3;
      return p;
    };
    const proof = (el: HTMLElement) => [...el.querySelectorAll('[part=social-proof]')].map((l) => l.textContent);
    expect(proof(await connect({ placement: 'popular', 'social-proof': '' }))).toEqual(['Shared 3 times today']);
    const plain = await connect({ placement: 'popular' });
    expect(proof(plain)).toEqual([]);
    const loaded = nextLoad(plain);
    plain.setAttribute('social-proof', '');
    await loaded;
    expect(proof(plain)).toEqual(['Shared 3 times today']);
    tag = `${tag}-on`;
    define({ locale: 'zh-CN', socialProof: true });
    expect(proof(await connect({ placement: 'popular' }))).toEqual(['今日分享 3 次']);
  });

  it('cleans up when removed, and starts over when added again', async () => {
    define();
    const el = await connect({ placement: 'popular' });
    el.remove();
    expect(el.childElementCount).toBe(0);
    expect(el.picks).toBeUndefined();
    el.setAttribute('limit', '3'); // disconnected: no request
    expect(api.reads()).toEqual(['popular']);
    const loaded = nextLoad(el);
    document.body.append(el);
    await loaded;
    expect(api.reads()).toEqual(['popular', 'popular']);
    expect(lastRead().path).toBe('/popular?k=3');
  });
});
