import { openPack, type Pack } from '../../models/pack/reader.js';
import { Catalog, type CatalogItem, SiteConfig } from '../../schema/catalog.js';
import { ActivePointer, kvKeys } from '../../schema/pack-manifest.js';

/** A site's serving state, built once per pack version and shared by every request in the isolate. */
export interface LoadedModel {
  version: string;
  pack: Pack;
  itemIndex: Map<string, number>;
  userIndex: Map<string, number>;
  /** Item indices by descending popularity. */
  popularOrder: Int32Array;
  /** ‖yᵢ‖ for cosine similarity. */
  itemNorms: Float32Array;
  /** Catalog row per item index (undefined when the catalog lacks it). */
  catalog: (CatalogItem | undefined)[];
  /** Per-request score buffer: scoring is synchronous, so requests never interleave on it. */
  scratch: Float32Array;
}

interface SiteState {
  model?: LoadedModel;
  config?: SiteConfig;
  exists: boolean;
  checkedAt: number;
  loading?: Promise<void>;
}

/** How long an isolate trusts its cached pointer before reading KV again. */
export const POINTER_TTL_MS = 5_000;

const sites = new Map<string, SiteState>();

/** For tests: forget everything cached in this isolate. */
export function resetPackStore() {
  sites.clear();
}

/**
 * The site's config and active model. Reads the pointer at most every POINTER_TTL_MS; a new
 * version is loaded once (concurrent requests share the load). A pack that fails to load is
 * refused: the last good model keeps serving, or the pointer's previous versions are tried.
 */
export async function getSite(env: Env, site: string, now = Date.now()): Promise<SiteState> {
  let state = sites.get(site);
  if (state && now - state.checkedAt < POINTER_TTL_MS) return state;
  if (!state) {
    state = { exists: false, checkedAt: 0 };
    sites.set(site, state);
  }
  const s = state;
  s.loading ??= refresh(env, site, s, now).finally(() => {
    s.loading = undefined;
  });
  await s.loading;
  return s;
}

async function refresh(env: Env, site: string, s: SiteState, now: number) {
  const [pointerText, configText] = await Promise.all([env.PACKS.get(kvKeys.active(site)), env.PACKS.get(kvKeys.config(site))]);
  s.config = parseConfig(configText, site, env);
  const pointer = pointerText ? ActivePointer.safeParse(safeJson(pointerText)) : undefined;
  s.exists = Boolean(s.config) || Boolean(pointerText) || Boolean(s.model);
  s.checkedAt = now;
  if (!pointer?.success) {
    if (pointerText) console.error(`site ${site}: active pointer is invalid; keeping the last good model`);
    return;
  }
  const p = pointer.data;
  if (s.model?.version === p.version) return;
  const candidates = [{ version: p.version, packPrefix: p.packPrefix, catalogKey: p.catalogKey }, ...p.previous];
  for (const c of candidates) {
    if (s.model?.version === c.version) return; // the last good one is already serving
    try {
      s.model = await loadModel(env, c.version, c.packPrefix, c.catalogKey);
      return;
    } catch (e) {
      console.error(`site ${site}: refusing pack ${c.version}: ${(e as Error).message}`);
    }
  }
}

function parseConfig(text: string | null, site: string, env: Env): SiteConfig | undefined {
  if (text) {
    const parsed = SiteConfig.safeParse(safeJson(text));
    if (parsed.success) return parsed.data;
    console.error(`site ${site}: config is invalid`);
  }
  if (site === env.DEMO_SITE) {
    // The local demo site allows localhost and 127.0.0.1 on any port.
    return {
      id: site,
      name: 'edgepick demo store',
      allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*'],
      currency: 'CNY',
      linkHosts: ['edgepick.example', '*.edgepick.example'],
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

async function loadModel(env: Env, version: string, prefix: string, catalogKey?: string): Promise<LoadedModel> {
  const manifest = await env.PACKS.get(kvKeys.manifest(prefix), 'json');
  if (!manifest) throw new Error('manifest missing');
  const count = Number((manifest as { chunks?: unknown }).chunks);
  if (!Number.isInteger(count) || count < 0 || count > 10_000) throw new Error('manifest chunk count is invalid');
  const chunks = await Promise.all(Array.from({ length: count }, (_, i) => env.PACKS.get(kvKeys.chunk(prefix, i), 'arrayBuffer')));
  if (chunks.some((c) => c === null)) throw new Error('a chunk is missing');
  const pack = await openPack(manifest, chunks as ArrayBuffer[]);
  let catalogItems: CatalogItem[] = [];
  if (catalogKey) {
    const parsed = Catalog.safeParse(await env.PACKS.get(catalogKey, 'json'));
    if (parsed.success) catalogItems = parsed.data.items;
    else console.error(`catalog ${catalogKey} is missing or invalid; serving items without catalog fields`);
  }
  return prepare(version, pack, catalogItems);
}

/** Precomputes what every request needs (indexes, popularity order, norms). */
export function prepare(version: string, pack: Pack, catalogItems: CatalogItem[]): LoadedModel {
  const n = pack.itemIds.length;
  const f = pack.factors;
  const itemIndex = new Map(pack.itemIds.map((id, i) => [id, i]));
  const userIndex = new Map((pack.userIds ?? []).map((id, i) => [id, i]));
  const popularOrder = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => pack.itemPopularity[b] - pack.itemPopularity[a] || a - b);
  const itemNorms = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < f; k++) s += pack.itemFactors[i * f + k] ** 2;
    itemNorms[i] = Math.sqrt(s);
  }
  const byId = new Map(catalogItems.map((c) => [c.id, c]));
  return { version, pack, itemIndex, userIndex, popularOrder, itemNorms, catalog: pack.itemIds.map((id) => byId.get(id)), scratch: new Float32Array(n) };
}
