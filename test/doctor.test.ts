import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { up } from '../lib/index.js';
import { MINIMAL } from './support/args-fixtures.js';
import { createHarness } from './support/harness.js';

const CLI = new URL('../dist/cli.js', import.meta.url).pathname;

describe('doctor', () => {
  it('reports every check ok on a healthy Docker setup, and exits 0', async () => {
    await using h = await createHarness('docker');
    const r = await h.cli(['--json', 'doctor']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      checks: { name: string; status: string; detail: string }[];
    };
    assert.equal(report.ok, true);
    const status = Object.fromEntries(report.checks.map((c) => [c.name, c.status]));
    assert.equal(status.kurtosis, 'ok');
    assert.equal(status.kubectl, 'ok');
    assert.equal(status.cluster, 'ok');
    assert.equal(status['kubernetes API'], 'skip');
    const text = await h.cli(['doctor']);
    assert.match(text.stdout, /✓ kurtosis: CLI 1\.20\.0/);
    // The pinned default package and its schema (README: Args files and package versions).
    assert.match(
      text.stdout,
      /✓ package: github\.com\/ethpandaops\/ethereum-package@6\.1\.0: args checked against ethereum-package 6\.1\.0 \(6\.1\.0\), strict \(release 6\.1\.0 is known\)/,
    );
    const unpinned = await h.cli(['doctor'], {
      env: { DEVNET_KIT_PACKAGE: 'github.com/ethpandaops/ethereum-package' },
    });
    assert.match(
      unpinned.stdout,
      /✓ package: github\.com\/ethpandaops\/ethereum-package: args checked against ethereum-package main \(0350d2e\), lenient \(no ref \(follows main\)\)/,
    );
  });

  it('fails the engine check on a version mismatch and says to restart it', async () => {
    await using h = await createHarness('docker', { faults: ['version-mismatch'] });
    await h.fake.exec(['engine', 'start']);
    const r = await h.cli(['doctor']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /✗ engine: running 1\.19\.0, CLI is 1\.20\.0/);
    assert.match(r.stdout, /fix: run `kurtosis engine restart`/);
  });

  it('says how to install a missing kurtosis', async () => {
    await using h = await createHarness('docker');
    const r = await h.cli(['doctor'], { env: { DEVNET_KIT_KURTOSIS: '/nonexistent/kurtosis' } });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /✗ kurtosis: kurtosis not found/);
    assert.match(r.stdout, /fix: install the Kurtosis CLI/);
  });

  it('checks the kube context and that the API server answers', async () => {
    await using h = await createHarness('kubernetes');
    const ok = await h.cli(['doctor'], {
      env: { DEVNET_KIT_CLUSTER: 'kubernetes', DEVNET_KIT_KUBE_CONTEXT: 'fake' },
    });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /✓ kube context: 'fake'/);
    assert.match(ok.stdout, /✓ kubernetes API: answers, v1\.\d+/);
    const down = await h.cli(['doctor'], {
      env: { DEVNET_KIT_CLUSTER: 'kubernetes', DEVNET_KIT_KUBE_CONTEXT: 'down' },
    });
    assert.equal(down.code, 1);
    assert.match(down.stdout, /✗ kubernetes API: .*127\.0\.0\.1:9/);
    const missing = await h.cli(['doctor'], {
      env: { DEVNET_KIT_CLUSTER: 'kubernetes', DEVNET_KIT_KUBE_CONTEXT: 'prod' },
    });
    assert.match(missing.stdout, /✗ kube context: 'prod' is not in the kubeconfig \(have: down, fake\)/);
  });
});

describe('completion', () => {
  it('completes devnet names for commands that take one', async () => {
    await using h = await createHarness('docker');
    await up({ ...h.options({ owner: 'alice' }), name: 'complete-me', argsFile: MINIMAL });
    // The shell runs the built binary (npm test builds before it tests), so does this test.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [CLI, '--get-yargs-completions', 'inspect', 'comp'],
      { env: { ...h.env, DEVNET_KIT_OWNER: 'alice' }, cwd: h.cwd },
    );
    assert.deepEqual(stdout.trim().split('\n'), ['complete-me']);
    const script = await h.cli(['completion']);
    assert.match(script.stdout, /devnet-kit --get-yargs-completions/);
  });
});
