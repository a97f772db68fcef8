// The detached process that keeps one `kurtosis gateway` for the devnet-kit processes of a machine
// (lib/kurtosis/gateway.ts starts it; built as dist/gateway-supervisor.mjs). It outlives the process that started
// it, and ends the gateway — and itself — once nobody has used it for the idle timeout and no live
// process holds a lease, when `devnet-kit gateway stop` signals it, or when its record disappears (the
// state folder was removed or another supervisor took over).
//
// argv[2]: JSON `{ dir, kubeContext, idleTimeoutMs, kurtosis }`; its environment is the gateway's
// (the same kubeconfig overlay as every other Kurtosis call of the starting process).

import { createRunner } from '../exec/exec.js';
import {
  type GatewayRecord,
  isAlive,
  lastUse,
  liveLeases,
  readRecord,
  removeRecord,
  touchLastUse,
  writeRecord,
} from './gateway-state.js';

interface SupervisorOptions {
  dir: string;
  kubeContext: string;
  idleTimeoutMs: number;
  kurtosis: string;
}

// setTimeout's ceiling (~24.8 days): the gateway lives as long as it is used.
const FOREVER_MS = 2 ** 31 - 1;
// The gateway logs its INFO lines and then binds (run_until_interrupted.go); a bind failure shows up
// within this grace, after which the line counts as "serving".
const BIND_GRACE_MS = 300;

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as SupervisorOptions;
  const { dir } = options;
  let record: GatewayRecord = {
    supervisorPid: process.pid,
    kubeContext: options.kubeContext,
    status: 'starting',
    startedAt: new Date().toISOString(),
    idleTimeoutMs: options.idleTimeoutMs,
  };
  const save = (change: Partial<GatewayRecord>) => {
    // A live supervisor's record (ours was stopped and another process started anew): leave it.
    const current = readRecord(dir);
    if (current && current.supervisorPid !== process.pid && isAlive(current.supervisorPid)) return;
    record = { ...record, ...change };
    writeRecord(dir, record);
  };
  // The starting process holds the start lock and saw no live supervisor: whatever is there is stale.
  writeRecord(dir, record);
  touchLastUse(dir);

  const runner = createRunner({ env: process.env, binaries: { kurtosis: options.kurtosis } });
  const controller = new AbortController();
  let stopping = false;
  let ended = false;
  const gateway = runner.run({
    tool: 'kurtosis',
    args: ['gateway'],
    signal: controller.signal,
    killSignal: 'SIGINT',
    timeoutMs: FOREVER_MS,
    onLine: (_stream, line) => {
      const port = /Starting Kurtosis gateway on local port '(\d+)'/.exec(line)?.[1];
      if (port === undefined) return;
      setTimeout(() => {
        if (ended || stopping) return;
        // The idle time counts from when it serves, not from when the start began.
        touchLastUse(dir);
        save({ status: 'serving', since: new Date().toISOString(), port: Number(port) });
      }, BIND_GRACE_MS);
    },
  });

  const stop = () => {
    if (stopping) return;
    // Said first, so that a process about to use it starts a new one instead of waiting on this one.
    save({ status: 'stopping' });
    stopping = true;
    controller.abort();
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, stop);

  const interval = Math.max(50, Math.min(1000, Math.floor(options.idleTimeoutMs / 5)));
  const timer = setInterval(() => {
    const current = readRecord(dir);
    if (!current || current.supervisorPid !== process.pid) return stop();
    // Starting: the starting process bounds that (START_TIMEOUT_MS in lib/kurtosis/gateway.ts).
    if (record.status !== 'serving') return;
    if (liveLeases(dir).length > 0) return;
    const last = lastUse(dir) ?? 0;
    if (Date.now() - last >= options.idleTimeoutMs) stop();
  }, interval);

  try {
    await gateway;
    // Exit 0 without being asked: the gateway gave up by itself.
    if (!stopping) save({ status: 'failed', error: '`kurtosis gateway` ended by itself (exit code 0)' });
  } catch (error) {
    if (!stopping) save({ status: 'failed', error: (error as Error).message });
  } finally {
    ended = true;
    clearInterval(timer);
  }
  // A failed record stays for the starting process to read (it removes it); a stopped one goes.
  if (stopping) removeRecord(dir, process.pid);
}

main().catch((error: unknown) => {
  process.exitCode = 1;
  // Nobody reads this process's output; the record is how a failure is reported.
  try {
    const dir = (JSON.parse(process.argv[2] ?? '{}') as { dir?: string }).dir;
    if (dir) {
      const current = readRecord(dir);
      if (current?.supervisorPid === process.pid) {
        writeRecord(dir, { ...current, status: 'failed', error: String((error as Error)?.message ?? error) });
      }
    }
  } catch {
    // nothing more to do
  }
});
