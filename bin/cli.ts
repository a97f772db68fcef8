// Entry point of the `devnet-kit` binary. `--version` and `--help` are answered before anything is
// loaded (the help text is yargs's own, captured at build time), so they start as fast as node itself;
// a read command runs from its script bundle with V8's code cache (bin/code-cache.ts); everything
// else, and a command line only yargs parses, runs from lazily imported chunks.

import { runScriptBundle } from './code-cache.js';
import { internalErrorReport } from './internal-error.js';
import { cliVersion } from './version.js';

declare const __DEVNET_KIT_HELP__: Record<string, string> | undefined;
/** The read commands' script bundle in dist/scripts/, and its commands (scripts/build.mjs). */
declare const __DEVNET_KIT_SCRIPTS__: { file: string; commands: string[] } | undefined;

async function runChunks(args: string[]): Promise<void> {
  // Node ≥ 22.1 keeps the compiled chunks on disk between runs (a no-op where it is missing).
  // Imported here, not at the top: `--version` loads nothing it does not use.
  const nodeModule = (await import('node:module')) as { enableCompileCache?: () => unknown };
  nodeModule.enableCompileCache?.();
  const { runCli } = await import('./main.js');
  await runCli(args);
}

/** Everything but `--version` and a prebuilt `--help`. A function: dist/cli.js is CommonJS (no top-level await). */
async function run(args: string[]): Promise<void> {
  try {
    // The command word as bin/fast.ts finds it: the first argument that is no flag or flag value.
    const name = args.find(
      (a, i) => !a.startsWith('-') && args[i - 1] !== '--config' && args[i - 1] !== '--owner',
    );
    const scripted =
      typeof __DEVNET_KIT_SCRIPTS__ === 'object' &&
      name !== undefined &&
      __DEVNET_KIT_SCRIPTS__.commands.includes(name);
    const ran = scripted && (await runScriptBundle(__DEVNET_KIT_SCRIPTS__.file, name, args));
    if (!ran) await runChunks(args);
  } catch (error) {
    // Only what escapes the command lands here (a broken install, a chunk that fails to load): one line.
    const { line, detail } = internalErrorReport(error, args.includes('--verbose'));
    process.stderr.write(detail ? `${line}\n${detail}\n` : `${line}\n`);
    process.exitCode = 1;
  }
}

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
  void run(args);
}
