import { ApiError } from '../http/errors.js';

const DAY_MS = 86_400_000;

/**
 * The inclusive UTC day range of a `?from&to` query (validated `YYYY-MM-DD` strings): `to` defaults to
 * today, `from` to `defaultDays − 1` days before `to`. 400 when `from` is after `to` or the range is
 * longer than `maxDays`. Also gives the range as `[fromMs, toMs)`.
 */
export function dayRange(q: { from?: string; to?: string }, defaultDays = 30, maxDays = 366, now = Date.now()) {
  const to = q.to ?? new Date(now).toISOString().slice(0, 10);
  const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - (defaultDays - 1) * DAY_MS).toISOString().slice(0, 10);
  const fromMs = Date.parse(`${from}T00:00:00Z`);
  const toMs = Date.parse(`${to}T00:00:00Z`) + DAY_MS;
  const days = (toMs - fromMs) / DAY_MS;
  if (days < 1) throw new ApiError('invalid_request', `from ${from} is after to ${to}`);
  if (days > maxDays) throw new ApiError('invalid_request', `at most ${maxDays} days per call`);
  return { from, to, fromMs, toMs };
}
