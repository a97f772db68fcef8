import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS } from '../bin/commands/index.js';
import { MINIMAL } from './support/args-fixtures.js';
import { useHarness } from './support/harness.js';
import { runCli } from './support/reliability.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('the CLI', () => {
  const h = useHarness('docker');

  it('prints help and exits 0', async () => {
    const r = await h.cli(['--help']);
    assert.equal(r.code, 0);
    // Every command of the CLI's table, and yargs's completion.
    for (const cmd of [...COMMANDS.map((c) => c.name), 'completion']) {
      assert.match(r.stdout, new RegExp(`^  devnet-kit ${cmd}\\b`, 'm'));
    }
  });

  it('exits 2 on unknown commands and flags, spawning nothing', async () => {
    for (const args of [['bogus'], ['ls', '--bogus'], ['up', '--wait', 'forever'], []]) {
      const r = await h.cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^devnet-kit: /);
    }
    assert.deepEqual(h.kurtosisCalls(), []);
  });

  it('runs the whole lifecycle with --json: one document on stdout each time', async () => {
    const upped = await h.cli(['--json', '--owner', 'alice', 'up', 'cli-net', '-f', MINIMAL]);
    assert.equal(upped.code, 0, upped.stderr);
    const devnet = JSON.parse(upped.stdout);
    assert.equal(devnet.name, 'cli-net');
    assert.ok(devnet.endpoints.some((e: { port: string }) => e.port === 'rpc'));

    const ls = await h.cli(['--json', '--owner', 'alice', 'ls']);
    assert.equal(ls.code, 0);
    const enclaves = JSON.parse(ls.stdout);
    assert.deepEqual(Object.keys(enclaves[0]).sort(), [
      'createdAt',
      'isDefault',
      'name',
      'owner',
      'status',
      'uuid',
    ]);
    assert.equal(enclaves[0].name, 'cli-net');

    const inspect = await h.cli(['--json', '--owner', 'alice', 'inspect', 'cli-net']);
    assert.equal(JSON.parse(inspect.stdout).services.length, 4);

    const services = await h.cli(['--json', '--owner', 'alice', 'services', 'cli-net']);
    const el = JSON.parse(services.stdout).find((s: { name: string }) => s.name === 'el-1-geth-lighthouse');
    assert.deepEqual(Object.keys(el.ports[0]).sort(), [
      'endpoint',
      'name',
      'number',
      'publicUrl',
      'transport',
    ]);

    const env = await h.cli(['--owner', 'alice', 'endpoints', '--format', 'env']);
    assert.equal(env.code, 0, env.stderr);
    assert.match(env.stdout, /^EL_1_GETH_LIGHTHOUSE_RPC=http:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(env.stdout, /^CL_1_LIGHTHOUSE_GETH_HTTP=http:\/\/127\.0\.0\.1:\d+$/m);

    const text = await h.cli(['--owner', 'alice', 'services', 'cli-net']);
    assert.match(text.stdout, /^execution\n/m);
    assert.match(text.stdout, /^consensus\n/m);

    const gone = await h.cli(['--json', '--owner', 'alice', 'down', 'cli-net']);
    assert.equal(gone.code, 0, gone.stderr);
    assert.deepEqual(JSON.parse(gone.stdout), { removed: ['cli-net'] });
  });

  it('says clearly when a devnet does not exist (exit 2)', async () => {
    const r = await h.cli(['--owner', 'alice', 'down', 'nope']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no devnet named 'nope'/);
    assert.ok(!h.kurtosisCalls().some((a) => a[1] === 'rm' && a.includes('nope')));
  });

  it('prints a dry-run plan with neither kurtosis nor kubectl on PATH', async () => {
    const r = await h.cli(['--owner', 'alice', 'up', 'planned', '-f', MINIMAL, '--dry-run'], {
      env: { PATH: '/nonexistent', DEVNET_KIT_KURTOSIS: '', DEVNET_KIT_KUBECTL: '' },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /kurtosis run --enclave planned github\.com\/ethpandaops\/ethereum-package@6\.1\.0 --args-file <tmp>\/args\.yaml --show-enclave-inspect=false/,
    );
    assert.match(r.stdout, /el-1-geth-lighthouse/);
    assert.match(r.stdout, /preset: minimal/);
  });

  it('reports a failing tool with its argv, exit code and root cause, not a stack trace', async () => {
    h.fake.setFault('starlark-exec', true);
    try {
      const r = await h.cli(['--owner', 'alice', 'up', 'will-fail', '-f', MINIMAL]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /devnet-kit: ethereum-package failed while executing Starlark/);
      assert.doesNotMatch(r.stderr, /\n\s+at .*\.ts:\d+/);
    } finally {
      h.fake.setFault('starlark-exec', false);
    }
  });

  it('writes GitHub outputs and a step summary when GITHUB_ACTIONS=true', async () => {
    const output = join(h.cwd, 'gh-output');
    const summary = join(h.cwd, 'gh-summary');
    writeFileSync(output, '');
    writeFileSync(summary, '');
    const r = await h.cli(['--owner', 'alice', 'up', '-f', MINIMAL], {
      env: {
        GITHUB_ACTIONS: 'true',
        GITHUB_RUN_ID: '4242',
        GITHUB_RUN_ATTEMPT: '2',
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^::group::/m);
    assert.match(r.stderr, /^::endgroup::/m);
    const { readFileSync } = await import('node:fs');
    const out = readFileSync(output, 'utf8');
    assert.match(out, /^name=gh-4242-2$/m);
    assert.match(out, /^EL_1_GETH_LIGHTHOUSE_RPC=http:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(out, /^endpoints=\[/m);
    const md = readFileSync(summary, 'utf8');
    assert.match(md, /^### Devnet `gh-4242-2`$/m);
    assert.match(md, /^\| el-1-geth-lighthouse \| rpc \| http:\/\/127\.0\.0\.1:\d+ \|$/m);
    await h.cli(['--owner', 'alice', 'down', 'gh-4242-2']);
  });

  it('answers --version from the bundle alone with the package version', async () => {
    const r = await runCli(['--version'], { env: h.env, cwd: h.cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${pkg.version}\n`);
  });
});
