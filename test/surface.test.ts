// The whole surface through the bundle users run: every command × output mode × backend, against the
// fakes (the fake kurtosis; for Kubernetes the fake API server and the real kubectl). One row per
// command: a new command is one more row, and the walk fails until it has one.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { MINIMAL } from './support/args-fixtures.js';
import { useHarness } from './support/harness.js';
import { runCli, spawnCli, until } from './support/reliability.js';

type Mode = 'text' | 'json' | 'verbose' | 'dry-run';
const MODES: readonly Mode[] = ['text', 'json', 'verbose', 'dry-run'];

interface Row {
  command: string;
  /** The argv after the global flags; `mode` names a devnet per mode where the command creates or destroys one. */
  args: (mode: Mode) => string[];
  /** The command has a --dry-run. */
  dryRun?: boolean;
  /** Exit codes that are success for this row (DESIGN.md: doctor exits 1 when a check failed). */
  codes?: readonly number[];
  /** Runs until Ctrl-C: interrupted once it has printed its first output. */
  untilInterrupted?: boolean;
}

// The devnet every read-only row looks at; created in before().
const NET = 'walk';

const ROWS: Row[] = [
  { command: 'up', args: (m) => ['up', `walk-${m}`, '-f', MINIMAL], dryRun: true },
  { command: 'ls', args: () => ['ls'] },
  { command: 'inspect', args: () => ['inspect', NET] },
  { command: 'services', args: () => ['services', NET] },
  { command: 'logs', args: () => ['logs', NET, '--tail', '2'] },
  { command: 'endpoints', args: () => ['endpoints', NET] },
  { command: 'use', args: () => ['use', NET] },
  // Removes what the up row created in the same mode (the dry-run created nothing: gone is fine too).
  { command: 'down', args: (m) => ['down', m === 'dry-run' ? `walk-text` : `walk-${m}`] },
  { command: 'gc', args: () => ['gc'], dryRun: true },
  { command: 'doctor', args: () => ['doctor'], codes: [0, 1] },
  { command: 'completion', args: () => ['completion'] },
  // The harness's fake kurtosis is on PATH, so the cache holds nothing: clean has nothing to remove.
  { command: 'cache', args: () => ['cache', 'clean'] },
  // The fakes' nodes need not answer: a node that is not ready is exit 1, as documented.
  { command: 'gateway', args: () => ['gateway', 'status'] },
  { command: 'status', args: () => ['status', NET], codes: [0, 1] },
  { command: 'forward', args: () => ['forward', NET], codes: [0, 130], untilInterrupted: true },
];

const BACKENDS: { name: string; backend: 'docker' | 'kubernetes'; config?: Record<string, unknown> }[] = [
  { name: 'Docker', backend: 'docker' },
  {
    name: 'Kubernetes, Ingress on',
    backend: 'kubernetes',
    config: {
      cluster: { name: 'kubernetes' },
      devnet: { ingress: { enabled: true, base_domain: 'k3s.example' } },
    },
  },
  {
    name: 'Kubernetes, Ingress off',
    backend: 'kubernetes',
    config: { cluster: { name: 'kubernetes' }, devnet: { ingress: { enabled: false } } },
  },
  {
    name: 'Kubernetes, TLS',
    backend: 'kubernetes',
    config: {
      cluster: { name: 'kubernetes' },
      devnet: { ingress: { enabled: true, base_domain: 'k3s.example', tls: true } },
    },
  },
];

const STACK = /^\s+at .+:\d+:\d+\)?$/m;

function modeArgs(row: Row, mode: Mode): string[] | undefined {
  const args = row.args(mode);
  if (mode === 'json') return ['--json', ...args];
  if (mode === 'verbose') return ['--verbose', ...args];
  if (mode === 'dry-run') return row.dryRun ? [...args, '--dry-run'] : undefined;
  return args;
}

describe('the surface, through dist/cli.js', () => {
  it('has a row for every command the CLI lists in --help', async () => {
    const help = await runCli(['--help'], { env: { PATH: process.env.PATH }, cwd: process.cwd() });
    assert.equal(help.code, 0, help.stderr);
    const listed = [...help.stdout.matchAll(/^ {2}devnet-kit (\S+)/gm)].map((m) => m[1]);
    assert.ok(listed.length >= 10, help.stdout);
    assert.deepEqual([...new Set(listed)].sort(), ROWS.map((r) => r.command).sort());
  });

  for (const b of BACKENDS) {
    describe(b.name, () => {
      const h = useHarness(b.backend);
      const cli = (args: string[]) => h.cli(['--owner', 'alice', ...args]);
      /** A command that serves until Ctrl-C: SIGINT once it has printed, then what it printed by its exit. */
      const interrupted = async (args: string[]) => {
        const run = spawnCli(['--owner', 'alice', ...args], { env: h.env, cwd: h.cwd });
        let exited = false;
        void run.exit.then(() => {
          exited = true;
        });
        await until('first output or exit', () => exited || run.stdout().length > 0, 30_000);
        run.child.kill('SIGINT');
        const { code } = await run.exit;
        // A detached grandchild (the shared gateway's supervisor) may hold the pipes: wait briefly.
        await Promise.race([run.closed, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
        return { code: code ?? 130, stdout: run.stdout(), stderr: run.stderr() };
      };
      before(async () => {
        // The CLI reads ./devnet-kit.yaml from its working directory.
        if (b.config) writeFileSync(join(h.cwd, 'devnet-kit.yaml'), stringify(b.config));
        const r = await cli(['up', NET, '-f', MINIMAL]);
        assert.equal(r.code, 0, r.stderr);
      });

      for (const row of ROWS) {
        for (const mode of MODES) {
          const args = modeArgs(row, mode);
          if (!args) continue;
          it(`${row.command} (${mode}): ${args.join(' ')}`, async () => {
            const r = row.untilInterrupted ? await interrupted(args) : await cli(args);
            const codes = row.codes ?? [0];
            const shown = `exit ${r.code}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`;
            assert.ok(codes.includes(r.code), shown);
            assert.doesNotMatch(r.stderr + r.stdout, /internal error/, shown);
            assert.doesNotMatch(r.stderr + r.stdout, STACK, shown);
            if (mode === 'json') {
              assert.doesNotThrow(() => JSON.parse(r.stdout), `stdout is one JSON document: ${shown}`);
              assert.ok(r.stdout.endsWith('\n') && r.stdout.trim().length > 0, shown);
            } else {
              assert.ok(r.stdout.length + r.stderr.length > 0, `says something: ${shown}`);
            }
          });
        }
      }
    });
  }
});
