import { openPack } from '../../../models/pack/reader.js';
import { Catalog, type CatalogItem, LiveCatalogBucket, LiveCatalogMeta, SiteConfig } from '../../../schema/catalog.js';
import { type CatalogOverlay, type LoadedModel, overlayCatalog, prepare, withCatalog } from '../recommend/model.js';

export type { LoadedModel };

import { ActivePointer, CatalogManifest, kvKeys, VersionHistory } from '../../../schema/pack-manifest.js';

export interface SiteState {
  /** A site exists when it has a config, a published pointer, or is the demo site. */
  exists: boolean;
  config?: SiteConfig;
  model?: LoadedModel;
  /**
   * The active version's catalog by id: the model's when it loaded, else read on its own, so
   * `/items/:id` keeps answering when a pack is refused.
   */
  catalogById?: Map<string, CatalogItem>;
}

export interface PackStoreOptions {
  /** How long an isolate trusts the pointer it read before reading KV again. @default 5000 */
  ttlMs?: number;
  /** A refused pack (bad checksum, truncated, invalid manifest) is not downloaded again for this long. @default 60000 */
  refuseMs?: number;
  /** A refresh still running after this long is presumed lost with a cancelled request and is started anew. @default 30000 */
  stuckMs?: number;
  /** How often a request with nothing cached checks whether another request's first load finished. @default 10 */
  pollMs?: number;
  /** Milliseconds clock (tests pass a fake one). @default Date.now */
  now?: () => number;
  /** Waits `ms` on the calling request's own timer (tests pass a fake one). @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** Where refusals are reported. @default console.error */
  log?: (message: string) => void;
}

export type StoreEnv = Pick<Env, 'PACKS' | 'DEMO_SITE'>;

export interface PackStore {
  /** The site's config and model; loads or refreshes them when the cached pointer is older than `ttlMs`. */
  get(env: StoreEnv, site: string): Promise<SiteState>;
  /** Forgets every site (tests). */
  clear(): void;
}

interface Entry {
  state: SiteState;
  /** When the state was last read from KV; -∞ until the first read succeeds. */
  checkedAt: number;
  /** When the running refresh started; undefined when none runs. */
  refreshingSince?: number;
  /** Bumped per refresh; only the newest refresh may commit (a presumed-lost one may still finish). */
  generation: number;
  /** packPrefix → when it was refused. */
  refused: Map<string, number>;
  /** The model as its pack loaded it (before the live catalog), and the pack's catalog map. */
  base?: LoadedModel;
  packCatalog?: Map<string, CatalogItem>;
  /** The live catalog as last read (its version decides whether the buckets are read again). */
  live?: { version: string; overlay: CatalogOverlay };
  composed?: { base: LoadedModel; version: string; model: LoadedModel };
}

type Candidate = { version: string; packPrefix: string; catalogKey?: string };

/**
 * Per-isolate cache of each site's active pack. Reads `site/{site}/active` at most every `ttlMs`.
 * A pack that fails `openPack` is refused and logged: the pointer's `previous` versions, then the
 * site's version history (`site/{site}/versions`, kept apart from the pointer) are tried in order,
 * and the last good model in memory keeps serving when none loads. A deleted pointer unpublishes.
 *
 * Workers forbid one request to wait on I/O started by another ("Cannot perform I/O on behalf of a
 * different request"), so requests share only plain, fully read state — never a pending promise:
 * - a fresh entry is returned as is;
 * - a stale entry while another request refreshes it is returned as is (stale-while-revalidate);
 * - otherwise the request refreshes the entry with its own KV reads and awaits only those;
 * - with nothing cached yet while another request loads, it polls on its own timer until that
 *   load commits (so a cold burst downloads a pack once), and loads by itself after `stuckMs`.
 *
 * @example const store = createPackStore({ ttlMs: 5_000 }); const { model } = await store.get(env, 'demo');
 */
export function createPackStore(options: PackStoreOptions = {}): PackStore {
  const ttlMs = options.ttlMs ?? 5_000;
  const refuseMs = options.refuseMs ?? 60_000;
  const stuckMs = options.stuckMs ?? 30_000;
  const pollMs = options.pollMs ?? 10;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = options.log ?? ((m: string) => console.error(m));
  const entries = new Map<string, Entry>();

  async function refresh(env: StoreEnv, site: string, e: Entry, t: number, gen: number) {
    let pointerText: string | null;
    let configText: string | null;
    let liveText: string | null;
    try {
      [pointerText, configText, liveText] = await Promise.all([
        env.PACKS.get(kvKeys.active(site)),
        env.PACKS.get(kvKeys.config(site)),
        env.PACKS.get(kvKeys.liveCatalog(site)),
      ]);
    } catch (err) {
      // KV unavailable: stale beats down once we have served this site; before that it is a real fault.
      if (!Number.isFinite(e.checkedAt)) throw err;
      log(`site ${site}: KV read failed (${(err as Error).message}); serving the cached state`);
      if (gen === e.generation) e.checkedAt = t;
      return;
    }
    const config = parseConfig(configText, site, env, log);
    const live = await liveCatalog(env, site, e, liveText);
    let model = e.base;
    let catalogById = e.packCatalog;
    if (pointerText === null) {
      model = undefined;
      catalogById = undefined;
    } else {
      const pointer = ActivePointer.safeParse(safeJson(pointerText));
      if (!pointer.success) log(`site ${site}: active pointer is invalid; trying the version history`);
      const fromPointer: Candidate[] = pointer.success ? [pointer.data, ...pointer.data.previous] : [];
      const current = e.base;
      // The version history is read only when the pointer's own candidates cannot serve.
      const pointerServes = current && fromPointer.some((c) => c.version === current.version && c.packPrefix === current.packPrefix);
      const candidates = pointerServes ? fromPointer : dedupe([...fromPointer, ...(await history(env, site))]);
      model = await choose(env, site, e, candidates, t);
      if (model) catalogById = model.catalogById;
      else if (candidates[0]?.catalogKey) catalogById = await readCatalog(env, candidates[0].catalogKey, (m) => log(`site ${site}: ${m}`));
    }
    if (gen !== e.generation) return;
    e.base = model;
    e.packCatalog = catalogById;
    // The live catalog (catalog API) over the pack's: composed once per (pack, catalog) version.
    let served = model;
    if (model && live) {
      if (e.composed?.base !== model || e.composed.version !== live.version)
        e.composed = { base: model, version: live.version, model: withCatalog(model, live.overlay) };
      served = e.composed.model;
    }
    let servedCatalog = catalogById;
    if (served) servedCatalog = served.catalogById;
    else if (live) servedCatalog = overlayCatalog(catalogById ?? new Map(), live.overlay);
    e.state = { exists: Boolean(config) || pointerText !== null, config, model: served, catalogById: servedCatalog };
    e.checkedAt = t;
  }

  /** The live catalog: the cached one while its version holds, else every bucket read anew (null when none). */
  async function liveCatalog(env: StoreEnv, site: string, e: Entry, metaText: string | null) {
    if (metaText === null) return (e.live = undefined);
    const meta = LiveCatalogMeta.safeParse(safeJson(metaText));
    if (!meta.success) {
      log(`site ${site}: live catalog meta is invalid; keeping ${e.live ? `version ${e.live.version}` : 'none'}`);
      return e.live;
    }
    if (e.live?.version === meta.data.version) return e.live;
    try {
      const texts = await Promise.all(
        Array.from({ length: meta.data.buckets }, (_, b) => env.PACKS.get(kvKeys.liveCatalogBucket(site, b))),
      );
      const overlay: CatalogOverlay = { items: new Map(), deleted: new Set() };
      for (const text of texts) {
        if (text === null) continue;
        const bucket = LiveCatalogBucket.safeParse(safeJson(text));
        if (!bucket.success) throw new Error('a bucket is invalid');
        for (const item of bucket.data.items) overlay.items.set(item.id, item);
        for (const id of bucket.data.deleted) overlay.deleted.add(id);
      }
      e.live = { version: meta.data.version, overlay };
    } catch (err) {
      log(`site ${site}: live catalog unreadable (${(err as Error).message}); keeping ${e.live ? `version ${e.live.version}` : 'none'}`);
    }
    return e.live;
  }

  async function history(env: StoreEnv, site: string): Promise<Candidate[]> {
    try {
      const parsed = VersionHistory.safeParse(safeJson((await env.PACKS.get(kvKeys.versions(site))) ?? 'null'));
      return parsed.success ? parsed.data.versions : [];
    } catch (err) {
      log(`site ${site}: version history unreadable (${(err as Error).message})`);
      return [];
    }
  }

  /** The first candidate that loads (or is already serving); else the model in memory. */
  async function choose(env: StoreEnv, site: string, e: Entry, candidates: Candidate[], t: number) {
    const current = e.base;
    for (const c of candidates) {
      if (current && current.version === c.version && current.packPrefix === c.packPrefix) return current;
      const refusedAt = e.refused.get(c.packPrefix);
      if (refusedAt !== undefined && t - refusedAt < refuseMs) continue;
      try {
        const model = await loadModel(env, c, (m) => log(`site ${site}: ${m}`));
        e.refused.delete(c.packPrefix);
        return model;
      } catch (err) {
        log(`site ${site}: refusing pack ${c.version} (${c.packPrefix}): ${(err as Error).message}`);
        e.refused.set(c.packPrefix, t);
      }
    }
    if (current) log(`site ${site}: no published pack loads; keeping version ${current.version}`);
    return current;
  }

  /** Refreshes `e` with this request's own reads; only the newest refresh commits. */
  async function refreshOwn(env: StoreEnv, site: string, e: Entry, t: number) {
    const gen = ++e.generation;
    e.refreshingSince = t;
    try {
      await refresh(env, site, e, t, gen);
    } finally {
      if (gen === e.generation) e.refreshingSince = undefined;
    }
  }

  return {
    async get(env, site) {
      const t = now();
      let e = entries.get(site);
      if (!e) {
        e = { state: { exists: false }, checkedAt: Number.NEGATIVE_INFINITY, generation: 0, refused: new Map() };
        entries.set(site, e);
      }
      if (t - e.checkedAt < ttlMs) return e.state;
      const busy = () => e.refreshingSince !== undefined && now() - e.refreshingSince <= stuckMs;
      const served = Number.isFinite(e.checkedAt);
      if (served && busy()) return e.state;
      if (!served) {
        // Cold: wait (on our own timer) for the load another request started, then use its result.
        while (busy() && !Number.isFinite(e.checkedAt)) await sleep(pollMs);
        if (Number.isFinite(e.checkedAt)) return e.state;
      }
      await refreshOwn(env, site, e, t);
      return e.state;
    },
    clear() {
      entries.clear();
    },
  };
}

const dedupe = (cs: Candidate[]) => cs.filter((c, i) => cs.findIndex((d) => d.packPrefix === c.packPrefix) === i);

/**
 * A version's catalog by id: the catalog manifest at `key` and its chunks (read in parallel), or a
 * catalog published before chunking (one value `{items}` at `key`). A missing or invalid manifest
 * or chunk, or an item count that disagrees with the manifest, refuses the whole catalog (logged):
 * items then serve without catalog fields, as for any invalid catalog.
 */
async function readCatalog(env: StoreEnv, key: string, warn: (m: string) => void): Promise<Map<string, CatalogItem>> {
  const refuse = (why: string) => {
    warn(`catalog ${key} ${why}; serving items without catalog fields`);
    return new Map<string, CatalogItem>();
  };
  const value = safeJson((await env.PACKS.get(key)) ?? 'null');
  const single = Catalog.safeParse(value);
  if (single.success) return new Map(single.data.items.map((item) => [item.id, item]));
  const manifest = CatalogManifest.safeParse(value);
  if (!manifest.success) return refuse('is missing or invalid');
  const texts = await Promise.all(Array.from({ length: manifest.data.chunks }, (_, i) => env.PACKS.get(kvKeys.catalogChunk(key, i))));
  const byId = new Map<string, CatalogItem>();
  let count = 0;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    if (text === null) return refuse(`chunk ${i} is missing`);
    const chunk = Catalog.safeParse(safeJson(text));
    if (!chunk.success) return refuse(`chunk ${i} is invalid`);
    count += chunk.data.items.length;
    for (const item of chunk.data.items) byId.set(item.id, item);
  }
  if (count !== manifest.data.items) return refuse(`has ${count} items in its chunks, its manifest says ${manifest.data.items}`);
  return byId;
}

function parseConfig(text: string | null, site: string, env: StoreEnv, log: (m: string) => void): SiteConfig | undefined {
  if (text !== null) {
    const parsed = SiteConfig.safeParse(safeJson(text));
    if (parsed.success) return parsed.data;
    log(`site ${site}: config is invalid; ${site === env.DEMO_SITE ? 'using the demo defaults' : 'ignoring it'}`);
  }
  if (site === env.DEMO_SITE) {
    // The local demo site allows localhost and 127.0.0.1 on any port.
    return {
      id: site,
      name: 'edgepick demo store',
      allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*'],
      currency: 'CNY',
      linkHosts: ['edgepick.example', '*.edgepick.example'],
      requireKey: false,
    };
  }
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Reads manifest + chunks + catalog; throws (PackReadError or a plain Error) when the pack must not serve. */
async function loadModel(env: StoreEnv, c: Candidate, warn: (m: string) => void): Promise<LoadedModel> {
  const manifest = safeJson((await env.PACKS.get(kvKeys.manifest(c.packPrefix))) ?? 'null');
  if (!manifest || typeof manifest !== 'object') throw new Error('manifest is missing or not JSON');
  const count = Number((manifest as { chunks?: unknown }).chunks);
  // 10,000 chunks of ≤ 25 MiB is far beyond any pack a worker can hold; the bound stops a bad manifest early.
  if (!Number.isInteger(count) || count < 0 || count > 10_000) throw new Error('manifest chunk count is invalid');
  const chunks = await Promise.all(Array.from({ length: count }, (_, i) => env.PACKS.get(kvKeys.chunk(c.packPrefix, i), 'arrayBuffer')));
  const missing = chunks.indexOf(null);
  if (missing >= 0) throw new Error(`chunk ${missing} is missing`);
  const pack = await openPack(manifest, chunks as ArrayBuffer[]);
  const items = c.catalogKey ? [...(await readCatalog(env, c.catalogKey, warn)).values()] : [];
  return prepare(c.version, c.packPrefix, pack, items);
}
