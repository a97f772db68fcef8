// The ethereum-package args files the tests and benchmarks bring devnets up with, in one place: the
// recorded minimal sample, and participants lists for suites that need named services (the service
// names follow from the pairs: el-2-reth-teku, cl-2-teku-reth, …).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** fixtures/ethereum-package/samples/minimal.yaml: one geth + lighthouse pair, the minimal preset. */
export const MINIMAL = new URL('../../fixtures/ethereum-package/samples/minimal.yaml', import.meta.url)
  .pathname;

export type Args = Record<string, unknown>;

/**
 * One participant per [el_type, cl_type] pair. `secondsPerSlot: 1` for suites whose fake chain must
 * move within a test.
 */
export function pairsArgs(
  pairs: readonly (readonly [el: string, cl: string])[],
  opts: { secondsPerSlot?: number } = {},
): Args {
  return {
    participants: pairs.map(([el_type, cl_type]) => ({ el_type, cl_type })),
    ...(opts.secondsPerSlot ? { network_params: { seconds_per_slot: opts.secondsPerSlot } } : {}),
  };
}

/** el-1-geth-lighthouse, cl-1-lighthouse-geth, vc-1-geth-lighthouse. */
export const ONE_PAIR = pairsArgs([['geth', 'lighthouse']]);
export const ONE_PAIR_FAST = pairsArgs([['geth', 'lighthouse']], { secondsPerSlot: 1 });
/** ONE_PAIR_FAST plus el-2-reth-teku and cl-2-teku-reth (teku runs its validators in the beacon node). */
export const TWO_PAIRS = pairsArgs(
  [
    ['geth', 'lighthouse'],
    ['reth', 'teku'],
  ],
  { secondsPerSlot: 1 },
);

export const argsYaml = (args: Args): string => stringify(args);

/** Writes `args` as YAML to `dir/name`; returns the path. */
export function writeArgsFile(dir: string, name: string, args: Args): string {
  const path = join(dir, name);
  writeFileSync(path, argsYaml(args));
  return path;
}
