// Property: whatever argv the bundled CLI gets — real commands and flags mixed with random values,
// unknown and repeated flags, `--`, unicode, empty and very long strings — it exits 0, 1, 2 or 130,
// never prints "internal error" or a stack trace, and an exit 2 prints one line and spawned nothing
// (the fake kurtosis's call log and a recording kubectl prove it). A devnet that does not exist is also
// exit 2 (DESIGN.md); finding that out takes a read-only lookup, never a change.
//
// The seed is fixed so that CI is reproducible; a failure prints it with the path of the shrunk
// counterexample: replay with FC_SEED=<seed> FC_PATH=<path>, or explore with FC_SEED=random.
//
// The commands are the CLI's own table (bin/commands/index.ts) and yargs's `completion`: a new command
// is generated as soon as it exists. Runs that only end on Ctrl-C (forward, status --watch, logs -f) get
// one as a person would give it: once they have printed, or after a short while if they print nothing.

import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { COMMANDS as COMMAND_TABLE } from '../bin/commands/index.js';
import { createHarness, type Harness } from './support/harness.js';
import { type CliResult, MINIMAL, spawnCli } from './support/reliability.js';

const SEED = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED ?? 20261206);
const RUNS = Number(process.env.FC_RUNS ?? 300);
// A slow wait ends like Ctrl-C: exit 130 is one of the documented codes.
const PER_RUN_MS = 20_000;
/** How long a run that only ends on Ctrl-C gets when it prints nothing on stdout. */
const UNTIL_INTERRUPT_MS = 4000;

const COMMANDS = [...COMMAND_TABLE.map((c) => c.name), 'completion'];
const FLAGS_WITH_VALUE = [
  '--config',
  '--owner',
  '-f',
  '--args-file',
  '--package',
  '--wait',
  '--timeout',
  '--ttl',
  '--tail',
  '-n',
  '--since',
  '--format',
];
const BOOLEAN_FLAGS = [
  '--json',
  '--verbose',
  '--no-color',
  '--color',
  '--dry-run',
  '--all',
  '--all-owners',
  '--no-wait',
  '--no-ingress',
  '--keep-on-failure',
  '--restart-engine',
  '--timestamps',
  '--follow',
  '--watch',
  '-w',
  '--help',
  '--version',
  '-v',
  '-h',
];
const VALUES = [
  'walk',
  'nope',
  'services',
  'blocks',
  'finalized',
  'none',
  'table',
  'json',
  'env',
  'github',
  '10m',
  '0',
  '-1',
  '1h',
  MINIMAL,
  '/nonexistent/file.yaml',
  'el-1-geth-lighthouse',
  'el-1-geth-lighthouse:rpc',
  'clean',
  'stop',
];

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constant(''),
  fc.string({ minLength: 2000, maxLength: 5000 }),
  fc.constantFrom('-', '--', '---', '-x', '--x=1', '--json=maybe', '=', ' ', '\t', 'ÄÖÜ', '💥', 'a\nb'),
);
const value = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...VALUES) }, { weight: 1, arbitrary: text });
const token: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...COMMANDS).map((c) => [c]) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...FLAGS_WITH_VALUE), value).map(([f, v]) => [f, v]) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...FLAGS_WITH_VALUE), value).map(([f, v]) => [`${f}=${v}`]),
  },
  { weight: 2, arbitrary: fc.constantFrom(...BOOLEAN_FLAGS).map((f) => [f]) },
  { weight: 2, arbitrary: value.map((v) => [v]) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 10 }).map((s) => [`--${s}`]) },
  { weight: 1, arbitrary: fc.constant<string[]>(['--']) },
);
// Mostly a command first, as users type it; sometimes anything.
const argv = fc
  .oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...COMMANDS), fc.array(token, { maxLength: 6 })) },
    { weight: 1, arbitrary: fc.tuple(fc.constant(undefined), fc.array(token, { maxLength: 6 })) },
  )
  .map(([command, tokens]) => [...(command ? [command] : []), ...tokens.flat()]);

/** Runs that do not end by themselves (DESIGN: forward, status --watch and logs -f run until Ctrl-C). */
function endsOnInterrupt(args: readonly string[]): boolean {
  const has = (...flags: string[]) => flags.some((f) => args.includes(f));
  // The command is the first word that is not a flag or a flag's value: `down --json forward` is a down
  // (of a devnet named forward) that ends by itself, and a Ctrl-C sent once it has printed would land
  // while it exits.
  const command = args.find((a, i) => !a.startsWith('-') && !FLAGS_WITH_VALUE.includes(args[i - 1] ?? ''));
  return (
    command === 'forward' ||
    (command === 'status' && has('--watch', '-w')) ||
    (command === 'logs' && has('--follow', '-f'))
  );
}

/**
 * The built CLI to the end, as runCli does; a run that ends only on Ctrl-C gets SIGINT once it has
 * printed on stdout or after UNTIL_INTERRUPT_MS, any other run after PER_RUN_MS.
 */
async function runToEnd(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliResult> {
  const interrupt = new AbortController();
  const untilInterrupt = endsOnInterrupt(args);
  const timer = setTimeout(() => interrupt.abort(), untilInterrupt ? UNTIL_INTERRUPT_MS : PER_RUN_MS);
  const run = spawnCli(args, { env, cwd, signal: interrupt.signal });
  if (untilInterrupt) run.child.stdout!.once('data', () => interrupt.abort());
  try {
    const { code, signal } = await run.exit;
    // The rest of the output may still be in the pipes; a detached grandchild may hold them open.
    let wait: NodeJS.Timeout | undefined;
    await Promise.race([run.closed, new Promise<void>((resolve) => (wait = setTimeout(resolve, 2000)))]);
    clearTimeout(wait);
    const signo = signal ? (osConstants.signals[signal] ?? 0) : 0;
    return { code: code ?? 128 + signo, stdout: run.stdout(), stderr: run.stderr() };
  } finally {
    clearTimeout(timer);
  }
}

const MUTATING_KURTOSIS =
  /^(enclave (add|rm|stop)|run|clean|engine (start|restart|stop)|cluster set|service (add|rm|stop|start|update))\b/;
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe('generated argv against the bundled CLI', () => {
  let h: Harness;
  let kubectlLog: string;
  before(async () => {
    h = await createHarness('docker');
    const bin = join(h.cwd, 'recording-kubectl');
    mkdirSync(bin);
    kubectlLog = join(bin, 'calls.log');
    writeFileSync(join(bin, 'kubectl'), `#!/bin/sh\necho "$@" >> '${kubectlLog}'\nexit 1\n`);
    chmodSync(join(bin, 'kubectl'), 0o755);
    const r = await h.cli(['--owner', 'alice', 'up', 'walk', '-f', MINIMAL]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => h.cleanup());

  it(`holds for ${RUNS} argv (seed ${SEED})`, { timeout: RUNS * PER_RUN_MS }, async (t) => {
    const kubectlCalls = () => (existsSync(kubectlLog) ? readFileSync(kubectlLog, 'utf8') : '');
    const codes = new Map<number, number>();
    let untilInterrupt = 0;
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const kurtosisBefore = h.kurtosisCalls().length;
        const kubectlBefore = kubectlCalls();
        const r = await runToEnd(
          ['--owner', 'alice', ...args],
          { ...h.env, DEVNET_KIT_KUBECTL: join(kubectlLog, '..', 'kubectl') },
          h.cwd,
        );
        codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
        if (endsOnInterrupt(args)) untilInterrupt++;
        const shown = `argv ${JSON.stringify(args)} → exit ${r.code}\nstderr: ${r.stderr.slice(0, 1500)}`;
        assert.ok([0, 1, 2, 130].includes(r.code), shown);
        assert.doesNotMatch(r.stdout + r.stderr, /internal error/, shown);
        assert.doesNotMatch(r.stdout + r.stderr, STACK, shown);
        if (r.code !== 2) return;
        const lines = r.stderr.trimEnd().split('\n');
        assert.equal(lines.length, 1, `one line: ${shown}`);
        assert.match(lines[0]!, /^devnet-kit: /, shown);
        assert.equal(kubectlCalls(), kubectlBefore, `kubectl spawned: ${shown}`);
        const spawned = h.kurtosisCalls().slice(kurtosisBefore);
        if (/^devnet-kit: no devnet named '/.test(lines[0]!)) {
          const changes = spawned.filter((a) => MUTATING_KURTOSIS.test(a.join(' ')));
          assert.deepEqual(changes, [], `a lookup only: ${shown}`);
        } else {
          assert.deepEqual(spawned, [], `kurtosis spawned: ${shown}`);
        }
      }),
      {
        seed: SEED,
        numRuns: RUNS,
        // Each command that only ends on Ctrl-C, on the devnet that exists, every time.
        examples: [[['forward', 'walk']], [['status', 'walk', '--watch']], [['logs', 'walk', '-f']]],
        path: process.env.FC_PATH,
        endOnFailure: true,
        // fast-check's message has the seed, the path and the counterexample, not what failed: add the
        // assertion's message, and say how to replay.
        reporter: (details) => {
          if (details.failed)
            throw new Error(
              `${fc.defaultReportMessage(details)}\n${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}\nreplay: FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath} node --import tsx --test test/argv-property.test.ts`,
            );
        },
      },
    );
    t.diagnostic(`exit codes: ${JSON.stringify(Object.fromEntries([...codes].sort()))}`);
    t.diagnostic(`runs that end on Ctrl-C: ${untilInterrupt}`);
  });
});
