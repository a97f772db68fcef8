// Entry point of the `devnet-kit` binary. `--version` is answered before anything is loaded so the
// CLI starts as fast as node itself; everything else is in a lazily imported chunk.

declare const __DEVNET_KIT_VERSION__: string | undefined;

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(`${typeof __DEVNET_KIT_VERSION__ === 'string' ? __DEVNET_KIT_VERSION__ : 'dev'}\n`);
} else {
  const { runCli } = await import('./main.js');
  await runCli(args);
}
