/** Key-value persistence: localStorage, mini-program storage, or memory. Never throws. */
export interface KeyValueStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

/** The synchronous storage half of a mini-program API object (`wx` / `swan`). */
export interface MiniStorageApi {
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, value: string): void;
}

// Storage that throws (private modes, sandboxed frames, quota, a full mini-program store) reads as
// empty and ignores writes: the client keeps its state in memory either way.
const safe = (get: (k: string) => unknown, set: (k: string, v: string) => unknown): KeyValueStorage => ({
  get(k) {
    try {
      const v = get(k);
      return typeof v === 'string' && v ? v : null;
    } catch {
      return null;
    }
  },
  set(k, v) {
    try {
      set(k, v);
    } catch {}
  },
});

/** Storage that lives as long as the page (or process): pass it as `storage` to keep nothing on the device. */
export function memoryStorage(): KeyValueStorage {
  const m = new Map<string, string>();
  return safe(
    (k) => m.get(k),
    (k, v) => m.set(k, v),
  );
}

/** Mini-program storage (`getStorageSync` / `setStorageSync`); failures read as empty. */
export const miniProgramStorage = (api: MiniStorageApi): KeyValueStorage =>
  safe(
    (k) => api.getStorageSync(k),
    (k, v) => api.setStorageSync(k, v),
  );

/** `localStorage`, looked up on each use: merely reading the property throws where storage is blocked. */
export const webStorage = (): KeyValueStorage =>
  safe(
    (k) => localStorage.getItem(k),
    (k, v) => localStorage.setItem(k, v),
  );
