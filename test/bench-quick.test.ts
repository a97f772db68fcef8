// The benchmark as a regression guard (issue #8): `bench/run.ts --quick --json` runs against the fakes
// and its table has the expected shape; above all, the number of kurtosis/kubectl processes a command
// spawns does not grow with the number of devnets or services, and the CLI spawns what the library does.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BenchResult } from '../bench/run.js';
import { hasKubectl } from './support/kube-env.js';

const root = new URL('..', import.meta.url).pathname;
const COMMANDS = ['ls', 'inspect', 'services', 'endpoints', 'up', 'down'];

function runBench(outDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--quick', '--json', '--out', outDir],
      { cwd: root, timeout: 390_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        resolve({ code: error ? (typeof code === 'number' ? code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('the quick benchmark', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'devnet-kit-bench-'));
  after(() => rmSync(outDir, { recursive: true, force: true }));

  it('prints one JSON table whose process counts per command are the same at every scale, in the library and the CLI', {
    timeout: 400_000,
  }, async (t) => {
    if (!(await hasKubectl())) return t.skip('kubectl is not on PATH');
    assert.ok(existsSync(join(root, 'dist', 'cli.js')), 'dist/cli.js is built (npm run build)');
    const started = Date.now();
    const run = await runBench(outDir);
    assert.equal(run.code, 0, run.stderr.split('\n').slice(-15).join('\n'));
    const result = JSON.parse(run.stdout) as BenchResult;
    // A warning means figures of something else than this checkout (a stale dist/) or a backend left out.
    assert.deepEqual(result.warnings, []);

    // Shape
    assert.equal(result.schema, 1);
    assert.equal(result.mode, 'quick');
    assert.equal(result.runs, 3);
    assert.deepEqual(result.scales.devnets, [1, 10]);
    assert.deepEqual(result.scales.services, [3, 30]);
    for (const key of ['nodeMs', 'versionMs', 'helpMs', 'versionRatio', 'helpRatio'] as const) {
      assert.ok(result.startup[key] > 0, `startup.${key}`);
    }
    assert.equal(typeof result.startup.meets, 'boolean');
    // The follower's figures: bench/logs.ts ran at 4 streams and measured both baselines and the merge.
    assert.equal(result.logs.status, 'ok', result.logs.message);
    assert.deepEqual(
      result.logs.runs.map((r) => r.streams),
      [4],
    );
    const logs = result.logs.runs[0]!.result as {
      rawPipe: { lines: number; mbPerSec: number };
      merged: { lines: number; mbPerSec: number };
      ratioToPipe: number;
      streamRatioToPipe: number;
    };
    assert.ok(logs.rawPipe.mbPerSec > 0 && logs.merged.mbPerSec > 0, JSON.stringify(logs));
    assert.equal(logs.merged.lines, logs.rawPipe.lines, 'the follower delivered every line kubectl printed');
    assert.ok(
      logs.ratioToPipe > 0 && logs.streamRatioToPipe >= logs.ratioToPipe,
      'merged vs pipe: ratios of real throughputs, the lookup only lowering it',
    );
    assert.match(run.stderr, /× pipe/, 'the logs table shows the follower against the raw pipe');

    // Start-up with instant children: every read command and --help/--version on this Node, each
    // replayed call recorded from the fakes (no timing goal is asserted: the bench reports it).
    assert.equal(result.instant.nodes.length, 1);
    const node = result.instant.nodes[0]!;
    assert.equal(node.version, process.version);
    assert.ok(node.nodeMs > 0);
    assert.deepEqual(
      node.rows.map((r) => r.command),
      ['--version', '--help', 'ls', 'inspect', 'services', 'endpoints', 'logs --tail', 'use'],
    );
    for (const row of node.rows) {
      assert.ok(row.ms > 0 && row.ratio > 0, `${row.command}: ${JSON.stringify(row)}`);
      assert.equal(typeof row.meets, 'boolean');
    }
    for (const command of ['ls', 'inspect', 'services', 'endpoints', 'logs --tail', 'use']) {
      assert.ok(result.instant.replayed[command]! >= 1, `${command} ran at least one replayed child`);
    }
    assert.equal(result.instant.replayed['--version'], 0);
    assert.match(run.stderr, /^Start-up with instant children/m);
    assert.match(run.stderr, /^Processes per command/m, 'the table goes to stderr with --json');

    // The regression guard: processes per command constant across devnet and service counts.
    for (const backend of ['docker', 'kubernetes']) {
      for (const command of COMMANDS) {
        const rows = result.calls.filter((c) => c.backend === backend && c.command === command);
        assert.equal(rows.length, result.scales.combos.length, `${backend} ${command}: one row per scale`);
        const counts = rows.map((r) => `${r.lib.kurtosis}+${r.lib.kubectl} at ${r.devnets}d/${r.services}s`);
        const distinct = new Set(rows.map((r) => `${r.lib.kurtosis}+${r.lib.kubectl}`));
        assert.equal(
          distinct.size,
          1,
          `${backend} ${command} spawns a number of processes that grows: ${counts.join(', ')}`,
        );
        for (const r of rows) {
          assert.ok(
            r.stable,
            `${backend} ${command} at ${r.devnets}d/${r.services}s: every run spawns the same`,
          );
          assert.deepEqual(
            r.cli,
            r.lib,
            `${backend} ${command} at ${r.devnets}d/${r.services}s: the CLI spawns what the library does`,
          );
        }
        const constancy = result.constancy.find((c) => c.backend === backend && c.command === command);
        assert.ok(constancy?.constant && constancy.cliMatches, `${backend} ${command} summary`);
        // The table marks a count above the fewest the command needs "(above)"; the guard fails on it.
        assert.ok(
          constancy.atMinimum,
          `${backend} ${command} spawns ${constancy.values.join(', ')}, more than the fewest (${constancy.minimum}: ${constancy.minimumWhy})`,
        );
      }
      // Reads and up/down are timed at the smallest scale, and each timed figure is a real duration.
      const timed = result.overhead.filter((o) => o.backend === backend);
      assert.deepEqual(timed.map((o) => o.command).sort(), [...COMMANDS].sort());
      for (const o of timed) {
        assert.ok(
          o.lib.wallMs > 0 && o.lib.childMs > 0 && o.lib.ratio >= 0.9,
          `${backend} ${o.command}: ${JSON.stringify(o.lib)}`,
        );
        // --quick counts the CLI in-process and times only the library (a full run times dist/cli.js too).
        assert.equal(o.cli, null, `${backend} ${o.command}: --quick times no CLI process`);
        assert.equal(o.cliRuns, 0, `${backend} ${o.command}: --quick times no CLI process`);
      }
      const up = result.up.find((u) => u.backend === backend);
      assert.ok(up && up.runMs > 0 && up.extraMs > 0, `${backend}: up is timed against kurtosis run`);
    }

    // Written for comparison between commits, without touching bench/results of the checkout.
    assert.deepEqual(JSON.parse(readFileSync(join(outDir, 'latest-quick.json'), 'utf8')), result);
    assert.equal(readdirSync(outDir).filter((f) => /^\d{4}-.*-quick\.json$/.test(f)).length, 1);
    t.diagnostic(`bench --quick took ${Date.now() - started} ms`);
  });
});
