// What every library call shares: the resolved config, one runner (the only way to spawn), the kube
// context to go through, and where Kurtosis keeps its own settings.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Backend } from './backends/backend.js';
import { dockerBackend } from './backends/docker.js';
import { kubernetesBackend } from './backends/kubernetes.js';
import { type Config, loadConfig } from './config.js';
import type { Devnet } from './devnet.js';
import { InvalidInputError } from './errors.js';
import { createRunner, type ExecOptions, type Runner } from './exec/exec.js';
import type { KurtosisProvideOptions } from './kurtosis/binary.js';
import { gatewayRunner } from './kurtosis/gateway.js';
import type { Backend as BackendKind, OnEvent } from './models.js';

export interface CommonOptions {
  /** A resolved Config, or a config object shaped like devnet-kit.yaml (validated). */
  config?: Config | Record<string, unknown>;
  /** A config file; else $DEVNET_KIT_CONFIG; else ./devnet-kit.yaml; else none. */
  configPath?: string;
  owner?: string;
  /** Environment for config lookup and for the children (default process.env). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  binaries?: ExecOptions['binaries'];
  onEvent?: OnEvent;
  signal?: AbortSignal;
  /** Per-call timeout for tool calls, ms. */
  commandTimeoutMs?: number;
  retry?: ExecOptions['retry'];
  /** Replaces the process runner (tests, embedding); it then gets no automatic `kurtosis gateway`. */
  runner?: Runner;
  /** The Kurtosis CLI to download when none is on PATH; wins over devnet-kit.yaml's `kurtosis` and env. */
  kurtosis?: KurtosisProvideOptions;
}

export interface Context {
  config: Config;
  env: NodeJS.ProcessEnv;
  cwd: string;
  runner: Runner;
  onEvent: OnEvent;
  signal?: AbortSignal;
  /** `--context` for kubectl; undefined = the kubeconfig's current context. */
  kubeContext?: string;
  /** Kurtosis's cluster that devnet-kit is aimed at (configured, else Kurtosis's current one). */
  clusterName(): string;
  /**
   * Where the devnets run: every Docker/Kubernetes decision goes through it (lib/backends/backend.ts).
   * Chosen once, at first use — after any `cluster set` of ensureCluster.
   */
  readonly backend: Backend;
}

export function isResolvedConfig(value: unknown): value is Config {
  return (
    typeof value === 'object' &&
    value !== null &&
    'ownerSource' in value &&
    'devnet' in value &&
    typeof (value as Config).owner === 'string'
  );
}

export function createContext(options: CommonOptions = {}): Context {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const config = isResolvedConfig(options.config)
    ? options.config
    : loadConfig({ config: options.config, configPath: options.configPath, owner: options.owner, env, cwd });
  const onEvent: OnEvent = options.onEvent ?? (() => {});
  const kubeContext = config.cluster?.kubeconfigContext;
  // Kurtosis follows the kubeconfig's current-context. Rather than rewrite the user's kubeconfig
  // (which would break a parallel job aimed elsewhere), put a one-line overlay that sets
  // current-context in front of the user's KUBECONFIG list, for our children only.
  const kubeconfig = kubeContext ? kubeconfigOverlay(kubeContext, env) : undefined;
  const runner =
    options.runner ??
    createRunner({
      env,
      binaries: options.binaries,
      kubeconfig,
      onEvent,
      timeoutMs: options.commandTimeoutMs,
      retry: options.retry,
      cwd,
      kurtosis: kurtosisOptions(config, options.kurtosis),
    });
  const childEnv = kubeconfig ? { ...env, KUBECONFIG: kubeconfig } : env;
  let chosen: Backend | undefined;
  const ctx: Context = {
    config,
    env: childEnv,
    cwd,
    runner,
    onEvent,
    signal: options.signal,
    kubeContext,
    clusterName: () => config.cluster?.name ?? readClusterSetting(env) ?? 'docker',
    get backend() {
      chosen ??= backendOf(clusterType(config.cluster?.name ?? readClusterSetting(env) ?? 'docker', env));
      return chosen;
    },
  };
  // On Kubernetes every engine-consuming Kurtosis call needs `kurtosis gateway` (lib/kurtosis/gateway.ts).
  if (!options.runner) ctx.runner = gatewayRunner(runner, ctx);
  return ctx;
}

/**
 * `ctx` with some fields replaced. Its backend is still picked on first use, and once for both: a
 * spread (`{ ...ctx }`) would read the lazy getter, picking it before `up` has run `cluster set`.
 */
export function deriveContext(ctx: Context, changes: Partial<Omit<Context, 'backend'>>): Context {
  const derived = Object.defineProperties({}, Object.getOwnPropertyDescriptors(ctx)) as Context;
  return Object.assign(derived, changes);
}

/** The one place a backend is picked by its name. */
function backendOf(kind: BackendKind): Backend {
  return kind === 'kubernetes' ? kubernetesBackend : dockerBackend;
}

/** The config's `kurtosis` settings with the library option's defined keys on top. */
export function kurtosisOptions(config: Config, option?: KurtosisProvideOptions): KurtosisProvideOptions {
  const merged: KurtosisProvideOptions = { ...config.kurtosis };
  for (const [key, value] of Object.entries(option ?? {})) {
    if (value !== undefined) Object.assign(merged, { [key]: value });
  }
  return merged;
}

let overlayDir: string | undefined;

function kubeconfigOverlay(context: string, env: NodeJS.ProcessEnv): string {
  if (!overlayDir) {
    overlayDir = mkdtempSync(join(tmpdir(), 'devnet-kit-'));
    const dir = overlayDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const file = join(overlayDir, `${context.replace(/[^\w.-]/g, '_')}.kubeconfig`);
  mkdirSync(overlayDir, { recursive: true });
  writeFileSync(file, `apiVersion: v1\nkind: Config\ncurrent-context: ${JSON.stringify(context)}\n`, {
    mode: 0o600,
  });
  const base = env.KUBECONFIG || join(env.HOME || homedir(), '.kube', 'config');
  return [file, ...base.split(delimiter).filter(Boolean)].join(delimiter);
}

/** Kurtosis's data and config folders (adrg/xdg on Linux; Application Support on macOS). */
export function kurtosisPaths(env: NodeJS.ProcessEnv): { config: string; clusterSetting: string } {
  const home = env.HOME || homedir();
  if (process.platform === 'darwin') {
    const base = join(home, 'Library', 'Application Support', 'kurtosis');
    return { config: join(base, 'kurtosis-config.yml'), clusterSetting: join(base, 'cluster-setting') };
  }
  const configHome = env.XDG_CONFIG_HOME || join(home, '.config');
  const dataHome = env.XDG_DATA_HOME || join(home, '.local', 'share');
  return {
    config: join(configHome, 'kurtosis', 'kurtosis-config.yml'),
    clusterSetting: join(dataHome, 'kurtosis', 'cluster-setting'),
  };
}

/** The cluster-setting file Kurtosis writes on `cluster set`; missing means never set (docker). */
export function readClusterSetting(env: NodeJS.ProcessEnv): string | undefined {
  try {
    return readFileSync(kurtosisPaths(env).clusterSetting, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The type of a Kurtosis cluster from kurtosis-config.yml (a `kurtosis-clusters` map replaces the defaults). */
export function clusterType(name: string, env: NodeJS.ProcessEnv): BackendKind {
  let clusters: Record<string, { type?: string }> | undefined;
  try {
    const doc = parseYaml(readFileSync(kurtosisPaths(env).config, 'utf8')) as {
      'kurtosis-clusters'?: Record<string, { type?: string }>;
    } | null;
    clusters = doc?.['kurtosis-clusters'];
  } catch {
    clusters = undefined;
  }
  const type = clusters
    ? clusters[name]?.type
    : name === 'docker'
      ? 'docker'
      : name === 'minikube'
        ? 'kubernetes'
        : undefined;
  return type === 'kubernetes' ? 'kubernetes' : 'docker';
}

// The context a Devnet handle was made in, kept beside the handle rather than on it: the public Devnet
// type (dist/types/devnet.d.ts) then carries none of the internal Context, and a caller cannot reach or
// replace it. Here rather than in a module of its own, which would be one more chunk for the commands.
const devnetContexts = new WeakMap<Devnet, Context>();

/** Binds the handle `up()` returns to the context it was made in; returns the handle. */
export function bindDevnetContext(devnet: Devnet, context: Context): Devnet {
  devnetContexts.set(devnet, context);
  return devnet;
}

/** The context `devnet` was made in; a handle not made by `up()` has none, which is the caller's mistake. */
export function getDevnetContext(devnet: Devnet, caller: string): Context {
  const context = devnetContexts.get(devnet);
  if (!context) {
    throw new InvalidInputError(
      'devnet',
      `${caller} needs a Devnet returned by up() (this one was constructed by hand); pass the devnet's name where a name is accepted`,
    );
  }
  return context;
}
