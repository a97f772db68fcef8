// Every kubectl call devnet-kit makes, as data: the argv plus the parser (./parse.ts) for what kubectl
// prints. Nothing here spawns. Builders validate names before anything runs (a namespace that starts
// with '-' would otherwise be read as a flag).

import type { Namespace, Pod } from 'kubernetes-types/core/v1.js';
import type { Ingress } from 'kubernetes-types/networking/v1.js';
import { InvalidInputError } from '../errors.js';
import type { Command } from '../exec/command.js';
import {
  isDnsLabel,
  isDnsSubdomain,
  isGoDuration,
  isLabelValue,
  isTail,
  MAX_TAIL,
} from '../input/predicates.js';
import type { LogLine } from '../models.js';
import {
  type EnclaveObjects,
  type KubeObject,
  type PrefixedLogs,
  parseApplied,
  parseContextNames,
  parseDeleted,
  parseEnclaveObjects,
  parseKubectlClientVersion,
  parseKubeList,
  parseKubeObject,
  parseLeftovers,
  parseLogLines,
  parsePrefixedLogs,
  parseServerVersion,
  parseServicesAndPods,
  type ServicesAndPods,
} from './parse.js';

/** Which cluster kubectl talks to. `context` becomes `--context`; we never switch the user's kubeconfig. */
export interface KubeCtx {
  context?: string;
}

/** Kurtosis's main container in every user-service pod. */
export const USER_SERVICE_CONTAINER = 'user-service-container';
export const FIELD_MANAGER = 'devnet-kit';

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function kubectl(ctx: KubeCtx, args: string[]): string[] {
  if (ctx.context !== undefined) {
    if (ctx.context === '' || ctx.context.startsWith('-')) {
      throw new InvalidInputError(
        'kube context',
        `kube context ${JSON.stringify(ctx.context)} is not a context name`,
      );
    }
    return ['--context', ctx.context, ...args];
  }
  return args;
}

function namespaceName(ns: string): string {
  if (!isDnsLabel(ns)) {
    throw new InvalidInputError(
      'namespace',
      `namespace ${JSON.stringify(ns)} is not a valid Kubernetes namespace name`,
    );
  }
  return ns;
}

function objectName(kind: string, name: string): string {
  if (!isDnsSubdomain(name)) {
    throw new InvalidInputError(
      kind,
      `${kind} name ${JSON.stringify(name)} is not a valid Kubernetes object name`,
    );
  }
  return name;
}

function selectorArg(selector: string): string {
  if (selector.trim() === '' || selector.startsWith('-')) {
    throw new InvalidInputError(
      'label selector',
      `label selector ${JSON.stringify(selector)} is empty or malformed`,
    );
  }
  return selector;
}

function metadataArgs(kind: 'label' | 'annotation', values: Record<string, string | null>): string[] {
  const entries = Object.entries(values);
  if (entries.length === 0) throw new InvalidInputError(kind, `no ${kind}s given`);
  return entries.map(([key, value]) => {
    if (!(key.length <= 317 && LABEL_KEY.test(key))) {
      throw new InvalidInputError(
        kind,
        `${kind} key ${JSON.stringify(key)} is not a valid Kubernetes ${kind} key`,
      );
    }
    if (value === null) return `${key}-`;
    if (kind === 'label' && !isLabelValue(value)) {
      throw new InvalidInputError(
        kind,
        `label value ${JSON.stringify(value)} for ${key} is not allowed: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
      );
    }
    return `${key}=${value}`;
  });
}

// ---------------------------------------------------------------------------------------------------
// kubeconfig (local: no API call, but the kubectl dispatcher still probes /version)

/** `kubectl config get-contexts -o name`: the context names, in kubeconfig order. */
export function configGetContexts(ctx: KubeCtx): Command<string[]> {
  return {
    tool: 'kubectl',
    args: kubectl(ctx, ['config', 'get-contexts', '-o', 'name']),
    idempotent: true,
    parse: (result) => parseContextNames(result.stdout),
  };
}

// ---------------------------------------------------------------------------------------------------
// Namespaces

/** Namespaces matching a selector, e.g. `kurtosistech.com/enclave-id=<uuid>` or `app.kubernetes.io/managed-by=devnet-kit`. */
export function getNamespacesByLabel(ctx: KubeCtx, selector: string): Command<Namespace[]> {
  return {
    tool: 'kubectl',
    args: kubectl(ctx, ['get', 'namespaces', '-l', selectorArg(selector), '-o', 'json']),
    idempotent: true,
    parse: (result) => parseKubeList<Namespace>('getNamespacesByLabel', result.stdout, ['Namespace']),
  };
}

export interface MetadataPatch {
  /** A value sets the key, null removes it. */
  labels?: Record<string, string | null>;
  annotations?: Record<string, string | null>;
}

/**
 * Labels and annotations in one JSON merge patch (`patch --type=merge`): a value sets a key, null
 * removes it, other keys are left alone. One round trip instead of `label` + `annotate`.
 */
export function patchNamespace(ctx: KubeCtx, name: string, patch: MetadataPatch): Command<Namespace> {
  const metadata: Record<string, Record<string, string | null>> = {};
  if (patch.labels && Object.keys(patch.labels).length > 0) {
    metadataArgs('label', patch.labels);
    metadata.labels = patch.labels;
  }
  if (patch.annotations && Object.keys(patch.annotations).length > 0) {
    metadataArgs('annotation', patch.annotations);
    metadata.annotations = patch.annotations;
  }
  if (Object.keys(metadata).length === 0)
    throw new InvalidInputError('patch', 'no labels or annotations to patch');
  return {
    tool: 'kubectl',
    args: kubectl(ctx, [
      'patch',
      'namespace',
      namespaceName(name),
      '--type=merge',
      '-p',
      JSON.stringify({ metadata }),
      '-o',
      'json',
    ]),
    parse: (result) => parseKubeObject<Namespace>('patchNamespace', result.stdout, ['Namespace']),
  };
}

// ---------------------------------------------------------------------------------------------------
// Enclave contents

/** Services and pods of a namespace in one call (`get services,pods`); split by kind. */
export function getServicesAndPods(
  ctx: KubeCtx,
  namespace: string,
  selector?: string,
): Command<ServicesAndPods> {
  const args = ['get', 'services,pods', '-n', namespaceName(namespace)];
  if (selector !== undefined) args.push('-l', selectorArg(selector));
  args.push('-o', 'json');
  return {
    tool: 'kubectl',
    args: kubectl(ctx, args),
    idempotent: true,
    parse: (result) => parseServicesAndPods(result.stdout),
  };
}

/**
 * Everything `inspect`/`services`/`endpoints` need from an enclave namespace in ONE call:
 * `get services,pods,ingress` (Kurtosis's own Ingress included; listEndpointsFromIngresses skips it).
 */
export function getEnclaveObjects(ctx: KubeCtx, namespace: string): Command<EnclaveObjects> {
  return {
    tool: 'kubectl',
    args: kubectl(ctx, ['get', 'services,pods,ingress', '-n', namespaceName(namespace), '-o', 'json']),
    idempotent: true,
    parse: (result) => parseEnclaveObjects(result.stdout),
  };
}

// ---------------------------------------------------------------------------------------------------
// Ingress

export type IngressScope =
  | { namespace: string; allNamespaces?: false }
  | { allNamespaces: true; namespace?: undefined };

export function getIngresses(ctx: KubeCtx, scope: IngressScope & { selector?: string }): Command<Ingress[]> {
  const args = ['get', 'ingress'];
  if (scope.allNamespaces) args.push('-A');
  else if (typeof scope.namespace === 'string') args.push('-n', namespaceName(scope.namespace));
  else throw new InvalidInputError('namespace', 'getIngresses needs a namespace or allNamespaces: true');
  if (scope.selector !== undefined) args.push('-l', selectorArg(scope.selector));
  args.push('-o', 'json');
  return {
    tool: 'kubectl',
    args: kubectl(ctx, args),
    idempotent: true,
    parse: (result) => parseKubeList<Ingress>('getIngresses', result.stdout, ['Ingress']),
  };
}

/**
 * Server-side apply of a v1 List on stdin: create-or-update, one PATCH per item, owned by the
 * `devnet-kit` field manager. Not retried: kubectl applies the items it can and exits 1 on the rest.
 */
export function applyList(ctx: KubeCtx, objects: readonly object[]): Command<KubeObject[]> {
  if (objects.length === 0) throw new InvalidInputError('objects', 'applyList needs at least one object');
  return {
    tool: 'kubectl',
    args: kubectl(ctx, [
      'apply',
      '--server-side',
      `--field-manager=${FIELD_MANAGER}`,
      '-f',
      '-',
      '-o',
      'json',
    ]),
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
    parse: (result) => parseApplied(result.stdout),
  };
}

/**
 * Deletes the named Ingresses, in any number of namespaces, in ONE call: `delete -f -` with a List of
 * stubs on stdin. Names given as arguments go through kubectl's client-side rate limiter (5 requests/s
 * after a burst of 10: 50 alias Ingresses took 8 s); the same DELETEs read from `-f` are not throttled.
 * Already-gone ones are not an error.
 */
export function deleteIngressesByName(
  ctx: KubeCtx,
  targets: readonly { namespace: string; name: string }[],
): Command<string[]> {
  if (targets.length === 0)
    throw new InvalidInputError('ingress', 'deleteIngressesByName needs at least one name');
  const items = targets.map((t) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: objectName('ingress', t.name), namespace: namespaceName(t.namespace) },
  }));
  return {
    tool: 'kubectl',
    args: kubectl(ctx, ['delete', '-f', '-', '--ignore-not-found', '--wait=false', '-o', 'name']),
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
    parse: (result) => parseDeleted(result.stdout),
  };
}

// ---------------------------------------------------------------------------------------------------
// Talking to a service through the API server proxy (no port-forward, no ingress needed)

export interface ProxyTarget {
  namespace: string;
  service: string;
  /** Port name (`rpc`, `http`) or number. */
  port: string | number;
  /** Path on the service, with or without a leading '/', may carry a query string. */
  path: string;
}

export function proxyPath(target: ProxyTarget): string {
  const port = String(target.port);
  if (!isDnsLabel(port)) {
    throw new InvalidInputError('port', `port ${JSON.stringify(port)} is not a port name or number`);
  }
  const path = target.path.replace(/^\/+/, '');
  return `/api/v1/namespaces/${namespaceName(target.namespace)}/services/${objectName('service', target.service)}:${port}/proxy/${path}`;
}

// ---------------------------------------------------------------------------------------------------
// Logs

/** kubectl's `--tail`: a log tail, or -1 for every line. */
function checkTail(tail: number): number {
  if (tail !== -1 && !isTail(tail)) {
    throw new InvalidInputError(
      'tail',
      `tail ${tail} is not allowed: use a whole number from 0 to ${MAX_TAIL}`,
    );
  }
  return tail;
}

/** `--since` (a Go duration) or `--since-time` (an RFC 3339 time), not both. */
function checkSince(options: { since?: string; sinceTime?: string }): void {
  if (options.sinceTime !== undefined && options.since !== undefined) {
    throw new InvalidInputError('since', 'give either since or sinceTime, not both');
  }
  if (options.sinceTime !== undefined && Number.isNaN(Date.parse(options.sinceTime))) {
    throw new InvalidInputError(
      'sinceTime',
      `sinceTime ${JSON.stringify(options.sinceTime)} is not an RFC 3339 time`,
    );
  }
  if (options.since !== undefined && !isGoDuration(options.since)) {
    throw new InvalidInputError(
      'since',
      `since ${JSON.stringify(options.since)} is not a duration like 5m or 1h`,
    );
  }
}

export interface LogsOptions {
  namespace: string;
  pod: string;
  /** Default: Kurtosis's `user-service-container`. */
  container?: string;
  tail?: number;
  /** RFC 3339; only lines at or after it. */
  sinceTime?: string;
  /** A kubectl duration (`5m`, `1h`); exclusive with sinceTime. */
  since?: string;
  follow?: boolean;
  /** The previous (crashed) container instance. */
  previous?: boolean;
}

/**
 * argv of `kubectl logs`, always with `--timestamps` so lines carry their time. Follow mode goes through
 * the runner's `follow` (never with `--request-timeout`: it would cut the stream).
 */
export function logsArgs(ctx: KubeCtx, options: LogsOptions): string[] {
  const args = [
    'logs',
    objectName('pod', options.pod),
    '-n',
    namespaceName(options.namespace),
    '-c',
    options.container ?? USER_SERVICE_CONTAINER,
  ];
  if (options.tail !== undefined) args.push('--tail', String(checkTail(options.tail)));
  args.push('--timestamps');
  checkSince(options);
  if (options.sinceTime !== undefined) args.push('--since-time', options.sinceTime);
  if (options.since !== undefined) args.push('--since', options.since);
  if (options.follow) args.push('-f');
  if (options.previous) args.push('--previous');
  return kubectl(ctx, args);
}

/** Non-follow logs of one service's pod (the pod is named after the service). */
export function getLogs(
  ctx: KubeCtx,
  service: string,
  options: Omit<LogsOptions, 'follow' | 'pod'> & { pod?: string },
): Command<LogLine[]> {
  return {
    tool: 'kubectl',
    args: logsArgs(ctx, { ...options, pod: options.pod ?? service, follow: false }),
    idempotent: true,
    parse: (result) => parseLogLines(service, result.stdout),
  };
}

// ---------------------------------------------------------------------------------------------------
// Teardown checks

/** What is still inside a namespace that should be gone: PVCs, Ingresses and pods, as kind/name. */
export function getEnclaveLeftovers(
  ctx: KubeCtx,
  namespace: string,
): Command<{ kind: string; name: string }[]> {
  return {
    tool: 'kubectl',
    args: kubectl(ctx, [
      'get',
      'persistentvolumeclaims,ingress,pods',
      '-n',
      namespaceName(namespace),
      '-o',
      'json',
    ]),
    idempotent: true,
    parse: (result) => parseLeftovers(result.stdout),
  };
}

/** `kubectl version --client -o json` → the client's gitVersion (no API call… but the dispatcher probes). */
export function kubectlClientVersion(): Command<string> {
  return {
    tool: 'kubectl',
    args: ['version', '--client', '-o', 'json'],
    idempotent: true,
    parse: (result) => parseKubectlClientVersion(result.stdout),
  };
}

/** `kubectl get --raw /version`: the API server answers (and with which version). */
export function serverVersion(ctx: KubeCtx): Command<string> {
  return {
    tool: 'kubectl',
    args: kubectl(ctx, ['get', '--raw', '/version']),
    idempotent: true,
    timeoutMs: 20_000,
    parse: (result) => parseServerVersion(result.stdout),
  };
}

// ---------------------------------------------------------------------------------------------------
// Pods and `kubectl proxy` (readiness waits, failure dumps)

// getPods (`get pods -n NS -l SEL -o json`) is defined once, with the logs commands below.

/**
 * argv of `kubectl proxy` on a free local port, run with the runner's `follow` for the length of a
 * wait. JSON-RPC needs it: `create --raw` sends no Content-Type and geth/reth answer 415, while the
 * proxy passes ours on. It listens on 127.0.0.1 only and accepts only local Host headers (defaults).
 */
export function kubectlProxyArgs(ctx: KubeCtx): string[] {
  return kubectl(ctx, ['proxy', '--port=0']);
}

// ---------------------------------------------------------------------------------------------------
// Logs of several pods (lib/logs/logs.ts)

/** Pods of a namespace matching a selector (`get pods -l … -o json`). */
export function getPods(ctx: KubeCtx, namespace: string, selector: string): Command<Pod[]> {
  return {
    tool: 'kubectl',
    args: kubectl(ctx, [
      'get',
      'pods',
      '-n',
      namespaceName(namespace),
      '-l',
      selectorArg(selector),
      '-o',
      'json',
    ]),
    idempotent: true,
    parse: (result) => parseKubeList<Pod>('getPods', result.stdout, ['Pod']),
  };
}

export interface SelectorLogsOptions {
  namespace: string;
  selector: string;
  /** Default: Kurtosis's `user-service-container`. */
  container?: string;
  /** Last N lines of each pod; default every line. */
  tail?: number;
  /** A kubectl duration (`5m`, `90s`); exclusive with sinceTime. */
  since?: string;
  /** RFC 3339; only lines at or after it (kubectl sends whole seconds). */
  sinceTime?: string;
}

/**
 * argv of `kubectl logs -l SEL --prefix --timestamps --ignore-errors`: every matching pod in ONE call.
 * Without `-f` kubectl reads the pods one after another, each request with its own `tailLines`, so the
 * tail is per pod. `-l` alone would cut each pod to 10 lines, hence `--tail=-1` for "all". With
 * `--ignore-errors` a pod that cannot be read (container still waiting) prints `error: …` on stdout
 * instead of failing the call after the pods read so far.
 */
export function selectorLogsArgs(ctx: KubeCtx, options: SelectorLogsOptions): string[] {
  const tail = checkTail(options.tail ?? -1);
  checkSince(options);
  const args = [
    'logs',
    '-n',
    namespaceName(options.namespace),
    '-l',
    selectorArg(options.selector),
    '-c',
    options.container ?? USER_SERVICE_CONTAINER,
    '--prefix',
    '--timestamps',
    '--ignore-errors',
    `--tail=${tail}`,
  ];
  if (options.since !== undefined) args.push(`--since=${options.since}`);
  if (options.sinceTime !== undefined) args.push(`--since-time=${options.sinceTime}`);
  return kubectl(ctx, args);
}

export function getSelectorLogs(ctx: KubeCtx, options: SelectorLogsOptions): Command<PrefixedLogs> {
  return {
    tool: 'kubectl',
    args: selectorLogsArgs(ctx, options),
    idempotent: true,
    parse: (result) => parsePrefixedLogs(result.stdout),
  };
}
