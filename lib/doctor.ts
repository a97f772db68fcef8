// `doctor`: is everything devnet-kit needs there and pointed the right way? Each check says how to fix
// what is wrong. Independent checks run in parallel.

import { compareVersions } from './cluster.js';
import { runCommand } from './command.js';
import { type CommonOptions, createContext } from './context.js';
import { BinaryNotFoundError, DevnetKitError } from './errors.js';
import { DEFAULT_GATEWAY_IDLE_TIMEOUT_MS, gatewayStatus } from './gateway.js';
import { configGetContexts, kubectlClientVersion, serverVersion } from './kube/commands.js';
import { classifyKurtosisError } from './kurtosis/classify-error.js';
import { engineStatusCommand, getClusterCommand, versionCommand } from './kurtosis/commands.js';
import { formatDuration } from './validate.js';

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
}

export async function doctor(options: CommonOptions = {}): Promise<DoctorReport> {
  const ctx = createContext(options);
  const run = <T>(cmd: Parameters<typeof runCommand<T>>[1]) =>
    runCommand(ctx.runner, cmd, { signal: ctx.signal });
  const firstLine = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0]! : String(e));
  const checks: Check[] = [];

  const [cli, kubectl, engine, cluster] = await Promise.allSettled([
    run(versionCommand()),
    run(kubectlClientVersion()),
    run(engineStatusCommand()),
    run(getClusterCommand()),
  ]);

  if (cli.status === 'fulfilled') {
    checks.push({ name: 'kurtosis', status: 'ok', detail: `CLI ${cli.value}` });
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

  const backend = ctx.backend();
  if (kubectl.status === 'fulfilled') {
    checks.push({ name: 'kubectl', status: 'ok', detail: `client ${kubectl.value}` });
  } else {
    checks.push({
      name: 'kubectl',
      status: backend === 'kubernetes' ? 'fail' : 'warn',
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
    } else if (backend === 'kubernetes') {
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
  else if (
    cluster.reason instanceof DevnetKitError &&
    classifyKurtosisError((cluster.reason as { stderr?: string }).stderr ?? '') === 'cluster-never-set'
  )
    current = 'docker';
  if (current !== undefined) {
    const type = backend;
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

  if (backend === 'kubernetes' || ctx.kubeContext) {
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
      backend === 'kubernetes'
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

  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

/** What devnet-kit does about `kurtosis gateway` here, and the one it runs (lib/gateway.ts). */
function gatewayCheck(
  env: NodeJS.ProcessEnv,
  backend: string,
  kubeContext: string | undefined,
  idleMs: number | undefined,
): Check {
  if (backend !== 'kubernetes') {
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
