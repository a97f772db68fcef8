// The CLI's yargs-free path (bin/fast.ts, issue #16): for a plain command line it must hand the
// command's handler exactly what yargs would, and for anything else step aside so that yargs answers
// (help, usage errors, completion). The prebuilt --help of dist/cli.js is yargs's own text.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { COMMANDS, type CommandEntry } from '../bin/commands/index.js';
import { parseFast } from '../bin/fast.js';
import type { CliIo } from '../bin/io.js';
import { type CommandContext, main } from '../bin/main.js';
import { assertBuilt } from './support/reliability.js';

const DIST_CLI = new URL('../dist/cli.js', import.meta.url).pathname;

/** The real commands (their names, usage and builders) with a handler that only records its argv. */
function recording(): { commands: CommandEntry[]; seen: Record<string, unknown>[] } {
  const seen: Record<string, unknown>[] = [];
  const commands = COMMANDS.map((entry) => ({
    name: entry.name,
    load: async () => {
      const factory = await entry.load();
      return (ctx: () => CommandContext) => ({
        ...factory(ctx),
        handler: async (argv: Record<string, unknown>) => {
          seen.push(argv);
        },
      });
    },
  }));
  return { commands, seen };
}

function io(): CliIo & { out: () => string } {
  let out = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (out += s) },
    env: {},
    cwd: process.cwd(),
    isTTY: false,
    out: () => out,
  };
}

const noContext = () => {
  throw new Error('the context is not used while parsing');
};

const PLAIN: string[][] = [
  ['ls'],
  ['ls', '--all-owners'],
  ['--json', 'ls'],
  ['ls', '--no-color', '--verbose'],
  ['--owner', 'bob', 'ls', '--no-all-owners'],
  ['--config=x.yaml', 'ls'],
  ['inspect', 'dev-1'],
  ['services', 'dev-1', '--json'],
  ['endpoints'],
  ['endpoints', 'dev-1', '--format', 'env'],
  ['endpoints', '--format=github'],
  ['logs', 'dev-1'],
  ['logs', 'dev-1', 'el-1-geth-lighthouse', 'cl-1-lighthouse-geth', '-n', '5'],
  ['logs', 'dev-1', '--tail', '10', '-f', '--timestamps'],
  ['logs', '--since', '10m', 'dev-1'],
  ['logs', 'dev-1', '--tail=-5'],
  ['logs', 'dev-1', '--tail', 'abc'],
  ['use', 'dev-1'],
  ['inspect', 'UPPER_case'],
  ['up', 'dev-1'],
  ['down', 'dev-1'],
  ['down', 'dev-1', 'dev-2', '--no-wait'],
  ['down', '--all'],
  ['down'],
  ['up', '-f', 'args.yaml', '--wait', 'blocks', '--no-ingress', '--dry-run'],
  ['--json', 'up', '--ttl', '4h', '--keep-on-failure', '--dump-on-failure', 'out', '--package=p@1'],
];

/** Lines the fast path must leave to yargs (help, errors, anything it does not reproduce exactly). */
const YARGS: string[][] = [
  ['--help'],
  ['ls', '--help'],
  ['-h'],
  ['--version'],
  ['completion'],
  ['nope'],
  ['ls', '--bogus'],
  ['ls', '--allOwners'],
  ['inspect'],
  ['inspect', 'a', 'b'],
  ['inspect', '123'],
  ['logs', 'dev-1', '-fn', '5'],
  ['logs', 'dev-1', '--tail'],
  ['logs', 'dev-1', '--tail', '-5'],
  ['ls', '--json', '--json'],
  ['ls', '--json=true'],
  ['endpoints', '--format', 'yaml'],
  ['ls', '--', 'x'],
  ['gc', '--bogus'],
];

describe('the fast path', () => {
  it('gives each handler the argv yargs gives it, for plain command lines', async () => {
    for (const args of PLAIN) {
      const fast = await parseFast(args, COMMANDS, noContext);
      assert.ok(fast, `${args.join(' ')}: taken by the fast path`);
      const { commands, seen } = recording();
      const code = await main([...args], io(), { commands, fast: false });
      assert.equal(code, 0, args.join(' '));
      assert.equal(seen.length, 1, `${args.join(' ')}: yargs ran the handler once`);
      assert.deepEqual(fast.argv, seen[0], args.join(' '));
    }
  });

  it('steps aside for help, completion, errors and spellings it does not reproduce', async () => {
    for (const args of YARGS) {
      assert.equal(await parseFast(args, COMMANDS, noContext), undefined, args.join(' '));
    }
  });

  it('reports a usage error exactly as yargs does (the line went to yargs)', async () => {
    for (const args of [['ls', '--bogus'], ['inspect'], ['nope']]) {
      const viaMain = io();
      const viaYargs = io();
      const code = await main(args, viaMain);
      assert.equal(code, await main(args, viaYargs, { fast: false }));
      assert.equal(code, 2);
      assert.equal(viaMain.out(), viaYargs.out());
    }
  });

  it('the built CLI prints the --help yargs prints', () => {
    // A missing or stale bundle fails the test: a skip here would pass without testing what ships.
    assertBuilt();
    const built = execFileSync(process.execPath, [DIST_CLI, '--help'], { encoding: 'utf8', timeout: 30_000 });
    const short = execFileSync(process.execPath, [DIST_CLI, '-h'], { encoding: 'utf8', timeout: 30_000 });
    const out = io();
    return main(['--help'], out, { fast: false }).then((code) => {
      assert.equal(code, 0);
      assert.match(out.out(), /^devnet-kit \[--config F\]/);
      assert.equal(built, out.out());
      assert.equal(short, out.out());
    });
  });
});
