// Reading and writing ethereum-package args files. Integers go through bigint so FAR_FUTURE_EPOCH
// (18446744073709551615) keeps its exact digits; small ones come back as plain numbers.

import { parseDocument, stringify } from 'yaml';
import { firstLine, InvalidInputError } from '../errors.js';
import { documentToJs } from '../input/yaml-file.js';
import { type NetworkArgs, type ValidateOptions, validateArgs } from './args.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function narrowIntegers(value: unknown): unknown {
  if (typeof value === 'bigint') return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value;
  if (Array.isArray(value)) return value.map(narrowIntegers);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, narrowIntegers(v)]));
  }
  return value;
}

/**
 * Parses YAML (or JSON) args text without validating it. Integers beyond 2^53 stay bigint.
 * Syntax errors throw InvalidInputError: `<source>: invalid YAML at line L, column C: <reason>`.
 */
export function parseArgsYaml(text: string, source: string): unknown {
  // merge: `<<` keys work in the Go YAML parser Kurtosis uses, so accept them here too.
  const doc = parseDocument(text, { intAsBigInt: true, merge: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    const reason = firstLine(error).replace(/ at line \d+, column \d+:?$/, '');
    throw new InvalidInputError(source, `${source}: invalid YAML${where}: ${reason}`, { cause: error });
  }
  return narrowIntegers(documentToJs(doc, source));
}

/** Parses and validates an args file (YAML or JSON). See validateArgs for the errors and options. */
export function parseArgsFile(text: string, source: string, opts: ValidateOptions = {}): NetworkArgs {
  return validateArgs(parseArgsYaml(text, source), source, opts);
}

/**
 * Renders args as YAML for `kurtosis run --args-file`. bigint values are written as exact digits.
 * Strings a YAML 1.1 reader would take for something else (`yes`, `on`, `1:20`) are quoted, so
 * any YAML parser reads back the same values.
 */
export function renderArgsFile(args: NetworkArgs, opts: { comment?: string } = {}): string {
  const body = stringify(args, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
  if (!opts.comment) return body;
  const header = opts.comment
    .split('\n')
    .map((line) => (line ? `# ${line}` : '#'))
    .join('\n');
  return `${header}\n${body}`;
}
