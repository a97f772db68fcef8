// On Kubernetes the Kurtosis CLI reaches its engine only through `kurtosis gateway` on 127.0.0.1:9710
// (reference/kurtosis-cli.md §2 `gateway`). devnet-kit makes sure one serves before the first
// engine-consuming Kurtosis call of a context: it reuses whatever serves (the user's own gateway or one
// another devnet-kit process started) and otherwise starts `kurtosis gateway` under a small detached
// supervisor (lib/kurtosis/gateway-supervisor.ts) that the devnet-kit processes aimed at the same kube context
// share, and that stops it after an idle period. Whether a gateway serves is Kurtosis's answer
// (`kurtosis engine status`, the gateway's own INFO lines), never a probe of the port by us.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { CommonOptions, Context } from '../context.js';
import { CommandFailedError, GatewayError } from '../errors.js';
import { runCommand } from '../exec/command.js';
import { withDirLock } from '../exec/dir-lock.js';
import {
  binaryPath,
  type FollowHandle,
  type FollowRequest,
  type Runner,
  type RunRequest,
  spawnDetached,
} from '../exec/exec.js';
import { poll } from '../exec/poll.js';
import { kurtosisFailure } from './classify-error.js';
import { engineStatusCommand } from './commands.js';
import {
  acquireLease,
  type GatewayRecord,
  gatewayStateDir,
  isAlive,
  lastUse,
  liveLeases,
  readRecord,
  removeRecord,
  touchLastUse,
} from './gateway-state.js';
import type { EngineStatus } from './parse.js';

export const DEFAULT_GATEWAY_IDLE_TIMEOUT_MS = 5 * 60_000;
/** How long `kurtosis gateway` may take to say it serves (it loads the kubeconfig and the backend first). */
const START_TIMEOUT_MS = 60_000;
/** A start lock older than this was left by a process that died while starting. */
const STALE_LOCK_MS = START_TIMEOUT_MS + 30_000;

/** Kurtosis commands that talk to the engine (kurtosis-cli.md §1: engine auto-start). */
const ENGINE_CONSUMING = new Set(['enclave', 'run', 'service', 'port', 'files', 'clean']);
/** Calls that may run for long: a lease keeps the gateway up for them whatever the idle time. */
const LONG_CALLS = new Set(['run']);

export interface GatewayInfo {
  /** The supervisor's pid (stopping it stops the gateway). */
  pid: number;
  kubeContext: string;
  status: 'starting' | 'serving' | 'stopping';
  startedAt: string;
  since?: string;
  /** ISO time of the last Kurtosis call through it. */
  lastUse?: string;
  idleTimeoutMs: number;
  /** Pids of devnet-kit processes in a long call through it. */
  leases: number[];
  port?: number;
}

export interface GatewayStatus {
  /** Whether a gateway started by devnet-kit runs (a hand-started one is not tracked). */
  running: boolean;
  gateway?: GatewayInfo;
  /** Where the shared state lives. */
  stateDir: string;
}

function infoOf(dir: string, record: GatewayRecord): GatewayInfo {
  const used = lastUse(dir);
  return {
    pid: record.supervisorPid,
    kubeContext: record.kubeContext,
    status: record.status === 'failed' ? 'starting' : record.status,
    startedAt: record.startedAt,
    since: record.since,
    lastUse: used === undefined ? undefined : new Date(used).toISOString(),
    idleTimeoutMs: record.idleTimeoutMs,
    leases: liveLeases(dir),
    port: record.port,
  };
}

/** The gateway devnet-kit started, if its supervisor is alive and it has not failed. */
function liveRecord(dir: string): GatewayRecord | undefined {
  const record = readRecord(dir);
  if (!record || record.status === 'failed' || !isAlive(record.supervisorPid)) return undefined;
  return record;
}

/** `devnet-kit gateway status`: reads the shared state only; spawns nothing. */
export function gatewayStatus(options: CommonOptions = {}): GatewayStatus {
  const dir = gatewayStateDir(options.env ?? process.env);
  const record = liveRecord(dir);
  return record
    ? { running: true, gateway: infoOf(dir, record), stateDir: dir }
    : { running: false, stateDir: dir };
}

export interface StopGatewayResult {
  stopped: boolean;
  gateway?: GatewayInfo;
}

/**
 * Stops the gateway devnet-kit started (never one started by hand): signals its supervisor, which
 * interrupts `kurtosis gateway` and exits; waits until both are gone.
 */
export async function stopGateway(
  options: CommonOptions & { timeoutMs?: number } = {},
): Promise<StopGatewayResult> {
  const dir = gatewayStateDir(options.env ?? process.env);
  const record = liveRecord(dir);
  if (!record) return { stopped: false };
  const info = infoOf(dir, record);
  try {
    process.kill(record.supervisorPid, 'SIGTERM');
  } catch {
    // exited meanwhile
  }
  const timeoutMs = options.timeoutMs ?? 15_000;
  const gone = await poll(async () => (isAlive(record.supervisorPid) ? undefined : true), {
    intervalMs: 25,
    timeoutMs,
    signal: options.signal,
    what: 'stopping the gateway was cancelled',
  });
  if (!gone.done) {
    throw new GatewayError(
      `the gateway supervisor (pid ${record.supervisorPid}) did not stop within ${Math.round(timeoutMs / 1000)} s; kill it with \`kill ${record.supervisorPid}\``,
    );
  }
  removeRecord(dir, record.supervisorPid);
  return { stopped: true, gateway: info };
}

async function waitGone(pid: number, signal?: AbortSignal): Promise<void> {
  const gone = await poll(async () => (isAlive(pid) ? undefined : true), {
    intervalMs: 25,
    timeoutMs: 15_000,
    signal,
    what: 'waiting for the old gateway to stop was cancelled',
  });
  if (!gone.done) {
    throw new GatewayError(
      `the stopping gateway supervisor (pid ${pid}) did not exit within 15 s; kill it with \`kill ${pid}\``,
    );
  }
}

/**
 * The kube context Kurtosis will use: the configured one (our overlay), else the kubeconfig's current
 * one, read as client-go does (the KUBECONFIG list, the first file that sets current-context wins,
 * else ~/.kube/config) — a file read rather than a `kubectl config current-context` process per command.
 */
function wantedContext(ctx: Context): string {
  if (ctx.kubeContext) return ctx.kubeContext;
  const files = ctx.env.KUBECONFIG
    ? ctx.env.KUBECONFIG.split(delimiter).filter(Boolean)
    : [join(ctx.env.HOME || homedir(), '.kube', 'config')];
  for (const file of files) {
    try {
      const doc = parseYaml(readFileSync(file, 'utf8')) as { 'current-context'?: unknown } | null;
      const current = doc?.['current-context'];
      if (typeof current === 'string' && current !== '') return current;
    } catch {
      // missing or unreadable: client-go skips it too
    }
  }
  return '';
}

function wrongContext(wanted: string, served: string): GatewayError {
  return new GatewayError(
    `the kurtosis gateway on this machine serves kube context '${served}', not '${wanted}' (one machine serves one kube context at a time); stop it with \`devnet-kit gateway stop\` (or wait for its idle timeout) and retry`,
    { wantedContext: wanted, servedContext: served },
  );
}

function supervisorArgv(): string[] {
  const here = import.meta.url;
  // Under tsx (tests, lib/ sources) the supervisor is a .ts file next to this one.
  if (here.endsWith('.ts')) {
    return ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('./gateway-supervisor.ts', here))];
  }
  // dist/index.mjs, or a chunk of the library (dist/lib/), of the CLI (dist/chunks/) or its script
  // (dist/scripts/).
  for (const relative of ['./gateway-supervisor.mjs', '../gateway-supervisor.mjs']) {
    const file = fileURLToPath(new URL(relative, here));
    if (existsSync(file)) return [file];
  }
  throw new GatewayError(
    'the gateway supervisor (dist/gateway-supervisor.mjs) is missing from this devnet-kit installation; reinstall devnet-kit',
  );
}

/**
 * The environment of the gateway: the context's, with our kubeconfig overlay copied next to the state
 * (the process's own overlay is removed when it exits, the gateway outlives it).
 */
function gatewayEnv(ctx: Context, dir: string): NodeJS.ProcessEnv {
  const env = { ...ctx.env };
  if (ctx.kubeContext && env.KUBECONFIG) {
    const overlay = join(dir, 'current-context.kubeconfig');
    writeFileSync(
      overlay,
      `apiVersion: v1\nkind: Config\ncurrent-context: ${JSON.stringify(ctx.kubeContext)}\n`,
      { mode: 0o600 },
    );
    env.KUBECONFIG = [overlay, ...env.KUBECONFIG.split(delimiter).slice(1)].join(delimiter);
  }
  return env;
}

async function withStartLock<T>(
  dir: string,
  signal: AbortSignal | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  mkdirSync(dir, { recursive: true });
  return withDirLock(
    join(dir, 'start.lock'),
    {
      staleMs: STALE_LOCK_MS,
      retryMs: 50,
      signal,
      what: 'waiting for another devnet-kit process to start the gateway was cancelled',
    },
    fn,
  );
}

/** Waits until the supervisor's gateway serves; throws its failure (command, exit code, stderr). */
async function waitServing(dir: string, pid: number, signal?: AbortSignal): Promise<GatewayRecord> {
  const serving = await poll(
    async () => {
      const record = readRecord(dir);
      if (record?.supervisorPid === pid) {
        if (record.status === 'serving') return record;
        if (record.status === 'failed') {
          removeRecord(dir, pid);
          throw new GatewayError(
            `could not start \`kurtosis gateway\`, which Kurtosis needs on Kubernetes to reach its engine: ${record.error ?? 'no reason given'}`,
          );
        }
      }
      if (!isAlive(pid)) {
        throw new GatewayError(
          `the gateway supervisor (pid ${pid}) exited before \`kurtosis gateway\` served; Kurtosis needs the gateway on Kubernetes to reach its engine`,
        );
      }
      return undefined;
    },
    {
      intervalMs: 50,
      timeoutMs: START_TIMEOUT_MS,
      signal,
      what: 'starting `kurtosis gateway` was cancelled',
    },
  );
  if (serving.done) return serving.value;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // gone
  }
  throw new GatewayError(
    `\`kurtosis gateway\` did not say it serves within ${START_TIMEOUT_MS / 1000} s; stopped it`,
  );
}

/**
 * Makes sure a gateway serves the context's kube context (Kubernetes clusters only). Called through
 * the runner wrapper before the first engine-consuming call; `base` is the unwrapped runner.
 */
export async function ensureGatewayIn(
  ctx: Context,
  base: Runner,
  signal?: AbortSignal,
  known?: EngineStatus,
  verify = false,
): Promise<void> {
  const dir = gatewayStateDir(ctx.env);
  const wanted = wantedContext(ctx);
  let first = known;
  let restarted = false;
  for (let attempt = 0; ; attempt++) {
    const ours = liveRecord(dir);
    if (ours?.status === 'stopping') {
      await waitGone(ours.supervisorPid, signal);
      continue;
    }
    if (ours && ours.kubeContext !== wanted) throw wrongContext(wanted, ours.kubeContext);
    if (ours?.status === 'starting') {
      await waitServing(dir, ours.supervisorPid, signal);
      continue;
    }
    if (ours?.status === 'serving' && first === undefined && !verify) {
      // Ours serves this context (its supervisor saw the gateway's INFO line and is alive): no need to
      // ask Kurtosis on every command. A call that still meets the guarantor error verifies.
      touchLastUse(dir);
      return;
    }
    const status = first ?? (await runCommand(base, engineStatusCommand(), { signal }));
    first = undefined;
    if (status.state === 'running') {
      // Ours, or one the user started (whose context we cannot know: it is trusted).
      touchLastUse(dir);
      return;
    }
    if (ours && status.state === 'stopped') {
      // No engine yet: the command will start one and reach it through our gateway.
      touchLastUse(dir);
      return;
    }
    if (ours && !restarted) {
      // Ours runs but Kurtosis can't reach the engine through it: useless to every process; replace it.
      restarted = true;
      ctx.onEvent({
        type: 'warning',
        message: `Kurtosis can't reach its engine through the kurtosis gateway devnet-kit started (pid ${ours.supervisorPid}); restarting it`,
      });
      await stopGateway({ env: ctx.env, signal });
      continue;
    }
    if (ours || attempt > 3) {
      throw new GatewayError(
        `Kurtosis still can't reach its engine through the kurtosis gateway devnet-kit started (pid ${ours?.supervisorPid ?? '?'}, kube context '${wanted}'); \`devnet-kit gateway stop\` and retry, or check the engine pod with kubectl`,
      );
    }
    await withStartLock(dir, signal, async () => {
      // Another process may have started one while we waited for the lock: the loop re-checks.
      if (liveRecord(dir)) return;
      ctx.onEvent({
        type: 'phase',
        phase: 'gateway',
        message: `starting \`kurtosis gateway\` for kube context '${wanted}' (shared; stops after ${formatMs(ctx.config.gatewayIdleTimeoutMs ?? DEFAULT_GATEWAY_IDLE_TIMEOUT_MS)} idle)`,
      });
      const options = {
        dir,
        kubeContext: wanted,
        idleTimeoutMs: ctx.config.gatewayIdleTimeoutMs ?? DEFAULT_GATEWAY_IDLE_TIMEOUT_MS,
        kurtosis: binaryPath('kurtosis', { env: ctx.env }),
      };
      const pid = spawnDetached({
        file: process.execPath,
        args: [...supervisorArgv(), JSON.stringify(options)],
        env: gatewayEnv(ctx, dir),
        cwd: ctx.cwd,
      });
      const record = await waitServing(dir, pid, signal);
      ctx.onEvent({
        type: 'info',
        message: `kurtosis gateway serves kube context '${wanted}' on local port ${record.port ?? '?'} (supervisor pid ${pid})`,
      });
    });
    if (status.state === 'stopped') return;
    // Just started because the engine was unreachable: Kurtosis must now say it answers.
    verify = true;
  }
}

function formatMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

function engineConsuming(args: readonly string[]): string | undefined {
  const first = args[0];
  return first !== undefined && ENGINE_CONSUMING.has(first) ? first : undefined;
}

/** The guarantor's "…whose server isn't responding… 'kurtosis engine restart'" after the gateway was ensured. */
function isNotResponding(error: unknown): error is CommandFailedError {
  return error instanceof CommandFailedError && kurtosisFailure(error) === 'engine-not-responding';
}

function explainNotResponding(error: CommandFailedError, ctx: Context): GatewayError {
  return new GatewayError(
    `\`${error.argv.join(' ')}\` could not reach the Kurtosis engine although \`kurtosis gateway\` was started for kube context '${ctx.kubeContext ?? 'current'}' (Kurtosis says "restart the engine", but on Kubernetes this means the gateway is not serving it); see \`devnet-kit gateway status\`, then \`devnet-kit gateway stop\` and retry`,
    { cause: error },
  );
}

/**
 * The one choke point: wraps the context's runner so that every engine-consuming Kurtosis call on a
 * Kubernetes cluster first has a gateway (once per context), counts as a use of it, and holds a lease
 * while it runs long.
 */
export interface GatewayRunner extends Runner {
  /**
   * Makes sure a gateway serves (once per context; again after a failure). `known`: an `engine status`
   * the caller just got, which then is not asked again.
   */
  ensureGateway(signal?: AbortSignal, known?: EngineStatus): Promise<void>;
}

export function hasGateway(runner: Runner): runner is GatewayRunner {
  return typeof (runner as Partial<GatewayRunner>).ensureGateway === 'function';
}

export function gatewayRunner(base: Runner, ctx: Context): GatewayRunner {
  let ensured: Promise<void> | undefined;
  const dir = () => gatewayStateDir(ctx.env);
  // The cluster type is read once, at the first engine-consuming call (after any `cluster set`).
  let kubernetes: boolean | undefined;
  const needs = (req: RunRequest | FollowRequest) => {
    if (req.tool !== 'kurtosis' || engineConsuming(req.args) === undefined) return false;
    kubernetes ??= ctx.backend.engineViaGateway;
    return kubernetes;
  };
  const ensure = (signal?: AbortSignal, known?: EngineStatus, verify = false): Promise<void> => {
    if (!ensured) {
      ensured = ensureGatewayIn(ctx, base, signal, known, verify);
      ensured.catch(() => {
        ensured = undefined;
      });
    }
    return ensured;
  };

  async function run(req: RunRequest) {
    if (!needs(req)) return base.run(req);
    await ensure(req.signal);
    const release = LONG_CALLS.has(req.args[0]!) ? acquireLease(dir()) : undefined;
    touchLastUse(dir());
    try {
      return await base.run(req);
    } catch (error) {
      if (!isNotResponding(error)) throw error;
      // The guarantor refused before doing anything: the gateway went away (idle timeout, `gateway
      // stop` by another process). Ensure once more and repeat the call.
      ensured = undefined;
      await ensure(req.signal, undefined, true);
      try {
        return await base.run(req);
      } catch (again) {
        throw isNotResponding(again) ? explainNotResponding(again, ctx) : again;
      }
    } finally {
      touchLastUse(dir());
      release?.();
    }
  }

  function follow(req: FollowRequest): FollowHandle {
    if (!needs(req)) return base.follow(req);
    let inner: FollowHandle | undefined;
    let stopped = false;
    let release: (() => void) | undefined;
    const ready = ensure(req.signal).then(() => {
      if (stopped) return undefined;
      release = acquireLease(dir());
      touchLastUse(dir());
      inner = base.follow(req);
      inner.done.finally(() => release?.()).catch(() => {});
      return inner;
    });
    ready.catch(() => {});
    async function* lines(): AsyncGenerator<string> {
      const handle = await ready;
      if (handle) yield* handle.lines;
    }
    const done = ready.then(
      (handle) =>
        handle?.done ?? {
          argv: [binaryPath('kurtosis', { env: ctx.env }), ...req.args],
          stdout: '',
          stderr: '',
          exitCode: 130,
          durationMs: 0,
        },
    );
    const explained = done.catch((error: unknown) => {
      throw isNotResponding(error) ? explainNotResponding(error, ctx) : error;
    });
    explained.catch(() => {});
    return {
      lines: lines(),
      stop() {
        stopped = true;
        inner?.stop();
      },
      done: explained,
    };
  }

  return { run, follow, ensureGateway: ensure };
}
