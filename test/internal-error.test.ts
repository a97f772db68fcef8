// An internal error is a bug: one line that says so and how to report it, the stack only with --verbose,
// exit 1. Through the bundle for what escapes the command runner (a chunk that does not load), and in
// process for the runner's own handler: no input from outside makes the bundle throw a non-DevnetKit
// error any more (that is the point), so the fault is injected there as an environment that throws.

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { main } from '../bin/main.js';
import { assertBuilt, runCli } from './support/reliability.js';

const REPORT =
  /^devnet-kit: internal error: (.+) \(a bug in devnet-kit \d+\.\d+\.\d+: please report it with the output of the same command with --verbose\)$/;
const STACK_LINE = /^\s+at /m;

describe('internal errors', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'devnet-kit-broken-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('a bundle whose command chunk is missing: one line with how to report it, the stack with --verbose', async () => {
    const dist = new URL('../dist/', `file://${assertBuilt()}`).pathname;
    cpSync(dist, join(tmp, 'dist'), { recursive: true });
    rmSync(join(tmp, 'dist', 'chunks', 'main.mjs'));
    // The read commands run from their script (bin/code-cache.ts): gone too.
    rmSync(join(tmp, 'dist', 'scripts'), { recursive: true });
    const cli = join(tmp, 'dist', 'cli.js');
    const env = { PATH: process.env.PATH };

    const version = await runCli(['--version'], { env, cwd: tmp, cli });
    assert.equal(version.code, 0, '--version needs nothing but cli.js');

    // ls from the read commands' script, gc from the chunks.
    for (const command of ['ls', 'gc']) {
      const r = await runCli([command], { env, cwd: tmp, cli });
      assert.equal(r.code, 1, command);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, REPORT);
      assert.match(lines[0]!, /Cannot find module/);
    }

    const verbose = await runCli(['--verbose', 'ls'], { env, cwd: tmp, cli });
    assert.equal(verbose.code, 1);
    assert.match(verbose.stderr, /please report it with the stack below\)\n/);
    assert.match(verbose.stderr, STACK_LINE);
  });

  it("the command runner's handler: one line, JSON error document, the stack with --verbose", async () => {
    const throwing = new Proxy({} as NodeJS.ProcessEnv, {
      get(_t, key) {
        if (typeof key === 'string' && key.startsWith('DEVNET_KIT')) throw new TypeError('env exploded');
        return undefined;
      },
    });
    const run = async (args: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await main(args, {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        env: throwing,
        cwd: tmp,
        isTTY: false,
      });
      return { code, stdout, stderr };
    };

    const plain = await run(['--owner', 'alice', 'ls']);
    assert.equal(plain.code, 1);
    assert.deepEqual(plain.stderr.trimEnd().split('\n').length, 1, plain.stderr);
    assert.equal(REPORT.exec(plain.stderr.trimEnd())?.[1], 'env exploded');

    const json = await run(['--json', '--owner', 'alice', 'ls']);
    assert.equal(json.code, 1);
    assert.deepEqual(JSON.parse(json.stdout), {
      error: { code: 'INTERNAL', message: 'env exploded', exitCode: 1 },
    });
    assert.doesNotMatch(json.stderr, STACK_LINE);

    const verbose = await run(['--verbose', '--owner', 'alice', 'ls']);
    assert.equal(verbose.code, 1);
    assert.match(
      verbose.stderr,
      /^devnet-kit: internal error: env exploded \(.*the stack below\)\nTypeError: env exploded\n\s+at /,
    );
  });
});
