// Entry point of the `devnet-kit` binary. `--version` and `--help` are answered before anything is
// loaded (the help text is yargs's own, captured at build time), so they start as fast as node itself;
// everything else is in lazily imported chunks.

import { internalErrorReport } from './internal-error.js';
import { cliVersion } from './version.js';

declare const __DEVNET_KIT_HELP__: Record<string, string> | undefined;

const args = process.argv.slice(2);
const width = Math.min(110, process.stdout.columns || 100);
const help =
  typeof __DEVNET_KIT_HELP__ === 'object' && args.length === 1 && (args[0] === '--help' || args[0] === '-h')
    ? __DEVNET_KIT_HELP__[width]
    : undefined;
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(`${cliVersion()}\n`);
} else if (help !== undefined) {
  process.stdout.write(help);
} else {
  try {
    // Node ≥ 22.1 keeps the compiled chunks on disk between runs (a no-op where it is missing).
    // Imported here, not at the top: `--version` loads nothing it does not use.
    const nodeModule = (await import('node:module')) as { enableCompileCache?: () => unknown };
    nodeModule.enableCompileCache?.();
    const { runCli } = await import('./main.js');
    await runCli(args);
  } catch (error) {
    // Only what escapes runCli lands here (a broken install, a chunk that fails to load): still one line.
    const { line, detail } = internalErrorReport(error, args.includes('--verbose'));
    process.stderr.write(detail ? `${line}\n${detail}\n` : `${line}\n`);
    process.exitCode = 1;
  }
}
