// Entry point of the `devnet-kit` binary. `--version` is answered before anything is loaded so the
// CLI starts as fast as node itself; everything else is in a lazily imported chunk.

import { cliVersion } from './version.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(`${cliVersion()}\n`);
} else {
  const { runCli } = await import('./main.js');
  await runCli(args);
}
