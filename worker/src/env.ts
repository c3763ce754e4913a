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
    /** JSON {appId: AppSecret} of Douyin mini-programs whose Links the worker generates per visit. */
    DOUYIN_APP_SECRETS?: string;
    /** Seconds an R2 `incoming/` batch waits before the cron sweep stores it itself (default 60; tests use 0). */
    EVENTS_SWEEP_MIN_AGE_S?: string;
  };
};
