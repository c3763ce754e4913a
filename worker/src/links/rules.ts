import type { Action, Condition, LinkDefinition, Rule, Target } from '../../../schema/routing.js';
import { localTime } from '../lib/local-time.js';
import type { VisitorEnv } from './detect-env.js';
import { bucketOf } from './split.js';

/** Default time zone for weekday / time-of-day conditions (ARCHITECTURE.md). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** What one evaluation sees: the detected environment, the sticky visitor id and the instant (ms). */
export interface RequestContext {
  env: VisitorEnv;
  visitorId: string;
  /** Epoch milliseconds. @default Date.now() */
  now?: number;
}

export interface Decision {
  /** The matched rule's id, or null when the link's default applied. */
  ruleId: string | null;
  /** Index of the matched rule, or -1 for the default. */
  ruleIndex: number;
  target: Target;
  /** Index of the split variant, when the action was a split. */
  variant?: number;
}

type Test = (env: VisitorEnv, now: number) => boolean;

type CompiledAction =
  | { split: false; target: Target }
  /** `edges[i]` = cumulative weight · 100, compared with a bucket in [0, 10000). */
  | { split: true; targets: Target[]; edges: Int32Array; salt: string };

interface CompiledRule {
  id: string;
  /** `enabled: false`: skipped. */
  off: boolean;
  any: boolean;
  tests: Test[];
  action: CompiledAction;
}

/** A link prepared for evaluation: values lower-cased, sets built, instants parsed, salts joined. */
export interface CompiledRules {
  link: LinkDefinition;
  rules: CompiledRule[];
  default: CompiledAction;
}

const lower = (s: string) => s.toLowerCase();

/** Compiles one string test; `value`/`values` are lower-cased once here, never per request. */
function stringTest(get: (env: VisitorEnv) => string | undefined, c: { op: string; value?: string; values?: string[] }): Test {
  const v = c.value === undefined ? '' : lower(c.value);
  const set = new Set((c.values ?? []).map(lower));
  switch (c.op) {
    case 'equals':
      return (env) => get(env)?.toLowerCase() === v;
    case 'not_equals':
      return (env) => (get(env) ?? '').toLowerCase() !== v;
    case 'prefix':
      return (env) => get(env)?.toLowerCase().startsWith(v) === true;
    case 'contains':
      return (env) => get(env)?.toLowerCase().includes(v) === true;
    case 'in':
      return (env) => {
        const a = get(env);
        return a !== undefined && set.has(a.toLowerCase());
      };
    case 'not_in':
      return (env) => !set.has((get(env) ?? '').toLowerCase());
    default:
      return () => false;
  }
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Turns a validated condition into a closure that allocates nothing when called. */
export function compileCondition(c: Condition): Test {
  switch (c.field) {
    case 'host': {
      const set = new Set<string>(c.values);
      const want = c.op === 'in';
      return (env) => set.has(env.host) === want;
    }
    case 'os': {
      const set = new Set<string>(c.values);
      const want = c.op === 'in';
      return (env) => set.has(env.os) === want;
    }
    case 'bot': {
      const want = c.value;
      return (env) => env.bot === want;
    }
    case 'harmony': {
      // `harmony` is present (true) on any HarmonyOS device, absent elsewhere.
      const want = c.value;
      return (env) => (env.harmony === true) === want;
    }
    case 'query': {
      const key = c.key;
      if (c.op === 'exists') return (env) => env.query[key] !== undefined;
      if (c.op === 'missing') return (env) => env.query[key] === undefined;
      return stringTest((env) => env.query[key], c);
    }
    case 'queryNumber': {
      const { key } = c;
      const min = c.min ?? Number.NEGATIVE_INFINITY;
      const max = c.max ?? Number.POSITIVE_INFINITY;
      return (env) => {
        const raw = env.query[key];
        const n = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
        return Number.isFinite(n) && n >= min && n <= max;
      };
    }
    case 'weekday': {
      const zone = c.timeZone ?? DEFAULT_TIME_ZONE;
      let mask = 0;
      for (const d of c.values) mask |= 1 << d;
      return (_env, now) => (mask & (1 << localTime(now, zone).weekday)) !== 0;
    }
    case 'timeOfDay': {
      const zone = c.timeZone ?? DEFAULT_TIME_ZONE;
      const from = minutesOf(c.from);
      const to = minutesOf(c.to);
      // [from, to) local minutes; a window with from > to wraps midnight.
      return (_env, now) => {
        const m = localTime(now, zone).minutes;
        return from <= to ? m >= from && m < to : m >= from || m < to;
      };
    }
    case 'schedule': {
      const start = c.start === undefined ? Number.NEGATIVE_INFINITY : Date.parse(c.start);
      const end = c.end === undefined ? Number.POSITIVE_INFINITY : Date.parse(c.end);
      return (_env, now) => now >= start && now < end;
    }
    default: {
      const field = c.field;
      return stringTest((env) => env[field], c);
    }
  }
}

function compileAction(action: Action, salt: string): CompiledAction {
  if (action.type === 'target') return { split: false, target: action.target };
  const edges = new Int32Array(action.variants.length);
  let edge = 0;
  action.variants.forEach((v, i) => {
    edge += v.weight * 100;
    edges[i] = edge;
  });
  return { split: true, targets: action.variants.map((v) => v.target), edges, salt };
}

/**
 * Prepares a link for `evaluateLink`. Split salts are `{link.salt ?? slug}:{ruleId}` (or `:default`),
 * so two rules of one link, and two links, split the same visitor independently.
 */
export function compileLink(link: LinkDefinition): CompiledRules {
  const salt = link.salt ?? link.slug;
  return {
    link,
    rules: link.rules.map((r: Rule) => ({
      id: r.id,
      off: r.enabled === false,
      any: r.match === 'any',
      tests: r.conditions.map(compileCondition),
      action: compileAction(r.action, `${salt}:${r.id}`),
    })),
    default: compileAction(link.default, `${salt}:default`),
  };
}

const compiledCache = new WeakMap<LinkDefinition, CompiledRules>();

/** `compileLink` memoized per link object (the link store keeps one object per published version). */
export function compiledLink(link: LinkDefinition): CompiledRules {
  let c = compiledCache.get(link);
  if (!c) {
    c = compileLink(link);
    compiledCache.set(link, c);
  }
  return c;
}

/** -1 when the rule matches, else the failing condition's index (or `tests.length` when no "any" condition held). */
function failure(rule: CompiledRule, env: VisitorEnv, now: number): number {
  const { tests } = rule;
  if (rule.any) {
    for (let i = 0; i < tests.length; i++) if (tests[i](env, now)) return -1;
    return tests.length;
  }
  for (let i = 0; i < tests.length; i++) if (!tests[i](env, now)) return i;
  return -1;
}

function decide(action: CompiledAction, ruleId: string | null, ruleIndex: number, visitorId: string): Decision {
  if (!action.split) return { ruleId, ruleIndex, target: action.target };
  const bucket = bucketOf(visitorId, action.salt);
  const { edges } = action;
  let variant = edges.length - 1;
  for (let i = 0; i < edges.length; i++)
    if (bucket < edges[i]) {
      variant = i;
      break;
    }
  return { ruleId, ruleIndex, target: action.targets[variant], variant };
}

/**
 * Ordered rules, first match wins, else the link's default. Pure; per call it allocates only the
 * returned Decision (calendar lookups are cached per zone and minute, split hashing needs no string).
 */
export function evaluateLink(compiled: CompiledRules, ctx: RequestContext): Decision {
  const now = ctx.now ?? Date.now();
  const { rules } = compiled;
  for (let i = 0; i < rules.length; i++)
    if (!rules[i].off && failure(rules[i], ctx.env, now) < 0) return decide(rules[i].action, rules[i].id, i, ctx.visitorId);
  return decide(compiled.default, null, -1, ctx.visitorId);
}

function describe(c: Condition): string {
  const { field, op, ...rest } = c as Condition & Record<string, unknown>;
  const name = field === 'query' || field === 'queryNumber' ? `query.${String(rest.key)}` : field;
  return `${name} ${op} ${JSON.stringify(rest.values ?? rest.value ?? [rest.from ?? rest.start ?? rest.min, rest.to ?? rest.end ?? rest.max])}`;
}

export interface Skipped {
  ruleId: string;
  /** Index of the failing condition; -1 when the rule is "any" and none held. */
  condition: number;
  reason: string;
}

/** Why each rule before the matched one did not match (for `simulate`; off the hot path). */
export function explainSkipped(compiled: CompiledRules, ctx: RequestContext, decision: Decision): Skipped[] {
  const now = ctx.now ?? Date.now();
  const end = decision.ruleIndex < 0 ? compiled.rules.length : decision.ruleIndex;
  const out: Skipped[] = [];
  for (let i = 0; i < end; i++) {
    const rule = compiled.rules[i];
    const conditions = compiled.link.rules[i].conditions;
    if (rule.off) {
      out.push({ ruleId: rule.id, condition: -1, reason: 'disabled' });
      continue;
    }
    const f = failure(rule, ctx.env, now);
    if (rule.any || f >= conditions.length)
      out.push({ ruleId: rule.id, condition: -1, reason: `none of ${conditions.length} conditions held` });
    else out.push({ ruleId: rule.id, condition: f, reason: `failed: ${describe(conditions[f])}` });
  }
  return out;
}

/** Whether one condition holds (compiles it first: for tests and one-off checks). */
export function testCondition(c: Condition, env: VisitorEnv, now: Date | number = Date.now()): boolean {
  return compileCondition(c)(env, typeof now === 'number' ? now : now.getTime());
}
