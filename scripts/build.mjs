// Builds dist/ on `npm install` (prepare) and `npm pack`: the library as one ESM file with its
// dependencies external, the CLI bundled with code splitting so `--version`/`--help` load only what
// they need, and the library's declarations.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const common = {
  platform: 'node',
  target: 'node20',
  format: 'esm',
  bundle: true,
  logLevel: 'warning',
  define: { __DEVNET_KIT_VERSION__: JSON.stringify(pkg.version) },
};

rmSync('dist', { recursive: true, force: true });
await build({ ...common, entryPoints: ['lib/index.ts'], outfile: 'dist/index.js', packages: 'external' });
await build({
  ...common,
  entryPoints: { cli: 'bin/cli.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS pieces of dependencies may call require(); give the ESM bundle one.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});
