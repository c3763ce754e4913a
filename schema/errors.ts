import { z } from 'zod';

/** One precise problem with a request: where (`path`) and what (`message`), as zod reports it. */
export const Issue = z.object({
  code: z.string(),
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});
export type Issue = z.infer<typeof Issue>;

/** Every non-2xx JSON body: `{"error": {"code", "message", "issues"?}}`. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(Issue).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Stable error codes; clients switch on these, never on messages. */
export const ERROR_CODES = {
  invalid_json: 400,
  invalid_request: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  site_not_found: 404,
  item_not_found: 404,
  method_not_allowed: 405,
  rate_limited: 429,
  model_unavailable: 503,
  unavailable: 503,
  internal: 500,
} as const;
/** A stable error code (switch on it, never on the message). */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Turns zod issues into plain `{code, path, message}` issues (formatting stays apart from validation). */
export function toIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({
    code: i.code,
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message,
  }));
}
