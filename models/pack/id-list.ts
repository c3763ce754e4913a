/**
 * The one encoding of an id list in a pack body, shared by the `user_ids` and `item_ids` sections
 * (models/FORMAT.md): UTF-8 text, the ids joined by `\n`, no trailing newline. It is unambiguous
 * because the writer refuses an id that is empty, contains `\n` or holds a lone surrogate (which
 * UTF-8 cannot carry); every other character, including `\r`, tabs and U+FEFF, is kept as is.
 */
export const ID_SEPARATOR = '\n';

/** The bytes of an id list section (the writer has already checked the ids, see `ID_SEPARATOR`). */
export function encodeIdList(ids: readonly string[]): Uint8Array {
  return new TextEncoder().encode(ids.join(ID_SEPARATOR));
}

/**
 * The ids of an id list section, or `undefined` when the bytes are not valid UTF-8. A leading
 * U+FEFF is kept (`ignoreBOM: true`): it belongs to the first id, it is not a byte-order mark.
 * Empty bytes are an empty list. Counting and uniqueness are the reader's to check.
 */
export function decodeIdList(bytes: Uint8Array): string[] | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
  return text === '' ? [] : text.split(ID_SEPARATOR);
}
