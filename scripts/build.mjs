// Builds dist/ on `npm install` (prepare) and `npm pack`: the library as one ESM file with its
// dependencies external, the CLI bundled with code splitting so `--version`/`--help` load only what
// they need (`--version`: dist/cli.js alone), and the library's declarations.
//
// dist/cli.js is CommonJS (dist/package.json says so): Node 20 starts an ES module entry through its
// ESM loader, ~15 ms a command spent before any of ours ran (issue #16). Everything else in dist/ is an
// ES module named .mjs; the declarations keep `"type": "module"` (dist/types/package.json).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
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

// bin imports the library through lib/index.ts (its one public surface), but esbuild's code splitting
// works file by file and follows every re-export of an imported file: a command importing one function
// from lib/index.ts would get the whole library in its chunk. In the CLI build only, each
// `import { … } from '…/lib/index.js'` in bin/ is rewritten to import every name from the module
// lib/index.ts re-exports it from, so `ls` loads only what `listEnclaves` needs (issue #16).
const libIndex = fileURLToPath(new URL('../lib/index.ts', import.meta.url));
function libExports() {
  const map = new Map();
  const text = readFileSync(libIndex, 'utf8');
  for (const m of text.matchAll(/^export\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)';/gm)) {
    if (m[1]) continue;
    for (const spec of m[2].split(',')) {
      const parts = spec.trim().split(/\s+as\s+/);
      if (!parts[0] || parts[0].startsWith('type ')) continue;
      map.set(parts[1] ?? parts[0], {
        module: resolvePath(dirname(libIndex), m[3].replace(/\.js$/, '.ts')),
        name: parts[0],
      });
    }
  }
  return map;
}
const directLibImports = {
  name: 'direct-lib-imports',
  setup(b) {
    const exported = libExports();
    b.onLoad({ filter: /\/bin\/.*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const contents = source.replace(
        /^import\s+\{([^}]*)\}\s+from\s+'((?:\.\.\/)+lib\/index\.js)';/gm,
        (_all, names) => {
          const lines = [];
          for (const spec of names.split(',')) {
            const name = spec.trim();
            if (!name || name.startsWith('type ')) continue;
            const [imported, local] = name.split(/\s+as\s+/);
            const target = exported.get(imported);
            if (!target) throw new Error(`${args.path}: lib/index.ts does not export ${imported}`);
            lines.push(
              `import { ${target.name} as ${local ?? imported} } from ${JSON.stringify(target.module)};`,
            );
          }
          return lines.join(' ');
        },
      );
      return { contents, loader: 'ts' };
    });
  },
};

rmSync('dist', { recursive: true, force: true });
// Split too, so what the library loads lazily (the download's undici and tar) stays lazy for its users.
await build({
  ...common,
  entryPoints: ['lib/index.ts'],
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'lib/[name]-[hash]',
  packages: 'external',
});
// The detached supervisor of a shared `kurtosis gateway` (lib/kurtosis/gateway.ts runs it with node), its own file
// next to the library; the CLI's chunks find it one folder up.
await build({
  ...common,
  entryPoints: ['lib/kurtosis/gateway-supervisor.ts'],
  outfile: 'dist/gateway-supervisor.mjs',
  packages: 'external',
});
// Everything behind bin/main.ts (yargs, the commands; the library in its own lazily imported chunk),
// split so that --help does not load the library.
await build({
  ...common,
  entryPoints: { main: 'bin/main.ts' },
  outdir: 'dist/chunks',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: '[name]-[hash]',
  plugins: [directLibImports],
  // Bundled CommonJS pieces of dependencies may call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
// The read commands (and status, whose watch runs for hours) in one CommonJS script with the fast
// parser, the commands and the library code they use, that dist/cli.js runs through V8's code cache
// (bin/code-cache.ts): Node 20 keeps no compiled code between runs for ES modules, and Node 22+'s
// compile cache holds only what is compiled before a module runs (issue #16). One script for all of
// them, with a cache per command: a script per command started no faster and put 4 MB more into the
// package. It holds no yargs: a command line the fast parser leaves to yargs goes to the chunks above.
// CommonJS has no import.meta; what of it runs from dist/ (the script's path for the code cache, the
// gateway supervisor's path) needs only its url. For the CommonJS builds below.
const CJS_IMPORT_META = {
  define: { 'import.meta': '__import_meta' },
  banner: "var __import_meta = { url: require('node:url').pathToFileURL(__filename).href };",
};
const SCRIPT_COMMANDS = ['ls', 'inspect', 'services', 'endpoints', 'logs', 'use', 'status'];
const commandTable = readFileSync('bin/commands/index.ts', 'utf8');
// What the script loads only on some paths, in CommonJS files of their own beside it, required when
// needed: the kurtosis download's dependencies (undici, tar: 1.2 MB) and execa (300 KB, for `logs -f`
// and `status`; a read command's runs do without it, lib/exec/exec.ts). Out of the script, they are
// neither read nor decoded at every start. An import() from a vm.Script needs Node's experimental
// loader hook (a warning on stderr on Node 20), a require() does not.
const BESIDE_SCRIPT = { 'download-deps': 'lib/kurtosis/download-deps.ts', execa: 'lib/exec/execa.ts' };
for (const [name, entry] of Object.entries(BESIDE_SCRIPT)) {
  await build({
    ...common,
    format: 'cjs',
    entryPoints: [entry],
    outfile: `dist/scripts/${name}.cjs`,
    define: { ...common.define, ...CJS_IMPORT_META.define },
    banner: { js: CJS_IMPORT_META.banner },
  });
}
const factories = SCRIPT_COMMANDS.map((name) => {
  const m = new RegExp(
    `name: '${name}', load: async \\(\\) => \\(await import\\('\\./(\\w+)\\.js'\\)\\)\\.(\\w+) }`,
  ).exec(commandTable);
  if (!m) throw new Error(`bin/commands/index.ts has no lazy entry for ${name}`);
  return { name, module: m[1], factory: m[2] };
});
const readsOut = await build({
  ...common,
  format: 'cjs',
  write: false,
  outfile: 'dist/scripts/reads.cjs',
  stdin: {
    contents: [
      "import { runScript } from './run.ts';",
      ...factories.map((f) => `import { ${f.factory} } from './commands/${f.module}.ts';`),
      `const FACTORIES = { ${factories.map((f) => `'${f.name}': ${f.factory}`).join(', ')} };`,
      'export const run = (name, args) => runScript(args, { name, load: async () => FACTORIES[name] });',
    ].join('\n'),
    resolveDir: resolvePath('bin'),
    sourcefile: 'script-reads.ts',
    loader: 'ts',
  },
  plugins: [
    directLibImports,
    {
      name: 'beside-script',
      setup(b) {
        b.onResolve({ filter: new RegExp(`/(${Object.keys(BESIDE_SCRIPT).join('|')})\\.js$`) }, (args) => ({
          path: `./${args.path.split('/').pop().replace(/\.js$/, '.cjs')}`,
          external: true,
        }));
      },
    },
  ],
  // import() of what is beside the script becomes a require() (see above).
  supported: { 'dynamic-import': false },
  define: { ...common.define, ...CJS_IMPORT_META.define },
  banner: { js: CJS_IMPORT_META.banner },
});
// ASCII only, so that bin/code-cache.ts can read it as latin1 (a one-byte string, no UTF-8 decoding of
// a megabyte at every start): esbuild escapes non-ASCII in strings but not in regular expressions and
// comments, where a \u escape means the same character.
// The script is the CommonJS wrapper function itself, as Node would build it for a module: nothing to
// concatenate (a copy of the megabyte) before V8 gets it.
const readsText = Buffer.from(
  `(function (exports, require, module, __filename, __dirname) {${readsOut.outputFiles[0].text}\n})`.replace(
    /[^\x00-\x7f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  ),
  'latin1',
);
// Named by content: a code cache written for another build's script is never offered to this one.
const readsFile = `reads-${createHash('sha256').update(readsText).digest('hex').slice(0, 10)}.cjs`;
writeFileSync(`dist/scripts/${readsFile}`, readsText);
const scripts = { file: readsFile, commands: SCRIPT_COMMANDS };
// `--help` as yargs prints it, at the two widths it can have without a narrow terminal (stdout not a
// terminal: 100 columns; a terminal of 110 or more: 110), for dist/cli.js to print without loading yargs.
const help = {};
for (const columns of [100, 110]) {
  const { main } = await import('../dist/chunks/main.mjs');
  const saved = Object.getOwnPropertyDescriptor(process.stdout, 'columns');
  Object.defineProperty(process.stdout, 'columns', { value: columns, configurable: true });
  let text = '';
  const io = {
    stdout: { write: (s) => (text += s) },
    stderr: { write: (s) => (text += s) },
    env: {},
    cwd: process.cwd(),
    isTTY: false,
  };
  const code = await main(['--help'], io);
  if (saved) Object.defineProperty(process.stdout, 'columns', saved);
  else delete process.stdout.columns;
  if (code !== 0) throw new Error(`devnet-kit --help exited ${code} at build time: ${text}`);
  help[columns] = text;
}
// The entry point alone, one small file: `--version` and `--help` read nothing else (bench: ≤ 1.3×
// `node -e 0`).
await build({
  ...common,
  entryPoints: ['bin/cli.ts'],
  outfile: 'dist/cli.js',
  format: 'cjs',
  banner: { js: `#!/usr/bin/env node\n${CJS_IMPORT_META.banner}` },
  define: {
    ...common.define,
    ...CJS_IMPORT_META.define,
    __DEVNET_KIT_HELP__: JSON.stringify(help),
    __DEVNET_KIT_SCRIPTS__: JSON.stringify(scripts),
  },
  plugins: [
    directLibImports,
    {
      name: 'lazy-main',
      setup(b) {
        b.onResolve({ filter: /^\.\/main\.js$/ }, () => ({ path: './chunks/main.mjs', external: true }));
      },
    },
  ],
});
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});
writeFileSync('dist/package.json', `${JSON.stringify({ type: 'commonjs' })}\n`);
writeFileSync('dist/types/package.json', `${JSON.stringify({ type: 'module' })}\n`);
