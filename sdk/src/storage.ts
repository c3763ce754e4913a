/** Key-value persistence: localStorage, mini-program storage, or memory. Never throws. */
export interface KeyValueStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

export interface MiniStorageApi {
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, value: string): void;
}

export function memoryStorage(): KeyValueStorage {
  const m = new Map<string, string>();
  return { get: (k) => m.get(k) ?? null, set: (k, v) => void m.set(k, v) };
}

export function miniProgramStorage(api: MiniStorageApi): KeyValueStorage {
  return {
    get: (k) => {
      try {
        const v = api.getStorageSync(k);
        return typeof v === 'string' && v !== '' ? v : null;
      } catch {
        return null;
      }
    },
    set: (k, v) => {
      try {
        api.setStorageSync(k, v);
      } catch {}
    },
  };
}

/** localStorage when usable (it throws in some private modes and sandboxed frames), else memory. */
export function webStorage(): KeyValueStorage {
  try {
    const ls = globalThis.localStorage;
    ls.length; // throws where storage is blocked
    return {
      get: (k) => ls.getItem(k),
      set: (k, v) => {
        try {
          ls.setItem(k, v);
        } catch {}
      },
    };
  } catch {
    return memoryStorage();
  }
}
