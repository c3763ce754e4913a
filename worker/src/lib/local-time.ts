import { SiteConfig } from '../../../schema/catalog.js';

/** Weekday (1 = Monday … 7 = Sunday) and minutes since local midnight. */
export interface LocalTime {
  weekday: number;
  minutes: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

interface Entry extends LocalTime {
  /** The epoch minute this entry describes. */
  minute: number;
  format: Intl.DateTimeFormat;
}

const zones = new Map<string, Entry>();

/**
 * Local weekday and time of day at `now` (epoch ms) in an IANA `timeZone`, via Intl. The answer is
 * kept per zone for the current epoch minute (every zone in use today is offset by whole minutes),
 * so a burst of requests formats a date once a minute, not once per condition.
 */
export function localTime(now: number, timeZone: string): LocalTime {
  const minute = Math.floor(now / 60_000);
  let e = zones.get(timeZone);
  if (e && e.minute === minute) return e;
  if (!e) {
    const format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    e = { minute: Number.NaN, weekday: 1, minutes: 0, format };
    zones.set(timeZone, e);
  }
  let hour = 0;
  let min = 0;
  for (const p of e.format.formatToParts(now)) {
    if (p.type === 'weekday') e.weekday = WEEKDAYS[p.value] ?? 1;
    else if (p.type === 'hour') hour = Number(p.value);
    else if (p.type === 'minute') min = Number(p.value);
  }
  e.minutes = hour * 60 + min;
  e.minute = minute;
  return e;
}

// A site's own clock for counting and learning (share counts, scene priors): a fixed offset from UTC.
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** China Standard Time (UTC+8, no daylight saving): the time zone of a site without `utcOffsetMinutes`. */
export const DEFAULT_UTC_OFFSET_MINUTES = 480;

/** A site's `utcOffsetMinutes` from its config (parsed or raw JSON); the default when absent or invalid. */
export function siteUtcOffset(config: unknown): number {
  const offset = SiteConfig.shape.utcOffsetMinutes.safeParse((config as { utcOffsetMinutes?: unknown } | null)?.utcOffsetMinutes);
  return (offset.success ? offset.data : undefined) ?? DEFAULT_UTC_OFFSET_MINUTES;
}

/** The hour of day (0–23) of `ts` (ms since the epoch) at `offsetMinutes` east of UTC. */
export function localHour(ts: number, offsetMinutes: number): number {
  const t = (((ts + offsetMinutes * 60_000) % DAY_MS) + DAY_MS) % DAY_MS;
  return Math.floor(t / HOUR_MS);
}

/** The local day (`YYYY-MM-DD`) at `now` for a site `offsetMinutes` east of UTC, and when it began (ms). */
export function localDay(now: number, offsetMinutes: number): { day: string; start: number } {
  const offset = offsetMinutes * 60_000;
  const start = Math.floor((now + offset) / DAY_MS) * DAY_MS - offset;
  return { day: new Date(start + offset).toISOString().slice(0, 10), start };
}
