declare const __DEVNET_KIT_VERSION__: string | undefined;

/**
 * Inlined by the build; read from package.json when running from source (tests, tsx). node:fs is taken
 * when needed, not imported: dist/cli.js carries this module, and an ES module's import of a built-in
 * builds all its exports (node:fs's load its streams), a cost `--version` and every command paid.
 */
export function cliVersion(): string {
  if (typeof __DEVNET_KIT_VERSION__ === 'string') return __DEVNET_KIT_VERSION__;
  const pkg = JSON.parse(
    process.getBuiltinModule('node:fs').readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as {
    version: string;
  };
  return pkg.version;
}
