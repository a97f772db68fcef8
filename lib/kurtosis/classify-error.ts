// Which Kurtosis failure this is, from its root cause or whole stderr (reference/kurtosis-cli.md §3),
// so callers can branch: map `cluster-never-set` to `docker`, tell the user to `engine restart`, etc.

export type KurtosisErrorKind =
  | 'enclave-not-found'
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
  ['port-not-found', /Port Identifier: '[^']*' is not found for service/],
];

export function classifyKurtosisError(text: string | undefined): KurtosisErrorKind {
  if (!text) return 'unknown';
  for (const [kind, re] of PATTERNS) if (re.test(text)) return kind;
  return 'unknown';
}
