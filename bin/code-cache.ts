// The read commands' script bundle run with V8's code cache (issue #16). Node 20 keeps no compiled
// code between runs for ES modules, and compiling the half megabyte a read command needs was the
// largest part of its start-up. The build bundles the read commands into one CommonJS script
// (dist/scripts/, scripts/build.mjs); this runs it through `vm.Script` with the code V8 produced for
// the same command last time, and after the first run (or when V8 rejects the cache: another Node,
// other flags) writes the cache for the next. The same on every Node, so one mechanism is tested.

// Part of dist/cli.js (CommonJS), which `--version` runs too: node:fs, node:path and node:url are
// loaded before any code of ours, so requiring them costs nothing; node:vm is not loaded, and the public
// node:module loads Node's ESM loader, so those two are taken only when a script runs.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type vmTypes from 'node:vm';
import { devnetKitCacheDir } from '../lib/index.js';

type ScriptRun = (command: string, args: string[]) => Promise<boolean>;

/** `code-cache/` in devnet-kit's cache folder. */
export function codeCacheDir(env: NodeJS.ProcessEnv): string {
  return join(devnetKitCacheDir(env), 'code-cache');
}

/**
 * The cache file of a command of a script on this Node (V8 rejects another version's; keeping them
 * apart avoids rewrites). Per command: a cache holds the functions its run compiled.
 */
export function codeCacheFile(env: NodeJS.ProcessEnv, script: string, command: string): string {
  return join(
    codeCacheDir(env),
    `${process.version}-${process.arch}`,
    script.replace(/\.cjs$/, `.${command}.bin`),
  );
}

function save(script: vmTypes.Script, file: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
    // A reader sees the old file or the whole new one.
    renameSync(tmp, file);
    pruneOtherBuilds(file);
  } catch {
    // A read-only or full home: the next run compiles again, nothing else changes.
    try {
      rmSync(tmp, { force: true });
    } catch {
      // not even that folder
    }
  }
}

/**
 * Removes the caches of other builds of the script beside `file` (`reads-<hash>.<command>.bin`): each
 * devnet-kit version names its script by content, and the caches of the old one would stay for good.
 * Other Node versions keep theirs (their own folders): several may be in use.
 */
function pruneOtherBuilds(file: string): void {
  const [name = ''] = file.slice(dirname(file).length + 1).split('.');
  const base = name.replace(/-[0-9a-f]+$/, '');
  for (const other of readdirSync(dirname(file))) {
    const [otherName = ''] = other.split('.');
    if (otherName !== name && otherName.replace(/-[0-9a-f]+$/, '') === base && other.endsWith('.bin')) {
      rmSync(join(dirname(file), other), { force: true });
    }
  }
}

/**
 * Runs `command` of `dist/scripts/<script>` for `args`: true when it ran the command, false when the
 * command line needs yargs (nothing was done then). `NODE_DISABLE_COMPILE_CACHE` set: no cache read or
 * written, as for Node's own compile cache.
 */
export async function runScriptBundle(script: string, command: string, args: string[]): Promise<boolean> {
  const vm = process.getBuiltinModule('node:vm');
  const file = fileURLToPath(new URL(`./scripts/${script}`, import.meta.url));
  let source: string;
  try {
    // ASCII (scripts/build.mjs escapes the rest): read as latin1, a one-byte string without UTF-8 decoding.
    source = readFileSync(file, 'latin1');
  } catch (error) {
    // A broken install reads like one whatever is missing: the words of a module that does not load.
    throw new Error(`Cannot find module '${file}'`, { cause: error });
  }
  const env = process.env;
  const useCache = !env.NODE_DISABLE_COMPILE_CACHE;
  const cacheFile = codeCacheFile(env, script, command);
  let cachedData: Buffer | undefined;
  if (useCache) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // first run on this Node
    }
  }
  // The script is a function expression (CommonJS's wrapper, written at build time).
  // No importModuleDynamically: the scripts hold no import() (their lazy loads are require()s).
  const compiled = new vm.Script(source, { filename: file, cachedData });
  // After the run: the cache then holds every function the command compiled, not only the top level.
  if (useCache && (!cachedData || compiled.cachedDataRejected)) {
    process.once('exit', () => save(compiled, cacheFile));
  }
  const module = { exports: {} as { run?: ScriptRun } };
  const { createRequire } = process.getBuiltinModule('node:module');
  compiled.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  if (typeof module.exports.run !== 'function') throw new Error(`${file} exports no run()`);
  return module.exports.run(command, args);
}
