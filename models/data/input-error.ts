/** A problem with what the user gave the CLI (file, row, option): printed as one line, exit 1. */
export class InputError extends Error {
  override name = 'InputError';
}
