// Secrets never leave the process in anything we print or throw: URL credentials (docker_cache with
// user:password@), bearer tokens, kubeconfig tokens/keys and `--token=` style flags.

const PATTERNS: [RegExp, string][] = [
  [/([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1***@'],
  [/(^|[\s"'=])([^/\s:@"'=]+):([^/\s@"']+)@(?=[a-z0-9.-]+[.:/])/gi, '$1***@'],
  // ethereum-package's `client-image` label spells `user:pass@host/repo:tag` as `user_pass@host-repo_tag`.
  [/(image["']?\s*[:=]\s*["']?)[^"'\s@/]*[:_][^"'\s@/]*@/gi, '$1***@'],
  [/(bearer\s+)[a-z0-9._~+/=-]+/gi, '$1***'],
  [
    /((?:--)?(?:token|password|passwd|secret|client-key-data|client-certificate-data)[=:]\s*)("?)[^\s"']+\2/gi,
    '$1$2***$2',
  ],
  [/("?(?:token|password|client-key-data|client-certificate-data|auth)"?\s*:\s*)"[^"]+"/gi, '$1"***"'],
];

export function redact(text: string): string {
  let out = text;
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}
