// Which Kurtosis failure this is, from its root cause or whole stderr (reference/kurtosis-cli.md §3),
// so callers can branch: map `cluster-never-set` to `docker`, tell the user to `engine restart`, etc.
// The one place that reads Kurtosis's error texts: callers ask `kurtosisFailure(error)`.

import { CommandFailedError } from '../errors.js';

export type KurtosisErrorKind =
  | 'enclave-not-found'
  | 'enclave-exists'
  | 'enclave-not-running'
  | 'engine-unreachable'
  | 'engine-not-responding'
  | 'version-mismatch'
  | 'cli-newer-than-engine'
  | 'cluster-never-set'
  | 'cluster-not-defined'
  | 'port-not-found'
  | 'unknown';

// Order matters: the version guard's ERRO line precedes other text in the same stderr.
const PATTERNS: [KurtosisErrorKind, RegExp][] = [
  [
    'version-mismatch',
    /An API version mismatch was detected|The engine server API version that the CLI expects/,
  ],
  [
    'cli-newer-than-engine',
    /The current version of the CLI '[^']*' is greater than the version of the running engine/,
  ],
  ['engine-not-responding', /found a running engine container whose server isn't responding/],
  ['engine-unreachable', /The Kurtosis Engine Server is unavailable/],
  // `cluster get` before any `cluster set`: every other command silently uses `docker`.
  ['cluster-never-set', /cluster-setting: no such file or directory/],
  [
    'cluster-not-defined',
    /Expected to find Kurtosis configuration for cluster '[^']*', instead found nothing|Cluster '[^']*' isn't defined in the Kurtosis config file/,
  ],
  ['enclave-not-running', /Enclave containers status was '[^']*', but we can't create an enclave context/],
  ['enclave-not-found', /No enclave found (?:with|for) identifier/],
  // `Cannot create enclave '<name>' because …`: kurtosis-tech/kurtosis enclave_manager/enclave_creator.go.
  ['enclave-exists', /because an enclave with that name already exists/],
  ['port-not-found', /Port Identifier: '[^']*' is not found for service/],
];

export function classifyKurtosisError(text: string | undefined): KurtosisErrorKind {
  if (!text) return 'unknown';
  for (const [kind, re] of PATTERNS) if (re.test(text)) return kind;
  return 'unknown';
}

/** The kind of a failed Kurtosis call (a CommandFailedError); anything else is `unknown`. */
export function kurtosisFailure(error: unknown): KurtosisErrorKind {
  if (!(error instanceof CommandFailedError)) return 'unknown';
  return classifyKurtosisError(`${error.rootCause ?? ''}\n${error.stderr}`);
}

/** Kurtosis said the enclave does not exist (by name, UUID or short UUID; one id or several). */
export function isEnclaveNotFound(error: unknown): boolean {
  return kurtosisFailure(error) === 'enclave-not-found';
}
