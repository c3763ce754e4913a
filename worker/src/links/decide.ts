import type { LinkDefinition } from '../../../schema/routing.js';
import type { VisitorEnv } from './detect-env.js';
import { type CompiledRules, type Decision, evaluateLink, type RequestContext } from './rules.js';
import { type Rendered, renderTarget } from './targets.js';

/** A routing decision for one visitor, and the JSON fields `/resolve` and `simulate` both answer with. */
export interface Decided {
  ctx: RequestContext;
  decision: Decision;
  rendered: Rendered;
  /** `{env, ruleId, variant?, target, plan, dropped, warnings}` (env without the raw query). */
  json: {
    env: Omit<VisitorEnv, 'query'>;
    ruleId: string | null;
    variant?: number;
    target: Decision['target'];
    plan: Rendered['plan'];
    dropped: string[];
    warnings: string[];
  };
}

/**
 * Evaluates a link's rules for a visitor and renders the chosen target: the one path from a
 * request to a decision, used by `/r/:slug`, `/resolve` and `simulate`. `selfUrl` is the link's own
 * URL (for QR pages and relays); `now` drives calendar rules and expiry warnings.
 */
export function decide(
  rules: CompiledRules,
  link: LinkDefinition,
  env: VisitorEnv,
  visitorId: string,
  selfUrl: string,
  now = new Date(),
): Decided {
  const ctx: RequestContext = { env, visitorId, now: now.getTime() };
  const decision = evaluateLink(rules, ctx);
  const rendered = renderTarget(decision.target, env, selfUrl, now, link.passThrough);
  const { query: _query, ...publicEnv } = env;
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
    },
  };
}
