// Entry point of the `devnet-kit` binary. `--version` is answered before anything is loaded so the
// CLI starts as fast as node itself; everything else is in a lazily imported chunk.

import { internalErrorReport } from './internal-error.js';
import { cliVersion } from './version.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(`${cliVersion()}\n`);
} else {
  try {
    const { runCli } = await import('./main.js');
    await runCli(args);
  } catch (error) {
    // Only what escapes runCli lands here (a broken install, a chunk that fails to load): still one line.
    const { line, detail } = internalErrorReport(error, args.includes('--verbose'));
    process.stderr.write(detail ? `${line}\n${detail}\n` : `${line}\n`);
    process.exitCode = 1;
  }
}
