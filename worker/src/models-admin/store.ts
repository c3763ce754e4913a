import { ActivePointer, kvKeys, PackManifest, VersionHistory } from '../../../schema/pack-manifest.js';
import { ApiError } from '../http/errors.js';

/** One published model version as the admin API lists it. */
export interface ModelVersion {
  version: string;
  packId: string;
  createdAt: string;
  publishedAt?: string;
  params: Record<string, unknown>;
  metrics?: Record<string, number>;
  counts: { items: number; users: number; interactions: number };
  /** The training data's time span, when the trainer recorded it (`params.dataWindow`). */
  dataWindow?: unknown;
}

const json = async (kv: KVNamespace, key: string) => {
  const text = await kv.get(key);
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

async function pointerAndHistory(kv: KVNamespace, site: string) {
  const [p, h] = await Promise.all([json(kv, kvKeys.active(site)), json(kv, kvKeys.versions(site))]);
  const pointer = ActivePointer.safeParse(p);
  const history = VersionHistory.safeParse(h);
  return { pointer: pointer.success ? pointer.data : undefined, history: history.success ? history.data.versions : [] };
}

/** The active version and every published one (newest first), described from their manifests. */
export async function listModels(kv: KVNamespace, site: string): Promise<{ active: string | null; versions: ModelVersion[] }> {
  const { pointer, history } = await pointerAndHistory(kv, site);
  const known = [...history];
  if (pointer && !known.some((v) => v.packPrefix === pointer.packPrefix))
    known.unshift({ version: pointer.version, packPrefix: pointer.packPrefix, publishedAt: pointer.publishedAt });
  const versions = await Promise.all(
    known.map(async (v): Promise<ModelVersion | undefined> => {
      const m = PackManifest.safeParse(await json(kv, kvKeys.manifest(v.packPrefix)));
      if (!m.success) return undefined; // its pack is gone or broken: it cannot be activated either
      const { dataWindow, ...params } = m.data.model.params as Record<string, unknown>;
      return {
        version: v.version,
        packId: m.data.id,
        createdAt: m.data.createdAt,
        ...(v.publishedAt ? { publishedAt: v.publishedAt } : {}),
        params,
        ...(m.data.metrics ? { metrics: m.data.metrics } : {}),
        counts: m.data.counts,
        ...(dataWindow === undefined ? {} : { dataWindow }),
      };
    }),
  );
  return { active: pointer?.version ?? null, versions: versions.filter((v): v is ModelVersion => v !== undefined) };
}

/**
 * Makes `version` the site's active model: one write of the pointer, whose `previous` list keeps
 * the version it replaces first (so rollback is one call). The pack must still be there and its
 * manifest valid. The edge switches within its 5 s TTL and never serves a half-written pack (the
 * worker checks the whole pack before it serves it, and keeps the last good one otherwise).
 */
export async function activateModel(kv: KVNamespace, site: string, version: string): Promise<ActivePointer> {
  const { pointer, history } = await pointerAndHistory(kv, site);
  const candidates = [...history, ...(pointer ? [pointer, ...pointer.previous] : [])];
  const target = candidates.find((c) => c.version === version);
  if (!target) throw new ApiError('not_found', `site ${site} has no model version ${JSON.stringify(version.slice(0, 64))}`);
  const manifest = PackManifest.safeParse(await json(kv, kvKeys.manifest(target.packPrefix)));
  if (!manifest.success) throw new ApiError('conflict', `model version ${version} cannot be activated: its pack is missing or invalid`);
  if (pointer?.version === version) return pointer;
  const previous = pointer
    ? [
        { version: pointer.version, packPrefix: pointer.packPrefix, ...(pointer.catalogKey ? { catalogKey: pointer.catalogKey } : {}) },
        ...pointer.previous.filter((p) => p.version !== version && p.version !== pointer.version),
      ].slice(0, 10)
    : [];
  const next: ActivePointer = {
    version,
    packId: manifest.data.id,
    packPrefix: target.packPrefix,
    ...(target.catalogKey ? { catalogKey: target.catalogKey } : {}),
    publishedAt: new Date().toISOString(),
    previous,
  };
  await kv.put(kvKeys.active(site), JSON.stringify(ActivePointer.parse(next)));
  return next;
}

/** Activates the version the active one replaced (the pointer's first `previous`). */
export async function rollbackModel(kv: KVNamespace, site: string): Promise<ActivePointer> {
  const { pointer } = await pointerAndHistory(kv, site);
  const back = pointer?.previous[0];
  if (!back) throw new ApiError('conflict', `site ${site} has no earlier model version to roll back to`);
  return activateModel(kv, site, back.version);
}
