import type { z } from 'zod';
import { MERCH_LIMITS, PlacementRules } from '../../../../schema/merchandising.js';

/**
 * The placement rules form as text, both ways: stored rules → what the fields show, the posted fields →
 * a candidate `PlacementRules` validated by the API's own schema, and each issue → the field it belongs
 * to. Pure (no I/O), so the page and its tests share it.
 */

/** One boost row of the form (conditions and weight, as typed). */
export interface BoostRow {
  category: string;
  tags: string;
  minPrice: string;
  maxPrice: string;
  weight: string;
}

/** Every field of the form, as typed (kept as is on an error). */
export interface RulesForm {
  category: string;
  excludeCategory: string;
  tags: string;
  excludeTags: string;
  minPrice: string;
  maxPrice: string;
  /** One pin a line: `itemId position`. */
  pins: string;
  boosts: BoostRow[];
  excludePurchased: boolean;
  maxPerCategory: string;
  rotation: boolean;
  afterImpressions: string;
  hours: string;
  /** Cold-start rate as a percentage (0–100), not the API's fraction. */
  exploreRate: string;
  explorePosition: string;
}

export const FILTER_FIELDS = ['category', 'excludeCategory', 'tags', 'excludeTags', 'minPrice', 'maxPrice'] as const;
export const BOOST_FIELDS = ['category', 'tags', 'minPrice', 'maxPrice', 'weight'] as const;
/** Rows read from a POST: beyond the limit, so that one row too many is reported rather than dropped. */
const MAX_BOOST_ROWS = MERCH_LIMITS.boosts * 2;

/**
 * One issue placed on the form: the field it shows next to (`minPrice`, `pins`, `b2_weight`, `b2` for a
 * whole boost row, `boosts`, … or `form`, on top), where in the field (a pin's line, a list's value), and
 * either the schema's own message or one of the page's (`id`, localized by the view).
 */
export interface PlacedIssue {
  key: string;
  line?: number;
  value?: string;
  message?: string;
  id?: 'pinLine' | 'notNumber' | 'required' | 'percent';
  params?: Record<string, string | number>;
}

const joined = (xs: string[] | undefined) => (xs ?? []).join(', ');
const numText = (n: number | undefined) => (n === undefined ? '' : String(n));

/** What the form shows for stored rules. */
export function rulesToForm(rules: PlacementRules): RulesForm {
  const f = rules.filter ?? {};
  return {
    category: joined(f.category),
    excludeCategory: joined(f.excludeCategory),
    tags: joined(f.tags),
    excludeTags: joined(f.excludeTags),
    minPrice: numText(f.minPrice),
    maxPrice: numText(f.maxPrice),
    pins: (rules.pins ?? []).map((p) => `${p.itemId} ${p.position}`).join('\n'),
    boosts: (rules.boosts ?? []).map((b) => ({
      category: joined(b.when.category),
      tags: joined(b.when.tags),
      minPrice: numText(b.when.minPrice),
      maxPrice: numText(b.when.maxPrice),
      weight: String(b.weight),
    })),
    excludePurchased: rules.excludePurchased,
    maxPerCategory: numText(rules.maxPerCategory),
    rotation: rules.rotation !== undefined,
    afterImpressions: numText(rules.rotation?.afterImpressions),
    hours: numText(rules.rotation?.hours),
    // 0.07 × 100 is 7.000000000000001 in floating point: rounded to 4 decimals of a percent.
    exploreRate: rules.explore ? String(Math.round(rules.explore.rate * 100 * 1e4) / 1e4) : '',
    explorePosition: numText(rules.explore?.position),
  };
}

const text = (body: Record<string, unknown>, name: string) => {
  const v = body[name];
  return typeof v === 'string' ? v.trim() : '';
};

/** The posted form (x-www-form-urlencoded) as typed; unchecked boxes are absent, so they read false. */
export function formFromBody(body: Record<string, unknown>): RulesForm {
  const rows: BoostRow[] = [];
  for (let i = 0; i < MAX_BOOST_ROWS; i++) {
    if (!BOOST_FIELDS.some((f) => `b${i}_${f}` in body)) continue;
    rows.push(Object.fromEntries(BOOST_FIELDS.map((f) => [f, text(body, `b${i}_${f}`)])) as unknown as BoostRow);
  }
  const v = body.pins;
  return {
    ...(Object.fromEntries(FILTER_FIELDS.map((f) => [f, text(body, f)])) as Pick<RulesForm, (typeof FILTER_FIELDS)[number]>),
    // Lines kept as typed (trailing spaces aside), blank ones too: error messages name line numbers.
    pins: typeof v === 'string' ? v.replace(/\r\n?/g, '\n').replace(/\s+$/, '') : '',
    boosts: rows,
    excludePurchased: body.excludePurchased !== undefined,
    maxPerCategory: text(body, 'maxPerCategory'),
    rotation: body.rotation !== undefined,
    afterImpressions: text(body, 'afterImpressions'),
    hours: text(body, 'hours'),
    exploreRate: text(body, 'exploreRate'),
    explorePosition: text(body, 'explorePosition'),
  };
}

/** `tea, 茶，coffee、x` → ['tea', '茶', 'coffee', 'x'] (ASCII, full-width and enumeration commas); empty → absent. */
export function splitList(s: string): string[] | undefined {
  const xs = s
    .split(/[,，、]/)
    .map((x) => x.trim())
    .filter(Boolean);
  return xs.length ? xs : undefined;
}

/**
 * A typed number: `''` → absent; `12`, `-1.5`, `+2`, `.5`, `1e3` and a typographic minus (`−1`) → the
 * number; anything else → NaN (reported as "not a number", never read as something else).
 */
export function parseNumber(s: string): number | undefined {
  const v = s.trim().replace(/^[−－]/, '-');
  if (v === '') return undefined;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v) ? Number(v) : Number.NaN;
}

const isBlankRow = (r: BoostRow) => BOOST_FIELDS.every((f) => r[f] === '');

/** The form as a candidate rule set, with the maps from array indexes back to lines and rows. */
export interface Candidate {
  rules: unknown;
  /** pins[i] came from line pinLines[i] (1-based). */
  pinLines: number[];
  /** boosts[i] came from form row boostRows[i]. */
  boostRows: number[];
  /** Found while reading the text (a pin line without a position, a word where a number goes). */
  problems: PlacedIssue[];
}

const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Builds the rule set the form describes (not yet validated); blank fields and rows are left out. */
export function formToRules(form: RulesForm): Candidate {
  const problems: PlacedIssue[] = [];
  const num = (key: string, s: string) => {
    const n = parseNumber(s);
    if (Number.isNaN(n)) problems.push({ key, id: 'notNumber', value: s });
    return n;
  };
  const filter = defined({
    category: splitList(form.category),
    excludeCategory: splitList(form.excludeCategory),
    tags: splitList(form.tags),
    excludeTags: splitList(form.excludeTags),
    minPrice: num('minPrice', form.minPrice),
    maxPrice: num('maxPrice', form.maxPrice),
  });
  const pins: { itemId: string; position: number | undefined }[] = [];
  const pinLines: number[] = [];
  form.pins.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    // The position is the last word, the item id everything before it (ids may hold spaces).
    const m = /^(.+?)[\s,，]+(\S+)$/.exec(line);
    if (!m) {
      problems.push({ key: 'pins', line: i + 1, id: 'pinLine' });
      return;
    }
    pins.push({ itemId: m[1], position: num('pins', m[2]) });
    pinLines.push(i + 1);
  });
  const boosts: unknown[] = [];
  const boostRows: number[] = [];
  form.boosts.forEach((row, i) => {
    if (isBlankRow(row)) return;
    const when = defined({
      category: splitList(row.category),
      tags: splitList(row.tags),
      minPrice: num(`b${i}_minPrice`, row.minPrice),
      maxPrice: num(`b${i}_maxPrice`, row.maxPrice),
    });
    const weight = num(`b${i}_weight`, row.weight);
    if (row.weight === '') problems.push({ key: `b${i}_weight`, id: 'required' });
    boosts.push({ when, weight });
    boostRows.push(i);
  });
  const exploreRate = num('exploreRate', form.exploreRate);
  const rules = defined({
    filter: Object.keys(filter).length ? filter : undefined,
    pins: pins.length ? pins : undefined,
    boosts: boosts.length ? boosts : undefined,
    excludePurchased: form.excludePurchased,
    maxPerCategory: num('maxPerCategory', form.maxPerCategory),
    rotation: form.rotation
      ? defined({ afterImpressions: num('afterImpressions', form.afterImpressions), hours: num('hours', form.hours) })
      : undefined,
    explore:
      form.exploreRate === '' && form.explorePosition === ''
        ? undefined
        : defined({
            rate: exploreRate === undefined ? undefined : exploreRate / 100,
            position: num('explorePosition', form.explorePosition),
          }),
  });
  return { rules, pinLines, boostRows, problems };
}

const FILTER_KEYS = new Set<string>([...FILTER_FIELDS, 'inStock']);

/**
 * Where a schema issue shows on the form: the issue path mapped through the candidate's line and row
 * maps. `lineWord(n)` names line n in the page's language (messages say `pins[0]`; the form has lines).
 */
export function placeIssue(issue: z.core.$ZodIssue, candidate: Candidate, lineWord: (n: number) => string): PlacedIssue {
  const [head, a, b, c, d] = issue.path;
  const rules = candidate.rules as { filter?: Record<string, unknown>; boosts?: { when: Record<string, unknown> }[] };
  const lineOfPin = (i: number) => candidate.pinLines[i] ?? i + 1;
  const message = issue.message.replace(/\(pins\[(\d+)\]\)/g, (_, i) => `(${lineWord(lineOfPin(Number(i)))})`);
  const valueAt = (list: unknown, i: unknown) => (typeof i === 'number' && Array.isArray(list) ? String(list[i]) : undefined);
  if (head === 'filter' && typeof a === 'string' && FILTER_KEYS.has(a)) return { key: a, message, value: valueAt(rules.filter?.[a], b) };
  if (head === 'pins') return typeof a === 'number' ? { key: 'pins', message, line: lineOfPin(a) } : { key: 'pins', message };
  if (head === 'boosts') {
    if (typeof a !== 'number') return { key: 'boosts', message };
    const row = candidate.boostRows[a] ?? a;
    if (b === 'weight') return { key: `b${row}_weight`, message };
    if (b === 'when' && typeof c === 'string') return { key: `b${row}_${c}`, message, value: valueAt(rules.boosts?.[a]?.when[c], d) };
    return { key: `b${row}`, message };
  }
  if (head === 'maxPerCategory') return { key: 'maxPerCategory', message };
  if (head === 'rotation' && (a === 'afterImpressions' || a === 'hours')) return { key: a, message };
  // The form asks for a percentage: "expected number to be <=1" would mislead.
  if (head === 'explore' && a === 'rate') return { key: 'exploreRate', id: 'percent' };
  if (head === 'explore' && a === 'position') return { key: 'explorePosition', message };
  return { key: 'form', message };
}

/**
 * Validates the form with the API's schema: the rules to store, or every issue placed on the form. A
 * field already reported as "not a number" or "required" does not get the schema's type error too.
 */
export function validateForm(
  form: RulesForm,
  lineWord: (n: number) => string,
): { ok: true; rules: PlacementRules } | { ok: false; issues: PlacedIssue[] } {
  const candidate = formToRules(form);
  const parsed = PlacementRules.safeParse(candidate.rules);
  if (parsed.success && !candidate.problems.length) return { ok: true, rules: parsed.data };
  const issues = parsed.success ? [] : [...parsed.error.issues];
  // zod runs the rule set's own check (a pin repeated) only once every field is valid: check the pins alone
  // too, so a marketer sees every problem in one round.
  const pins = (candidate.rules as { pins?: unknown }).pins;
  const pinsAlone = !parsed.success && pins ? PlacementRules.safeParse({ pins }) : undefined;
  const key = (i: z.core.$ZodIssue) => `${i.path.join('.')} ${i.message}`;
  const known = new Set(issues.map(key));
  for (const i of pinsAlone?.error?.issues ?? []) if (!known.has(key(i))) issues.push(i);
  const fromSchema = issues
    .filter((i) => !(i.code === 'invalid_type' && candidate.problems.some((p) => p.key === placeIssue(i, candidate, lineWord).key)))
    .map((i) => placeIssue(i, candidate, lineWord));
  return { ok: false, issues: [...candidate.problems, ...fromSchema] };
}
