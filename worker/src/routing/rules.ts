import type { Action, Condition, LinkDefinition, Rule, Target } from '../../../schema/routing.js';
import type { VisitorEnv } from './detect-env.js';
import { pickVariant } from './split.js';

/** Default time zone for weekday / time-of-day conditions (ARCHITECTURE.md). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export interface Decision {
  /** The matched rule's id, or null when the link's default applied. */
  ruleId: string | null;
  target: Target;
  /** Index of the split variant, when the action was a split. */
  variant?: number;
  /** Earlier rules that did not match: the index of the failing condition, or -1 when no "any" condition held. */
  skipped: { ruleId: string; condition: number }[];
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Weekday (1–7) and minutes since midnight at `now` in `timeZone`; formatters are cached per zone. */
function localTime(now: Date, timeZone: string): { weekday: number; minutes: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  let weekday = 1;
  let hour = 0;
  let minute = 0;
  for (const p of f.formatToParts(now)) {
    if (p.type === 'weekday') weekday = WEEKDAYS[p.value] ?? 1;
    else if (p.type === 'hour') hour = Number(p.value);
    else if (p.type === 'minute') minute = Number(p.value);
  }
  return { weekday, minutes: hour * 60 + minute };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function stringTest(actual: string | undefined, c: { op: string; value?: string; values?: string[] }): boolean {
  const a = actual ?? '';
  switch (c.op) {
    case 'equals':
      return actual !== undefined && a.toLowerCase() === c.value!.toLowerCase();
    case 'not_equals':
      return a.toLowerCase() !== c.value!.toLowerCase();
    case 'prefix':
      return actual !== undefined && a.toLowerCase().startsWith(c.value!.toLowerCase());
    case 'contains':
      return actual !== undefined && a.toLowerCase().includes(c.value!.toLowerCase());
    case 'in':
      return actual !== undefined && c.values!.some((v) => v.toLowerCase() === a.toLowerCase());
    case 'not_in':
      return !c.values!.some((v) => v.toLowerCase() === a.toLowerCase());
    default:
      return false;
  }
}

/** Whether one condition holds; the second value describes a failure for `simulate`. */
export function testCondition(c: Condition, env: VisitorEnv, now: Date): boolean {
  switch (c.field) {
    case 'host':
      return c.values.includes(env.host) === (c.op === 'in');
    case 'os':
      return c.values.includes(env.os) === (c.op === 'in');
    case 'bot':
      return env.bot === c.value;
    case 'query': {
      const v = env.query[c.key];
      if (c.op === 'exists') return v !== undefined;
      if (c.op === 'missing') return v === undefined;
      return stringTest(v, c);
    }
    case 'queryNumber': {
      const raw = env.query[c.key];
      const n = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
      return Number.isFinite(n) && (c.min === undefined || n >= c.min) && (c.max === undefined || n <= c.max);
    }
    case 'weekday':
      return c.values.includes(localTime(now, c.timeZone ?? DEFAULT_TIME_ZONE).weekday);
    case 'timeOfDay': {
      const m = localTime(now, c.timeZone ?? DEFAULT_TIME_ZONE).minutes;
      const from = minutesOf(c.from);
      const to = minutesOf(c.to);
      return from <= to ? m >= from && m < to : m >= from || m < to;
    }
    case 'schedule': {
      const t = now.getTime();
      return (c.start === undefined || t >= Date.parse(c.start)) && (c.end === undefined || t < Date.parse(c.end));
    }
    default:
      return stringTest(env[c.field], c);
  }
}

function describe(c: Condition): string {
  const { field, op, ...rest } = c as Condition & Record<string, unknown>;
  const name = field === 'query' || field === 'queryNumber' ? `query.${String(rest.key)}` : field;
  return `${name} ${op} ${JSON.stringify(rest.values ?? rest.value ?? [rest.from ?? rest.start ?? rest.min, rest.to ?? rest.end ?? rest.max])}`;
}

/** -2 when the rule matches, else the failing condition's index (-1: no "any" condition held). */
function ruleFailure(rule: Rule, env: VisitorEnv, now: Date): number {
  const cs = rule.conditions;
  if (rule.match === 'any') {
    for (let i = 0; i < cs.length; i++) if (testCondition(cs[i], env, now)) return -2;
    return -1;
  }
  for (let i = 0; i < cs.length; i++) if (!testCondition(cs[i], env, now)) return i;
  return -2;
}

/** Human-readable reasons for `simulate` (built only on demand, off the hot path). */
export function explainSkipped(link: LinkDefinition, skipped: Decision['skipped']): { ruleId: string; reason: string }[] {
  return skipped.map(({ ruleId, condition }) => {
    const rule = link.rules.find((r) => r.id === ruleId)!;
    return { ruleId, reason: condition < 0 ? `none of ${rule.conditions.length} conditions held` : `failed: ${describe(rule.conditions[condition])}` };
  });
}

function resolveAction(action: Action, visitorId: string, salt: string): { target: Target; variant?: number } {
  if (action.type === 'target') return { target: action.target };
  const variant = pickVariant(
    action.variants.map((v) => v.weight),
    visitorId,
    salt,
  );
  return { target: action.variants[variant].target, variant };
}

/** Ordered rules, first match wins, else the link's default. Pure and allocation-light. */
export function evaluateLink(link: LinkDefinition, env: VisitorEnv, visitorId: string, now: Date = new Date()): Decision {
  const skipped: Decision['skipped'] = [];
  const salt = link.salt ?? link.slug;
  for (const rule of link.rules) {
    const failed = ruleFailure(rule, env, now);
    if (failed === -2) return { ruleId: rule.id, ...resolveAction(rule.action, visitorId, `${salt}:${rule.id}`), skipped };
    skipped.push({ ruleId: rule.id, condition: failed });
  }
  return { ruleId: null, ...resolveAction(link.default, visitorId, `${salt}:default`), skipped };
}
