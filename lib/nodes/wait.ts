// Readiness waits: poll every EL and CL of a devnet, about once per slot, until all of them are
// ready for the target (reference/ethereum-package.md §4), fail fast when a service crashes, and time
// out with every node's head and finalized epoch.
//
// How the nodes are reached:
// - Kubernetes: through the API server's service proxy, via ONE `kubectl proxy --port=0` for the whole
//   wait and Node's fetch. (`kubectl create --raw` sends no Content-Type, so geth/reth answer a
//   JSON-RPC POST with 415; the proxy passes ours on.) Crash checks: one `kubectl get pods` per round,
//   only in rounds where some node is not ready yet.
// - Docker: fetch to the host ports Kurtosis published. Crash checks: one `kurtosis enclave inspect`
//   in a round where some node did not answer at all (a stopped container closes its host port).

import type { Pod } from 'kubernetes-types/core/v1.js';
import { isConsensusClientService, isExecutionClientService } from '../backends/ports.js';
import { type CommonOptions, type Context, createContext, getDevnetContext } from '../context.js';
import type { Devnet } from '../devnet.js';
import {
  firstLine,
  InterruptedError,
  InvalidInputError,
  ServiceFailedError,
  WaitTimeoutError,
} from '../errors.js';
import { runCommand } from '../exec/command.js';
import {
  getJson,
  HttpAnswerError,
  HttpUnreachableError,
  httpRequest,
  jsonRpc,
  kubeStatusMessage,
  snippet,
} from '../exec/http.js';
import { poll } from '../exec/poll.js';
import { getLogs, getPods, proxyPath, USER_SERVICE_CONTAINER } from '../kube/commands.js';
import { KubeProxy } from '../kube/proxy.js';
import { KURTOSIS } from '../kube/services.js';
import { inspectEnclaveCommand, serviceLogsCommand } from '../kurtosis/commands.js';
import type { RunPackageResult } from '../lifecycle/run-package.js';
import type { Port, Service } from '../models.js';
import { durationToMs } from '../validate.js';

export type WaitTarget = 'services' | 'blocks' | 'finalized';

export const WAIT_TARGETS: readonly WaitTarget[] = ['services', 'blocks', 'finalized'];

/** Options of `waitForIn` (milliseconds); `up` passes its own. */
export interface WaitOptions {
  timeoutMs?: number;
  /** Poll interval; default one slot (`seconds_per_slot` of the package output, else 12 s). */
  intervalMs?: number;
  signal?: AbortSignal;
}

/**
 * Options of the public `waitFor`. The common options (config, env, binaries…) apply to a `runPackage`
 * result; a Devnet brings its own.
 */
export interface WaitForOptions extends CommonOptions {
  /** ms or a duration like `10m` (default 10 minutes). */
  timeout?: number | string;
  /** ms or a duration like `6s`; default one slot of the devnet (12 s when unknown). */
  interval?: number | string;
  signal?: AbortSignal;
}

/** What one node reported in the last round. */
export interface NodeStatus {
  service: string;
  layer: 'execution' | 'consensus';
  /** The port it was reached on (`rpc`, `ws-rpc`, `http`). */
  port: string;
  ready: boolean;
  /** EL: `eth_blockNumber`. */
  block?: number;
  /** CL: HTTP status of `/eth/v1/node/health` (200 ready, 206 syncing, 503 not initialised). */
  health?: number;
  /** CL: slot of `/eth/v1/beacon/headers/head`. */
  headSlot?: number;
  /** CL: `finalized.epoch` of `/eth/v1/beacon/states/head/finality_checkpoints`. */
  finalizedEpoch?: number;
  /** Why the node gave no usable answer. */
  error?: string;
}

export interface WaitResult {
  devnet: string;
  target: WaitTarget;
  elapsedMs: number;
  rounds: number;
  nodes: NodeStatus[];
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_SLOT_MS = 12_000;
const LOG_TAIL = 20;
const PROGRESS_HEARTBEAT_MS = 60_000;
const MAX_FAILED_CHECKS = 3;

/**
 * Waits until every node of `devnet` is ready for `target`:
 * - `services`: every EL answers `eth_blockNumber`, every CL's `/eth/v1/node/health` is 200;
 * - `blocks`: that, and every EL is past block 0;
 * - `finalized`: that, and every CL reports a finalized epoch above 0.
 *
 * Throws WaitTimeoutError (with each node's head and finalized epoch), ServiceFailedError (a service
 * crashed or stopped, with its last log lines) or InterruptedError (the signal fired).
 */
export async function waitFor(
  devnet: Devnet | RunPackageResult,
  target: WaitTarget,
  options: WaitForOptions = {},
): Promise<WaitResult> {
  if (!WAIT_TARGETS.includes(target)) {
    throw new InvalidInputError(
      'wait',
      `wait target ${JSON.stringify(target)} is not allowed; use services, blocks or finalized`,
    );
  }
  const timeoutMs = durationToMs(options.timeout, 'timeout') ?? DEFAULT_TIMEOUT_MS;
  const intervalMs = durationToMs(options.interval, 'interval');
  if ('enclave' in devnet) {
    const { name, namespace, backend } = devnet.enclave;
    const subject = { name, namespace, backend, services: devnet.services, output: devnet.output };
    return waitForIn(createContext(options), subject, target, {
      timeoutMs,
      intervalMs,
      signal: options.signal,
    });
  }
  const ctx = getDevnetContext(devnet, 'waitFor');
  const signal = options.signal ?? ctx.signal;
  return waitForIn(ctx, devnet, target, { timeoutMs, intervalMs, signal });
}

/** What a wait needs to know of a devnet: a Devnet, or what `runPackage` returned. */
export type WaitSubject = Pick<Devnet, 'name' | 'namespace' | 'backend' | 'services' | 'output'>;

/** A node to probe: status and forward reach other layers through the same access. */
export interface Node {
  service: string;
  layer: 'execution' | 'consensus' | 'validator';
  port: Port;
}

/** What the access to a devnet's nodes needs to know about it (a Devnet, or one read for `status`). */
export type Reachable = Pick<Devnet, 'name' | 'namespace' | 'services'>;

/** How to reach nodes and check for crashes on one backend. */
export interface Access {
  url(node: Node, path: string): string;
  /** Whether this round's statuses call for a crash check. */
  shouldCheck(statuses: readonly NodeStatus[]): boolean;
  /** Throws ServiceFailedError when a service crashed or stopped. */
  checkServices(signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export async function waitForIn(
  ctx: Context,
  devnet: WaitSubject,
  target: WaitTarget,
  options: WaitOptions = {},
): Promise<WaitResult> {
  const started = performance.now();
  ctx.onEvent({ type: 'phase', phase: 'wait', message: `waiting for ${target}` });
  const what = `${target} on devnet '${devnet.name}'`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const intervalMs = options.intervalMs ?? slotMs(devnet);
  const requestTimeoutMs = Math.min(10_000, Math.max(2_000, intervalMs));
  const userSignal = options.signal;
  if (userSignal?.aborted) throw new InterruptedError(`waiting for ${what}`, { cause: userSignal.reason });
  const nodes = waitNodesOf(devnet);

  const deadline = new AbortController();
  // setTimeout fires at once beyond 2^31-1 ms (~24.8 days); --timeout allows up to 366d.
  const timer = setTimeout(() => deadline.abort(), Math.min(timeoutMs, 2 ** 31 - 1));
  const signal = userSignal ? AbortSignal.any([userSignal, deadline.signal]) : deadline.signal;
  let access: Access | undefined;
  let last: NodeStatus[] | undefined;
  let shownReady = -1;
  let failedChecks = 0;
  let shownAt = 0;
  try {
    access = await ctx.backend.readinessAccess(ctx, devnet, nodes, what, signal);
    const reach = access;
    // One round a slot until every node is ready; the deadline and Ctrl-C abort `signal`, which ends a
    // round's requests or the pause between rounds, and the catch below tells the two apart.
    const done = await poll<WaitResult>(
      async (round) => {
        const statuses = await Promise.all(
          nodes.map((node) => probe(node, reach, target, signal, requestTimeoutMs)),
        );
        if (signal.aborted) return undefined;
        last = statuses;
        const waiting = statuses.filter((s) => !s.ready);
        if (waiting.length === 0) {
          return {
            devnet: devnet.name,
            target,
            elapsedMs: Math.round(performance.now() - started),
            rounds: round,
            nodes: statuses,
          };
        }
        // Progress when the count of ready nodes changes, else a heartbeat now and then (CI logs).
        const ready = statuses.length - waiting.length;
        if (ready !== shownReady || performance.now() - shownAt >= PROGRESS_HEARTBEAT_MS) {
          shownReady = ready;
          shownAt = performance.now();
          const pending = waiting.map((s) => `${s.service}: ${describe(s)}`).join('; ');
          ctx.onEvent({
            type: 'info',
            message: `waiting for ${target}: ${ready}/${statuses.length} nodes ready; ${pending}`,
          });
        }
        if (reach.shouldCheck(statuses)) {
          try {
            await reach.checkServices(signal);
            failedChecks = 0;
          } catch (error) {
            // One hiccup of the API server or engine should not end a long wait; a run of them should.
            if (error instanceof ServiceFailedError || signal.aborted || ++failedChecks >= MAX_FAILED_CHECKS)
              throw error;
            const reason = firstLine(error);
            ctx.onEvent({
              type: 'warning',
              message: `could not check the services of '${devnet.name}' (will retry): ${reason}`,
            });
          }
        }
        return undefined;
      },
      { intervalMs, signal, what: `waiting for ${what}` },
    );
    if (done.done) return done.value;
  } catch (error) {
    // A spawn or request cut short by the deadline or the signal: report that, not the cut.
    if (!signal.aborted || error instanceof ServiceFailedError) throw error;
  } finally {
    clearTimeout(timer);
    await access?.close();
  }
  if (userSignal?.aborted) throw new InterruptedError(`waiting for ${what}`, { cause: userSignal.reason });
  const details = last
    ? last.map((s) => `${s.ready ? '[ready]  ' : '[waiting]'} ${s.service}: ${describe(s)}`)
    : nodes.map((n) => `[waiting] ${n.service}: no answer yet`);
  throw new WaitTimeoutError(what, timeoutMs, details);
}

/** One slot: `slot_duration_ms`, else `seconds_per_slot` of the package output, else 12 s. */
export function slotMs(devnet: Pick<Devnet, 'output'>): number {
  const params = devnet.output?.network_params;
  const ms = toNumber(params?.slot_duration_ms);
  if (ms !== undefined && ms > 0) return ms;
  const seconds = toNumber(params?.seconds_per_slot);
  if (seconds !== undefined && seconds > 0) return seconds * 1000;
  return DEFAULT_SLOT_MS;
}

export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

/** The ELs and CLs a wait probes: every node but the validators. */
function waitNodesOf(devnet: Reachable): Node[] {
  const nodes = nodesOf(devnet.services).filter((n) => n.layer !== 'validator');
  if (nodes.length === 0) {
    throw new InvalidInputError(
      'wait',
      `devnet '${devnet.name}' has no execution (el-*, port rpc) or consensus (cl-*, port http) services to wait for`,
    );
  }
  return nodes;
}

export function nodesOf(services: readonly Service[]): Node[] {
  const nodes: Node[] = [];
  const port = (s: Service, names: string[]) =>
    names.map((n) => s.ports.find((p) => p.name === n)).find(Boolean);
  for (const service of services) {
    if (isExecutionClientService(service.name)) {
      const p = port(service, ['rpc', 'ws-rpc']);
      if (p) nodes.push({ service: service.name, layer: 'execution', port: p });
    } else if (isConsensusClientService(service.name)) {
      const p = port(service, ['http']);
      if (p) nodes.push({ service: service.name, layer: 'consensus', port: p });
    } else if (/^vc-\d+-/.test(service.name)) {
      const p = port(service, ['http-validator']);
      if (p) nodes.push({ service: service.name, layer: 'validator', port: p });
    }
  }
  return nodes;
}

function describe(s: NodeStatus): string {
  if (s.layer === 'execution')
    return s.block !== undefined ? `block ${s.block}` : `no answer (${s.error ?? 'unknown'})`;
  if (s.health === undefined) return `no answer (${s.error ?? 'unknown'})`;
  const health =
    s.health === 200
      ? 'healthy'
      : s.health === 206
        ? 'syncing (206)'
        : s.health === 503
          ? 'not initialised (503)'
          : `health ${s.health}`;
  const parts = [health, `head slot ${s.headSlot ?? '?'}`, `finalized epoch ${s.finalizedEpoch ?? '?'}`];
  if (s.error) parts.push(s.error);
  return parts.join(', ');
}

async function probe(
  node: Node,
  access: Access,
  target: WaitTarget,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<NodeStatus> {
  // waitFor's nodes are ELs and CLs only (nodesOf).
  const layer = node.layer === 'execution' ? 'execution' : 'consensus';
  const base: NodeStatus = { service: node.service, layer, port: node.port.name, ready: false };
  const opts = { signal, timeoutMs };
  if (node.layer === 'execution') {
    try {
      const result = await jsonRpc(access.url(node, '/'), 'eth_blockNumber', [], opts);
      const block = parseQuantity(result);
      if (block === undefined)
        return { ...base, error: `eth_blockNumber returned ${JSON.stringify(result)}` };
      return { ...base, block, ready: target === 'services' || block > 0 };
    } catch (error) {
      return { ...base, error: unreachable(error) };
    }
  }
  const [health, head, finality] = await Promise.allSettled([
    httpRequest({ url: access.url(node, '/eth/v1/node/health'), ...opts }),
    getJson(access.url(node, '/eth/v1/beacon/headers/head'), opts),
    getJson(access.url(node, '/eth/v1/beacon/states/head/finality_checkpoints'), opts),
  ]);
  for (const r of [health, head, finality]) {
    if (
      r.status === 'rejected' &&
      !(r.reason instanceof HttpUnreachableError || r.reason instanceof HttpAnswerError)
    )
      throw r.reason;
  }
  if (health.status === 'rejected') return { ...base, error: unreachable(health.reason) };
  // The API server's proxy answering for the node (503 no endpoints: the pod is not ready) is no health.
  const proxied = health.value.status >= 300 ? kubeStatusMessage(health.value.text) : undefined;
  if (proxied !== undefined) return { ...base, error: `HTTP ${health.value.status}: ${proxied}` };
  const status: NodeStatus = { ...base, health: health.value.status };
  const errors: string[] = [];
  if (head.status === 'fulfilled') {
    status.headSlot = parseDecimal(dig(head.value, ['data', 'header', 'message', 'slot']));
    if (status.headSlot === undefined) errors.push('headers/head has no data.header.message.slot');
  }
  if (finality.status === 'fulfilled') {
    status.finalizedEpoch = parseDecimal(dig(finality.value, ['data', 'finalized', 'epoch']));
    if (status.finalizedEpoch === undefined) errors.push('finality_checkpoints has no data.finalized.epoch');
  } else if (target === 'finalized') {
    errors.push(`finality_checkpoints: ${unreachable(finality.reason)}`);
  }
  if (health.value.status !== 200 && health.value.status !== 206 && health.value.text.trim()) {
    errors.push(snippet(health.value.text));
  }
  if (errors.length > 0) status.error = errors.join('; ');
  status.ready = status.health === 200 && (target !== 'finalized' || (status.finalizedEpoch ?? 0) > 0);
  return status;
}

function unreachable(error: unknown): string {
  if (error instanceof HttpUnreachableError) return error.reason;
  if (error instanceof HttpAnswerError) return error.message;
  throw error;
}

/** `0x1a` → 26 (JSON-RPC quantities are hex strings). */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^0x[0-9a-f]+$/i.test(value)) return undefined;
  return Number(BigInt(value));
}

/** `"42"` → 42 (beacon API numbers are decimal strings; a bare number is accepted too). */
export function parseDecimal(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

export function dig(value: unknown, path: string[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

// ---------------------------------------------------------------------------------------------------
// Kubernetes: `kubectl proxy` + fetch; `kubectl get pods` for crash checks

export async function kubeAccess(
  ctx: Context,
  devnet: Reachable,
  what: string,
  signal: AbortSignal,
): Promise<Access> {
  const namespace = devnet.namespace;
  if (!namespace)
    throw new InvalidInputError(
      'devnet',
      `devnet '${devnet.name}' has no Kubernetes namespace to reach its services in`,
    );
  const kube = { context: ctx.kubeContext };
  const proxy = await KubeProxy.start(ctx, signal);
  const watched = new Map(devnet.services.map((s) => [s.name, s]));
  return {
    url: (node, path) =>
      proxy.base + proxyPath({ namespace, service: node.service, port: node.port.name, path }),
    shouldCheck: (statuses) => statuses.some((s) => !s.ready),
    async checkServices(checkSignal) {
      const pods = await runCommand(
        ctx.runner,
        getPods(kube, namespace, `${KURTOSIS.resourceType}=${KURTOSIS.userService}`),
        {
          signal: checkSignal,
        },
      );
      const byService = new Map(
        pods.map((p) => [p.metadata?.labels?.[KURTOSIS.id] ?? p.metadata?.name ?? '', p]),
      );
      for (const [name, service] of watched) {
        const pod = byService.get(name);
        const problem = pod
          ? podProblem(pod)
          : service.status === 'RUNNING'
            ? 'its pod is gone (the service was stopped or removed)'
            : undefined;
        if (!problem) continue;
        const restarts =
          pod?.status?.containerStatuses?.find((c) => c.name === USER_SERVICE_CONTAINER)?.restartCount ?? 0;
        const logs = pod
          ? await kubeLastLogs(ctx, namespace, pod.metadata?.name ?? name, restarts > 0, checkSignal)
          : [];
        throw new ServiceFailedError(
          what,
          name,
          problem,
          logs,
          `see \`devnet-kit logs ${devnet.name} ${name}\``,
        );
      }
    },
    close: () => proxy.close(),
  };
}

const CRASHED_WAITING = new Set([
  'CrashLoopBackOff',
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerError',
  'CreateContainerConfigError',
  'RunContainerError',
]);

/** Why a user-service pod is down, or undefined while it runs (Kurtosis pods never restart by themselves). */
export function podProblem(pod: Pod): string | undefined {
  const status = pod.status;
  const cs =
    status?.containerStatuses?.find((c) => c.name === USER_SERVICE_CONTAINER) ??
    status?.containerStatuses?.[0];
  const exited = (t: { exitCode: number; reason?: string } | undefined) =>
    t ? `exit code ${t.exitCode}${t.reason ? `, ${t.reason}` : ''}` : undefined;
  const waiting = cs?.state?.waiting?.reason;
  if (waiting && CRASHED_WAITING.has(waiting)) {
    const last = exited(cs?.lastState?.terminated);
    const restarts = cs?.restartCount
      ? `, ${cs.restartCount} restart${cs.restartCount === 1 ? '' : 's'}`
      : '';
    return `container ${waiting}${last ? ` (last ${last}${restarts})` : restarts ? ` (${restarts.slice(2)})` : ''}`;
  }
  if (cs?.state?.terminated) return `container exited (${exited(cs.state.terminated)})`;
  if (status?.phase === 'Failed' || status?.phase === 'Succeeded') {
    return `pod ${status.phase}${status.reason ? ` (${status.reason})` : ''}`;
  }
  if (pod.metadata?.deletionTimestamp) return 'its pod is being deleted';
  return undefined;
}

/** The last lines of a failed pod: of the crashed (previous) container when it restarted. */
async function kubeLastLogs(
  ctx: Context,
  namespace: string,
  pod: string,
  restarted: boolean,
  signal: AbortSignal,
): Promise<string[]> {
  const kube = { context: ctx.kubeContext };
  const read = async (previous: boolean) =>
    (
      await runCommand(ctx.runner, getLogs(kube, pod, { namespace, pod, tail: LOG_TAIL, previous }), {
        signal,
      })
    ).map((l) => l.line);
  const order = restarted ? [true, false] : [false, true];
  let failure: string | undefined;
  for (const previous of order) {
    try {
      const lines = await read(previous);
      if (lines.length > 0) return lines;
    } catch (error) {
      if (signal.aborted) throw error;
      failure ??= firstLine(error);
    }
  }
  return failure ? [`(could not read its logs: ${failure})`] : [];
}

// ---------------------------------------------------------------------------------------------------
// Docker: host ports + fetch; `kurtosis enclave inspect` when a node stops answering

export function dockerAccess(ctx: Context, devnet: Reachable, nodes: readonly Node[], what: string): Access {
  const urls = new Map<string, string>();
  for (const node of nodes) {
    const url = node.port.publicUrl;
    if (!url) {
      throw new InvalidInputError(
        'devnet',
        `port '${node.port.name}' of '${node.service}' has no host port to reach it on; is it published?`,
      );
    }
    urls.set(
      node.service,
      (/^[a-z]+:\/\//i.test(url) ? url : `http://${url}`).replace(/^ws(s?):/i, 'http$1:').replace(/\/+$/, ''),
    );
  }
  return {
    url: (node, path) => `${urls.get(node.service)}${path}`,
    // A stopped container closes its host port: only then is an inspect worth its spawn.
    shouldCheck: (statuses) =>
      statuses.some((s) => !s.ready && s.block === undefined && s.health === undefined),
    async checkServices(signal) {
      const inspection = await runCommand(ctx.runner, inspectEnclaveCommand(devnet.name), { signal });
      const watched = new Set(devnet.services.filter((s) => s.status === 'RUNNING').map((s) => s.name));
      const stopped = inspection.services.find((s) => watched.has(s.name) && s.status === 'STOPPED');
      const gone = [...watched].find((name) => !inspection.services.some((s) => s.name === name));
      const name = stopped?.name ?? gone;
      if (!name && inspection.enclave.status !== 'STOPPED') return;
      const service = name ?? [...watched][0] ?? devnet.name;
      const reason = stopped
        ? 'its container stopped'
        : gone
          ? 'it was removed from the enclave'
          : 'the enclave stopped';
      let logs: string[] = [];
      if (stopped || !name) {
        try {
          logs = (
            await runCommand(
              ctx.runner,
              serviceLogsCommand(devnet.name, { services: [service], tail: LOG_TAIL }),
              { signal },
            )
          ).map((l) => l.line);
        } catch (error) {
          if (signal.aborted) throw error;
          logs = [`(could not read its logs: ${firstLine(error)})`];
        }
      }
      throw new ServiceFailedError(
        what,
        service,
        reason,
        logs,
        `see \`devnet-kit logs ${devnet.name} ${service}\``,
      );
    },
    async close() {},
  };
}
