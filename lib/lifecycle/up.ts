// `up`: validate everything, make sure the tools point at the right cluster, create the enclave, run
// ethereum-package, label what we made, expose it, wait for it — and if any step fails or is
// cancelled, remove what this call created (unless asked to keep it).

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Ingress } from 'kubernetes-types/networking/v1.js';
import { attachPublicUrls, listDevnetsIn } from '../backends/enclaves.js';
import { metaStore } from '../backends/metadata.js';
import { bindDevnetContext, type CommonOptions, type Context, createContext } from '../context.js';
import { Devnet } from '../devnet.js';
import { type CommandFailedError, InterruptedError, InvalidInputError } from '../errors.js';
import { applyDockerCache, type NetworkArgs, validateArgs } from '../ethereum-package/args.js';
import { parseArgsFile, renderArgsFile } from '../ethereum-package/args-file.js';
import { type PlannedService, planServices } from '../ethereum-package/plan.js';
import {
  DEFAULT_PACKAGE_REF,
  type SchemaMode,
  schemaByVersion,
  schemaFor,
} from '../ethereum-package/schemas.js';
import { type Command, runCommand } from '../exec/command.js';
import { redact } from '../exec/redact.js';
import { applyIngressIn, planIngress, reconcileAliasIn } from '../ingress/endpoints.js';
import { readInputFile } from '../input/yaml-file.js';
import { applyList, configGetContexts } from '../kube/commands.js';
import {
  addEnclaveCommand,
  engineStatusCommand,
  getClusterCommand,
  removeEnclavesCommand,
  runPackageCommand,
  versionCommand,
} from '../kurtosis/commands.js';
import type { PackageOutput } from '../kurtosis/package-output.js';
import { RunStreamParser } from '../kurtosis/run-stream.js';
import type { Backend, Endpoint, Service } from '../models.js';
import { type WaitTarget, waitForIn } from '../nodes/wait.js';
import { durationToMs, validateDevnetName } from '../validate.js';
import { ensureClusterIn, ensureKubeContextIn } from './cluster.js';
import { destroyIn } from './down.js';
import { collectDump } from './dump.js';
import { PhaseClock, type UpPhase } from './timings.js';

export type WaitMode = WaitTarget | 'none';

export interface UpOptions extends CommonOptions {
  /** Devnet (enclave) name; generated when omitted (`<owner>-<random>`, `gh-<run>-<attempt>` in Actions). */
  name?: string;
  /** ethereum-package args as an object… */
  args?: Record<string, unknown>;
  /** …or a YAML/JSON args file (default: `devnet.args_file` of the config, else the package defaults). */
  argsFile?: string;
  /** Package reference (default: `devnet.package` of the config, else ethereum-package at the newest
   * release devnet-kit knows). A known release tag checks the args strictly, anything else leniently. */
  package?: string;
  wait?: WaitMode;
  /** For `wait`: ms or a duration like `10m` (default 10 minutes). */
  timeout?: number | string;
  /** Expire after (ms or `4h`); stamps `devnet-kit/expires-at` for `gc`. Default: config `devnet.ttl`. */
  ttl?: number | string;
  /** Apply Ingresses when the config enables them (default true). */
  ingress?: boolean;
  keepOnFailure?: boolean;
  /** Restart the engine when its version does not match the CLI. */
  restartEngine?: boolean;
  /** On failure, collect `enclave dump`, service logs and the args here before cleaning up. */
  dumpOnFailure?: string;
  /** `kurtosis run --image-download` */
  imageDownload?: 'missing' | 'always';
  dryRun?: boolean;
}

export interface UpPlan {
  dryRun: true;
  name: string;
  owner: string;
  backend: Backend;
  cluster: string;
  package: string;
  /** The schema the args were checked against and the mode. */
  schema: ArgsSchemaInfo;
  /** What lenient mode let through, one line each (empty in strict mode). */
  warnings: string[];
  argsYaml: string;
  /** Every kurtosis/kubectl argv `up` would run, in order (`<…>` marks values known only then). */
  commands: string[][];
  services: PlannedService[];
  ingresses: Ingress[];
  endpoints: Endpoint[];
  expiresAt?: string;
  wait: WaitMode;
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

interface Prepared {
  ctx: Context;
  name: string;
  args: NetworkArgs;
  argsYaml: string;
  packageRef: string;
  schema: ArgsSchemaInfo;
  /** Lenient-mode findings about the args (also sent as `warning` events). */
  warnings: string[];
  wait: WaitMode;
  timeoutMs: number;
  ttlMs?: number;
  ingress: boolean;
}

const DEFAULT_WAIT_TIMEOUT_MS = 10 * 60_000;

export function up(options: UpOptions & { dryRun: true }): Promise<UpPlan>;
export function up(options?: UpOptions): Promise<Devnet>;
export async function up(options: UpOptions = {}): Promise<Devnet | UpPlan> {
  const prepared = prepare(options);
  if (options.dryRun) return plan(prepared);
  return create(prepared, options);
}

/** Everything that can be checked without spawning: name, config, args, durations, ingress settings. */
function prepare(options: UpOptions): Prepared {
  const ctx = createContext(options);
  const env = ctx.env;
  const name =
    options.name !== undefined ? validateDevnetName(options.name) : generateName(ctx.config.owner, env);
  const wait = options.wait ?? 'none';
  if (!['none', 'services', 'blocks', 'finalized'].includes(wait)) {
    throw new InvalidInputError(
      'wait',
      `wait ${JSON.stringify(wait)} is not allowed; use services, blocks, finalized or none`,
    );
  }
  const timeoutMs = durationToMs(options.timeout, '--timeout') ?? DEFAULT_WAIT_TIMEOUT_MS;
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
  let args: NetworkArgs;
  if (options.args !== undefined && options.argsFile !== undefined) {
    throw new InvalidInputError('args', 'give either args or argsFile, not both');
  }
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
  const ingress = options.ingress !== false && ctx.config.devnet.ingress.enabled;
  const argsYaml = renderArgsFile(args, {
    comment: `ethereum-package args for devnet ${name}, written by devnet-kit`,
  });
  const schema: ArgsSchemaInfo = {
    version: choice.schema.version,
    source: choice.schema.source,
    mode: choice.mode,
    reason: choice.reason,
  };
  return { ctx, name, args, argsYaml, packageRef, schema, warnings, wait, timeoutMs, ttlMs, ingress };
}

/** `<owner>-<6 random>`; in GitHub Actions `gh-<run id>-<attempt>` so a re-run gets a fresh name. */
export function generateName(owner: string, env: NodeJS.ProcessEnv): string {
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_RUN_ID && /^\d+$/.test(env.GITHUB_RUN_ID)) {
    const attempt = /^\d+$/.test(env.GITHUB_RUN_ATTEMPT ?? '') ? env.GITHUB_RUN_ATTEMPT : '1';
    return `gh-${env.GITHUB_RUN_ID}-${attempt}`;
  }
  const suffix = randomBytes(4).toString('hex').slice(0, 6);
  return `${owner.slice(0, 53).replace(/-+$/, '')}-${suffix}`;
}

function plan(p: Prepared): UpPlan {
  const { ctx, name } = p;
  const backend = ctx.backend;
  const cluster = ctx.clusterName();
  const kube = { context: ctx.kubeContext };
  // Built by the same command builders `up` runs, so the plan cannot drift from what happens.
  const commands: Command<unknown>[] = [];
  if (ctx.kubeContext) commands.push(configGetContexts({}));
  commands.push(...backend.planPreflight(ctx));
  if (ctx.config.cluster?.name) commands.push(getClusterCommand());
  commands.push(versionCommand(), engineStatusCommand(), addEnclaveCommand(name));
  commands.push(runPackageCommand({ enclave: name, packageRef: p.packageRef, argsFile: '<tmp>/args.yaml' }));
  const services = planServices(p.args, { schema: schemaByVersion(p.schema.version) });
  let ingresses: Ingress[] = [];
  let endpoints: Endpoint[] = [];
  const expiresAt = p.ttlMs ? new Date(Date.now() + p.ttlMs).toISOString() : undefined;
  commands.push(...backend.planDiscover(ctx, name, expiresAt));
  if (backend.ingresses && p.ingress) {
    const planned = planIngress(ctx, {
      enclave: name,
      namespace: `kt-${name}`,
      services: services.map(plannedToService),
    });
    ingresses = planned.ingresses;
    endpoints = planned.endpoints;
    if (ingresses.length > 0) commands.push(applyList(kube, ingresses));
  }
  return {
    dryRun: true,
    name,
    owner: ctx.config.owner,
    backend: backend.kind,
    cluster,
    package: p.packageRef,
    schema: p.schema,
    warnings: p.warnings,
    // Printed by `up --dry-run`, often into a CI log: docker_cache credentials must not show.
    argsYaml: redact(p.argsYaml),
    commands: commands.map((c) => [c.tool, ...c.args]),
    services,
    ingresses,
    endpoints,
    expiresAt,
    wait: p.wait,
  };
}

function plannedToService(s: PlannedService): Service {
  return {
    name: s.name,
    uuid: '',
    status: 'UNKNOWN',
    ports: s.ports.map((port) => ({ ...port, endpoint: `${s.name}:${port.number}` })),
  };
}

async function create(p: Prepared, options: UpOptions): Promise<Devnet> {
  const { ctx, name } = p;
  const signal = ctx.signal;
  signal?.throwIfAborted?.();
  const clock = new PhaseClock();
  const phase = (phaseName: UpPhase, message: string) => {
    clock.start(phaseName);
    ctx.onEvent({ type: 'phase', phase: phaseName, message });
  };

  // The kube context and API checks are part of checking the cluster.
  clock.start('cluster');
  if (ctx.kubeContext) await ensureKubeContextIn(ctx, ctx.kubeContext);
  const backend = ctx.backend;
  await backend.preflight(ctx);
  phase('cluster', `checking Kurtosis cluster '${ctx.config.cluster?.name ?? ctx.clusterName()}'`);
  await ensureClusterIn(ctx, { restartEngine: options.restartEngine });

  phase('enclave', `creating enclave '${name}'`);
  try {
    // Not tied to the signal: cancelled, Kurtosis may still make the enclave; let the (short) add
    // finish and remove the enclave below instead of leaving it behind.
    await runCommand(ctx.runner, addEnclaveCommand(name));
  } catch (error) {
    // A terminal's Ctrl-C reaches Kurtosis too. A name clash, though, is another `up`'s enclave.
    if (signal?.aborted && !/already exists/.test((error as CommandFailedError).stderr ?? '')) {
      await cleanupAfterFailure(ctx, name, error, options, p);
      throw new InterruptedError(`creating enclave '${name}'`, { cause: error });
    }
    throw error;
  }
  // From here on the enclave is ours: every failure removes it unless asked to keep it.
  const tmp = mkdtempSync(join(tmpdir(), 'devnet-kit-args-'));
  const argsPath = join(tmp, 'args.yaml');
  writeFileSync(argsPath, p.argsYaml, { mode: 0o600 });
  const warnings: string[] = [...p.warnings];
  try {
    if (signal?.aborted) throw new InterruptedError(`creating enclave '${name}'`);
    phase('run', `running ${p.packageRef}`);
    const parser = new RunStreamParser();
    const result = await runCommand(
      ctx.runner,
      runPackageCommand({
        enclave: name,
        packageRef: p.packageRef,
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
    const output: PackageOutput | undefined = result.output;

    phase('discover', 'reading services');
    const expiresAt = p.ttlMs ? new Date(Date.now() + p.ttlMs).toISOString() : undefined;
    const store = metaStore(ctx);
    const discovered = await backend.discover(ctx, name, expiresAt);
    const { uuid, namespace, services } = discovered;
    let endpoints = discovered.endpoints;

    if (backend.ingresses && p.ingress && namespace) {
      phase('ingress', 'applying Ingresses');
      try {
        endpoints = await applyIngressIn(ctx, { enclave: name, namespace, services });
        attachPublicUrls(services, endpoints);
        endpoints = [...endpoints, ...(await reconcileAliasIn(ctx, { enclave: name, namespace, services }))];
      } catch (error) {
        // A devnet that runs is worth keeping even when it can't be exposed; say why, loudly. The alias
        // still points at the previous default, so that one stays the default: `use` moves both later.
        const message = `Ingresses for '${name}' were not applied: ${(error as Error).message.split('\n')[0]}`;
        warnings.push(message);
        ctx.onEvent({ type: 'warning', message });
        ctx.onEvent({
          type: 'info',
          message: `the default devnet stays where the alias points; \`devnet-kit use ${name}\` retries the Ingresses`,
        });
        if (namespace) {
          await store.write({ uuid, name, namespace }, { selectedAt: null }).catch((metaError: unknown) => {
            ctx.onEvent({
              type: 'warning',
              message: `could not record that '${name}' is not the default: ${(metaError as Error).message.split('\n')[0]}`,
            });
          });
        }
      }
    }

    const devnet = bindDevnetContext(
      new Devnet(
        {
          name,
          uuid,
          owner: ctx.config.owner,
          backend: backend.kind,
          namespace,
          services,
          endpoints,
          output,
          expiresAt,
          warnings,
          timings: clock.timings,
        },
        () => destroyIn(ctx, [name], { wait: true }).then(() => undefined),
      ),
      ctx,
    );

    if (p.wait !== 'none') {
      phase('wait', `waiting for ${p.wait}`);
      await waitForIn(ctx, devnet, p.wait, { timeoutMs: p.timeoutMs, signal });
    }
    clock.finish();
    return devnet;
  } catch (error) {
    await cleanupAfterFailure(ctx, name, error, options, p);
    throw error;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function cleanupAfterFailure(
  ctx: Context,
  name: string,
  error: unknown,
  options: UpOptions,
  p: Prepared,
): Promise<void> {
  const interrupted = error instanceof InterruptedError || ctx.signal?.aborted;
  if (options.dumpOnFailure) {
    try {
      await collectDump(ctx, name, options.dumpOnFailure, { argsYaml: p.argsYaml });
    } catch (dumpError) {
      ctx.onEvent({
        type: 'warning',
        message: `could not collect the dump: ${(dumpError as Error).message.split('\n')[0]}`,
      });
    }
  }
  if (options.keepOnFailure) {
    try {
      // Owned like any devnet, so that `ls`, `down` and `gc` see it (up had not labelled it yet).
      const quiet: Context = { ...ctx, signal: undefined };
      const ref = (await listDevnetsIn(quiet)).find((r) => r.name === name);
      if (ref && !ref.owner) {
        const expiresAt = p.ttlMs ? new Date(Date.now() + p.ttlMs).toISOString() : null;
        await metaStore(quiet).write(
          { uuid: ref.uuid, name, namespace: ref.namespace },
          { owner: ctx.config.owner, expiresAt },
        );
      }
    } catch {
      // The warning below still says how to remove it.
    }
    ctx.onEvent({
      type: 'warning',
      message: `kept enclave '${name}' for inspection (--keep-on-failure); remove it with \`devnet-kit down ${name}\``,
    });
    return;
  }
  ctx.onEvent({
    type: 'phase',
    phase: 'cleanup',
    message: `${interrupted ? 'interrupted' : 'failed'}: removing enclave '${name}'`,
  });
  try {
    // Not tied to the (possibly aborted) signal: cleanup must run after Ctrl-C too.
    await destroyIn(ctx, [name], { wait: false, noSignal: true });
  } catch (cleanupError) {
    try {
      // destroyIn lists first (kubectl, for namespaces and aliases); when that is what broke, the
      // enclave can still go by name.
      await runCommand(ctx.runner, removeEnclavesCommand([name]));
    } catch {
      ctx.onEvent({
        type: 'warning',
        message: `could not remove enclave '${name}': ${(cleanupError as Error).message.split('\n')[0]}; remove it with \`kurtosis enclave rm -f ${name}\``,
      });
    }
  }
}
