// The read commands' script bundle (scripts/build.mjs) runs through V8's code cache (bin/code-cache.ts,
// issue #16): a cache per command is written after its first run and read by the next, a cache V8
// rejects is replaced, NODE_DISABLE_COMPILE_CACHE turns it off, a home where nothing can be written
// changes nothing, and a command line the fast parser leaves to yargs still gets yargs's answer.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { up } from '../lib/index.js';
import { ONE_PAIR, writeArgsFile } from './support/args-fixtures.js';
import { useHarness } from './support/harness.js';
import { assertBuilt, spawnCli } from './support/reliability.js';

const SCRIPTS = new URL('../dist/scripts/', import.meta.url).pathname;
const READ_COMMANDS = ['ls', 'inspect', 'services', 'endpoints', 'logs', 'use', 'status'];

describe('read commands from their script bundle with a code cache', () => {
  const h = useHarness('docker');
  const homes: string[] = [];
  let cacheHome: string;
  const newCacheHome = () => {
    cacheHome = mkdtempSync(join(tmpdir(), 'devnet-kit-code-cache-'));
    homes.push(cacheHome);
  };
  const cacheFiles = () => {
    const root = join(cacheHome, 'devnet-kit', 'code-cache', `${process.version}-${process.arch}`);
    try {
      return readdirSync(root).map((f) => join(root, f));
    } catch {
      return [];
    }
  };
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    h.cli(['--owner', 'alice', ...args], { env: { ...h.env, XDG_CACHE_HOME: cacheHome, ...env } });

  before(async () => {
    assertBuilt();
    await up({ ...h.options(), name: 'cached', argsFile: writeArgsFile(h.cwd, 'args.yaml', ONE_PAIR) });
  });
  after(() => {
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  });

  it('builds one script for the read commands, named by its content', () => {
    const scripts = readdirSync(SCRIPTS).filter((f) => /^reads-[0-9a-f]{10}\.cjs$/.test(f));
    assert.equal(scripts.length, 1, readdirSync(SCRIPTS).join(', '));
    const text = readFileSync(join(SCRIPTS, scripts[0]!), 'utf8');
    for (const command of READ_COMMANDS) assert.match(text, new RegExp(`"${command}": \\w+Command`), command);
    assert.doesNotMatch(text, /node_modules\/yargs\//, 'no yargs in the script');
    // bin/code-cache.ts reads it as latin1.
    assert.doesNotMatch(text, /[^\x00-\x7f]/, 'ASCII only');
  });

  it('writes a cache per command after its first run and answers the same from it', async () => {
    newCacheHome();
    const first = await cli(['ls', '--json']);
    assert.equal(first.code, 0, first.stderr);
    const files = cacheFiles();
    assert.equal(files.length, 1, 'one cache file, for ls');
    assert.match(files[0]!, /\/reads-[0-9a-f]+\.ls\.bin$/);
    assert.ok(statSync(files[0]!).size > 10_000, 'the cache holds the compiled command, not a stub');
    const written = statSync(files[0]!).mtimeMs;
    const second = await cli(['ls', '--json']);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(JSON.parse(second.stdout), JSON.parse(first.stdout));
    assert.equal(statSync(files[0]!).mtimeMs, written, 'an accepted cache is not rewritten');
    const services = await cli(['services', 'cached', '--json']);
    assert.equal(services.code, 0, services.stderr);
    assert.deepEqual(
      cacheFiles()
        .map((f) => f.replace(/.*\.(\w+)\.bin$/, '$1'))
        .sort(),
      ['ls', 'services'],
    );
  });

  it("removes another build's caches when it writes its own, and keeps other Nodes'", async () => {
    newCacheHome();
    const root = join(cacheHome, 'devnet-kit', 'code-cache');
    const here = join(root, `${process.version}-${process.arch}`);
    const otherNode = join(root, 'v0.0.0-x64');
    for (const dir of [here, otherNode]) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'reads-0123456789.ls.bin'), 'an older build');
    }
    const run = await cli(['ls', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      readdirSync(here).map((f) => f.replace(/-[0-9a-f]{10}\./, '-<hash>.')),
      ['reads-<hash>.ls.bin'],
    );
    assert.ok(!readdirSync(here).includes('reads-0123456789.ls.bin'), 'the old build is gone');
    assert.deepEqual(readdirSync(otherNode), ['reads-0123456789.ls.bin']);
  });

  it('replaces a cache V8 rejects, and still runs the command', async () => {
    const file = cacheFiles().find((f) => f.endsWith('.ls.bin'));
    assert.ok(file, 'the previous test left a cache');
    writeFileSync(file, Buffer.alloc(64, 7));
    const run = await cli(['ls', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      (JSON.parse(run.stdout) as { name: string }[]).map((e) => e.name),
      ['cached'],
    );
    assert.ok(statSync(file).size > 10_000, 'the rejected cache was replaced');
    assert.notDeepEqual(readFileSync(file).subarray(0, 64), Buffer.alloc(64, 7));
  });

  it('reads and writes no cache with NODE_DISABLE_COMPILE_CACHE', async () => {
    newCacheHome();
    const run = await cli(['services', 'cached', '--json'], { NODE_DISABLE_COMPILE_CACHE: '1' });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(cacheFiles(), []);
  });

  it('runs the command when the cache folder cannot be written', async () => {
    newCacheHome();
    const file = join(cacheHome, 'a-file');
    writeFileSync(file, '');
    // A cache home below a regular file: every mkdir fails.
    cacheHome = join(file, 'below');
    const run = await cli(['ls']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^cached\b/m);
    assert.equal(run.stderr, '');
  });

  it('leaves a line the fast parser does not take to yargs (help of a scripted command)', async () => {
    newCacheHome();
    const run = await cli(['ls', '--help']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /--all-owners/);
    assert.match(run.stdout, /devnet-kit ls/);
    assert.equal(run.stdout.match(/^devnet-kit ls/gm)?.length, 1, 'the help once: the script did nothing');
  });

  it('runs the read commands without execa, which a follow requires from beside the script', async (t) => {
    newCacheHome();
    // NODE_DEBUG=module prints every require(); the script requires ./execa.cjs where it needs execa.
    const requiresExeca = (stderr: string) => /REQUEST \.\/execa\.cjs /.test(stderr);
    for (const args of [
      ['ls'],
      ['inspect', 'cached'],
      ['services', 'cached'],
      ['endpoints', 'cached'],
      ['logs', 'cached', '--tail', '1'],
      ['use', 'cached'],
    ]) {
      const run = await cli(args, { NODE_DEBUG: 'module' });
      assert.equal(run.code, 0, run.stderr);
      assert.ok(!requiresExeca(run.stderr), `${args.join(' ')} required execa`);
    }
    const follow = spawnCli(['--owner', 'alice', 'logs', 'cached', '-f', '--tail', '0'], {
      env: { ...h.env, XDG_CACHE_HOME: cacheHome, NODE_DEBUG: 'module' },
      cwd: h.cwd,
    });
    t.after(() => follow.child.kill('SIGINT'));
    const end = performance.now() + 15_000;
    while (!requiresExeca(follow.stderr()) && performance.now() < end) await sleep(50);
    assert.ok(
      requiresExeca(follow.stderr()),
      `logs -f did not require execa: ${follow.stderr().slice(-2000)}`,
    );
  });
});
