// Kubernetes manifests as YAML for the dry-run plan. A module of ours that imports `yaml` statically,
// loaded lazily by the command: in the split bundle a dynamic import of 'yaml' (a CommonJS package
// under Node) yields a namespace with only `default`, so the named import must be static.

import { stringify } from 'yaml';

/** The objects as one `kind: List` YAML document, without a trailing newline. */
export function manifestList(items: readonly unknown[]): string {
  return stringify({ apiVersion: 'v1', kind: 'List', items }).trimEnd();
}
