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
