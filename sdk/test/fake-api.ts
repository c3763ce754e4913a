import type { RecommendationSource, RecommendationsResponse } from '../../schema/recommendations.js';
import { createClient } from '../src/core.js';
import { HTTPError } from '../src/errors.js';
import { memoryStorage } from '../src/storage.js';
import type { TransportRequest } from '../src/transport.js';

/** The API route a request went to. */
export type Route = 'recommendations' | 'similar' | 'popular' | 'events' | 'other';

export interface SeenRequest extends TransportRequest {
  route: Route;
  /** Path and query after `/v1/sites/demo`, e.g. `/popular?k=8`. */
  path: string;
}

const routeOf = (path: string): Route =>
  path.startsWith('/recommendations')
    ? 'recommendations'
    : /^\/items\/[^/]+\/similar/.test(path)
      ? 'similar'
      : path.startsWith('/popular')
        ? 'popular'
        : path.startsWith('/events')
          ? 'events'
          : 'other';

/** The public site key the fake client sends. */
export const FAKE_KEY = 'ep_pub_fake0000000000000000000000000000';

/** A response with items `ids` (titled `Item <id>`), as the API would send from `source`. */
export function picks(source: RecommendationSource, ids: string[], recommendationId = `r_${source}`): RecommendationsResponse {
  return {
    recommendationId,
    source,
    items: ids.map((id, i) => ({ id, score: 1 - i / 100, title: `Item ${id}`, price: 10 + i, currency: 'CNY' })),
  };
}

/** What a failing API answers: a 503 (retryable, but the fake client never retries). */
export const down = () => Promise.reject(new HTTPError(503, 'model_unavailable', 'model down'));

/** A promise and its resolve/reject, for answers the test releases itself. */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/**
 * A real client on a fake transport (the `transport` option as a function): no network, no retries,
 * no background flush. Each test sets `api.answer` and reads `api.requests`.
 */
export function fakeApi() {
  const api = {
    requests: [] as SeenRequest[],
    /** How the API answers; the default: one list per route (`rec-*`, `sim-*`, `pop-*`). */
    answer: (route: Route, _req: SeenRequest): unknown =>
      route === 'recommendations'
        ? picks('realtime', ['rec-1', 'rec-2', 'rec-3'])
        : route === 'similar'
          ? picks('similar', ['sim-1', 'sim-2'])
          : route === 'popular'
            ? picks('popular', ['pop-1', 'pop-2'])
            : { accepted: 1, duplicates: 0, rejected: [] },
    /** The routes of the reads so far (events left out). */
    reads: () => api.requests.filter((r) => r.route !== 'events').map((r) => r.route),
    client: undefined as unknown as ReturnType<typeof createClient>,
  };
  api.client = createClient({
    site: 'demo',
    endpoint: 'https://api.test',
    key: FAKE_KEY,
    storage: memoryStorage(),
    retries: 0,
    flushInterval: 3_600_000,
    transport: async (req) => {
      const path = req.url.slice('https://api.test/v1/sites/demo'.length);
      const seen = { ...req, route: routeOf(path), path };
      api.requests.push(seen);
      return api.answer(seen.route, seen);
    },
  });
  return api;
}

export type FakeApi = ReturnType<typeof fakeApi>;

/** Resolves with the `edgepick:load` event's detail the next time `el` renders a response. */
export const nextLoad = (el: HTMLElement) =>
  new Promise<RecommendationsResponse>((resolve) =>
    el.addEventListener('edgepick:load', (e) => resolve((e as CustomEvent).detail), { once: true }),
  );

/**
 * A stand-in for IntersectionObserver (happy-dom's never reports anything): records what is observed
 * and lets a test report a card as `ratio` visible.
 */
export class FakeIntersectionObserver {
  static all: FakeIntersectionObserver[] = [];
  readonly observed = new Set<Element>();
  disconnected = false;
  constructor(
    readonly callback: IntersectionObserverCallback,
    readonly options?: IntersectionObserverInit,
  ) {
    FakeIntersectionObserver.all.push(this);
  }
  observe(el: Element) {
    this.observed.add(el);
  }
  unobserve(el: Element) {
    this.observed.delete(el);
  }
  disconnect() {
    this.disconnected = true;
    this.observed.clear();
  }
  takeRecords() {
    return [];
  }
  /** Reports `el` as `ratio` visible (0 = out of view). */
  report(el: Element, ratio: number) {
    this.callback(
      [{ target: el, isIntersecting: ratio > 0, intersectionRatio: ratio } as IntersectionObserverEntry],
      this as unknown as IntersectionObserver,
    );
  }
}
