import { describe, expect, it } from 'vitest';
import { DEFAULT_UTC_OFFSET_MINUTES, localDay, localHour, siteUtcOffset } from './local-time.js';

const H = 3_600_000;
/** 2031-05-10 00:00 in China Standard Time. */
const MIDNIGHT_CST = Date.UTC(2031, 4, 9, 16, 0);

describe('local time of a site', () => {
  it('localHour: the hour of day at an offset east of UTC, for times before 1970 too', () => {
    expect(localHour(Date.UTC(2026, 0, 1, 4, 30), 480)).toBe(12);
    expect(localHour(Date.UTC(2026, 0, 1, 20, 0), 480)).toBe(4);
    expect(localHour(Date.UTC(2026, 0, 1, 2, 0), -300)).toBe(21);
    expect(localHour(Date.UTC(2026, 0, 1, 9, 59), 330)).toBe(15);
    expect(localHour(-1, 0)).toBe(23);
  });

  it('localDay: the day and its start at the site offset', () => {
    expect(localDay(MIDNIGHT_CST - 1, 480)).toEqual({ day: '2031-05-09', start: MIDNIGHT_CST - 24 * H });
    expect(localDay(MIDNIGHT_CST, 480)).toEqual({ day: '2031-05-10', start: MIDNIGHT_CST });
    expect(localDay(MIDNIGHT_CST, 0)).toEqual({ day: '2031-05-09', start: Date.UTC(2031, 4, 9) });
  });

  it('siteUtcOffset: the config value, else UTC+8', () => {
    expect(siteUtcOffset({ utcOffsetMinutes: -300 })).toBe(-300);
    expect(siteUtcOffset({ utcOffsetMinutes: 0 })).toBe(0);
    for (const bad of [null, undefined, {}, { utcOffsetMinutes: 'x' }, { utcOffsetMinutes: 9999 }, { utcOffsetMinutes: 1.5 }])
      expect(siteUtcOffset(bad)).toBe(DEFAULT_UTC_OFFSET_MINUTES);
  });
});
