// `up` is the composition of public steps — `ensureCluster` → `runPackage` → `applyIngress` →
// `waitFor` — plus what only the whole can promise: everything is checked before anything is spawned,
// a failure or Ctrl-C at any step removes what this call created (unless asked to keep it), the
// devnet becomes the owner's default with the alias hosts moved to it, and each phase is timed.

import type { Ingress } from 'kubernetes-types/networking/v1.js';
import { metaStore } from '../backends/metadata.js';
import { bindDevnetContext, type Context, createContext, deriveContext } from '../context.js';
import { Devnet } from '../devnet.js';
import { firstLine, InvalidInputError } from '../errors.js';
import { type PlannedService, planServices } from '../ethereum-package/plan.js';
import { schemaByVersion } from '../ethereum-package/schemas.js';
import type { Command } from '../exec/command.js';
import { redact } from '../exec/redact.js';
import { exposeIn, planIngress } from '../ingress/endpoints.js';
import { applyList, configGetContexts } from '../kube/commands.js';
import {
  addEnclaveCommand,
  engineStatusCommand,
  getClusterCommand,
  runPackageCommand,
  versionCommand,
} from '../kurtosis/commands.js';
import type { Backend, DevnetEvent, Endpoint, Service } from '../models.js';
import { type WaitTarget, waitForIn } from '../nodes/wait.js';
import { durationToMs, validateDevnetName } from '../validate.js';
import { ensureClusterIn } from './cluster.js';
import { destroyIn } from './down.js';
import { cleanUpAfterFailure } from './failure.js';
import {
  type ArgsSchemaInfo,
  type PackageRun,
  preparePackageRun,
  type RunPackageOptions,
  type RunPackageResult,
  runPackageIn,
} from './run-package.js';
import { PhaseClock, type UpPhase } from './timings.js';

export type WaitMode = WaitTarget | 'none';

export interface UpOptions extends RunPackageOptions {
  wait?: WaitMode;
  /** For `wait`: ms or a duration like `10m` (default 10 minutes). */
  timeout?: number | string;
  /** Apply Ingresses when the config enables them (default true). */
  ingress?: boolean;
  /** Restart the engine when its version does not match the CLI. */
  restartEngine?: boolean;
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

interface Prepared {
  ctx: Context;
  run: PackageRun;
  wait: WaitMode;
  timeoutMs: number;
  ingress: boolean;
}

const DEFAULT_WAIT_TIMEOUT_MS = 10 * 60_000;
const UP_PHASES: ReadonlySet<string> = new Set<UpPhase>([
  'cluster',
  'enclave',
  'run',
  'discover',
  'ingress',
  'wait',
]);

export function up(options: UpOptions & { dryRun: true }): Promise<UpPlan>;
export function up(options?: UpOptions): Promise<Devnet>;
export async function up(options: UpOptions = {}): Promise<Devnet | UpPlan> {
  const prepared = prepare(options);
  if (options.dryRun) return plan(prepared);
  return create(prepared, options);
}

/** Everything that can be checked without spawning: name, wait, durations, config, args, ingress. */
function prepare(options: UpOptions): Prepared {
  const ctx = createContext(options);
  const name = options.name !== undefined ? validateDevnetName(options.name) : undefined;
  const wait = options.wait ?? 'none';
  if (!['none', 'services', 'blocks', 'finalized'].includes(wait)) {
    throw new InvalidInputError(
      'wait',
      `wait ${JSON.stringify(wait)} is not allowed; use services, blocks, finalized or none`,
    );
  }
  const timeoutMs = durationToMs(options.timeout, '--timeout') ?? DEFAULT_WAIT_TIMEOUT_MS;
  const run = preparePackageRun(ctx, { ...options, name });
  const ingress = options.ingress !== false && ctx.config.devnet.ingress.enabled;
  return { ctx, run, wait, timeoutMs, ingress };
}

function plan(p: Prepared): UpPlan {
  const { ctx, run } = p;
  const { name } = run;
  const backend = ctx.backend;
  const cluster = ctx.clusterName();
  const kube = { context: ctx.kubeContext };
  // Built by the same command builders `up` runs, so the plan cannot drift from what happens.
  const commands: Command<unknown>[] = [];
  if (ctx.kubeContext) commands.push(configGetContexts({}));
  commands.push(...backend.planPreflight(ctx));
  if (ctx.config.cluster?.name) commands.push(getClusterCommand());
  commands.push(versionCommand(), engineStatusCommand(), addEnclaveCommand(name));
  commands.push(
    runPackageCommand({ enclave: name, packageRef: run.packageRef, argsFile: '<tmp>/args.yaml' }),
  );
  const services = planServices(run.args, { schema: schemaByVersion(run.schema.version) });
  let ingresses: Ingress[] = [];
  let endpoints: Endpoint[] = [];
  commands.push(...backend.planDiscover(ctx, name, run.expiresAt));
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
    package: run.packageRef,
    schema: run.schema,
    warnings: run.warnings,
    // Printed by `up --dry-run`, often into a CI log: docker_cache credentials must not show.
    argsYaml: redact(run.argsYaml),
    commands: commands.map((c) => [c.tool, ...c.args]),
    services,
    ingresses,
    endpoints,
    expiresAt: run.expiresAt,
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
  const clock = new PhaseClock();
  // From the first instant: what comes before ensureCluster (the kube context and API checks, picking
  // the backend) is part of checking the cluster, and the phases add up to the total.
  clock.start('cluster');
  const { name } = p.run;
  // The steps report their phases as events; the clock starts each of up's phases as it is reported.
  const onEvent = p.ctx.onEvent;
  const ctx: Context = deriveContext(p.ctx, {
    onEvent: (event: DevnetEvent) => {
      if (event.type === 'phase' && UP_PHASES.has(event.phase)) clock.start(event.phase as UpPhase);
      onEvent(event);
    },
  });
  ctx.signal?.throwIfAborted?.();
  await ensureClusterIn(ctx, { restartEngine: options.restartEngine });
  // Removes its enclave itself when it fails; from its result on, failures are cleaned up here.
  const made = await runPackageIn(ctx, p.run, options);
  try {
    const endpoints = p.ingress ? await expose(ctx, made) : made.endpoints;
    const devnet = bindDevnetContext(
      new Devnet(
        {
          ...made.enclave,
          services: made.services,
          endpoints,
          output: made.output,
          warnings: made.warnings,
          timings: clock.timings,
        },
        () => destroyIn(p.ctx, [name], { wait: true }).then(() => undefined),
      ),
      p.ctx,
    );
    if (p.wait !== 'none') {
      await waitForIn(ctx, devnet, p.wait, { timeoutMs: p.timeoutMs, signal: ctx.signal });
    }
    clock.finish();
    return devnet;
  } catch (error) {
    await cleanUpAfterFailure(ctx, name, error, {
      keepOnFailure: options.keepOnFailure,
      dumpOnFailure: options.dumpOnFailure,
      argsYaml: p.run.argsYaml,
      expiresAt: p.run.expiresAt,
    });
    throw error;
  }
}

/**
 * The `applyIngress` step with the alias. A devnet that runs is worth keeping even when it can't be
 * exposed: a failure is a warning, and the default stays where the alias points (`use` moves both).
 */
async function expose(ctx: Context, made: RunPackageResult): Promise<Endpoint[]> {
  const { name, uuid, namespace } = made.enclave;
  // Docker publishes host ports instead.
  if (!namespace) return made.endpoints;
  try {
    return await exposeIn(ctx, { enclave: name, namespace, services: made.services }, { alias: true });
  } catch (error) {
    const message = `Ingresses for '${name}' were not applied: ${firstLine(error)}`;
    made.warnings.push(message);
    ctx.onEvent({ type: 'warning', message });
    ctx.onEvent({
      type: 'info',
      message: `the default devnet stays where the alias points; \`devnet-kit use ${name}\` retries the Ingresses`,
    });
    await metaStore(ctx)
      .write({ uuid, name, namespace }, { selectedAt: null })
      .catch((metaError: unknown) => {
        ctx.onEvent({
          type: 'warning',
          message: `could not record that '${name}' is not the default: ${firstLine(metaError)}`,
        });
      });
    return [];
  }
}
