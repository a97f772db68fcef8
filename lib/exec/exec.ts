// The one place that spawns processes. Everything else hands it an argv and gets back
// `{ stdout, stderr, exitCode }` or a typed error. Timeouts, env, retries and spawn events live here.
//
// Two ways to start a child, one set of decisions (`SpawnPlan`: env, timeout, kill signal and its
// escalation, cancel, clean-up on exit). A run that is read whole when it ends (every `kurtosis enclave
// ls/inspect`, every `kubectl get`: all a read command does) is spawned here with node:child_process:
// loading execa and its first call were 10 ms of a read command on Node 20 and 30 ms on Node 24, the
// rest of the gap to issue #16's start-up goal (bench/RESULTS.md). Streams (a follow, a run with live
// lines) go through execa, loaded on first use (./execa.ts), for its line transforms and stream handling.

import { type ChildProcess, spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import type { ExecaError, Options, ResultPromise } from 'execa';
import pRetry, { AbortError } from 'p-retry';
import { onExit } from 'signal-exit';
import {
  BinaryNotFoundError,
  CommandFailedError,
  CommandTimeoutError,
  firstLine,
  InterruptedError,
} from '../errors.js';
import { ensureKurtosis, findKurtosis, type KurtosisProvideOptions } from '../kurtosis/binary.js';
import type { OnEvent } from '../models.js';
import { redact } from './redact.js';
import { summarizeStderr } from './stderr.js';

export type Tool = 'kurtosis' | 'kubectl';

export interface ExecOptions {
  /** Base environment for children (default: `process.env`). KUBECONFIG and HOME pass through from it. */
  env?: NodeJS.ProcessEnv;
  /** Binary paths; else `DEVNET_KIT_KURTOSIS` / `DEVNET_KIT_KUBECTL` from `env`; else found on PATH. */
  binaries?: Partial<Record<Tool, string>>;
  /** Overrides KUBECONFIG for every child (kubectl and Kurtosis both follow it). */
  kubeconfig?: string;
  onEvent?: OnEvent;
  /** Default per-call timeout in ms (default 60 s). */
  timeoutMs?: number;
  /** Retries of idempotent reads on transient failures. Default 2 retries from 250 ms, doubling. */
  retry?: { retries?: number; minTimeoutMs?: number };
  cwd?: string;
  /** A `kurtosis` found nowhere is downloaded (kurtosis-binary.ts) before its first spawn. */
  kurtosis?: KurtosisProvideOptions;
}

export interface RunRequest {
  tool: Tool;
  args: readonly string[];
  input?: string;
  timeoutMs?: number;
  /** A read that may be repeated: transient failures (connection refused, 5xx, 429, timeouts) are retried. */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** Signal sent on cancel and timeout (default SIGTERM). `kurtosis service logs -f` and `run` want SIGINT. */
  killSignal?: 'SIGINT' | 'SIGTERM';
  /** Live lines (ANSI stripped) as they arrive, e.g. for `kurtosis run` progress. */
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
  /** Exit codes that are not failures (default only 0). */
  okExitCodes?: readonly number[];
}

export interface RunResult {
  argv: string[];
  /** ANSI stripped */
  stdout: string;
  /** ANSI stripped */
  stderr: string;
  exitCode: number;
  durationMs: number;
}

export interface FollowRequest extends Omit<RunRequest, 'onLine' | 'idempotent' | 'okExitCodes'> {
  /** Exit codes that count as a clean end of the stream (default 0). */
  okExitCodes?: readonly number[];
}

export interface FollowHandle {
  /** stdout lines, ANSI stripped, with backpressure: a slow consumer pauses the child. */
  lines: AsyncIterable<string>;
  /**
   * The same lines grouped as they were read (one pipe read each), for a consumer that moves many
   * lines: one await per read instead of one per line. Iterate `lines` or `batches`, not both.
   */
  batches?: AsyncIterable<string[]>;
  /** Ends the child with the request's kill signal. */
  stop(): void;
  /** Settles when the child has exited; rejects like `run` on failure (not after `stop()`). */
  done: Promise<RunResult>;
}

export interface Runner {
  run(request: RunRequest): Promise<RunResult>;
  follow(request: FollowRequest): FollowHandle;
}

const KURTOSIS_ENV = { CI: 'true', TZ: 'UTC', NO_COLOR: '1' } as const;
const DEFAULT_TIMEOUT_MS = 60_000;
const FOLLOW_TIMEOUT_MS = 7 * 24 * 3600_000;

const TRANSIENT =
  /connection refused|to the server [^ ]* was refused|Unable to connect to the server|\(InternalError\)|\(ServiceUnavailable\)|\(TooManyRequests\)|i\/o timeout|unexpected EOF|TLS handshake timeout|context deadline exceeded|code = Unavailable|connection reset by peer/i;

export function binaryPath(tool: Tool, options: Pick<ExecOptions, 'binaries' | 'env'> = {}): string {
  const env = options.env ?? process.env;
  const fromEnv = tool === 'kurtosis' ? env.DEVNET_KIT_KURTOSIS : env.DEVNET_KIT_KUBECTL;
  return options.binaries?.[tool] || fromEnv || tool;
}

export function createRunner(options: ExecOptions = {}): Runner {
  const baseEnv = options.env ?? process.env;

  function childEnv(tool: Tool): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...baseEnv };
    if (options.kubeconfig) env.KUBECONFIG = options.kubeconfig;
    if (tool === 'kurtosis') Object.assign(env, KURTOSIS_ENV);
    return env;
  }

  function spawnPlan(tool: Tool, req: RunRequest | FollowRequest, timeout: number): SpawnPlan {
    return {
      env: childEnv(tool),
      cwd: options.cwd,
      timeout,
      input: req.input,
      signal: req.signal,
      killSignal: req.killSignal ?? 'SIGTERM',
    };
  }

  // Resolved once, on the first kurtosis spawn: `--help`, `up --dry-run` and kubectl-only paths never
  // look for (or download) kurtosis. A failed resolution is not kept, so a later call may try again.
  let kurtosisCommand: string | undefined;
  let kurtosisPending: Promise<string> | undefined;
  const kurtosisFindOptions = { ...options.kurtosis, env: baseEnv, binary: options.binaries?.kurtosis };
  /** The kurtosis known or found without downloading, kept once found. */
  function knownKurtosis(): string | undefined {
    kurtosisCommand ??= findKurtosis(kurtosisFindOptions)?.command;
    return kurtosisCommand;
  }
  function resolveBinary(tool: Tool, signal?: AbortSignal): string | Promise<string> {
    if (tool !== 'kurtosis') return binaryPath(tool, options);
    // Found without downloading (the usual case) at once, so that `run` spawns before it returns: what
    // its caller does next (reading metadata beside `enclave ls`) then overlaps the child.
    const known = knownKurtosis();
    if (known) return known;
    kurtosisPending ??= ensureKurtosis({ ...kurtosisFindOptions, onEvent: options.onEvent, signal }).then(
      (found) => {
        kurtosisCommand = found.command;
        return found.command;
      },
      (error: unknown) => {
        kurtosisPending = undefined;
        throw error;
      },
    );
    return kurtosisPending;
  }

  function emitExit(tool: Tool, argv: string[], exitCode: number | undefined, started: number): number {
    const durationMs = Math.round(performance.now() - started);
    options.onEvent?.({ type: 'exit', tool, argv, exitCode, durationMs });
    return durationMs;
  }

  async function once(req: RunRequest): Promise<RunResult> {
    const resolved = resolveBinary(req.tool, req.signal);
    // No await for a binary already known: the child starts within this call.
    const bin = typeof resolved === 'string' ? resolved : await resolved;
    const argv = [bin, ...req.args];
    const shownArgv = argv.map(redact);
    const timeout = req.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    options.onEvent?.({ type: 'spawn', tool: req.tool, argv: shownArgv });
    const started = performance.now();
    const plan = spawnPlan(req.tool, req, timeout);
    let result: ChildOutcome;
    if (req.onLine) {
      const onLine = req.onLine;
      const tap = (stream: 'stdout' | 'stderr') =>
        function* (line: unknown) {
          // Live lines reach onEvent and the terminal: Kurtosis prints image names, which carry
          // docker_cache credentials when the user put them there.
          onLine(stream, redact(stripVTControlCharacters(String(line))));
          yield line;
        };
      const { execa } = await loadExeca();
      result = await execa(bin, [...req.args], {
        ...execaOptions(plan),
        stdout: [tap('stdout')],
        stderr: [tap('stderr')],
      } as Options);
    } else {
      result = await runToEnd(bin, req.args, plan);
    }
    const durationMs = emitExit(req.tool, shownArgv, result.exitCode, started);
    return settle(req, argv, result, timeout, durationMs);
  }

  async function run(req: RunRequest): Promise<RunResult> {
    if (!req.idempotent) return once(req);
    const retries = options.retry?.retries ?? 2;
    const minTimeout = options.retry?.minTimeoutMs ?? 250;
    let attempt = 0;
    return pRetry(
      async () => {
        attempt++;
        try {
          return await once(req);
        } catch (error) {
          if (!isTransient(error)) throw new AbortError(error as Error);
          if (attempt <= retries) {
            options.onEvent?.({
              type: 'retry',
              tool: req.tool,
              argv: [
                (req.tool === 'kurtosis' && kurtosisCommand) || binaryPath(req.tool, options),
                ...req.args,
              ].map(redact),
              attempt,
              reason: (error as CommandFailedError).rootCause ?? firstLine(error),
            });
          }
          throw error;
        }
      },
      { retries, minTimeout, factor: 2, randomize: false, signal: req.signal },
    ).catch((error: unknown) => {
      // p-retry wraps nothing for us to unwrap except AbortError's original error.
      throw error instanceof AbortError && (error as { originalError?: unknown }).originalError
        ? (error as unknown as { originalError: unknown }).originalError
        : error;
    });
  }

  function follow(req: FollowRequest): FollowHandle {
    // Synchronous: no download here. Every follow comes after a run on the same runner (the enclave is
    // looked up first), which has provided kurtosis by then.
    const bin = req.tool === 'kurtosis' ? (knownKurtosis() ?? 'kurtosis') : binaryPath(req.tool, options);
    const argv = [bin, ...req.args];
    const shownArgv = argv.map(redact);
    const timeout = req.timeoutMs ?? FOLLOW_TIMEOUT_MS;
    let startedAt = 0;
    const controller = new AbortController();
    const signal = req.signal ? AbortSignal.any([req.signal, controller.signal]) : controller.signal;
    // execa loads on the first follow; the child starts (and its spawn event says so) when it has. A
    // stop before that cancels it.
    const started = loadExeca().then(({ execa }) => {
      options.onEvent?.({ type: 'spawn', tool: req.tool, argv: shownArgv });
      startedAt = performance.now();
      return {
        subprocess: execa(bin, [...req.args], {
          ...execaOptions(spawnPlan(req.tool, { ...req, signal }, timeout)),
          buffer: { stdout: false, stderr: true },
        }) as ResultPromise,
      };
    });
    let stopped = false;
    const done = started
      .then(({ subprocess }) => subprocess)
      .then((result) => {
        const durationMs = emitExit(req.tool, shownArgv, result.exitCode, startedAt);
        if (stopped || req.signal?.aborted) {
          return {
            argv,
            stdout: '',
            stderr: stripVTControlCharacters(String(result.stderr ?? '')),
            exitCode: result.exitCode ?? 130,
            durationMs,
          };
        }
        return settle({ ...req, okExitCodes: req.okExitCodes ?? [0] }, argv, result, timeout, durationMs);
      });
    // Nobody may be awaiting `done` when the consumer stops early; keep that from being unhandled.
    done.catch(() => {});
    // Reading the pipe in chunks and splitting them here costs a third of execa's line iterator per
    // line (log follows move hundreds of thousands of lines); `for await` on the stream keeps the
    // backpressure: a slow consumer stops the reads, and the child blocks on its full pipe.
    async function* batches(): AsyncGenerator<string[]> {
      const { stdout } = (await started).subprocess;
      if (!stdout) return;
      stdout.setEncoding('utf8');
      let rest = '';
      try {
        for await (const chunk of stdout as AsyncIterable<string>) {
          const parts = (rest + chunk).split('\n');
          rest = parts.pop()!;
          for (let i = 0; i < parts.length; i++) parts[i] = cleanLine(parts[i]!);
          if (parts.length > 0) yield parts;
        }
        if (rest !== '') yield [cleanLine(rest)];
      } catch (error) {
        if (!stopped && !req.signal?.aborted) throw error;
      }
    }
    async function* lines(): AsyncGenerator<string> {
      for await (const batch of batches()) yield* batch;
    }
    return {
      lines: lines(),
      batches: batches(),
      stop() {
        if (stopped) return;
        stopped = true;
        controller.abort();
      },
      done,
    };
  }

  return { run, follow };
}

/**
 * How a child ended, as execa reports it with `reject: false` (the fields `settle` reads); `runToEnd`
 * produces the same.
 */
type ChildOutcome = Partial<
  Pick<ExecaError, 'code' | 'timedOut' | 'isCanceled' | 'exitCode' | 'signal' | 'shortMessage'>
> & {
  stdout?: unknown;
  stderr?: unknown;
  cause?: unknown;
};

/** What a child is started with, whichever way: the decisions behind both execa's options and runToEnd. */
interface SpawnPlan {
  /** The whole environment (nothing is added to it). */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** ms; the child is stopped after it (`timedOut`). */
  timeout: number;
  /** Written to stdin, which is closed after it; no input: stdin is /dev/null. */
  input?: string;
  /** Stops the child when aborted (`isCanceled`). */
  signal?: AbortSignal;
  /** How a child is stopped; one still there FORCE_KILL_AFTER_MS later gets SIGKILL. */
  killSignal: 'SIGINT' | 'SIGTERM';
}

const FORCE_KILL_AFTER_MS = 3000;
/** execa's default: a child printing without end is stopped rather than filling our memory. */
const MAX_BUFFER = 100_000_000;

function execaOptions(plan: SpawnPlan): Options {
  return {
    env: plan.env,
    extendEnv: false,
    cwd: plan.cwd,
    timeout: plan.timeout,
    input: plan.input,
    stdin: plan.input === undefined ? 'ignore' : 'pipe',
    cancelSignal: plan.signal,
    killSignal: plan.killSignal,
    forceKillAfterDelay: FORCE_KILL_AFTER_MS,
    // Our exit (a crash, process.exit, a signal nobody handles) takes the child with it.
    cleanup: true,
    reject: false,
    windowsHide: true,
  };
}

let execaModule: Promise<typeof import('./execa.js')> | undefined;
function loadExeca(): Promise<typeof import('./execa.js')> {
  execaModule ??= import('./execa.js');
  return execaModule;
}

/**
 * Runs `file args` to its end and reads its output whole, as execa does with `execaOptions(plan)`: the
 * exit code (or the signal that ended it), stdout and stderr as UTF-8 without their final newline,
 * `timedOut` / `isCanceled`, or the spawn error's `code` (ENOENT, EACCES). Never rejects.
 */
function runToEnd(file: string, args: readonly string[], plan: SpawnPlan): Promise<ChildOutcome> {
  const command = [file, ...args].join(' ');
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        env: plan.env,
        cwd: plan.cwd,
        stdio: [plan.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      // Arguments Node refuses (a NUL byte) throw before anything starts.
      const { code, message } = error as NodeJS.ErrnoException;
      resolve({ code, shortMessage: `Command failed: ${command}\n${message}` });
      return;
    }
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let buffered = 0;
    let overflow = false;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      buffered += chunk.length;
      if (buffered > MAX_BUFFER) {
        overflow = true;
        stop();
        return;
      }
      into.push(chunk);
    };
    child.stdout!.on('data', collect(stdout));
    child.stderr!.on('data', collect(stderr));
    if (child.stdin) {
      // A tool that exits without reading its input closes the pipe under us: that is not a failure.
      child.stdin.on('error', () => {});
      child.stdin.end(plan.input);
    }

    let timedOut = false;
    let isCanceled = false;
    let forceKill: NodeJS.Timeout | undefined;
    function stop(): void {
      child.kill(plan.killSignal);
      forceKill ??= setTimeout(() => child.kill('SIGKILL'), FORCE_KILL_AFTER_MS).unref();
    }
    // Node fires a delay beyond 2^31 - 1 ms at once; such a timeout means none.
    const timer =
      plan.timeout <= 2_147_483_647
        ? setTimeout(() => {
            timedOut = true;
            stop();
          }, plan.timeout)
        : undefined;
    const onAbort = () => {
      isCanceled = true;
      stop();
    };
    if (plan.signal?.aborted) onAbort();
    else plan.signal?.addEventListener('abort', onAbort);
    const removeExitHook = onExit(() => {
      child.kill();
    });

    let settled = false;
    function finish(exitCode: number | null, signal: NodeJS.Signals | null, error?: NodeJS.ErrnoException) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(forceKill);
      plan.signal?.removeEventListener('abort', onAbort);
      removeExitHook();
      const outcome: ChildOutcome = {
        stdout: withoutFinalNewline(Buffer.concat(stdout).toString('utf8')),
        stderr: withoutFinalNewline(Buffer.concat(stderr).toString('utf8')),
        timedOut,
        isCanceled,
      };
      if (error) {
        resolve({
          ...outcome,
          code: error.code,
          cause: error,
          shortMessage: `Command failed with ${error.code}: ${command}\n${error.message}`,
        });
      } else if (exitCode !== null) {
        resolve({
          ...outcome,
          exitCode,
          shortMessage: `Command failed with exit code ${exitCode}: ${command}`,
        });
      } else {
        const why = timedOut
          ? `timed out after ${plan.timeout} milliseconds`
          : isCanceled
            ? 'was canceled'
            : overflow
              ? `printed more than ${MAX_BUFFER} bytes`
              : `was killed with ${signal}`;
        resolve({ ...outcome, signal: signal ?? undefined, shortMessage: `Command ${why}: ${command}` });
      }
    }
    child.once('error', (error: NodeJS.ErrnoException) => {
      // Not started (ENOENT, EACCES): no exit will come. A started child's errors (a failed kill) wait for it.
      if (child.pid === undefined) finish(null, null, error);
    });
    child.once('close', (code, signal) => finish(code, signal));
  });
}

function withoutFinalNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

function settle(
  req: Pick<RunRequest, 'okExitCodes' | 'signal' | 'tool'>,
  argv: string[],
  result: ChildOutcome,
  timeout: number,
  durationMs: number,
): RunResult {
  const stdout = stripVTControlCharacters(String(result.stdout ?? ''));
  const stderr = stripVTControlCharacters(String(result.stderr ?? ''));
  const cause = (result as { cause?: { code?: string } }).cause;
  if (result.code === 'ENOENT' || cause?.code === 'ENOENT' || result.code === 'EACCES') {
    throw new BinaryNotFoundError(req.tool, argv[0]!, { cause: redactedCause(result) });
  }
  if (result.isCanceled || req.signal?.aborted) {
    throw new InterruptedError(`\`${argv.map(redact).join(' ')}\` was cancelled`, {
      cause: redactedCause(result),
    });
  }
  const summary = summarizeStderr(stderr);
  const failure = { argv, exitCode: result.exitCode, stdout, stderr };
  if (result.timedOut) {
    throw new CommandTimeoutError({ ...failure, stderrTail: summary.tail }, timeout, {
      cause: redactedCause(result),
    });
  }
  const ok = req.okExitCodes ?? [0];
  if (result.exitCode === undefined || !ok.includes(result.exitCode)) {
    throw new CommandFailedError({ ...failure, stderrTail: summary.tail, rootCause: summary.rootCause });
  }
  return { argv, stdout, stderr, exitCode: result.exitCode, durationMs };
}

/**
 * How a child ended, as a `cause`, without its raw stdout/stderr: `console.error(error)` prints the cause
 * chain, and what a tool printed may hold secrets (image names with docker_cache credentials).
 */
function redactedCause(result: ChildOutcome): Error {
  const error = new Error(redact(result.shortMessage ?? 'the command failed'));
  Object.assign(error, {
    code: result.code,
    exitCode: result.exitCode,
    signal: result.signal,
    isCanceled: result.isCanceled,
  });
  return error;
}

/** A line as parsed: no trailing CR, no ANSI (checked first: most lines have none). */
function cleanLine(line: string): string {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  return text.includes('\x1b') ? stripVTControlCharacters(text) : text;
}

function isTransient(error: unknown): boolean {
  if (error instanceof CommandTimeoutError) return true;
  if (error instanceof CommandFailedError) return TRANSIENT.test(error.stderr);
  return false;
}

export interface DetachedRequest {
  /** The program; for our own scripts `process.execPath`. */
  file: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Starts a process that outlives this one: its own process group (a Ctrl-C to ours does not reach it),
 * no pipes, not waited for and not killed on our exit. For devnet-kit's own long-lived helpers only
 * (the gateway supervisor), which bound their own lifetime. Returns its pid.
 */
export function spawnDetached(req: DetachedRequest): number {
  const child = spawn(req.file, [...req.args], {
    env: req.env,
    cwd: req.cwd,
    detached: true,
    stdio: 'ignore',
    windowsHide: true,
  });
  // A failed start is reported below (no pid); the event would otherwise be an uncaught error.
  child.on('error', () => {});
  child.unref();
  if (child.pid === undefined) throw new BinaryNotFoundError('node', req.file);
  return child.pid;
}
