// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deferred, FAKE_KEY, type FakeApi, FakeIntersectionObserver, fakeApi, nextLoad, picks } from '../../test/fake-api.js';
import { ValidationError } from '../errors.js';
import { mountRecommendations, type WidgetHandle, type WidgetOptions } from './mount.js';

let api: FakeApi;
let el: HTMLElement;
const handles: WidgetHandle[] = [];
const mount = (o: Partial<WidgetOptions> = {}) => {
  const h = mountRecommendations(el, { client: api.client, ...o });
  handles.push(h);
  return h;
};
/** Mounts and waits until the first response is on screen. */
const mounted = async (o: Partial<WidgetOptions> = {}) => {
  const loaded = nextLoad(el);
  const h = mount(o);
  await loaded;
  return h;
};
const cards = (root: ParentNode = el) => [...root.querySelectorAll<HTMLElement>('.ep-card:not(.ep-sk)')];
const ids = (root: ParentNode = el) => cards(root).map((c) => c.dataset.itemId);
const skeletons = () => el.querySelectorAll('.ep-sk');
const heading = (root: ParentNode = el) => root.querySelector('.ep-h')?.textContent;

beforeEach(() => {
  api = fakeApi();
  el = document.createElement('div');
  document.body.append(el);
});
afterEach(() => {
  handles.splice(0).forEach((h) => h.destroy());
  document.body.replaceChildren();
  document.documentElement.lang = '';
  FakeIntersectionObserver.all = [];
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('mountRecommendations: reasons', () => {
  const withReasons = () => {
    const p = picks('realtime', ['x1', 'x2', 'x3', 'x4']);
    p.items[0].reason = { type: 'shared_with_you' };
    p.items[1].reason = { type: 'because_you_viewed', itemId: 'x9' };
    p.items[2].reason = { type: 'popular' };
    p.items[3].reason = { type: '__proto__' as never };
    return p;
  };
  const labels = () => cards().map((c) => c.querySelector('.ep-r')?.textContent ?? null);

  it('shows a short label per reason when asked, in the widget’s language; none for popular or unknown types', async () => {
    api.answer = () => withReasons();
    await mounted({ reasons: true, locale: 'en' });
    expect(labels()).toEqual(['Shared with you', 'Like what you viewed', null, null]);
    handles.splice(0).forEach((h) => h.destroy());
    el.replaceChildren();
    await mounted({ reasons: true, locale: 'zh-CN' });
    expect(labels()).toEqual(['好友分享', '与你看过的相似', null, null]);
    expect(cards()[0].querySelector('.ep-r')!.getAttribute('part')).toBe('reason');
  });

  it('shows no labels by default', async () => {
    api.answer = () => withReasons();
    await mounted({ locale: 'en' });
    expect(labels()).toEqual([null, null, null, null]);
  });
});

describe('mountRecommendations: social proof', () => {
  const withCounts = () => {
    const p = picks('realtime', ['x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
    p.items[0].sharedToday = 12;
    p.items[1].sharedToday = 1;
    p.items[2].sharedToday = 0;
    // Not a number: never shown, whatever it holds.
    (p.items[3] as Record<string, unknown>).sharedToday = '<img src=x onerror=alert(1)>';
    (p.items[5] as Record<string, unknown>).sharedToday = '7';
    return p; // x5 has no count
  };
  const proofs = () => cards().map((c) => c.querySelector('[part=social-proof]')?.textContent ?? null);

  it('labels items shared today when asked, in the widget’s language (once / n times)', async () => {
    api.answer = () => withCounts();
    await mounted({ socialProof: true, locale: 'en' });
    expect(proofs()).toEqual(['Shared 12 times today', 'Shared once today', null, null, null, null]);
    expect(el.querySelector('img[src=x]')).toBeNull();
    handles.splice(0).forEach((h) => h.destroy());
    el.replaceChildren();
    await mounted({ socialProof: true, locale: 'zh-CN' });
    expect(proofs()).toEqual(['今日分享 12 次', '今日分享 1 次', null, null, null, null]);
    const label = cards()[0].querySelector('[part=social-proof]')!;
    expect(label.className).toBe('ep-r');
    expect(label.children).toHaveLength(0);
  });

  it('shows no social proof by default, nor on your own cards', async () => {
    api.answer = () => withCounts();
    await mounted({ locale: 'en' });
    expect(proofs()).toEqual([null, null, null, null, null, null]);
    handles.splice(0).forEach((h) => h.destroy());
    el.replaceChildren();
    await mounted({
      socialProof: true,
      renderItem: (item) => Object.assign(document.createElement('a'), { className: 'ep-card', textContent: item.id }),
    });
    expect(el.querySelector('[part=social-proof]')).toBeNull();
  });

  it('takes your own wording through texts, the count as text; stacks under a reason label', async () => {
    api.answer = () => {
      const p = withCounts();
      p.items[0].reason = { type: 'trending' };
      return p;
    };
    await mounted({
      socialProof: true,
      reasons: true,
      locale: 'en',
      texts: { shared_today: '<b>{n}</b> friends shared this', shared_once: 'One friend shared this' },
    });
    expect(proofs().slice(0, 2)).toEqual(['<b>12</b> friends shared this', 'One friend shared this']);
    expect(el.querySelector('b')).toBeNull();
    // The reason first, the social proof after it (CSS puts a second label under the first).
    expect([...cards()[0].querySelectorAll('.ep-r')].map((l) => l.getAttribute('part'))).toEqual(['reason', 'social-proof']);
    handles.splice(0).forEach((h) => h.destroy());
    el.replaceChildren();
    // zh-CN has no singular text: 1 goes into {n} like any count.
    await mounted({ socialProof: true, locale: 'zh-CN', texts: { shared_today: '今天 {n} 人分享' } });
    expect(proofs().slice(0, 2)).toEqual(['今天 12 人分享', '今天 1 人分享']);
  });
});

describe('mountRecommendations: share button', () => {
  it('shares the item with the shopper as sharer: the Web Share sheet where there is one, else the link is copied', async () => {
    const p = picks('realtime', ['x1', 'x2']);
    p.items[0].url = 'https://shop.example/p/x1';
    p.items[0].title = 'Tea <b>1</b>';
    api.answer = () => p;
    const shared: { title: string; url: string }[] = [];
    vi.stubGlobal('navigator', { ...navigator, share: async (d: { title: string; url: string }) => void shared.push(d) });
    await mounted({ share: true, locale: 'en' });
    const buttons = [...el.querySelectorAll<HTMLButtonElement>('button.ep-s')];
    expect(buttons).toHaveLength(2);
    // The button sits beside the link (never inside it), labelled with the item.
    expect(buttons[0].closest('a')).toBeNull();
    expect(buttons[0].getAttribute('aria-label')).toBe('Share: Tea <b>1</b>');
    expect(buttons[0].getAttribute('part')).toBe('share');
    buttons[0].click();
    await vi.waitFor(() => expect(shared).toHaveLength(1));
    expect(shared[0]).toEqual({
      title: 'Tea <b>1</b>',
      url: `https://shop.example/p/x1?ref=${api.client.visitorId}&ch=${api.client.channel}`,
    });
    // No Web Share: the link goes to the clipboard and the button says so.
    const copied: string[] = [];
    vi.stubGlobal('navigator', { ...navigator, share: undefined, clipboard: { writeText: async (t: string) => void copied.push(t) } });
    buttons[1].click();
    await vi.waitFor(() => expect(buttons[1].textContent).toBe('Link copied'));
    expect(copied[0]).toContain(`ref=${api.client.visitorId}`);
  });

  it('has no share button by default', async () => {
    await mounted({ locale: 'en' });
    expect(el.querySelector('button.ep-s')).toBeNull();
  });
});

describe('mountRecommendations: rendering', () => {
  it('renders one card per returned item, in order, and announces the response', async () => {
    el.innerHTML = '<p>loading…</p>'; // placeholder markup the page put inside
    const loaded = nextLoad(el);
    const h = mount({ placement: 'for-you', limit: 3 });
    const detail = await loaded;
    expect(api.reads()).toEqual(['recommendations']);
    expect(JSON.parse(api.requests[0].body!)).toMatchObject({ k: 3, placement: 'for-you' });
    expect(api.requests[0].headers).toEqual({ 'X-Edgepick-Key': FAKE_KEY });
    expect(ids()).toEqual(['rec-1', 'rec-2', 'rec-3']);
    expect(cards()[1].querySelector('.ep-t')!.textContent).toBe('Item rec-2');
    expect(cards()[1].querySelector('.ep-p')!.textContent).toMatch(/11/);
    expect(el.querySelector('p')).toBeNull();
    expect(el.hidden).toBe(false);
    expect(detail).toMatchObject({ recommendationId: 'r_realtime', source: 'realtime' });
    expect(h.picks).toBe(detail);
  });

  it('puts product data in as text and attributes, never as HTML', async () => {
    const xss = '<img src=x onerror="alert(1)"><b>bold</b>';
    api.answer = () => ({
      recommendationId: 'r_x',
      source: 'model',
      items: [
        { id: 'p1', score: 1, title: xss, url: 'javascript:alert(1)', image: 'javascript:alert(2)' },
        { id: 'p2', score: 0.9, title: 'Tea', url: '/p/2', image: 'https://img.example/2.jpg' },
      ],
    });
    await mounted();
    const [evil, tea] = cards();
    expect(evil.querySelector('.ep-t')!.textContent).toBe(xss);
    expect(evil.querySelector('.ep-t')!.children).toHaveLength(0);
    expect(el.querySelector('b')).toBeNull();
    expect(el.querySelectorAll('img')).toHaveLength(2); // the two card images, no injected one
    expect((evil.querySelector('img') as HTMLImageElement).alt).toBe(xss);
    // Unsafe schemes are not linked or loaded.
    expect(evil.hasAttribute('href')).toBe(false);
    expect(evil.querySelector('img')!.hasAttribute('src')).toBe(false);
    expect(tea.getAttribute('href')).toBe('/p/2');
    expect(tea.querySelector('img')!.getAttribute('src')).toBe('https://img.example/2.jpg');
  });

  it('shows `limit` placeholders with the card’s boxes while loading, then swaps them for the cards', async () => {
    const answer = deferred<unknown>();
    api.answer = () => answer.promise;
    const loaded = nextLoad(el);
    mount({ limit: 5 });
    const sk = skeletons();
    expect(sk).toHaveLength(5);
    expect(cards()).toHaveLength(0);
    for (const s of sk) {
      expect(s.getAttribute('aria-hidden')).toBe('true');
      // Same classes and boxes as a card: nothing shifts when the cards arrive.
      expect(s.className).toBe('ep-card ep-sk');
      expect([...s.children].map((c) => c.className)).toEqual(['ep-img', 'ep-t', 'ep-p']);
      expect(s.querySelector('.ep-t')!.textContent).toBe('\u00a0');
    }
    answer.resolve(picks('model', ['a', 'b']));
    await loaded;
    expect(skeletons()).toHaveLength(0);
    expect(ids()).toEqual(['a', 'b']);
    expect([...cards()[0].children].map((c) => c.className)).toEqual(['ep-img', 'ep-t', 'ep-p']);
  });

  it('keeps the cards on screen while a refresh loads (no placeholder flash)', async () => {
    const h = await mounted();
    const answer = deferred<unknown>();
    api.answer = () => answer.promise;
    const refreshed = h.refresh();
    expect(skeletons()).toHaveLength(0);
    expect(ids()).toEqual(['rec-1', 'rec-2', 'rec-3']);
    answer.resolve(picks('model', ['new-1']));
    await refreshed;
    expect(ids()).toEqual(['new-1']);
  });

  it('uses renderItem for the cards and still tracks clicks on them', async () => {
    const track = vi.spyOn(api.client, 'track');
    await mounted({
      renderItem: (item) => {
        const b = document.createElement('button');
        b.className = 'mine';
        b.textContent = `★ ${item.title}`;
        return b;
      },
    });
    const mine = [...el.querySelectorAll<HTMLElement>('.mine')];
    expect(mine.map((b) => b.textContent)).toEqual(['★ Item rec-1', '★ Item rec-2', '★ Item rec-3']);
    expect(cards()).toHaveLength(0);
    mine[2].click();
    expect(track).toHaveBeenCalledWith(expect.objectContaining({ type: 'click', itemId: 'rec-3', recommendationId: 'r_realtime' }));
  });

  it('renders into a shadow root with the stylesheet adopted there', async () => {
    await mounted({ shadow: true });
    expect(el.shadowRoot).not.toBeNull();
    expect(ids(el.shadowRoot!)).toEqual(['rec-1', 'rec-2', 'rec-3']);
    expect(el.querySelector('.ep')).toBeNull(); // nothing in the light DOM
    expect(el.shadowRoot!.adoptedStyleSheets.length).toBe(1);
  });

  it('gives the client it makes for `site` the site key', async () => {
    const sent: { url: string; headers: unknown }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      sent.push({ url, headers: init.headers });
      return Response.json(picks('popular', ['pop-1']));
    });
    const loaded = nextLoad(el);
    handles.push(mountRecommendations(el, { site: 'demo', endpoint: 'https://api.test', key: FAKE_KEY, placement: 'popular', limit: 1 }));
    await loaded;
    expect(sent).toEqual([{ url: 'https://api.test/v1/sites/demo/popular?k=1', headers: { 'X-Edgepick-Key': FAKE_KEY } }]);
  });

  it('refuses bad options with one ValidationError and sends nothing', () => {
    const bad: Partial<WidgetOptions>[] = [
      { placement: 'best' as 'popular' },
      { placement: 'similar' },
      { limit: 0 },
      { limit: 101 },
      { limit: 2.5 },
      { layout: 'list' as 'grid' },
      { client: undefined },
    ];
    for (const o of bad) expect(() => mountRecommendations(el, { client: api.client, ...o }), JSON.stringify(o)).toThrow(ValidationError);
    expect(() => mountRecommendations(null as unknown as HTMLElement, { client: api.client })).toThrow(/needs an element/);
    expect(api.requests).toHaveLength(0);
  });
});

describe('mountRecommendations: never spins forever', () => {
  it('falls back to popular items when recommend fails', async () => {
    api.answer = (route) => (route === 'recommendations' ? Promise.reject(new Error('503')) : picks('popular', ['pop-1', 'pop-2']));
    const h = await mounted({ limit: 4 });
    expect(api.reads()).toEqual(['recommendations', 'popular']);
    expect(api.requests[1].path).toBe('/popular?k=4');
    expect(ids()).toEqual(['pop-1', 'pop-2']);
    expect(h.picks?.source).toBe('popular');
    expect(skeletons()).toHaveLength(0);
    expect(el.hidden).toBe(false);
  });

  it('falls back to popular items when recommend returns none', async () => {
    api.answer = (route) => (route === 'recommendations' ? picks('model', []) : picks('popular', ['pop-9']));
    await mounted();
    expect(api.reads()).toEqual(['recommendations', 'popular']);
    expect(ids()).toEqual(['pop-9']);
  });

  it('hides the widget, placeholders gone, when the fallback fails too', async () => {
    api.answer = () => Promise.reject(new Error('offline'));
    const h = mount();
    expect(skeletons().length).toBeGreaterThan(0);
    await vi.waitFor(() => expect(el.hidden).toBe(true));
    expect(api.reads()).toEqual(['recommendations', 'popular']);
    expect(el.childElementCount).toBe(0);
    expect(h.picks).toBeUndefined();
  });

  it('hides without asking for popular items when fallback is "hide"', async () => {
    api.answer = (route) => (route === 'recommendations' ? Promise.reject(new Error('503')) : picks('popular', ['pop-1']));
    mount({ fallback: 'hide' });
    await vi.waitFor(() => expect(el.hidden).toBe(true));
    expect(api.reads()).toEqual(['recommendations']);
    expect(el.childElementCount).toBe(0);
  });

  it('hides a popular widget whose request fails (popular is not asked twice)', async () => {
    api.answer = () => Promise.reject(new Error('503'));
    mount({ placement: 'popular' });
    await vi.waitFor(() => expect(el.hidden).toBe(true));
    expect(api.reads()).toEqual(['popular']);
  });

  it('shows the widget again once a later refresh succeeds', async () => {
    api.answer = () => Promise.reject(new Error('offline'));
    const h = mount();
    await vi.waitFor(() => expect(el.hidden).toBe(true));
    api.answer = () => picks('model', ['back']);
    await h.refresh();
    expect(el.hidden).toBe(false);
    expect(ids()).toEqual(['back']);
  });
});

describe('mountRecommendations: update, refresh, destroy', () => {
  it('update() merges options and reloads; bad options throw and keep the old ones', async () => {
    const h = await mounted({ limit: 3 });
    const loaded = nextLoad(el);
    h.update({ placement: 'similar', itemId: 'p 1', layout: 'carousel' });
    await loaded;
    expect(api.requests.at(-1)!.path).toBe('/items/p%201/similar?k=3');
    expect(ids()).toEqual(['sim-1', 'sim-2']);
    expect(el.querySelector('.ep.ep-car')).not.toBeNull();
    expect(() => h.update({ limit: 500 })).toThrow(ValidationError);
    const again = nextLoad(el);
    h.update({ placement: 'popular' });
    await again;
    expect(api.requests.at(-1)!.path).toBe('/popular?k=3'); // limit 500 was not kept
  });

  it('refresh() loads again and resolves once the new items are on screen', async () => {
    const h = await mounted();
    api.answer = () => picks('model', ['x', 'y'], 'r_2');
    await h.refresh();
    expect(ids()).toEqual(['x', 'y']);
    expect(h.picks?.recommendationId).toBe('r_2');
  });

  it('shows the newest response when an older, slower one arrives last', async () => {
    const slow = deferred<unknown>();
    api.answer = () => slow.promise;
    const h = mount();
    api.answer = () => picks('model', ['fresh']);
    await h.refresh();
    expect(ids()).toEqual(['fresh']);
    slow.resolve(picks('model', ['stale']));
    await new Promise((r) => setTimeout(r, 10)); // every promise job has run
    expect(api.requests).toHaveLength(2);
    expect(ids()).toEqual(['fresh']);
  });

  it('refreshes for-you picks after the visitor interacts (debounced), but not similar or popular', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await mounted();
    api.client.track({ type: 'view', itemId: 'p1' });
    api.client.track({ type: 'add_to_cart', itemId: 'p1' });
    await vi.advanceTimersByTimeAsync(200);
    expect(api.reads()).toEqual(['recommendations']);
    api.answer = () => picks('realtime', ['after-view']);
    await vi.advanceTimersByTimeAsync(100);
    expect(api.reads()).toEqual(['recommendations', 'recommendations']); // one refresh for both
    expect(ids()).toEqual(['after-view']);
    expect(JSON.parse(api.requests.at(-1)!.body!).recent).toEqual([
      expect.objectContaining({ itemId: 'p1', type: 'view' }),
      expect.objectContaining({ itemId: 'p1', type: 'add_to_cart' }),
    ]);

    const other = document.createElement('div');
    document.body.append(other);
    const loaded = nextLoad(other);
    handles.push(mountRecommendations(other, { client: api.client, placement: 'popular' }));
    await loaded;
    const reads = api.reads().length;
    api.client.track({ type: 'click', itemId: 'p2' });
    await vi.advanceTimersByTimeAsync(300);
    expect(api.reads().filter((r) => r === 'popular')).toHaveLength(1);
    expect(api.reads()).toHaveLength(reads + 1); // only the for-you widget refreshed
  });

  it('destroy() removes the widget, ignores answers still on the way and stops refreshing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const h = await mounted();
    const slow = deferred<unknown>();
    api.answer = () => slow.promise;
    const refreshing = h.refresh();
    h.destroy();
    expect(el.childElementCount).toBe(0);
    slow.resolve(picks('model', ['late']));
    await refreshing;
    expect(el.childElementCount).toBe(0);
    const reads = api.reads().length;
    api.client.track({ type: 'view', itemId: 'p1' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(api.reads()).toHaveLength(reads);
  });
});

describe('mountRecommendations: tracking', () => {
  it('tracks a click with the response’s recommendationId and the placement', async () => {
    const track = vi.spyOn(api.client, 'track');
    await mounted({ placement: 'similar', itemId: 'p0' });
    el.addEventListener('click', (e) => e.preventDefault()); // no navigation in the test
    cards()[1]
      .querySelector('.ep-t')!
      .dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(track).toHaveBeenCalledTimes(1);
    expect(track).toHaveBeenCalledWith({ type: 'click', itemId: 'sim-2', recommendationId: 'r_similar', placement: 'similar' });
  });

  describe('impressions', () => {
    beforeEach(() => {
      vi.stubGlobal('IntersectionObserver', FakeIntersectionObserver);
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    });
    const observer = () => FakeIntersectionObserver.all.at(-1)!;
    const items = () => [...el.querySelectorAll('.ep-list > li')];

    it('tracks an impression for a card at least half visible for a second, once', async () => {
      const track = vi.spyOn(api.client, 'track');
      await mounted({ placement: 'popular' });
      expect(observer().options).toEqual({ threshold: [0, 0.5] });
      expect([...observer().observed]).toEqual(items());
      observer().report(items()[1], 0.6);
      await vi.advanceTimersByTimeAsync(999);
      expect(track).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(track).toHaveBeenCalledExactlyOnceWith({
        type: 'impression',
        itemId: 'pop-2',
        recommendationId: 'r_popular',
        placement: 'popular',
      });
      expect(observer().observed.has(items()[1])).toBe(false); // once per card per response
      expect(observer().observed.has(items()[0])).toBe(true);
    });

    it('does not count a card that leaves the view within the second, or is less than half visible', async () => {
      const track = vi.spyOn(api.client, 'track');
      await mounted();
      observer().report(items()[0], 0.8);
      await vi.advanceTimersByTimeAsync(500);
      observer().report(items()[0], 0);
      observer().report(items()[1], 0.3);
      await vi.advanceTimersByTimeAsync(2000);
      expect(track).not.toHaveBeenCalled();
    });

    it('waits while the tab is hidden, observing the card again', async () => {
      const track = vi.spyOn(api.client, 'track');
      await mounted();
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      try {
        observer().report(items()[0], 1);
        await vi.advanceTimersByTimeAsync(1000);
        expect(track).not.toHaveBeenCalled();
        expect(observer().observed.has(items()[0])).toBe(true);
      } finally {
        delete (document as unknown as Record<string, unknown>).visibilityState;
      }
      expect(document.visibilityState).toBe('visible');
      observer().report(items()[0], 1);
      await vi.advanceTimersByTimeAsync(1000);
      expect(track).toHaveBeenCalledExactlyOnceWith(expect.objectContaining({ type: 'impression', itemId: 'rec-1' }));
    });

    it('watches only the cards on screen: a new response or destroy() disconnects the old observer', async () => {
      const h = await mounted();
      const first = observer();
      await h.refresh();
      expect(first.disconnected).toBe(true);
      expect(observer()).not.toBe(first);
      h.destroy();
      expect(observer().disconnected).toBe(true);
    });
  });
});

describe('mountRecommendations: texts', () => {
  it('speaks the page’s language (<html lang>)', async () => {
    document.documentElement.lang = 'zh-CN';
    await mounted();
    expect(heading()).toBe('为你推荐');
    document.documentElement.lang = 'en-GB';
    const h = await mounted();
    expect(heading()).toBe('Recommended for you');
    h.update({ placement: 'popular' });
    await nextLoad(el);
    expect(heading()).toBe('Popular');
  });

  it('takes locale, texts and title over the page’s language; an empty title hides the heading', async () => {
    document.documentElement.lang = 'en';
    const h = await mounted({ locale: 'zh-CN', placement: 'similar', itemId: 'p1' });
    expect(heading()).toBe('相似商品');
    h.update({ texts: { similar: 'You may also like' } });
    await nextLoad(el);
    expect(heading()).toBe('You may also like');
    h.update({ title: '<b>Ours</b>' });
    await nextLoad(el);
    expect(heading()).toBe('<b>Ours</b>');
    expect(el.querySelector('b')).toBeNull();
    h.update({ title: '' });
    await nextLoad(el);
    expect(el.querySelector('.ep-h')).toBeNull();
    expect(cards()).toHaveLength(2);
  });
});

describe('mountRecommendations: carousel', () => {
  const setup = async (o: Partial<WidgetOptions> = {}) => {
    api.answer = () => ({
      ...picks('model', ['a', 'b', 'c']),
      items: picks('model', ['a', 'b', 'c']).items.map((i) => ({ ...i, url: `/p/${i.id}` })),
    });
    document.documentElement.lang = 'en';
    await mounted({ layout: 'carousel', ...o });
    const wrap = el.querySelector<HTMLElement>('section.ep')!;
    const list = el.querySelector<HTMLElement>('.ep-list')!;
    const slides = [...list.children] as HTMLElement[];
    // happy-dom does no layout: give the slides the offsets a browser would.
    slides.forEach((s, i) => Object.defineProperty(s, 'offsetLeft', { configurable: true, value: 160 * i }));
    const scrolled: number[] = [];
    list.scrollTo = ((opts: ScrollToOptions) => scrolled.push(opts.left!)) as typeof list.scrollTo;
    const [prev, next] = [...el.querySelectorAll<HTMLButtonElement>('.ep-nav button')];
    return { wrap, list, slides, prev, next, scrolled };
  };

  it('is a labelled region of numbered slides with previous/next buttons', async () => {
    const { wrap, list, slides, prev, next } = await setup();
    expect(wrap.classList.contains('ep-car')).toBe(true);
    expect(wrap.getAttribute('role')).toBe('region');
    expect(wrap.getAttribute('aria-roledescription')).toBe('carousel');
    expect(wrap.getAttribute('aria-labelledby')).toBe(el.querySelector('.ep-h')!.id);
    expect(slides.map((s) => [s.getAttribute('role'), s.getAttribute('aria-roledescription'), s.getAttribute('aria-label')])).toEqual([
      ['group', 'slide', '1 of 3'],
      ['group', 'slide', '2 of 3'],
      ['group', 'slide', '3 of 3'],
    ]);
    expect([prev.getAttribute('aria-label'), next.getAttribute('aria-label')]).toEqual(['Previous', 'Next']);
    expect(prev.type).toBe('button');
    expect(list.id).not.toBe('');
    expect(next.getAttribute('aria-controls')).toBe(list.id);
  });

  it('labels itself when there is no heading, in the widget’s locale', async () => {
    const { wrap, slides } = await setup({ title: '', locale: 'zh-CN' });
    expect(wrap.hasAttribute('aria-labelledby')).toBe(false);
    expect(wrap.getAttribute('aria-label')).toBe('商品轮播');
    expect(slides[1].getAttribute('aria-label')).toBe('第 2 个，共 3 个');
  });

  it('scrolls one slide per button press, stopping at both ends', async () => {
    const { prev, next, scrolled } = await setup();
    next.click();
    next.click();
    next.click();
    prev.click();
    expect(scrolled).toEqual([160, 320, 320, 160]);
    prev.click();
    prev.click();
    expect(scrolled.slice(4)).toEqual([0, 0]);
  });

  it('moves focus and scroll with the arrow keys', async () => {
    const { wrap, slides, scrolled } = await setup();
    slides[0].querySelector<HTMLElement>('a')!.focus();
    const right = new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, cancelable: true });
    document.activeElement!.dispatchEvent(right);
    expect(right.defaultPrevented).toBe(true);
    expect(scrolled).toEqual([160]);
    expect(document.activeElement).toBe(slides[1].querySelector('a'));
    wrap.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    expect(document.activeElement).toBe(slides[0].querySelector('a'));
    const other = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
    wrap.dispatchEvent(other);
    expect(other.defaultPrevented).toBe(false);
    expect(scrolled).toEqual([160, 0]);
  });
});
