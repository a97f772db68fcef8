// The CLI's fixed cost (issue #16): each read command of the built CLI with children that answer at
// once, against `node -e 0`, per Node binary, alternated in one loop.
//
// "Instant" children: every `kurtosis` (and `kubectl`) call a command makes is recorded once from the
// fakes (the recorder is a /bin/sh wrapper in front of them on PATH), then replayed by a /bin/sh stub
// that `cat`s the recorded stdout/stderr and exits with the recorded code — a fork of /bin/sh and one
// of cat, a millisecond or two, so what remains of a command's wall time is Node's start-up and ours.

import { spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { up } from '../lib/index.js';
import { median, round } from './stats.js';
import { type Backend, createWorld, TARGET } from './world.js';

/** The read commands of the issue, and the CLI's own entry points (no child at all). */
export const INSTANT_COMMANDS = [
  '--version',
  '--help',
  'ls',
  'inspect',
  'services',
  'endpoints',
  'logs --tail',
  'use',
] as const;
export type InstantCommand = (typeof INSTANT_COMMANDS)[number];

function argsOf(command: InstantCommand): string[] {
  switch (command) {
    case '--version':
    case '--help':
    case 'ls':
      return [command];
    case 'logs --tail':
      return ['logs', TARGET, '--tail', '5'];
    default:
      return [command, TARGET];
  }
}

/** Goals of the issue: `--version` ≤ 1.3×; every read command and `--help` ≤ 1.5× (Node < 22), 2.5× (≥ 22). */
export function instantGoal(command: InstantCommand, nodeVersion: string): number {
  if (command === '--version') return 1.3;
  const major = Number(/^v(\d+)/.exec(nodeVersion)?.[1] ?? 0);
  return major >= 22 ? 2.5 : 1.5;
}

export interface InstantRow {
  command: InstantCommand;
  argv: string[];
  /** median wall ms of the CLI process */
  ms: number;
  /** median of the per-iteration ratios to `node -e 0` */
  ratio: number;
  goal: number;
  meets: boolean;
}

export interface InstantNode {
  node: string;
  version: string;
  runs: number;
  nodeMs: number;
  rows: InstantRow[];
}

export interface InstantResult {
  backend: Backend;
  /** kurtosis+kubectl calls replayed per command */
  replayed: Record<string, number>;
  nodes: InstantNode[];
}

interface Recording {
  tool: string;
  argv: string[];
  out: string;
  err: string;
  rc: number;
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Finds `name` on PATH (the fakes' directories come first in the world's env). */
function which(name: string, path: string): string {
  for (const dir of path.split(delimiter)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // next
    }
  }
  throw new Error(`${name} is not on PATH`);
}

/** A /bin/sh wrapper that runs the real tool and keeps argv, stdout, stderr and exit code. */
function writeRecorder(dir: string, tool: string, real: string, out: string): void {
  const script = [
    '#!/bin/sh',
    `n=$(mktemp ${shq(join(out, `${tool}.XXXXXX`))})`,
    `${shq(real)} "$@" >"$n.out" 2>"$n.err"`,
    'rc=$?',
    `printf '%s\\0' "$@" >"$n.argv"`,
    'echo $rc >"$n.rc"',
    'cat "$n.out"',
    'cat "$n.err" >&2',
    'exit $rc',
    '',
  ].join('\n');
  writeFileSync(join(dir, tool), script);
  chmodSync(join(dir, tool), 0o755);
}

function readRecordings(out: string): Recording[] {
  return readdirSync(out)
    .filter((f) => f.endsWith('.rc'))
    .map((f) => {
      const base = join(out, f.slice(0, -3));
      const argv = readFileSync(`${base}.argv`, 'utf8').split('\0');
      argv.pop();
      return {
        tool: f.split('.')[0]!,
        argv,
        out: `${base}.out`,
        err: `${base}.err`,
        rc: Number(readFileSync(`${base}.rc`, 'utf8').trim()),
      };
    });
}

/** A /bin/sh stub answering each recorded argv with its recording, and anything else with exit 97. */
function writeReplay(dir: string, tool: string, recordings: readonly Recording[]): void {
  const cases = new Map<string, string>();
  for (const r of recordings) {
    const hasErr = readFileSync(r.err).length > 0;
    const body =
      r.rc === 0 && !hasErr
        ? `exec cat ${shq(r.out)}`
        : `cat ${shq(r.out)}; ${hasErr ? `cat ${shq(r.err)} >&2; ` : ''}exit ${r.rc}`;
    cases.set(r.argv.join(' '), body);
  }
  const script = [
    '#!/bin/sh',
    'case "$*" in',
    ...[...cases].map(([argv, body]) => `  ${shq(argv)}) ${body};;`),
    `  *) echo "${tool} replay stub: nothing recorded for: $*" >&2; exit 97;;`,
    'esac',
    '',
  ].join('\n');
  writeFileSync(join(dir, tool), script);
  chmodSync(join(dir, tool), 0o755);
}

function timeSpawn(node: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(node, args, { stdio: ['ignore', 'ignore', 'pipe'], env, cwd, timeout: 60_000 });
  const ms = performance.now() - t0;
  if (r.status !== 0) {
    throw new Error(
      `${node} ${args.join(' ')} exited ${r.status}: ${String(r.stderr).trim().split('\n')[0]}`,
    );
  }
  return ms;
}

/**
 * Records every read command's children in a fresh Docker world, then times the built CLI on each
 * Node binary with the replaying stubs first on PATH.
 */
export async function measureInstant(opts: {
  cli: string;
  nodes: readonly string[];
  runs: number;
  backend?: Backend;
}): Promise<InstantResult> {
  const backend = opts.backend ?? 'docker';
  const world = await createWorld(backend);
  const tmp = mkdtempSync(join(tmpdir(), 'devnet-kit-instant-'));
  try {
    await up({ ...world.options(() => {}), name: TARGET, argsFile: world.argsFile(3) });
    const recorderDir = join(tmp, 'recorder');
    const replayDir = join(tmp, 'replay');
    const tapes = join(tmp, 'tapes');
    for (const d of [recorderDir, replayDir, tapes]) mkdirSync(d);
    const worldPath = world.h.env.PATH ?? '';
    const tools = backend === 'kubernetes' ? ['kurtosis', 'kubectl'] : ['kurtosis'];
    for (const tool of tools) writeRecorder(recorderDir, tool, which(tool, worldPath), tapes);

    const replayed: Record<string, number> = {};
    const recordEnv = { ...world.h.env, PATH: `${recorderDir}${delimiter}${worldPath}` };
    for (const command of INSTANT_COMMANDS) {
      const calls = () => readdirSync(tapes).filter((f) => f.endsWith('.rc')).length;
      const before = calls();
      timeSpawn(process.execPath, [opts.cli, ...argsOf(command)], recordEnv, world.cwd);
      replayed[command] = calls() - before;
    }
    const recordings = readRecordings(tapes);
    for (const tool of tools) {
      writeReplay(
        replayDir,
        tool,
        recordings.filter((r) => r.tool === tool),
      );
    }
    const env = { ...world.h.env, PATH: `${replayDir}${delimiter}${worldPath}` };

    const nodes: InstantNode[] = [];
    for (const node of opts.nodes) {
      const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
      const variants = INSTANT_COMMANDS.map((c) => [opts.cli, ...argsOf(c)]);
      // Warm the file cache (and a compile cache, where the CLI keeps one) before timing.
      timeSpawn(node, ['-e', '0'], env, world.cwd);
      for (const args of variants) timeSpawn(node, args, env, world.cwd);
      const bare: number[] = [];
      const times = variants.map(() => [] as number[]);
      const ratios = variants.map(() => [] as number[]);
      for (let i = 0; i < opts.runs; i++) {
        const n = timeSpawn(node, ['-e', '0'], env, world.cwd);
        bare.push(n);
        variants.forEach((args, k) => {
          const t = timeSpawn(node, args, env, world.cwd);
          times[k]!.push(t);
          ratios[k]!.push(t / n);
        });
      }
      nodes.push({
        node,
        version,
        runs: opts.runs,
        nodeMs: round(median(bare), 1),
        rows: INSTANT_COMMANDS.map((command, k) => {
          const ratio = round(median(ratios[k]!), 2);
          const goal = instantGoal(command, version);
          return {
            command,
            argv: argsOf(command),
            ms: round(median(times[k]!), 1),
            ratio,
            goal,
            meets: ratio <= goal,
          };
        }),
      });
    }
    return { backend, replayed, nodes };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    await world.cleanup();
  }
}
