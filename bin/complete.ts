// Devnet names for shell completion, in a module of its own so that only `completion` loads the code
// that lists devnets.

import { listEnclaves } from '../lib/index.js';
import type { CliIo } from './io.js';

/** Completion candidates; silent on any failure (a broken cluster must not break the shell). */
export async function devnetNames(io: CliIo, argv: { config?: string; owner?: string }): Promise<string[]> {
  const enclaves = await listEnclaves({
    configPath: argv.config,
    owner: argv.owner,
    env: io.env,
    cwd: io.cwd,
    commandTimeoutMs: 5000,
  });
  return enclaves.map((e) => e.name);
}
