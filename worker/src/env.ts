/**
 * Hono generics for every route group: bindings from wrangler.toml (see worker-configuration.d.ts)
 * plus the secrets (`wrangler secret put ADMIN_TOKEN`; locally `npm start` passes a dev token).
 */
export type AppEnv = {
  Bindings: Env & {
    ADMIN_TOKEN?: string;
    /** A verified WeChat service account bound to the mini-programs (for the open tag inside WeChat). */
    WECHAT_OA_APPID?: string;
    WECHAT_OA_SECRET?: string;
  };
};
