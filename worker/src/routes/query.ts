/** Helpers turning query strings into the shapes the zod schemas validate. */
export const list = (v: string | undefined) =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

/** `k=abc` stays a non-number so zod reports it (never silently defaults). */
export const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));

export function newRecommendationId(): string {
  const b = crypto.getRandomValues(new Uint8Array(9));
  return `r_${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}
