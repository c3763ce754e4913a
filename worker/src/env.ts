/** Hono generics for every route group: bindings from wrangler.toml (see worker-configuration.d.ts). */
export type AppEnv = { Bindings: Env };
