// Builds dist/ on `npm install` (prepare) and `npm pack`: the library as one ESM file with its
// dependencies external, the CLI bundled with code splitting so `--version`/`--help` load only what
// they need (`--version`: dist/cli.js alone), and the library's declarations.
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
// The detached supervisor of a shared `kurtosis gateway` (lib/gateway.ts runs it with node), its own file
// next to the library; the CLI's chunks find it one folder up.
await build({
  ...common,
  entryPoints: ['lib/gateway-supervisor.ts'],
  outfile: 'dist/gateway-supervisor.js',
  packages: 'external',
});
// Everything behind bin/main.ts (yargs, the commands; the library in its own lazily imported chunk),
// split so that --help does not load the library.
await build({
  ...common,
  entryPoints: { main: 'bin/main.ts' },
  outdir: 'dist/chunks',
  splitting: true,
  chunkNames: '[name]-[hash]',
  // Bundled CommonJS pieces of dependencies may call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
// The entry point alone, one small file: `--version` reads nothing else (bench: ≤ 1.3× `node -e 0`).
await build({
  ...common,
  entryPoints: ['bin/cli.ts'],
  outfile: 'dist/cli.js',
  banner: { js: '#!/usr/bin/env node' },
  plugins: [
    {
      name: 'lazy-main',
      setup(b) {
        b.onResolve({ filter: /^\.\/main\.js$/ }, () => ({ path: './chunks/main.js', external: true }));
      },
    },
  ],
});
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});
