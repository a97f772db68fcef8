// `doctor`: is everything devnet-kit needs there and pointed the right way? Each check says how to fix
// what is wrong. Independent checks run in parallel.

import type { Backend } from '../backends/backend.js';
import { type CommonOptions, createContext, kurtosisOptions } from '../context.js';
import { BinaryNotFoundError, firstLine } from '../errors.js';
import { schemaFor } from '../ethereum-package/schemas.js';
import { runCommand } from '../exec/command.js';
import { configGetContexts, kubectlClientVersion, serverVersion } from '../kube/commands.js';
import {
  type CachedKurtosis,
  findKurtosis,
  type KurtosisSource,
  kurtosisCacheDir,
  listCachedKurtosis,
} from '../kurtosis/binary.js';
import { kurtosisFailure } from '../kurtosis/classify-error.js';
import { engineStatusCommand, getClusterCommand, versionCommand } from '../kurtosis/commands.js';
import { DEFAULT_GATEWAY_IDLE_TIMEOUT_MS, gatewayStatus } from '../kurtosis/gateway.js';
import { formatDuration } from '../validate.js';
import { compareVersions } from './cluster.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do when it is not ok. */
  fix?: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: Check[];
  /** Which kurtosis devnet-kit runs and why; `source` is unset when it would download one first. */
  kurtosis: {
    command?: string;
    path?: string;
    source?: KurtosisSource;
    reason: string;
    /** The version devnet-kit downloads when no kurtosis is found. */
    pinnedVersion: string;
    download: boolean;
    cacheDir: string;
    cached: CachedKurtosis[];
  };
}

export async function doctor(options: CommonOptions = {}): Promise<DoctorReport> {
  const ctx = createContext(options);
  const run = <T>(cmd: Parameters<typeof runCommand<T>>[1]) =>
    runCommand(ctx.runner, cmd, { signal: ctx.signal });
  const checks: Check[] = [];

  // Looked up without network first: doctor reports a missing kurtosis, it does not download one.
  const provide = kurtosisOptions(ctx.config, options.kurtosis);
  const pinned = provide.version ?? ctx.config.kurtosis.version;
  const found = findKurtosis({ ...provide, env: ctx.env, binary: options.binaries?.kurtosis });
  const cacheDir = kurtosisCacheDir({ ...provide, env: ctx.env });
  const cached = listCachedKurtosis({ ...provide, env: ctx.env });
  const willDownload = !found && provide.download !== false;
  const notRun = Promise.reject(
    new BinaryNotFoundError('kurtosis', 'kurtosis', {
      why: 'not on PATH, and downloads are off (DEVNET_KIT_NO_DOWNLOAD or kurtosis.download: false)',
    }),
  );
  notRun.catch(() => {});
  const [cli, kubectl, engine, cluster] = await Promise.allSettled([
    found ? run(versionCommand()) : notRun,
    run(kubectlClientVersion()),
    found ? run(engineStatusCommand()) : notRun,
    found ? run(getClusterCommand()) : notRun,
  ]);

  if (willDownload) {
    checks.push({
      name: 'kurtosis',
      status: 'warn',
      detail: `not on PATH; devnet-kit downloads Kurtosis CLI ${pinned} into ${cacheDir} on first use`,
      fix: 'nothing to do (any command that needs kurtosis fetches it), or install it yourself',
    });
  } else if (cli.status === 'fulfilled') {
    const where = found!.source === 'path' ? found!.path : found!.command;
    // A different patch release is fine; another minor may print what the parsers do not expect.
    const minor = (v: string) => v.split('.').slice(0, 2).join('.');
    const off = found!.source === 'path' && minor(cli.value) !== minor(pinned);
    checks.push(
      off
        ? {
            name: 'kurtosis',
            status: 'warn',
            detail: `CLI ${cli.value} at ${where}, ${found!.reason}; devnet-kit follows ${pinned}`,
            fix: `install Kurtosis ${pinned}, or take it off PATH so that devnet-kit downloads ${pinned}`,
          }
        : { name: 'kurtosis', status: 'ok', detail: `CLI ${cli.value} at ${where}, ${found!.reason}` },
    );
  } else {
    checks.push({
      name: 'kurtosis',
      status: 'fail',
      detail: firstLine(cli.reason),
      fix:
        cli.reason instanceof BinaryNotFoundError
          ? 'install the Kurtosis CLI: https://docs.kurtosis.com/install (or set DEVNET_KIT_KURTOSIS)'
          : 'check that `kurtosis version` runs',
    });
  }

  checks.push({
    name: 'kurtosis cache',
    status: cached.length > 0 ? 'ok' : 'skip',
    detail:
      cached.length > 0
        ? `${cached.map((c) => c.version).join(', ')} in ${cacheDir} (\`devnet-kit cache clean\` removes them)`
        : `nothing cached in ${cacheDir}`,
  });

  const backend = ctx.backend;
  if (kubectl.status === 'fulfilled') {
    checks.push({ name: 'kubectl', status: 'ok', detail: `client ${kubectl.value}` });
  } else {
    checks.push({
      name: 'kubectl',
      status: backend.needsKubectl ? 'fail' : 'warn',
      detail: firstLine(kubectl.reason),
      fix: 'install kubectl: https://kubernetes.io/docs/tasks/tools/ (or set DEVNET_KIT_KUBECTL); only needed for Kubernetes clusters',
    });
  }

  if (engine.status === 'fulfilled') {
    const status = engine.value;
    if (status.state === 'running') {
      const verdict = cli.status === 'fulfilled' ? compareVersions(cli.value, status.version) : 'unparseable';
      checks.push(
        verdict === 'match'
          ? { name: 'engine', status: 'ok', detail: `running ${status.version}` }
          : verdict === 'mismatch'
            ? {
                name: 'engine',
                status: 'fail',
                detail: `running ${status.version}, CLI is ${cli.status === 'fulfilled' ? cli.value : '?'}`,
                fix: 'run `kurtosis engine restart` (or `devnet-kit up --restart-engine`)',
              }
            : {
                name: 'engine',
                status: 'warn',
                detail: `running ${status.version}`,
                fix: 'run `kurtosis engine restart` to align versions',
              },
      );
    } else if (status.state === 'stopped') {
      checks.push({
        name: 'engine',
        status: 'warn',
        detail: 'no engine is running',
        fix: '`devnet-kit up` starts it, or run `kurtosis engine start`',
      });
    } else if (backend.engineViaGateway) {
      // Expected on Kubernetes while no gateway serves: devnet-kit starts one when a command needs it.
      checks.push({
        name: 'engine',
        status: 'ok',
        detail:
          'an engine pod runs; Kurtosis reaches it through `kurtosis gateway`, which devnet-kit starts when needed',
      });
    } else {
      checks.push({
        name: 'engine',
        status: 'warn',
        detail: "an engine runs but its server can't be reached",
        fix: 'run `kurtosis engine restart`',
      });
    }
  } else if (cli.status === 'fulfilled') {
    checks.push({
      name: 'engine',
      status: 'fail',
      detail: firstLine(engine.reason),
      fix: 'is Docker (or the cluster) reachable? then `kurtosis engine restart`',
    });
  }

  const wanted = ctx.config.cluster?.name;
  let current: string | undefined;
  if (cluster.status === 'fulfilled') current = cluster.value;
  else if (kurtosisFailure(cluster.reason) === 'cluster-never-set') current = 'docker';
  if (current !== undefined) {
    const type = backend.kind;
    if (wanted && wanted !== current) {
      checks.push({
        name: 'cluster',
        status: 'warn',
        detail: `Kurtosis uses '${current}', config wants '${wanted}' (${type})`,
        fix: '`devnet-kit up` switches it, or run `kurtosis cluster set ' + wanted + '`',
      });
    } else {
      checks.push({ name: 'cluster', status: 'ok', detail: `'${wanted ?? current}' (${type})` });
    }
  } else if (cli.status === 'fulfilled') {
    checks.push({
      name: 'cluster',
      status: 'fail',
      detail: firstLine(cluster.status === 'rejected' ? cluster.reason : ''),
      fix: 'run `kurtosis cluster set docker` (or your cluster)',
    });
  }

  if (backend.needsKubectl || ctx.kubeContext) {
    const kube = { context: ctx.kubeContext };
    try {
      if (ctx.kubeContext) {
        const contexts = await run(configGetContexts({}));
        if (!contexts.includes(ctx.kubeContext)) {
          checks.push({
            name: 'kube context',
            status: 'fail',
            detail: `'${ctx.kubeContext}' is not in the kubeconfig (have: ${contexts.join(', ') || 'none'})`,
            fix: 'fix cluster.kubeconfig_context in devnet-kit.yaml',
          });
        } else {
          checks.push({ name: 'kube context', status: 'ok', detail: `'${ctx.kubeContext}'` });
        }
      }
      const version = await run(serverVersion(kube));
      checks.push({ name: 'kubernetes API', status: 'ok', detail: `answers, ${version}` });
    } catch (error) {
      checks.push({
        name: 'kubernetes API',
        status: 'fail',
        detail: firstLine(error),
        fix: 'check the kube context and that the cluster is reachable (`kubectl get --raw /version`)',
      });
    }
  } else {
    checks.push({ name: 'kubernetes API', status: 'skip', detail: 'not needed on the Docker backend' });
  }

  checks.push(gatewayCheck(ctx.env, backend, ctx.kubeContext, ctx.config.gatewayIdleTimeoutMs));

  const ingress = ctx.config.devnet.ingress;
  if (ingress.enabled) {
    checks.push(
      backend.ingresses
        ? {
            name: 'ingress',
            status: 'ok',
            detail: `${ingress.hostStyle} hosts under ${ingress.baseDomain}${ingress.className ? `, class ${ingress.className}` : ''}${ingress.tls ? ', TLS' : ''}`,
          }
        : {
            name: 'ingress',
            status: 'warn',
            detail: 'ingress is enabled but the cluster is Docker',
            fix: 'set cluster.name to a Kubernetes cluster, or disable devnet.ingress',
          },
    );
  } else {
    checks.push({ name: 'ingress', status: 'skip', detail: 'disabled in the config' });
  }

  // Which ethereum-package `up` runs, and how strictly its args are checked (ethereum-package/schemas.ts).
  const packageRef = ctx.config.devnet.package;
  const choice = schemaFor(packageRef);
  checks.push({
    name: 'package',
    status: 'ok',
    detail: `${packageRef}: args checked against ethereum-package ${choice.schema.version} (${choice.schema.source}), ${choice.mode} (${choice.reason})`,
  });

  return {
    ok: checks.every((c) => c.status !== 'fail'),
    checks,
    kurtosis: {
      command: found?.command,
      path: found?.path,
      source: found?.source,
      reason:
        found?.reason ??
        (willDownload
          ? `not found; Kurtosis ${pinned} is downloaded on first use`
          : 'not found; downloads are off'),
      pinnedVersion: pinned,
      download: provide.download !== false,
      cacheDir,
      cached,
    },
  };
}

/** What devnet-kit does about `kurtosis gateway` here, and the one it runs (lib/kurtosis/gateway.ts). */
function gatewayCheck(
  env: NodeJS.ProcessEnv,
  backend: Backend,
  kubeContext: string | undefined,
  idleMs: number | undefined,
): Check {
  if (!backend.engineViaGateway) {
    return { name: 'gateway', status: 'skip', detail: 'not needed on the Docker backend' };
  }
  const idle = formatDuration(idleMs ?? DEFAULT_GATEWAY_IDLE_TIMEOUT_MS);
  const { gateway } = gatewayStatus({ env });
  if (!gateway) {
    return {
      name: 'gateway',
      status: 'ok',
      detail: `none started by devnet-kit runs; the next command that needs the engine starts \`kurtosis gateway\` (shared by devnet-kit processes, stops after ${idle} unused; one kube context per machine)`,
    };
  }
  const detail = `started by devnet-kit: supervisor pid ${gateway.pid}, kube context '${gateway.kubeContext}', since ${gateway.since ?? gateway.startedAt}, last use ${gateway.lastUse ?? '-'}, stops after ${formatDuration(gateway.idleTimeoutMs)} unused`;
  if (kubeContext && gateway.kubeContext !== kubeContext) {
    return {
      name: 'gateway',
      status: 'fail',
      detail: `${detail}; the config wants kube context '${kubeContext}'`,
      fix: 'one machine serves one kube context at a time: `devnet-kit gateway stop`, then retry',
    };
  }
  return { name: 'gateway', status: 'ok', detail };
}
