// `runPackage`, the step of `up` that makes the devnet: create the enclave, run ethereum-package with an
// args file it writes, read the services back and label the devnet as the owner's (and the owner's
// default, as the newest devnet is). If it fails or is cancelled once the enclave exists, it removes
// the enclave again (after a dump, or not at all with keepOnFailure), so a caller is left with nothing.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type CommonOptions, type Context, createContext } from '../context.js';
import { InterruptedError, InvalidInputError } from '../errors.js';
import { applyDockerCache, type NetworkArgs, validateArgs } from '../ethereum-package/args.js';
import { parseArgsFile, renderArgsFile } from '../ethereum-package/args-file.js';
import { DEFAULT_PACKAGE_REF } from '../ethereum-package/releases.js';
import { type SchemaMode, schemaFor } from '../ethereum-package/schemas.js';
import { runCommand } from '../exec/command.js';
import { readInputFile } from '../input/yaml-file.js';
import { kurtosisFailure } from '../kurtosis/classify-error.js';
import { addEnclaveCommand, runPackageCommand } from '../kurtosis/commands.js';
import type { PackageOutput } from '../kurtosis/package-output.js';
import { RunStreamParser } from '../kurtosis/run-stream.js';
import type { Backend, Endpoint, Service } from '../models.js';
import { durationToMs, validateDevnetName } from '../validate.js';
import { cleanUpAfterFailure, type FailureOptions } from './failure.js';

export interface RunPackageOptions extends CommonOptions {
  /** Devnet (enclave) name; generated when omitted (`<owner>-<random>`, `gh-<run>-<attempt>` in Actions). */
  name?: string;
  /** ethereum-package args as an object… */
  args?: Record<string, unknown>;
  /** …or a YAML/JSON args file (default: `devnet.args_file` of the config, else the package defaults). */
  argsFile?: string;
  /** Package reference (default: `devnet.package` of the config, else ethereum-package at the newest
   * release devnet-kit knows). A known release tag checks the args strictly, anything else leniently. */
  package?: string;
  /** Expire after (ms or `4h`); stamps `devnet-kit/expires-at` for `gc`. Default: config `devnet.ttl`. */
  ttl?: number | string;
  /** `kurtosis run --image-download` */
  imageDownload?: 'missing' | 'always';
  /** On failure leave the enclave (labelled as the owner's) for inspection instead of removing it. */
  keepOnFailure?: boolean;
  /** On failure, collect `enclave dump`, service logs and the args here before cleaning up. */
  dumpOnFailure?: string;
}

/** Which ethereum-package schema checked the args, and how strictly. */
export interface ArgsSchemaInfo {
  /** `6.1.0`, or `main` for the newest main-branch sources devnet-kit knows. */
  version: string;
  /** The tag or commit the schema was derived from. */
  source: string;
  mode: SchemaMode;
  reason: string;
}

/** The enclave `runPackage` made and labelled: what `applyIngress`, `waitFor` and `down` find it by. */
export interface PackageEnclave {
  name: string;
  uuid: string;
  backend: Backend;
  /** Kubernetes: the enclave's namespace. */
  namespace?: string;
  owner: string;
  /** When `gc` may remove it (from `ttl`), ISO 8601. */
  expiresAt?: string;
}

export interface RunPackageResult {
  enclave: PackageEnclave;
  services: Service[];
  /** Public endpoints known now: Docker's published host ports; on Kubernetes none until `applyIngress`. */
  endpoints: Endpoint[];
  /** ethereum-package's output (participants, genesis, prefunded accounts). */
  output: PackageOutput | undefined;
  /** What lenient args checking let through (also sent as `warning` events). */
  warnings: string[];
}

/** A run checked and resolved, nothing spawned yet: what `up --dry-run` shows and `runPackage` runs. */
export interface PackageRun {
  name: string;
  args: NetworkArgs;
  argsYaml: string;
  packageRef: string;
  schema: ArgsSchemaInfo;
  warnings: string[];
  /** From the TTL, counted from when the run was prepared. */
  expiresAt?: string;
}

/**
 * Creates the enclave, runs ethereum-package in it and returns its services and output; reports
 * progress through `onEvent` (phases `enclave`, `run`, `discover`; each instruction; each service
 * added). The devnet is labelled as the caller's and becomes the owner's default. Expects the cluster
 * to be ready (`ensureCluster`). Nothing is left behind when it fails, unless `keepOnFailure`.
 */
export async function runPackage(options: RunPackageOptions = {}): Promise<RunPackageResult> {
  const ctx = createContext(options);
  return runPackageIn(ctx, preparePackageRun(ctx, options), options);
}

/** Everything that can be checked without spawning: name, package, args, TTL. */
export function preparePackageRun(
  ctx: Context,
  options: Pick<RunPackageOptions, 'name' | 'args' | 'argsFile' | 'package' | 'ttl'>,
): PackageRun {
  const name =
    options.name !== undefined ? validateDevnetName(options.name) : generateName(ctx.config.owner, ctx.env);
  const ttlMs = durationToMs(options.ttl, '--ttl') ?? ctx.config.devnet.ttlMs;
  const packageRef = options.package ?? ctx.config.devnet.package;
  if (!packageRef || packageRef.startsWith('-') || /\s/.test(packageRef)) {
    throw new InvalidInputError(
      'package',
      `package ${JSON.stringify(packageRef)} is not a package reference (e.g. ${DEFAULT_PACKAGE_REF} or a local directory)`,
    );
  }
  // A known release is checked as strictly as it checks itself; anything else leniently (warnings).
  const choice = schemaFor(packageRef);
  const warnings: string[] = [];
  const check = { schema: choice.schema, mode: choice.mode, warnings };
  if (options.args !== undefined && options.argsFile !== undefined) {
    throw new InvalidInputError('args', 'give either args or argsFile, not both');
  }
  let args: NetworkArgs;
  if (options.args !== undefined) {
    args = validateArgs(options.args, 'args', check);
  } else {
    const file = options.argsFile ? resolve(ctx.cwd, options.argsFile) : ctx.config.devnet.argsFile;
    if (file) {
      const label = options.argsFile ?? file;
      args = parseArgsFile(readInputFile(file, `args file ${label}`), label, check);
    } else {
      args = validateArgs({}, 'args', check);
    }
  }
  for (const message of warnings) ctx.onEvent({ type: 'warning', message });
  if (ctx.config.devnet.dockerCache) {
    args = applyDockerCache(args, ctx.config.devnet.dockerCache, {
      source: 'devnet-kit.yaml',
      key: 'devnet.docker_cache',
    });
  }
  return {
    name,
    args,
    argsYaml: renderArgsFile(args, {
      comment: `ethereum-package args for devnet ${name}, written by devnet-kit`,
    }),
    packageRef,
    schema: {
      version: choice.schema.version,
      source: choice.schema.source,
      mode: choice.mode,
      reason: choice.reason,
    },
    warnings,
    expiresAt: ttlMs ? new Date(Date.now() + ttlMs).toISOString() : undefined,
  };
}

/** `<owner>-<6 random>`; in GitHub Actions `gh-<run id>-<attempt>` so a re-run gets a fresh name. */
function generateName(owner: string, env: NodeJS.ProcessEnv): string {
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_RUN_ID && /^\d+$/.test(env.GITHUB_RUN_ID)) {
    const attempt = /^\d+$/.test(env.GITHUB_RUN_ATTEMPT ?? '') ? env.GITHUB_RUN_ATTEMPT : '1';
    return `gh-${env.GITHUB_RUN_ID}-${attempt}`;
  }
  const suffix = randomBytes(4).toString('hex').slice(0, 6);
  return `${owner.slice(0, 53).replace(/-+$/, '')}-${suffix}`;
}

export async function runPackageIn(
  ctx: Context,
  run: PackageRun,
  options: Pick<RunPackageOptions, 'imageDownload'> & FailureOptions = {},
): Promise<RunPackageResult> {
  const { name } = run;
  const signal = ctx.signal;
  signal?.throwIfAborted?.();
  const failure = { ...options, argsYaml: run.argsYaml, expiresAt: run.expiresAt };

  ctx.onEvent({ type: 'phase', phase: 'enclave', message: `creating enclave '${name}'` });
  try {
    // Not tied to the signal: cancelled, Kurtosis may still make the enclave; let the (short) add
    // finish and remove the enclave below instead of leaving it behind.
    await runCommand(ctx.runner, addEnclaveCommand(name));
  } catch (error) {
    // A terminal's Ctrl-C reaches Kurtosis too. A name clash, though, is another `up`'s enclave.
    if (signal?.aborted && kurtosisFailure(error) !== 'enclave-exists') {
      await cleanUpAfterFailure(ctx, name, error, failure);
      throw new InterruptedError(`creating enclave '${name}'`, { cause: error });
    }
    throw error;
  }
  // From here on the enclave is ours: every failure removes it unless asked to keep it.
  const tmp = mkdtempSync(join(tmpdir(), 'devnet-kit-args-'));
  const argsPath = join(tmp, 'args.yaml');
  writeFileSync(argsPath, run.argsYaml, { mode: 0o600 });
  try {
    if (signal?.aborted) throw new InterruptedError(`creating enclave '${name}'`);
    ctx.onEvent({ type: 'phase', phase: 'run', message: `running ${run.packageRef}` });
    const parser = new RunStreamParser();
    const result = await runCommand(
      ctx.runner,
      runPackageCommand({
        enclave: name,
        packageRef: run.packageRef,
        argsFile: argsPath,
        imageDownload: options.imageDownload,
      }),
      {
        signal,
        // Kurtosis only detaches on SIGINT ("execution will continue in the enclave"); we then remove it.
        killSignal: 'SIGINT',
        onLine: (stream, line) => {
          ctx.onEvent({ type: 'output', stream, line });
          if (stream === 'stdout') for (const event of parser.push(line)) ctx.onEvent(event);
        },
      },
    );

    ctx.onEvent({ type: 'phase', phase: 'discover', message: 'reading services' });
    const found = await ctx.backend.discover(ctx, name, run.expiresAt);
    return {
      enclave: {
        name,
        uuid: found.uuid,
        backend: ctx.backend.kind,
        namespace: found.namespace,
        owner: ctx.config.owner,
        expiresAt: run.expiresAt,
      },
      services: found.services,
      endpoints: found.endpoints,
      output: result.output,
      warnings: [...run.warnings],
    };
  } catch (error) {
    await cleanUpAfterFailure(ctx, name, error, failure);
    throw error;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
