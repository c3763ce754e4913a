import type { Lang } from './i18n.js';

/**
 * Okabe & Ito's palette for colour-blind readers ("Color Universal Design", 2008), ordered for contrast
 * on white; yellow (#F0E442) comes last because it is the faintest there.
 */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#F0E442'] as const;

/** Dash patterns of line series (after the palette, a second cue that does not depend on colour). */
export const DASHES = [undefined, '8 4', '2 4', '10 4 2 4'] as const;

/**
 * Font size of axis text, in viewBox units: the attribute value (desktop), and what console.css sets
 * below 520 px wide (narrow). The chart's viewBox is 600 units wide, so at 328 px (a 360 px phone minus
 * page padding) 22 units are 12 px. Space is always reserved for the narrow size so labels never collide.
 */
export const FONT = 13;
export const FONT_NARROW = 22;

/** Estimated width of `text` at `size` (CJK and full-width characters 1 em, others ~0.6 em). */
export function textWidth(text: string, size = FONT_NARROW): number {
  let em = 0;
  for (const ch of text) em += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 1 : 0.6;
  return em * size;
}

/** Drops floating noise (0.1 × 3 = 0.30000000000000004). */
const clean = (v: number) => Number(v.toPrecision(12));

/** Number of decimals a tick step needs (2.5 → 1, 0.05 → 2, 10 → 0). */
export function decimalsOf(step: number): number {
  const s = String(clean(step));
  if (s.includes('e-')) return Number(s.split('e-')[1]);
  return s.includes('.') ? s.split('.')[1].length : 0;
}

/**
 * A y axis from 0 to a round number ≥ `max` in about `target` steps of 1, 2, 2.5 or 5 × 10ⁿ.
 * `integers` keeps steps whole (counts: never a "0.5 clicks" tick).
 * @example niceScale(8) // { max: 8, step: 2, ticks: [0, 2, 4, 6, 8] }
 */
export function niceScale(max: number, target = 5, integers = false): { max: number; step: number; ticks: number[] } {
  if (!(max > 0)) return { max: 1, step: 1, ticks: [0, 1] };
  const raw = max / target;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const f = raw / pow;
  let step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * pow;
  if (integers) step = Math.max(1, Math.ceil(step));
  step = clean(step);
  const n = Math.ceil(clean(max / step));
  const ticks = Array.from({ length: n + 1 }, (_, i) => clean(i * step));
  return { max: ticks[n], step, ticks };
}

/**
 * Which of `n` x labels to print when each needs `need` units and gets `slot`: every `step`-th,
 * counted back from the last (the newest day is always labelled).
 */
export function shownLabels(n: number, slot: number, need: number): boolean[] {
  const step = Math.max(1, Math.ceil(need / Math.max(slot, 1e-9)));
  return Array.from({ length: n }, (_, i) => (n - 1 - i) % step === 0);
}

/** An axis label cut to `max` characters ("…" marks the cut); tooltips and the table keep the whole text. */
export function shortLabel(label: string, max = 12): string {
  const chars = [...label];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : label;
}

/** A number as the console prints it in `lang`: grouped digits, compact from 100,000 (10万 / 100K). */
export function formatNumber(v: number, lang: Lang, decimals = 2): string {
  const compact = Math.abs(v) >= 100_000;
  return new Intl.NumberFormat(lang, {
    notation: compact ? 'compact' : 'standard',
    maximumFractionDigits: compact ? 1 : decimals,
  }).format(v);
}

/** An amount in `currency` as `lang` writes it (¥1,234.50 / CN¥1,234.50); an unknown code: the number and the code. */
export function formatMoney(v: number, lang: Lang, currency: string): string {
  try {
    return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(v);
  } catch {
    return `${formatNumber(v, lang)} ${currency}`;
  }
}

/** A value for a tooltip or the data table: `12.5%` for rates, else the number and its unit. Non-finite: "–". */
export function formatValue(v: number, lang: Lang, options: { percent?: boolean; unit?: string } = {}): string {
  if (!Number.isFinite(v)) return '–';
  const n = options.percent ? `${formatNumber(v * 100, lang, 2)}%` : formatNumber(v, lang);
  return options.unit ? `${n} ${options.unit}` : n;
}

/** A short stable id for `aria-labelledby` (FNV-1a of the chart's title and series names). */
export function chartId(parts: string[]): string {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `chart-${h.toString(36)}`;
}

/** Rounds a coordinate to 0.01 units (keeps the markup short; far below a pixel). */
export const r2 = (v: number) => Math.round(v * 100) / 100;
