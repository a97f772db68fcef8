// Kurtosis CLI calls as data: argv + parser (lib/exec/command.ts). Nothing here spawns.
// Conventions: bool flags are always written `--flag=false` (`--flag false` makes `false` a positional
// arg, which `run` reads as the package args); identifiers are checked so none can pass for a flag.

import { CommandFailedError, InvalidInputError, ParseError, StarlarkError } from '../errors.js';
import type { Command } from '../exec/command.js';
import type { RunResult } from '../exec/exec.js';
import { summarizeStderr } from '../exec/stderr.js';
import { isPlainArg, isTail, MAX_TAIL } from '../input/predicates.js';
import type { Enclave, LogLine } from '../models.js';
import { type EnclaveInspection, parseEnclaveInspect } from './inspect.js';
import { type PackageOutput, parseRunOutputJson } from './package-output.js';
import {
  type EngineStatus,
  parseClusterGet,
  parseEnclaveLs,
  parseEngineStatus,
  parseServiceLogs,
  parseVersion,
} from './parse.js';
import { parseRunOutput, type RunEvent } from './run-stream.js';

/** Engine start/restart pull an image and wait for health checks. */
export const ENGINE_TIMEOUT_MS = 5 * 60_000;
/** Destroying enclaves removes containers/namespaces, which can be slow on Kubernetes. */
export const ENCLAVE_RM_TIMEOUT_MS = 5 * 60_000;
/** `run` waits up to 30 min on a hung client by itself (ethereum-package.md §4); stop a bit earlier. */
export const RUN_TIMEOUT_MS = 25 * 60_000;

const none = (): void => {};

function identifier(kind: string, value: string): string {
  if (!isPlainArg(value)) {
    throw new InvalidInputError(
      kind,
      `invalid ${kind} '${value}': must be non-empty, without spaces, not start with '-'`,
    );
  }
  return value;
}

function kurtosis<T>(
  args: string[],
  parse: (result: RunResult) => T,
  extra: Partial<Command<T>> = {},
): Command<T> {
  return { tool: 'kurtosis', args, parse, ...extra };
}

/** `kurtosis version` → CLI version (does not contact the engine). */
export function versionCommand(): Command<string> {
  return kurtosis(['version'], (r) => parseVersion(r.stdout), { idempotent: true });
}

/**
 * `kurtosis cluster get` → the current cluster. Fails (exit 1) when `cluster set` has never run;
 * `kurtosisFailure(error) === 'cluster-never-set'` then means `docker`, which is what
 * every other Kurtosis command uses in that state. Callers map it; this command does not hide it.
 */
export function getClusterCommand(): Command<string> {
  return kurtosis(['cluster', 'get'], (r) => parseClusterGet(r.stdout), { idempotent: true });
}

/** `kurtosis cluster set <name>`: may stop/start engines, so it gets the engine timeout. */
export function setClusterCommand(name: string): Command<void> {
  return kurtosis(['cluster', 'set', identifier('cluster', name)], none, { timeoutMs: ENGINE_TIMEOUT_MS });
}

export function engineStatusCommand(): Command<EngineStatus> {
  return kurtosis(['engine', 'status'], (r) => parseEngineStatus(r.stdout), { idempotent: true });
}

export interface EngineOptions {
  /** Engine image tag (default: the CLI's version). */
  version?: string;
}

export function startEngineCommand(options: EngineOptions = {}): Command<void> {
  return kurtosis(['engine', 'start', ...engineVersionArgs(options)], none, { timeoutMs: ENGINE_TIMEOUT_MS });
}

/** The fix for CLI/engine version drift. */
export function restartEngineCommand(options: EngineOptions = {}): Command<void> {
  return kurtosis(['engine', 'restart', ...engineVersionArgs(options)], none, {
    timeoutMs: ENGINE_TIMEOUT_MS,
  });
}

function engineVersionArgs(options: EngineOptions): string[] {
  return options.version === undefined ? [] : ['--version', identifier('engine version', options.version)];
}

/**
 * `kurtosis enclave add -n <name>`: creates the enclave or fails when the name is taken. `up` creates
 * its enclave this way before `run`, because `run --enclave` silently reuses an existing enclave —
 * a second `up` of the same name would otherwise run the package into the first one's devnet.
 * Prints nothing on stdout; the UUID comes from `enclave inspect`/the namespace.
 */
export function addEnclaveCommand(name: string): Command<void> {
  return kurtosis(['enclave', 'add', '-n', identifier('enclave', name)], none, {
    timeoutMs: ENGINE_TIMEOUT_MS,
  });
}

export function listEnclavesCommand(): Command<Enclave[]> {
  return kurtosis(['enclave', 'ls', '--full-uuids'], (r) => parseEnclaveLs(r.stdout), { idempotent: true });
}

export function inspectEnclaveCommand(enclave: string): Command<EnclaveInspection> {
  return kurtosis(
    ['enclave', 'inspect', identifier('enclave', enclave), '--full-uuids'],
    (r) => parseEnclaveInspect(r.stdout),
    { idempotent: true },
  );
}

/** `kurtosis enclave rm -f <enclave>...`: `-f` also removes RUNNING enclaves. */
export function removeEnclavesCommand(enclaves: readonly string[]): Command<void> {
  if (enclaves.length === 0) throw new InvalidInputError('enclave', 'no enclave to remove');
  return kurtosis(['enclave', 'rm', '-f', ...enclaves.map((e) => identifier('enclave', e))], none, {
    timeoutMs: ENCLAVE_RM_TIMEOUT_MS,
  });
}

/** `kurtosis enclave dump <enclave> <dir>`: service logs and configs into `dir` (for CI artifacts). */
export function dumpEnclaveCommand(enclave: string, outputDir: string): Command<void> {
  if (outputDir.length === 0) throw new InvalidInputError('output directory', 'empty output directory');
  // A relative dir starting with '-' would read as a flag.
  const dir = outputDir.startsWith('-') ? `./${outputDir}` : outputDir;
  return kurtosis(['enclave', 'dump', identifier('enclave', enclave), dir], none, {
    timeoutMs: ENCLAVE_RM_TIMEOUT_MS,
  });
}

export interface RunPackageOptions {
  /** Created when missing, reused when it exists. */
  enclave: string;
  /** `github.com/ethpandaops/ethereum-package[@tag]`, a local dir, or a .star file. */
  packageRef: string;
  /** Args file path or URL (YAML or JSON). */
  argsFile: string;
  imageDownload?: 'missing' | 'always';
  /** `description` is the default since CLI 0.87.0; `brief` before. The parser reads both. */
  verbosity?: 'brief' | 'detailed' | 'description';
  timeoutMs?: number;
}

export interface RunPackageResult {
  /** Parsed ethereum-package output; undefined when the package returned nothing. */
  output: PackageOutput | undefined;
  /** The printed return value as it appeared. */
  rawOutput: string | undefined;
  events: RunEvent[];
  dryRun: boolean;
}

/**
 * `kurtosis run --enclave N PACKAGE --args-file F --show-enclave-inspect=false [...]`.
 * Exit 1 is accepted by the runner and judged here: a Starlark error on stdout → StarlarkError;
 * otherwise (enclave creation, engine) → CommandFailedError with Kurtosis's root cause.
 * Feed stdout lines to a RunStreamParser via `onLine` for live progress.
 */
export function runPackageCommand(options: RunPackageOptions): Command<RunPackageResult> {
  if (options.argsFile.length === 0) throw new InvalidInputError('args file', 'empty args file path');
  const args = [
    'run',
    '--enclave',
    identifier('enclave', options.enclave),
    identifier('package', options.packageRef),
    '--args-file',
    options.argsFile,
    '--show-enclave-inspect=false',
  ];
  if (options.imageDownload) args.push('--image-download', options.imageDownload);
  if (options.verbosity) args.push('--verbosity', options.verbosity);
  return kurtosis(args, parseRunResult, {
    okExitCodes: [0, 1],
    timeoutMs: options.timeoutMs ?? RUN_TIMEOUT_MS,
  });
}

function parseRunResult(result: RunResult): RunPackageResult {
  const { events, outcome } = parseRunOutput(result.stdout);
  const summary = summarizeStderr(result.stderr);
  const failure = {
    argv: result.argv,
    exitCode: result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
  };
  if (outcome.status === 'failure') {
    throw new StarlarkError(
      { ...failure, rootCause: outcome.rootCause, stderrTail: summary.tail },
      outcome.phase,
      outcome.details,
    );
  }
  if (result.exitCode !== 0) {
    throw new CommandFailedError({ ...failure, stderrTail: summary.tail, rootCause: summary.rootCause });
  }
  if (outcome.status !== 'success') {
    throw new ParseError(
      'parseRunOutput',
      'kurtosis run exited 0 without a success or error line',
      result.stdout,
    );
  }
  return {
    output: outcome.output === undefined ? undefined : parseRunOutputJson(outcome.output),
    rawOutput: outcome.output,
    events,
    dryRun: outcome.dryRun,
  };
}

export interface ServiceLogsOptions {
  /** None = all services (CLI ≥0.89.5). */
  services?: readonly string[];
  /** Last N lines (`-n`; the CLI's default is 200). */
  tail?: number;
  /** Every line (`-a`); excludes `tail`. */
  all?: boolean;
  /** Stream (`-f`): run it with `runner.follow` and stop it with SIGINT (other signals made the engine spin, #2593). */
  follow?: boolean;
}

export function serviceLogsCommand(enclave: string, options: ServiceLogsOptions = {}): Command<LogLine[]> {
  if (options.all && options.tail !== undefined) {
    throw new InvalidInputError('tail', 'choose either all lines or the last N lines, not both');
  }
  if (options.tail !== undefined && !isTail(options.tail)) {
    throw new InvalidInputError(
      'tail',
      `tail must be a whole number from 0 to ${MAX_TAIL}, got ${options.tail}`,
    );
  }
  const args = [
    'service',
    'logs',
    identifier('enclave', enclave),
    ...(options.services ?? []).map((s) => identifier('service', s)),
  ];
  if (options.tail !== undefined) args.push('-n', String(options.tail));
  if (options.all) args.push('-a');
  if (options.follow) args.push('-f');
  return kurtosis(args, (r) => parseServiceLogs(r.stdout), options.follow ? {} : { idempotent: true });
}
