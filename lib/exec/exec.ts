// The one place that spawns processes. Everything else hands it an argv and gets back
// `{ stdout, stderr, exitCode }` or a typed error. Timeouts, env, retries and spawn events live here.

import { stripVTControlCharacters } from 'node:util';
import { type ExecaError, execa, type Options, type ResultPromise } from 'execa';
import pRetry, { AbortError } from 'p-retry';
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

  function spawnOptions(tool: Tool, req: RunRequest | FollowRequest, timeout: number): Options {
    return {
      env: childEnv(tool),
      extendEnv: false,
      cwd: options.cwd,
      timeout,
      input: req.input,
      stdin: req.input === undefined ? 'ignore' : 'pipe',
      cancelSignal: req.signal,
      killSignal: req.killSignal ?? 'SIGTERM',
      forceKillAfterDelay: 3000,
      cleanup: true,
      reject: false,
      windowsHide: true,
    };
  }

  // Resolved once, on the first kurtosis spawn: `--help`, `up --dry-run` and kubectl-only paths never
  // look for (or download) kurtosis. A failed resolution is not kept, so a later call may try again.
  let kurtosisCommand: string | undefined;
  let kurtosisPending: Promise<string> | undefined;
  function resolveBinary(tool: Tool, signal?: AbortSignal): string | Promise<string> {
    if (tool !== 'kurtosis') return binaryPath(tool, options);
    if (kurtosisCommand) return kurtosisCommand;
    kurtosisPending ??= ensureKurtosis({
      ...options.kurtosis,
      env: baseEnv,
      binary: options.binaries?.kurtosis,
      onEvent: options.onEvent,
      signal,
    }).then(
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
    const bin = await resolveBinary(req.tool, req.signal);
    const argv = [bin, ...req.args];
    const shownArgv = argv.map(redact);
    const timeout = req.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    options.onEvent?.({ type: 'spawn', tool: req.tool, argv: shownArgv });
    const started = performance.now();
    let spawnOpts = spawnOptions(req.tool, req, timeout);
    if (req.onLine) {
      const onLine = req.onLine;
      const tap = (stream: 'stdout' | 'stderr') =>
        function* (line: unknown) {
          // Live lines reach onEvent and the terminal: Kurtosis prints image names, which carry
          // docker_cache credentials when the user put them there.
          onLine(stream, redact(stripVTControlCharacters(String(line))));
          yield line;
        };
      spawnOpts = { ...spawnOpts, stdout: [tap('stdout')], stderr: [tap('stderr')] } as Options;
    }
    const result = await execa(bin, [...req.args], spawnOpts);
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
    const bin =
      req.tool === 'kurtosis'
        ? (kurtosisCommand ??
          findKurtosis({ ...options.kurtosis, env: baseEnv, binary: options.binaries?.kurtosis })?.command ??
          'kurtosis')
        : binaryPath(req.tool, options);
    const argv = [bin, ...req.args];
    const shownArgv = argv.map(redact);
    const timeout = req.timeoutMs ?? FOLLOW_TIMEOUT_MS;
    options.onEvent?.({ type: 'spawn', tool: req.tool, argv: shownArgv });
    const started = performance.now();
    const controller = new AbortController();
    const signal = req.signal ? AbortSignal.any([req.signal, controller.signal]) : controller.signal;
    const child: ResultPromise = execa(bin, [...req.args], {
      ...spawnOptions(req.tool, { ...req, signal }, timeout),
      buffer: { stdout: false, stderr: true },
    });
    let stopped = false;
    const done = child.then((result) => {
      const durationMs = emitExit(req.tool, shownArgv, result.exitCode, started);
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
      const stdout = child.stdout;
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

type ExecaResultLike = Partial<
  Pick<ExecaError, 'code' | 'timedOut' | 'isCanceled' | 'exitCode' | 'signal'>
> & {
  stdout?: unknown;
  stderr?: unknown;
  failed?: boolean;
  cause?: unknown;
};

function settle(
  req: Pick<RunRequest, 'okExitCodes' | 'signal' | 'tool'>,
  argv: string[],
  result: ExecaResultLike,
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
  if (result.timedOut) throw new CommandTimeoutError({ ...failure, stderrTail: summary.tail }, timeout);
  const ok = req.okExitCodes ?? [0];
  if (result.exitCode === undefined || !ok.includes(result.exitCode)) {
    throw new CommandFailedError({ ...failure, stderrTail: summary.tail, rootCause: summary.rootCause });
  }
  return { argv, stdout, stderr, exitCode: result.exitCode, durationMs };
}

/**
 * execa's result as a `cause`, without its raw stdout/stderr: `console.error(error)` prints the cause
 * chain, and what a tool printed may hold secrets (image names with docker_cache credentials).
 */
function redactedCause(result: ExecaResultLike): Error {
  const raw = result as { shortMessage?: string; message?: string };
  const error = new Error(redact(raw.shortMessage ?? raw.message ?? 'the command failed'));
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
  const child = execa(req.file, [...req.args], {
    env: req.env,
    extendEnv: false,
    cwd: req.cwd,
    detached: true,
    stdio: 'ignore',
    cleanup: false,
    reject: false,
    windowsHide: true,
  });
  child.catch(() => {});
  child.unref();
  if (child.pid === undefined) throw new BinaryNotFoundError('node', req.file);
  return child.pid;
}
