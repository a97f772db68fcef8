// Reading a user's YAML file (an args file, devnet-kit.yaml) without letting it exhaust memory: the
// size is checked before reading and YAML aliases are capped, and each refusal is one InvalidInputError
// line (exit 2) naming the file.

import { readFileSync, statSync } from 'node:fs';
import type { Document } from 'yaml';
import { InvalidInputError } from '../errors.js';

/** Far above any real args file (the package's full README example is ~30 KB). */
export const MAX_INPUT_BYTES = 5 * 1024 * 1024;

/** Aliases expanded per document; an args file needs a few `<<: *defaults` at most. */
export const MAX_ALIAS_COUNT = 1000;

/** The text of `path`, or InvalidInputError (`<label>: …`) when it is missing, a directory or too big. */
export function readInputFile(path: string, label: string): string {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new InvalidInputError(label, `${label}: is a directory, not a YAML file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message);
    throw new InvalidInputError(label, `${label}: cannot be read (${why})`);
  }
  if (size > MAX_INPUT_BYTES) {
    throw new InvalidInputError(
      label,
      `${label}: is ${(size / 1024 / 1024).toFixed(1)} MB; files over ${MAX_INPUT_BYTES / 1024 / 1024} MB are refused`,
    );
  }
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInputError(label, `${label}: cannot be read (${code ?? (error as Error).message})`);
  }
}

/**
 * `doc.toJS()` with the alias cap, turning the yaml package's resource-exhaustion error into one
 * InvalidInputError line.
 */
export function documentToJs(doc: Document, label: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw new InvalidInputError(
        label,
        `${label}: YAML aliases expand too far (more than ${MAX_ALIAS_COUNT} alias uses); write the values out`,
        { cause: error },
      );
    }
    throw error;
  }
}
