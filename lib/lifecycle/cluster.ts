// Making sure the tools point where the config says: the kube context (without rewriting the user's
// kubeconfig) and the Kurtosis cluster and engine (started, and at the CLI's version).

import { type CommonOptions, type Context, createContext } from '../context.js';
import {
  type CommandFailedError,
  type CommandFailure,
  commandFailed,
  GatewayError,
  NotFoundError,
  VersionMismatchError,
} from '../errors.js';
import { runCommand, withResult } from '../exec/command.js';
import { configGetContexts } from '../kube/commands.js';
import { kurtosisFailure } from '../kurtosis/classify-error.js';
import {
  engineStatusCommand,
  getClusterCommand,
  restartEngineCommand,
  setClusterCommand,
  startEngineCommand,
  versionCommand,
} from '../kurtosis/commands.js';
import { hasGateway } from '../kurtosis/gateway.js';
import type { EngineStatus } from '../kurtosis/parse.js';

export interface KubeContextResult {
  context: string;
  /** Contexts in the kubeconfig(s). */
  available: string[];
}

/**
 * Checks that `context` exists. devnet-kit never switches the user's current context: kubectl gets
 * `--context` and Kurtosis a per-process kubeconfig overlay whose current-context is this one.
 */
export async function ensureKubeContext(
  context: string,
  options: CommonOptions = {},
): Promise<KubeContextResult> {
  const ctx = createContext({
    ...options,
    config: { ...(options.config ?? {}), cluster: { kubeconfig_context: context } },
  });
  return ensureKubeContextIn(ctx, context);
}

export async function ensureKubeContextIn(ctx: Context, context: string): Promise<KubeContextResult> {
  const available = await runCommand(ctx.runner, configGetContexts({}), { signal: ctx.signal });
  if (!available.includes(context)) {
    throw new NotFoundError(
      'kube context',
      context,
      available,
      'fix cluster.kubeconfig_context in devnet-kit.yaml or DEVNET_KIT_KUBE_CONTEXT',
    );
  }
  return { context, available };
}

export interface EnsureClusterOptions extends CommonOptions {
  /** Restart the engine when its version does not match the CLI (else a VersionMismatchError). */
  restartEngine?: boolean;
}

export interface ClusterState {
  cluster: string;
  cliVersion: string;
  engineVersion: string;
  /** What ensureCluster changed: `cluster set`, `engine start`, `engine restart`. */
  actions: string[];
}

/**
 * Activates the Kurtosis cluster `cluster` (default: the configured one, else Kurtosis's current one)
 * and makes sure an engine runs at the CLI's version.
 */
export async function ensureCluster(
  cluster?: string,
  options: EnsureClusterOptions = {},
): Promise<ClusterState> {
  const ctx = createContext(options);
  return ensureClusterIn(ctx, { name: cluster, restartEngine: options.restartEngine });
}

/**
 * Idempotent: when all is well, only the read-only checks run (kube context and namespaces on
 * Kubernetes, cluster get, version, engine status).
 */
export async function ensureClusterIn(
  ctx: Context,
  options: { name?: string; restartEngine?: boolean } = {},
): Promise<ClusterState> {
  if (ctx.kubeContext) await ensureKubeContextIn(ctx, ctx.kubeContext);
  // kubectl labels and removes what devnet-kit creates on Kubernetes: make sure it runs and reaches the
  // API server before anything exists that could not be cleaned up.
  await ctx.backend.preflight(ctx);
  const signal = ctx.signal;
  const actions: string[] = [];
  const wanted = options.name ?? ctx.config.cluster?.name;
  let cluster = wanted ?? ctx.clusterName();
  ctx.onEvent({ type: 'phase', phase: 'cluster', message: `checking Kurtosis cluster '${cluster}'` });
  if (wanted) {
    const current = await currentCluster(ctx);
    if (current !== wanted) {
      await runCommand(ctx.runner, setClusterCommand(wanted), { signal });
      actions.push(`cluster set ${wanted}`);
      ctx.onEvent({ type: 'info', message: `Kurtosis cluster set to '${wanted}' (was '${current}')` });
    }
    cluster = wanted;
  }

  const [cliVersion, status] = await Promise.all([
    runCommand(ctx.runner, versionCommand(), { signal }),
    runCommand(ctx.runner, withResult(engineStatusCommand()), { signal }),
  ]);
  let engine: EngineStatus = status.value;
  // The call that showed the engine does not answer, for the error that says so.
  let unanswered: CommandFailure = status.result;
  if (engine.state === 'stopped') {
    ctx.onEvent({ type: 'phase', phase: 'engine', message: 'starting the Kurtosis engine' });
    try {
      await runCommand(ctx.runner, startEngineCommand(), { signal });
      actions.push('engine start');
      engine = { state: 'running', version: cliVersion };
    } catch (error) {
      // Kubernetes: another process started the engine meanwhile, and `engine start` then dials it,
      // which needs the gateway like any other engine call.
      if (kurtosisFailure(error) !== 'engine-not-responding' || !ctx.backend.engineViaGateway) throw error;
      engine = { state: 'unreachable' };
      unanswered = error as CommandFailedError;
    }
  }
  if (engine.state === 'unreachable') {
    if (!ctx.backend.engineViaGateway || !hasGateway(ctx.runner)) {
      throw commandFailed(unanswered, {
        headline: `the Kurtosis engine container of cluster '${cluster}' runs but its server does not answer; \`kurtosis engine restart\` replaces it`,
      });
    }
    // Kubernetes: the engine answers only through `kurtosis gateway` (lib/kurtosis/gateway.ts).
    await ctx.runner.ensureGateway(signal, engine);
    engine = await runCommand(ctx.runner, engineStatusCommand(), { signal });
    if (engine.state !== 'running') {
      throw new GatewayError(
        `Kurtosis still can't reach its engine on cluster '${cluster}' through \`kurtosis gateway\` (engine status: ${engine.state}); see \`devnet-kit gateway status\``,
      );
    }
  }

  // The engine answered, so a gateway serves on Kubernetes: tell the gateway runner, which then need
  // not ask Kurtosis again before the first engine call (it still checks whose gateway it is).
  if (ctx.backend.engineViaGateway && hasGateway(ctx.runner) && !actions.includes('engine start')) {
    await ctx.runner.ensureGateway(signal, engine);
  }

  const verdict = compareVersions(cliVersion, engine.version);
  if (verdict === 'mismatch') {
    if (!options.restartEngine) throw new VersionMismatchError(cliVersion, engine.version);
    ctx.onEvent({
      type: 'phase',
      phase: 'engine',
      message: `restarting the Kurtosis engine (${engine.version}) at the CLI's version ${cliVersion}`,
    });
    await runCommand(ctx.runner, restartEngineCommand(), { signal });
    actions.push('engine restart');
    return { cluster, cliVersion, engineVersion: cliVersion, actions };
  }
  if (verdict === 'engine-newer' || verdict === 'unparseable') {
    ctx.onEvent({
      type: 'warning',
      message: `Kurtosis engine ${engine.version} and CLI ${cliVersion} differ; \`kurtosis engine restart\` aligns them`,
    });
  }
  return { cluster, cliVersion, engineVersion: engine.version, actions };
}

async function currentCluster(ctx: Context): Promise<string> {
  try {
    return await runCommand(ctx.runner, getClusterCommand(), { signal: ctx.signal });
  } catch (error) {
    // Until the first `cluster set` the setting file is missing and `cluster get` fails, while every
    // other command silently uses docker.
    if (kurtosisFailure(error) === 'cluster-never-set') {
      return 'docker';
    }
    throw error;
  }
}

/**
 * Kurtosis's guard (kurtosis-cli.md §5.4): major.minor must match, and an engine patch behind the CLI
 * fails too; an engine ahead only warns.
 */
export function compareVersions(
  cli: string,
  engine: string,
): 'match' | 'mismatch' | 'engine-newer' | 'unparseable' {
  const a = /^(\d+)\.(\d+)\.(\d+)/.exec(cli);
  const b = /^(\d+)\.(\d+)\.(\d+)/.exec(engine);
  if (!a || !b) return 'unparseable';
  const [ca, cb, cc] = a.slice(1).map(Number) as [number, number, number];
  const [ea, eb, ec] = b.slice(1).map(Number) as [number, number, number];
  if (ca !== ea || cb !== eb) return 'mismatch';
  if (ec < cc) return 'mismatch';
  if (ec > cc) return 'engine-newer';
  return 'match';
}
