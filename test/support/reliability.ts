// Helpers of the reliability suites (faults, owners, secrets): the processes a test left behind, the
// real CLI as a child process, polling.

import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
/**
 * The CLI users get: the bundle `npm test` builds (and `npm pack` ships). The only CLI a test can
 * start: bundling, lazy chunks and the `--version` fast path are then tested with everything else.
 */
export const CLI = join(ROOT, 'dist', 'cli.js');
export const TSX = import.meta.resolve('tsx');
// Kept for suites that import it from here; the args fixtures live in args-fixtures.ts.
export { MINIMAL } from './args-fixtures.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function until<T>(
  what: string,
  fn: () => T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

export interface LiveProcess {
  pid: number;
  cmd: string;
}

/**
 * Live (not zombie) processes other than this one whose environment contains `marker` — a harness's
 * temp dir is in the HOME/KUBECONFIG of everything spawned for it, so this finds exactly the kurtosis
 * and kubectl processes (and CLI children) of one harness, whatever else runs on the machine.
 */
export function processesWith(marker: string): LiveProcess[] {
  const found: LiveProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (!readFileSync(`/proc/${entry}/environ`, 'utf8').includes(marker)) continue;
      found.push({
        pid: Number(entry),
        cmd: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim(),
      });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/**
 * The shared `kurtosis gateway` devnet-kit keeps on Kubernetes (lib/kurtosis/gateway.ts): its supervisor and
 * everything under it. It outlives commands by design; harness cleanup (`stopGateway`) ends it.
 */
export function sharedGateway(marker: string): LiveProcess[] {
  const all = processesWith(marker);
  const supervisors = new Set(all.filter((p) => p.cmd.includes('gateway-supervisor')).map((p) => p.pid));
  const under = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p && p > 1 && hops < 20; p = parentOf(p), hops++) {
      if (supervisors.has(p)) return true;
    }
    return false;
  };
  return all.filter((p) => under(p.pid));
}

/**
 * Waits briefly for children that are already exiting, then lists those still alive (should be none).
 * The shared gateway is not an orphan unless `includeGateway` (after harness cleanup it must be gone too).
 */
export async function orphans(
  marker: string,
  graceMs = 1500,
  { includeGateway = false }: { includeGateway?: boolean } = {},
): Promise<LiveProcess[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const gateway = includeGateway ? [] : sharedGateway(marker).map((p) => p.pid);
    const left = processesWith(marker).filter((p) => !gateway.includes(p.pid));
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(25);
  }
}

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function newestSource(dir: string): { path: string; mtimeMs: number } {
  let newest = { path: dir, mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(ts|json)$/.test(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    const { mtimeMs } = statSync(path);
    if (mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
  }
  return newest;
}

let checkedBuild: string | undefined;

/**
 * Fails loudly when dist/ is missing or older than a source file: a test of a stale bundle would pass
 * or fail for code that is not the code under review. Checked once per test file.
 */
export function assertBuilt(): string {
  if (checkedBuild) return checkedBuild;
  const outputs = [CLI, join(ROOT, 'dist', 'chunks', 'main.mjs'), join(ROOT, 'dist', 'index.mjs')];
  let oldest = Number.POSITIVE_INFINITY;
  for (const out of outputs) {
    let mtimeMs: number;
    try {
      ({ mtimeMs } = statSync(out));
    } catch {
      throw new Error(`${relative(ROOT, out)} is missing: run \`npm run build\` (npm test builds first)`);
    }
    oldest = Math.min(oldest, mtimeMs);
  }
  for (const dir of ['bin', 'lib']) {
    const newest = newestSource(join(ROOT, dir));
    if (newest.mtimeMs > oldest)
      throw new Error(
        `dist/ is older than ${relative(ROOT, newest.path)}: run \`npm run build\` (npm test builds first)`,
      );
  }
  checkedBuild = CLI;
  return CLI;
}

/** The built CLI (`dist/cli.js`) as a child process, so that signals, bundling and exit codes are real. */
export function spawnCli(
  args: string[],
  opts: {
    env: NodeJS.ProcessEnv;
    cwd: string;
    detached?: boolean;
    signal?: AbortSignal;
    /** Another copy of the bundle (a test that breaks an install); default dist/cli.js. */
    cli?: string;
  },
): CliProcess {
  const child = spawn(process.execPath, [opts.cli ?? assertBuilt(), ...args], {
    env: opts.env,
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    // detached: its own process group, as a shell runs it (Ctrl-C = SIGINT to the whole group).
    detached: opts.detached ?? false,
  });
  // An aborted test interrupts the CLI as Ctrl-C would, so that its cleanup runs.
  const interrupt = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  if (opts.signal?.aborted) interrupt();
  else opts.signal?.addEventListener('abort', interrupt, { once: true });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  // 'close': the exit code and all of stdout/stderr (after 'exit' the pipes may still hold output).
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exit, closed };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to the end; its exit code (128 + n for a signal n) and output. */
export async function runCli(
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd: string; signal?: AbortSignal; cli?: string },
): Promise<CliResult> {
  const run = spawnCli(args, opts);
  const { code, signal } = await run.exit;
  // The rest of its output is still in the pipes; a detached grandchild (a supervisor) may hold them
  // open for good, so wait for the end of output only briefly.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([run.closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)))]);
  clearTimeout(timer);
  const signo = signal ? (osConstants.signals[signal] ?? 0) : 0;
  return { code: code ?? 128 + signo, stdout: run.stdout(), stderr: run.stderr() };
}
