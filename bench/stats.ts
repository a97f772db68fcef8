// Small numeric helpers for the benchmark: medians, the union of child-process intervals, and a
// CLI runner that times `node dist/cli.js --verbose` and reads its spawn/exit lines.

import { spawn } from 'node:child_process';
import { basename } from 'node:path';

export type Span = readonly [start: number, end: number];

export interface Calls {
  kurtosis: number;
  kubectl: number;
}

/** One measured command: wall time, the time covered by its children, and the processes it spawned. */
export interface Sample {
  wallMs: number;
  /** Union of the children's [start, end] intervals: parallel children are counted once. */
  childMs: number;
  /** Plain sum of the children's durations (for comparison with the union). */
  childSumMs: number;
  calls: Calls;
  /** Duration of `kurtosis run`, when the command ran one. */
  runMs?: number;
  argv: string[][];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Total length covered by the intervals (overlaps counted once). */
export function unionMs(spans: readonly Span[]): number {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let start = Number.NEGATIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const [s, e] of sorted) {
    if (s > end) {
      if (end > start) total += end - start;
      start = s;
      end = e;
    } else if (e > end) {
      end = e;
    }
  }
  if (end > start) total += end - start;
  return total;
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function toolOf(argv0: string): keyof Calls | undefined {
  const name = basename(argv0);
  if (name === 'kurtosis') return 'kurtosis';
  if (name === 'kubectl') return 'kubectl';
  return undefined;
}

export interface CliRun extends Sample {
  code: number | null;
  stdout: string;
  stderr: string;
}

const SPAWN_LINE = /^\$ (\S+)(.*)$/;
const EXIT_LINE = /^ {2}exit \S+ in (\d+) ms$/;

/** The processes a `--verbose` CLI run reports on stderr (`$ argv` lines). */
export function parseVerboseSpawns(stderr: string): { calls: Calls; argv: string[][] } {
  const calls: Calls = { kurtosis: 0, kubectl: 0 };
  const argv: string[][] = [];
  for (const line of stderr.split('\n')) {
    const m = SPAWN_LINE.exec(line);
    const tool = m ? toolOf(m[1]!) : undefined;
    if (!tool) continue;
    calls[tool]++;
    argv.push(line.slice(2).split(' '));
  }
  return { calls, argv };
}

/**
 * Runs the built CLI with `--verbose` and times it from spawn to exit. With --verbose the CLI prints
 * `$ argv` before and `  exit N in D ms` after every child; stderr is a pipe, written synchronously by
 * Node on Linux, so a line's arrival time is the child's end and `end - D` its start.
 */
export function runCliProcess(
  cliPath: string,
  args: readonly string[],
  opts: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs?: number },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cliPath, '--verbose', ...args], {
      env: opts.env,
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    let exitedAt = 0;
    const spans: Span[] = [];
    const calls: Calls = { kurtosis: 0, kubectl: 0 };
    const argvs: string[][] = [];
    let runMs: number | undefined;
    let lastTool: string | undefined;
    const onLine = (line: string, at: number) => {
      const spawned = SPAWN_LINE.exec(line);
      if (spawned) {
        const tool = toolOf(spawned[1]!);
        if (tool) {
          calls[tool]++;
          const argv = line.slice(2).split(' ');
          argvs.push(argv);
          lastTool = argv[1] === 'run' ? 'run' : undefined;
        }
        return;
      }
      const exited = EXIT_LINE.exec(line);
      if (exited) {
        const d = Number(exited[1]);
        spans.push([at - d, at]);
        // `kurtosis run` is never in parallel with another child, so its exit follows its spawn line.
        if (lastTool === 'run') runMs = d;
      }
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      const at = performance.now();
      stderr += d;
      const lines = (partial + d).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line, at);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('exit', () => {
      exitedAt = performance.now();
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (partial) onLine(partial, performance.now());
      const wallMs = (exitedAt || performance.now()) - started;
      resolve({
        code,
        stdout,
        stderr,
        wallMs,
        childMs: unionMs(spans),
        childSumMs: spans.reduce((t, [s, e]) => t + (e - s), 0),
        calls,
        runMs,
        argv: argvs,
      });
    });
  });
}
