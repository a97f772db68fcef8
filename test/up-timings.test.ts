// Where `up`'s time went: the Devnet's phase timings, the final message and `--json`, and the elapsed
// time on the live line of a terminal.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createUi } from '../bin/io.js';
import { progressPrinter } from '../bin/shared.js';
import { formatElapsed, up } from '../lib/index.js';
import { ONE_PAIR, writeArgsFile } from './support/args-fixtures.js';
import { useHarness } from './support/harness.js';

describe('up phase timings (Docker fakes)', () => {
  const h = useHarness('docker', { runDelayMs: 30 });
  let argsFile: string;

  before(async () => {
    argsFile = writeArgsFile(h.cwd, 'one.yaml', ONE_PAIR);
  });

  it('the Devnet carries the time of each phase that ran and the total', async () => {
    const net = await up({ ...h.options(), name: 'timed', argsFile });
    const { totalMs, phases } = net.timings;
    assert.deepEqual(Object.keys(phases), ['cluster', 'enclave', 'run', 'discover']);
    for (const ms of Object.values(phases)) assert.ok(Number.isInteger(ms) && ms >= 0);
    // The fake sleeps 30 ms before each of the run's instructions: the run is where the time went.
    assert.ok(phases.run! >= 30, JSON.stringify(phases));
    const sum = Object.values(phases).reduce((a, b) => a + b, 0);
    // The phases follow each other with no gap: they add up to the total, give or take rounding.
    const count = Object.keys(phases).length;
    assert.ok(Math.abs(totalMs - sum) <= count, `total ${totalMs} vs phases ${sum}`);
    assert.deepEqual(JSON.parse(JSON.stringify(net)).timings, net.timings);
  });

  it('the CLI says how long up took per phase, and --json carries the timings', async () => {
    const text = await h.cli(['--owner', 'alice', 'up', 'timed2', '-f', argsFile]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stderr,
      /^✓ devnet timed2 is up in \d+\.\ds \(cluster \d+\.\ds, enclave \d+\.\ds, run \d+\.\ds, discover \d+\.\ds\)$/m,
    );
    const json = await h.cli(['--owner', 'alice', '--json', 'up', 'timed3', '-f', argsFile]);
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout) as { timings: { totalMs: number; phases: Record<string, number> } };
    assert.equal(typeof doc.timings.totalMs, 'number');
    assert.deepEqual(Object.keys(doc.timings.phases), ['cluster', 'enclave', 'run', 'discover']);
  });

  it('formats elapsed times to a tenth below 10 s and as 2m41s above', () => {
    assert.equal(formatElapsed(420), '0.4s');
    assert.equal(formatElapsed(9_840), '9.8s');
    assert.equal(formatElapsed(41_200), '41s');
    assert.equal(formatElapsed(161_000), '2m41s');
  });
});

describe('the live line on a terminal', () => {
  it('leads with the time elapsed since the command started', () => {
    let err = '';
    const ui = createUi(
      {
        stdout: { write: () => true },
        stderr: { write: (s: string) => (err += s) },
        env: {},
        cwd: '/',
        isTTY: true,
      },
      { json: false, color: false, verbose: false },
    );
    const print = progressPrinter(ui, true);
    print({ type: 'instruction', index: 3, text: 'add_service(name="el-1-geth-lighthouse")' });
    assert.equal(err, '  0s [3] add_service(name="el-1-geth-lighthouse")');
  });
});
