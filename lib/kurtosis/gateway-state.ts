// The files through which devnet-kit processes share one `kurtosis gateway`: who supervises it and for
// which kube context (gateway.json), when it was last used (the mtime of last-use) and who is in the
// middle of a long call through it (leases/<pid>). Shared by lib/kurtosis/gateway.ts and the supervisor, so it
// imports nothing heavy.

import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface GatewayRecord {
  /** The supervisor's pid: stopping it stops the gateway. */
  supervisorPid: number;
  /** The kube context the gateway was started for (its kubeconfig's current-context). */
  kubeContext: string;
  status: 'starting' | 'serving' | 'stopping' | 'failed';
  /** When the supervisor started. */
  startedAt: string;
  /** When the gateway began to serve. */
  since?: string;
  /** The local port the gateway's INFO line named. */
  port?: number;
  idleTimeoutMs: number;
  /** Why it failed (status `failed`): the command, exit code and stderr. */
  error?: string;
}

/** `$XDG_STATE_HOME/devnet-kit/gateway`, else `~/.local/state/devnet-kit/gateway`. */
export function gatewayStateDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'devnet-kit', 'gateway');
}

const recordPath = (dir: string) => join(dir, 'gateway.json');
const lastUsePath = (dir: string) => join(dir, 'last-use');
const leasesDir = (dir: string) => join(dir, 'leases');

export function readRecord(dir: string): GatewayRecord | undefined {
  try {
    const value = JSON.parse(readFileSync(recordPath(dir), 'utf8')) as GatewayRecord;
    return typeof value?.supervisorPid === 'number' && typeof value.kubeContext === 'string'
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

/** Written by rename, so a reader never sees half a record. */
export function writeRecord(dir: string, record: GatewayRecord): void {
  mkdirSync(dir, { recursive: true });
  const tmp = `${recordPath(dir)}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, recordPath(dir));
}

/** Removes the record only if it still names `supervisorPid` (a newer supervisor may have replaced it). */
export function removeRecord(dir: string, supervisorPid: number): void {
  if (readRecord(dir)?.supervisorPid === supervisorPid) rmSync(recordPath(dir), { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function touchLastUse(dir: string): void {
  const file = lastUsePath(dir);
  const now = new Date();
  try {
    utimesSync(file, now, now);
  } catch {
    mkdirSync(dir, { recursive: true });
    closeSync(openSync(file, 'a'));
    utimesSync(file, now, now);
  }
}

/** ms since the epoch of the last use, undefined when never used. */
export function lastUse(dir: string): number | undefined {
  try {
    return statSync(lastUsePath(dir)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Pids holding a lease, alive ones only; leases of dead processes are removed. */
export function liveLeases(dir: string): number[] {
  const folder = leasesDir(dir);
  if (!existsSync(folder)) return [];
  const live: number[] = [];
  for (const name of readdirSync(folder)) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) live.push(pid);
    else rmSync(join(folder, name), { force: true });
  }
  return live;
}

const held = new Map<string, number>();

/**
 * Marks this process as in the middle of a long call through the gateway (a `kurtosis run`, a
 * `logs -f`): the supervisor does not stop the gateway while a live process holds a lease, whatever
 * the idle time. Returns the release function (idempotent); nested leases are counted.
 */
export function acquireLease(dir: string): () => void {
  const file = join(leasesDir(dir), String(process.pid));
  const count = held.get(file) ?? 0;
  if (count === 0) {
    mkdirSync(leasesDir(dir), { recursive: true });
    writeFileSync(file, '');
  }
  held.set(file, count + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (held.get(file) ?? 1) - 1;
    if (left > 0) {
      held.set(file, left);
      return;
    }
    held.delete(file);
    rmSync(file, { force: true });
    touchLastUse(dir);
  };
}
