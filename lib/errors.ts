// Typed failures. Callers branch on the class (or `code`); the first line of every message says what
// happened and what to try next, so a CI log is enough to act on it.

import { redact } from './exec/redact.js';
import { summarizeStderr } from './exec/stderr.js';

export type ErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'BINARY_NOT_FOUND'
  | 'COMMAND_FAILED'
  | 'COMMAND_TIMEOUT'
  | 'STARLARK_FAILED'
  | 'PARSE_FAILED'
  | 'VERSION_MISMATCH'
  | 'WAIT_TIMEOUT'
  | 'SERVICE_FAILED'
  | 'INTERRUPTED'
  | 'LEFTOVERS'
  | 'DOWNLOAD_FAILED'
  | 'GATEWAY';

export class DevnetKitError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(redact(message), options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad input from the user or caller: nothing was spawned. The CLI exits 2. */
export class InvalidInputError extends DevnetKitError {
  /** What was wrong (a flag, a config key, a file path), for tests and tooling. */
  readonly input: string;
  constructor(input: string, message: string, options?: { cause?: unknown }) {
    super('INVALID_INPUT', message, options);
    this.input = input;
  }
}

/** A named devnet or service does not exist. The CLI exits 2. */
export class NotFoundError extends DevnetKitError {
  readonly kind: string;
  readonly target: string;
  readonly available: string[];
  constructor(kind: string, target: string, available: string[], hint?: string) {
    const list = available.length > 0 ? `; existing: ${available.join(', ')}` : `; there are none`;
    super('NOT_FOUND', `no ${kind} named '${target}'${list}${hint ? `. ${hint}` : ''}`);
    this.kind = kind;
    this.target = target;
    this.available = available;
  }
}

const INSTALL_HINTS: Record<string, string> = {
  kurtosis:
    'install the Kurtosis CLI (https://docs.kurtosis.com/install) or point DEVNET_KIT_KURTOSIS at the binary',
  kubectl:
    'install kubectl (https://kubernetes.io/docs/tasks/tools/) or point DEVNET_KIT_KUBECTL at the binary',
};

export class BinaryNotFoundError extends DevnetKitError {
  readonly tool: string;
  readonly path: string;
  /** `why`: what else was tried (e.g. a download that is switched off). */
  constructor(tool: string, path: string, options?: { cause?: unknown; why?: string }) {
    super(
      'BINARY_NOT_FOUND',
      `${tool} not found (looked for '${path}'${options?.why ? `; ${options.why}` : ''}): ${INSTALL_HINTS[tool] ?? `install ${tool}`}`,
      options,
    );
    this.tool = tool;
    this.path = path;
  }
}

export interface CommandFailure {
  argv: readonly string[];
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

/** The tool ran and failed. Carries argv, exit code, the stderr tail and Kurtosis's root cause. */
export class CommandFailedError extends DevnetKitError {
  readonly argv: readonly string[];
  readonly exitCode: number | undefined;
  readonly stderrTail: string[];
  readonly rootCause: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
  constructor(
    failure: CommandFailure & { rootCause?: string | undefined; stderrTail: string[]; hint?: string },
    options?: { cause?: unknown; code?: ErrorCode; headline?: string },
  ) {
    const cmd = formatArgv(failure.argv);
    const head =
      options?.headline ??
      `\`${cmd}\` failed with exit code ${failure.exitCode ?? 'unknown'}${
        failure.rootCause ? `: ${failure.rootCause}` : ''
      }`;
    const lines = [head + (failure.hint ? ` — ${failure.hint}` : '')];
    if (failure.stderrTail.length > 0) lines.push(...failure.stderrTail.map((l) => `  ${l}`));
    super(options?.code ?? 'COMMAND_FAILED', lines.join('\n'), options);
    this.argv = failure.argv.map(redact);
    this.exitCode = failure.exitCode;
    this.stderrTail = failure.stderrTail.map(redact);
    this.rootCause = failure.rootCause === undefined ? undefined : redact(failure.rootCause);
    this.stdout = redact(failure.stdout);
    this.stderr = redact(failure.stderr);
  }
}

export class CommandTimeoutError extends CommandFailedError {
  readonly timeoutMs: number;
  /** `headline`: the first line, when the caller knows better what the timeout means. */
  constructor(
    failure: CommandFailure & { stderrTail: string[] },
    timeoutMs: number,
    options?: { cause?: unknown; headline?: string },
  ) {
    super(
      { ...failure, rootCause: undefined },
      {
        ...options,
        code: 'COMMAND_TIMEOUT',
        headline:
          options?.headline ??
          `\`${formatArgv(failure.argv)}\` timed out after ${formatMs(timeoutMs)}; raise the timeout or check that the cluster answers`,
      },
    );
    this.timeoutMs = timeoutMs;
  }
}

/** `kurtosis run` reached the package and the Starlark failed. `details` holds the error block from stdout. */
export class StarlarkError extends CommandFailedError {
  readonly phase: 'interpreting' | 'validating' | 'executing' | 'unknown';
  readonly details: string[];
  constructor(
    failure: CommandFailure & { rootCause?: string; stderrTail: string[] },
    phase: StarlarkError['phase'],
    details: string[],
  ) {
    super(failure, {
      code: 'STARLARK_FAILED',
      headline: `ethereum-package failed while ${phase === 'unknown' ? 'running' : phase} Starlark: ${
        failure.rootCause ?? details[0] ?? 'see the output above'
      }`,
    });
    this.phase = phase;
    this.details = details.map(redact);
  }
}

/**
 * A CommandFailedError from what a command printed: for a failure the exit code does not show (Kurtosis
 * prints some errors and exits 0, `kubectl proxy` may end without serving) or that the caller found in
 * the answer. `headline` replaces the first line; the stderr tail and root cause come from `stderr`.
 */
export function commandFailed(
  failure: CommandFailure,
  options: { headline?: string; hint?: string; cause?: unknown } = {},
): CommandFailedError {
  const summary = summarizeStderr(failure.stderr);
  return new CommandFailedError(
    { ...failure, stderrTail: summary.tail, rootCause: summary.rootCause, hint: options.hint },
    { headline: options.headline, cause: options.cause },
  );
}

export class ParseError extends DevnetKitError {
  readonly parser: string;
  readonly snippet: string;
  constructor(parser: string, reason: string, input: string, options?: { cause?: unknown }) {
    const snippet = input.length > 400 ? `${input.slice(0, 400)}…` : input;
    super(
      'PARSE_FAILED',
      `${parser} could not parse the tool's output (${reason}); the tool's version may be unsupported — please report it with this snippet:\n${snippet}`,
      options,
    );
    this.parser = parser;
    this.snippet = redact(snippet);
  }
}

export class VersionMismatchError extends DevnetKitError {
  readonly cliVersion: string;
  readonly engineVersion: string;
  constructor(cliVersion: string, engineVersion: string) {
    super(
      'VERSION_MISMATCH',
      `Kurtosis engine ${engineVersion} does not match CLI ${cliVersion}: run \`kurtosis engine restart\` (or pass --restart-engine / restartEngine: true)`,
    );
    this.cliVersion = cliVersion;
    this.engineVersion = engineVersion;
  }
}

export class WaitTimeoutError extends DevnetKitError {
  readonly what: string;
  readonly timeoutMs: number;
  readonly details: string[];
  constructor(what: string, timeoutMs: number, details: string[] = []) {
    super(
      'WAIT_TIMEOUT',
      [
        `timed out after ${formatMs(timeoutMs)} waiting for ${what}; raise --timeout or inspect the logs`,
        ...details.map((d) => `  ${d}`),
      ].join('\n'),
    );
    this.what = what;
    this.timeoutMs = timeoutMs;
    this.details = details;
  }
}

/** A devnet service crashed or stopped while waiting for it; carries its last log lines. */
export class ServiceFailedError extends DevnetKitError {
  readonly service: string;
  readonly reason: string;
  readonly logs: string[];
  constructor(what: string, service: string, reason: string, logs: string[], hint: string) {
    super(
      'SERVICE_FAILED',
      [
        `service '${service}' failed while waiting for ${what}: ${reason}; ${hint}`,
        ...(logs.length > 0
          ? [`  last log lines of ${service}:`, ...logs.map((l) => `    ${l}`)]
          : [`  (no log lines from ${service})`]),
      ].join('\n'),
    );
    this.service = service;
    this.reason = redact(reason);
    this.logs = logs.map(redact);
  }
}

/** The operation was cancelled (AbortSignal, Ctrl-C). The CLI exits 130. */
export class InterruptedError extends DevnetKitError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('INTERRUPTED', `interrupted: ${what}`, options);
  }
}

/** Teardown finished but objects remain (kind/name pairs). */
export class LeftoversError extends DevnetKitError {
  readonly leftovers: { kind: string; namespace?: string; name: string }[];
  constructor(what: string, leftovers: { kind: string; namespace?: string; name: string }[]) {
    super(
      'LEFTOVERS',
      [
        `${what}: ${leftovers.length} object(s) still present; delete them by hand or run \`devnet-kit down\` again`,
        ...leftovers.map((l) => `  ${l.kind} ${l.namespace ? `${l.namespace}/` : ''}${l.name}`),
      ].join('\n'),
    );
    this.leftovers = leftovers;
  }
}

/** Providing a missing binary failed: what was fetched, why it failed, what to do instead. Exit 1. */
export class DownloadFailedError extends DevnetKitError {
  readonly url: string;
  readonly reason: string;
  constructor(url: string, reason: string, hint: string, options?: { cause?: unknown }) {
    super('DOWNLOAD_FAILED', `could not download ${url}: ${reason}; ${hint}`, options);
    this.url = url;
    this.reason = reason;
  }
}

/** The first line of an error's message (or of the value), secrets masked: for warnings and summaries. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const end = text.indexOf('\n');
  return redact(end < 0 ? text : text.slice(0, end));
}

export function formatArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(' ');
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m}m${s}s` : `${m}m`;
}

/**
 * On Kubernetes, `kurtosis gateway` could not be started or reached, or the one that runs serves another
 * kube context than the configured one. The CLI exits 1; nothing was created.
 */
export class GatewayError extends DevnetKitError {
  /** The kube context devnet-kit is aimed at, and the one the running gateway serves (when known). */
  readonly wantedContext?: string;
  readonly servedContext?: string;
  constructor(
    message: string,
    options: { cause?: unknown; wantedContext?: string; servedContext?: string } = {},
  ) {
    super('GATEWAY', message, { cause: options.cause });
    this.wantedContext = options.wantedContext;
    this.servedContext = options.servedContext;
  }
}
