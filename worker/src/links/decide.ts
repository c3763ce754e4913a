import type { LinkDefinition } from '../../../schema/routing.js';
import type { VisitorEnv } from './detect-env.js';
import { type LiveEnv, liveOptions } from './live-options.js';
import { type CompiledRules, type Decision, evaluateLink, type RequestContext } from './rules.js';
import { type Rendered, type RenderOptions, renderTarget } from './targets.js';

/** A routing decision for one visitor, and the JSON fields `/resolve` and `simulate` both answer with. */
export interface Decided {
  ctx: RequestContext;
  decision: Decision;
  rendered: Rendered;
  /** `{env, ruleId, variant?, target, plan, dropped, warnings, warningCodes}` (env without the raw query). */
  json: {
    env: Omit<VisitorEnv, 'query'>;
    ruleId: string | null;
    variant?: number;
    target: Decision['target'];
    plan: Rendered['plan'];
    dropped: string[];
    warnings: string[];
    warningCodes: Rendered['warningCodes'];
  };
}

/**
 * Evaluates a link's rules for a visitor and renders the chosen target: the one path from a
 * request to a decision, used by `/r/:slug`, `/resolve` and `simulate` (through `decideLive`). `selfUrl`
 * is the link's own URL (for QR pages and relays); `now` drives calendar rules and expiry warnings;
 * `options` say what the worker's secrets allow (open tag, a Douyin Link generated for this visit).
 */
export function decide(
  rules: CompiledRules,
  link: LinkDefinition,
  env: VisitorEnv,
  visitorId: string,
  selfUrl: string,
  now = new Date(),
  options: RenderOptions = {},
): Decided {
  const ctx: RequestContext = { env, visitorId, now: now.getTime() };
  return decided(ctx, evaluateLink(rules, ctx), link, selfUrl, now, options);
}

/**
 * `decide` with the worker's bindings: after the rules pick a target, asks what the secrets allow for it
 * (liveOptions: the open tag, a Douyin Link for this visitor, cached) and renders with that. Never throws on a
 * platform API failure.
 */
export async function decideLive(
  rules: CompiledRules,
  link: LinkDefinition,
  env: VisitorEnv,
  visitorId: string,
  selfUrl: string,
  bindings: LiveEnv,
  now = new Date(),
): Promise<Decided> {
  const ctx: RequestContext = { env, visitorId, now: now.getTime() };
  const decision = evaluateLink(rules, ctx);
  const options = await liveOptions(bindings, decision.target, env, link.passThrough, now);
  return decided(ctx, decision, link, selfUrl, now, options);
}

function decided(
  ctx: RequestContext,
  decision: Decision,
  link: LinkDefinition,
  selfUrl: string,
  now: Date,
  options: RenderOptions,
): Decided {
  const rendered = renderTarget(decision.target, ctx.env, selfUrl, now, link.passThrough, options);
  const { query: _query, ...publicEnv } = ctx.env;
  return {
    ctx,
    decision,
    rendered,
    json: {
      env: publicEnv,
      ruleId: decision.ruleId,
      ...(decision.variant !== undefined ? { variant: decision.variant } : {}),
      target: decision.target,
      plan: rendered.plan,
      dropped: rendered.dropped,
      warnings: rendered.warnings,
      warningCodes: rendered.warningCodes,
    },
  };
}
