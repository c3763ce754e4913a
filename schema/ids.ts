import { z } from 'zod';

/** Site ids and link slugs: lowercase letters, digits and dashes, 1–63 characters (a DNS label). */
export const SITE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A site id (`my-shop`). */
export const SiteId = z
  .string()
  .regex(SITE_ID_PATTERN, 'a site id has 1–63 lowercase letters, digits and dashes, starting with a letter or digit');

/** A campaign link slug (`spring-sale`); the same shape as a site id. */
export const Slug = z
  .string()
  .regex(SITE_ID_PATTERN, 'a slug has 1–63 lowercase letters, digits and dashes, starting with a letter or digit');

/** Control characters (C0, DEL, C1): never part of an id; NUL is invalid in D1 text and logs. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's job
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether `s` holds a lone surrogate: not well-formed Unicode, so UTF-8 (D1 text, a pack's `utf8`
 * sections) cannot carry it and an encoder silently turns it into U+FFFD.
 */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

/**
 * A text id sent by clients (item, user, visitor, sharer, event ids): 1–`max` characters, well-formed
 * UTF-16 (no lone surrogate, which cannot be stored as UTF-8) and no control characters.
 *
 * @example Identifier(128).parse('sku-42')
 */
export function Identifier(max = 128, min = 1) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !hasLoneSurrogate(s), 'holds a lone surrogate (not valid Unicode text)')
    .refine((s) => !CONTROL.test(s), 'holds a control character');
}

/**
 * Free text that ends up in URLs and headers (a mini-program `query`): at most `max` characters,
 * well-formed Unicode, no control characters (a newline in a Location header is a 500 or worse).
 */
export function SafeText(max: number) {
  return z
    .string()
    .max(max)
    .refine((s) => !hasLoneSurrogate(s), 'holds a lone surrogate (not valid Unicode text)')
    .refine((s) => !CONTROL.test(s), 'holds a control character');
}
