import { z } from 'zod';

/** `POST /v1/admin/sites/:site/links/:slug/simulate`: a sample request to explain a decision for. */
export const SimulateRequest = z.object({
  /** The visitor's User-Agent. @default '' */
  ua: z.string().max(2048).default(''),
  /** ISO country code as Cloudflare reports it (`CN`). */
  country: z.string().max(8).optional(),
  region: z.string().max(64).optional(),
  city: z.string().max(64).optional(),
  /** Accept-Language header value. */
  language: z.string().max(64).optional(),
  referrer: z.string().max(2048).optional(),
  /** Query params of the link URL, e.g. {"utm_source": "baidu"}. */
  query: z.record(z.string().max(64), z.string().max(2048)).default({}),
  /** ISO 8601 instant to evaluate time rules at. @default now */
  time: z.iso.datetime({ offset: true }).optional(),
  /** Visitor id for sticky splits. @default 'simulated-visitor' */
  visitorId: z.string().min(1).max(64).default('simulated-visitor'),
});
export type SimulateRequest = z.infer<typeof SimulateRequest>;

/** `POST /v1/admin/sites/:site/links/:slug/rollback`: the version to restore (as a new version). */
export const RollbackRequest = z.object({ version: z.number().int().positive() });
export type RollbackRequest = z.infer<typeof RollbackRequest>;

/** A calendar day `YYYY-MM-DD` that exists (not `2026-02-30` or `9999-99-99`). */
const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === d && d >= '2000-01-01';
  }, 'not a calendar day (from 2000-01-01)');

/** `GET …/links/:slug/stats?from&to`: UTC days, inclusive. @default the last 30 days */
export const StatsQuery = z.object({ from: Day.optional(), to: Day.optional() });
export type StatsQuery = z.infer<typeof StatsQuery>;

/** `GET …/links/:slug/diff?from&to`: two version numbers. */
export const DiffQuery = z.object({
  from: z.string().regex(/^[1-9]\d{0,8}$/, 'expected a version number'),
  to: z.string().regex(/^[1-9]\d{0,8}$/, 'expected a version number'),
});
export type DiffQuery = z.infer<typeof DiffQuery>;
