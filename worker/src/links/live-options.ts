import type { Target } from '../../../schema/routing.js';
import type { VisitorEnv } from './detect-env.js';
import { douyinLiveLink } from './douyin-link.js';
import { type DouyinEnv, douyinSecret, type Fetcher } from './douyin-token.js';
import { passThroughParams, type RenderOptions } from './targets.js';

/** The bindings that decide what the worker can do beyond a target's own fields. */
export interface LiveEnv extends DouyinEnv {
  WECHAT_OA_APPID?: string;
  WECHAT_OA_SECRET?: string;
}

/**
 * Render options for one visit, from the worker's secrets: whether the WeChat open tag can be signed, and for a
 * Douyin target whose app has a secret, a Link generated (or cached) for this visitor's attribution params. Never
 * throws: a Douyin failure comes back as `{douyin: {link: null}}` and the target's own Link or fallback applies.
 */
export async function liveOptions(
  env: LiveEnv,
  target: Target,
  visitor: VisitorEnv,
  extraKeys: readonly string[],
  now: Date,
  fetcher?: Fetcher,
): Promise<RenderOptions> {
  const options: RenderOptions = { openTag: Boolean(env.WECHAT_OA_APPID && env.WECHAT_OA_SECRET) };
  // Bots get the preview and desktops the QR page of the link itself: no Link needed there.
  // Apps without a secret use the pasted Link, as before.
  if (target.kind !== 'douyin-miniprogram' || visitor.bot || visitor.os === 'desktop' || !douyinSecret(env, target.appId)) return options;
  try {
    options.douyin = {
      link: await douyinLiveLink(env, target, passThroughParams(visitor.query, extraKeys), { now: now.getTime(), fetcher }),
    };
  } catch (e) {
    console.error(`douyin link: ${(e as Error).message}`);
    options.douyin = { link: null };
  }
  return options;
}
