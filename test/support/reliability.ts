// Helpers of the reliability suites (faults, owners, secrets): the processes a test left behind, the
// real CLI as a child process, polling.

import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const CLI = new URL('../../bin/cli.ts', import.meta.url).pathname;
export const TSX = import.meta.resolve('tsx');
export const MINIMAL = new URL('../../fixtures/ethereum-package/samples/minimal.yaml', import.meta.url)
  .pathname;

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
 * The shared `kurtosis gateway` devnet-kit keeps on Kubernetes (lib/gateway.ts): its supervisor and
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
}

/** The real CLI (`bin/cli.ts` through tsx) as a child process, so that signals are real. */
export function spawnCli(
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd: string; detached?: boolean },
): CliProcess {
  const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
    env: opts.env,
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    // detached: its own process group, as a shell runs it (Ctrl-C = SIGINT to the whole group).
    detached: opts.detached ?? false,
  });
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
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}
