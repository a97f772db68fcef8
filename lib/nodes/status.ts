// `status` and `watchStatus`: every EL, CL (and VC with an API) of a running devnet, probed in
// parallel through the same access as the readiness waits (lib/nodes/wait.ts: one `kubectl proxy` for the
// whole call on Kubernetes, the published host ports on Docker), plus the chain as the nodes see it.
//
// A head "not advancing for 2 slots" is read from one snapshot, against the chain's clock: a CL whose
// head slot is more than 2 slots behind the slot genesis time says it should be at, an EL whose head
// block is more than 2 slots old. So a single `status` reports a stalled node, and a watch keeps no
// history.

import type { Pod } from 'kubernetes-types/core/v1.js';
import { type DevnetTarget, type DevnetView, findDevnet } from '../backends/devnet-target.js';
import { type CommonOptions, type Context, createContext } from '../context.js';
import { firstLine, InterruptedError, InvalidInputError } from '../errors.js';
import {
  getJson,
  HttpAnswerError,
  HttpUnreachableError,
  httpRequest,
  kubeStatusMessage,
  snippet,
} from '../exec/http.js';
import { sleep } from '../exec/poll.js';
import { proxyPath, USER_SERVICE_CONTAINER } from '../kube/commands.js';
import type { KubeProxy } from '../kube/proxy.js';
import { KURTOSIS } from '../kube/services.js';
import type { Backend, Port, Service } from '../models.js';
import { durationToMs } from '../validate.js';
import { dig, type Node, nodesOf, parseDecimal, parseQuantity, podProblem } from './wait.js';

export type NodeLayer = 'execution' | 'consensus' | 'validator';

/** One node of a `status` snapshot. Field names are the contract of `status --json`. */
export interface StatusNode {
  service: string;
  layer: NodeLayer;
  /** `geth`, `lighthouse`… (from the version string, else the service name). */
  client?: string;
  /** `v1.14.12-stable` (the second part of `web3_clientVersion` / `/eth/v1/node/version`). */
  version?: string;
  /** EL: number of the latest block. */
  headBlock?: number;
  /** CL: head slot. */
  headSlot?: number;
  /** CL: finalized epoch. */
  finalizedEpoch?: number;
  peers?: number;
  syncing?: boolean;
  /** CL: HTTP status of `/eth/v1/node/health` (200 ready, 206 syncing, 503 not initialised). */
  health?: number;
  ready: boolean;
  /** Why it is not ready, when something is wrong (crashed, stalled, unreachable, not JSON…). */
  problem?: string;
}

export interface ChainStatus {
  /** Genesis, seconds since the epoch (from a CL's `/eth/v1/beacon/genesis`). */
  genesisTime?: number;
  secondsPerSlot?: number;
  slotsPerEpoch?: number;
  /** The slot the chain's clock is at now. */
  expectedSlot?: number;
  highestHeadSlot?: number;
  /** expectedSlot − highestHeadSlot. */
  slotsBehind?: number;
  /** The highest finalized epoch any CL reports. */
  finalizedEpoch?: number;
  /** Epochs between the current epoch and the finalized one (2 on a healthy chain). */
  finalityDistance?: number;
}

export interface DevnetStatus {
  devnet: string;
  backend: Backend;
  /** When this snapshot was taken (ISO 8601). */
  time: string;
  chain: ChainStatus;
  nodes: StatusNode[];
}

export interface StatusOptions extends CommonOptions {
  /** Per-request timeout, ms (default 5000). */
  requestTimeoutMs?: number;
}

export interface WatchStatusOptions extends StatusOptions {
  /** ms or a duration like `6s`; default one slot of the devnet (12 s until it is known). */
  interval?: number | string;
}

const DEFAULT_SLOT_SECONDS = 12;
const DEFAULT_REQUEST_TIMEOUT_MS = 5000;
const MIN_INTERVAL_MS = 100;
/** A head older than this many slots is not advancing. */
const STALL_SLOTS = 2;
/** A watch whose nodes are all ready reads the services again this often (else every round). */
const REREAD_MS = 30_000;

/** One snapshot of every node of `ref` (default: the owner's default devnet). */
export async function status(ref?: string, options: StatusOptions = {}): Promise<DevnetStatus> {
  const ctx = createContext(options);
  const session = await StatusSession.open(ctx, ref, options);
  try {
    return await session.snapshot();
  } finally {
    await session.close();
  }
}

/**
 * Snapshots of `ref` once per interval (default one slot), the first at once, until the signal aborts
 * or the consumer stops. One proxy (Kubernetes) for the whole watch, started again if it drops out.
 */
export function watchStatus(ref?: string, options: WatchStatusOptions = {}): AsyncIterable<DevnetStatus> {
  const intervalMs = durationToMs(options.interval, 'interval');
  if (intervalMs !== undefined && intervalMs < MIN_INTERVAL_MS) {
    throw new InvalidInputError(
      'interval',
      `interval must be at least ${MIN_INTERVAL_MS} ms, got ${intervalMs}`,
    );
  }
  const ctx = createContext(options);
  return {
    async *[Symbol.asyncIterator]() {
      const signal = ctx.signal ?? new AbortController().signal;
      if (signal.aborted) return;
      let session: StatusSession;
      try {
        session = await StatusSession.open(ctx, ref, options);
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
      try {
        while (!signal.aborted) {
          let snapshot: DevnetStatus;
          try {
            snapshot = await session.snapshot();
          } catch (error) {
            if (signal.aborted) return;
            throw error;
          }
          yield snapshot;
          const slotMs = (snapshot.chain.secondsPerSlot ?? DEFAULT_SLOT_SECONDS) * 1000;
          try {
            await sleep(intervalMs ?? slotMs, signal);
          } catch (error) {
            if (signal.aborted) return;
            throw error;
          }
        }
      } finally {
        await session.close();
      }
    },
  };
}

interface ChainInfo {
  genesisTime: number;
  secondsPerSlot: number;
  slotsPerEpoch: number;
}

/** How one node was reached, and what it answered. */
interface Probe {
  node: StatusNode;
  /** EL: timestamp of the head block (s). */
  headTime?: number;
}

class StatusSession {
  #chain: ChainInfo | undefined;
  #services: Service[] = [];
  #rounds = 0;
  #view: DevnetView | undefined;
  #readAt = 0;
  #allReady = false;

  private constructor(
    private readonly ctx: Context,
    private readonly target: DevnetTarget,
    private readonly proxy: KubeProxy | undefined,
    private readonly signal: AbortSignal,
    private readonly requestTimeoutMs: number,
  ) {}

  static async open(ctx: Context, ref: string | undefined, options: StatusOptions): Promise<StatusSession> {
    const signal = ctx.signal ?? new AbortController().signal;
    // The proxy needs no devnet: it starts while the devnet is looked up (the wall time of a status).
    const starting = ctx.backend.startNodeProxy(ctx, signal);
    let target: DevnetTarget;
    try {
      target = await findDevnet(ctx, ref);
    } catch (error) {
      await starting?.then((p) => p.close()).catch(() => {});
      throw error;
    }
    const proxy = await starting;
    return new StatusSession(
      ctx,
      target,
      proxy,
      signal,
      options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    );
  }

  async close(): Promise<void> {
    await this.proxy?.close();
  }

  async snapshot(): Promise<DevnetStatus> {
    const view = await this.#read();
    const nodes = byLayer(nodesOf(view.services));
    const base = this.proxy ? await this.proxy.ensure() : undefined;
    const url = (node: Node, path: string) =>
      base !== undefined
        ? base +
          proxyPath({ namespace: view.namespace ?? '', service: node.service, port: node.port.name, path })
        : hostUrl(node.port, path);
    const signal = this.signal;
    const opts = { signal, timeoutMs: this.requestTimeoutMs };
    const [probes, chain] = await Promise.all([
      Promise.all(nodes.map((node) => probe(node, url, opts))),
      this.#chainInfo(nodes, url, opts),
    ]);
    if (signal.aborted) throw new InterruptedError(`reading the status of '${view.name}'`);
    const now = Date.now() / 1000;
    const problems = problemsOf(view);
    for (const { node, headTime } of probes) {
      const crashed = problems.get(node.service);
      if (crashed) {
        node.problem = crashed;
        node.ready = false;
        continue;
      }
      // A stalled CL reports itself as syncing (206); not advancing is the better reason.
      if ((node.problem && node.problem !== 'syncing') || !chain) continue;
      const slot = chain.secondsPerSlot;
      const expected = Math.floor((now - chain.genesisTime) / slot);
      if (expected <= STALL_SLOTS) continue;
      if (
        node.layer === 'consensus' &&
        node.headSlot !== undefined &&
        expected - node.headSlot > STALL_SLOTS
      ) {
        node.problem = `head not advancing: slot ${node.headSlot}, ${expected - node.headSlot} slots behind`;
        node.ready = false;
      } else if (
        node.layer === 'execution' &&
        headTime !== undefined &&
        now - headTime > STALL_SLOTS * slot
      ) {
        node.problem = `head not advancing: block ${node.headBlock} is ${Math.round(now - headTime)}s old`;
        node.ready = false;
      }
    }
    this.#rounds++;
    this.#allReady = probes.every((p) => p.node.ready);
    return {
      devnet: view.name,
      backend: view.backend,
      time: new Date().toISOString(),
      chain: chainStatus(
        chain,
        probes.map((p) => p.node),
        now,
      ),
      nodes: probes.map((p) => p.node),
    };
  }

  /**
   * Services as they are now. A watch keeps reading them (a crash shows in the pods; on Docker a
   * stopped container in `enclave inspect`); a failed re-read keeps the last view for one round.
   */
  async #read(): Promise<DevnetView> {
    // While every node is ready the last view holds (a crash shows as a node that stops answering
    // first); the services are read again every REREAD_MS anyway, for new ones.
    if (this.#view && this.#allReady && performance.now() - this.#readAt < REREAD_MS) return this.#view;
    try {
      const view = await this.target.read(this.signal);
      this.#services = view.services;
      this.#view = view;
      this.#readAt = performance.now();
      return view;
    } catch (error) {
      if (this.#rounds === 0 || this.signal.aborted) throw error;
      this.ctx.onEvent({
        type: 'warning',
        message: `could not read the services of '${this.target.name}' (will retry): ${firstLine(error)}`,
      });
      return {
        name: this.target.name,
        backend: this.target.backend,
        namespace: this.target.namespace,
        services: this.#services,
      };
    }
  }

  /** Genesis and slot timing from the first CL that answers; asked once per session. */
  async #chainInfo(
    nodes: readonly Node[],
    url: (node: Node, path: string) => string,
    opts: { signal: AbortSignal; timeoutMs: number },
  ): Promise<ChainInfo | undefined> {
    if (this.#chain) return this.#chain;
    for (const node of nodes.filter((n) => n.layer === 'consensus')) {
      try {
        const [genesis, spec] = await Promise.all([
          getJson(url(node, '/eth/v1/beacon/genesis'), opts),
          getJson(url(node, '/eth/v1/config/spec'), opts),
        ]);
        const genesisTime = parseDecimal(dig(genesis, ['data', 'genesis_time']));
        const secondsPerSlot = parseDecimal(dig(spec, ['data', 'SECONDS_PER_SLOT']));
        const slotsPerEpoch = parseDecimal(dig(spec, ['data', 'SLOTS_PER_EPOCH']));
        if (genesisTime === undefined || !secondsPerSlot || !slotsPerEpoch) continue;
        this.#chain = { genesisTime, secondsPerSlot, slotsPerEpoch };
        return this.#chain;
      } catch (error) {
        if (!(error instanceof HttpUnreachableError || error instanceof HttpAnswerError)) throw error;
      }
    }
    return undefined;
  }
}

function hostUrl(port: Port, path: string): string {
  const url = port.publicUrl;
  if (!url) return '';
  const base = (/^[a-z]+:\/\//i.test(url) ? url : `http://${url}`)
    .replace(/^ws(s?):/i, 'http$1:')
    .replace(/\/+$/, '');
  return base + path;
}

/** Crash reasons by service: pods on Kubernetes, stopped containers on Docker. */
function problemsOf(view: DevnetView): Map<string, string> {
  const problems = new Map<string, string>();
  if (view.pods) {
    for (const pod of view.pods) {
      const service = pod.metadata?.labels?.[KURTOSIS.id];
      if (!service) continue;
      const problem = podProblem(pod) ?? restartedProblem(pod);
      if (problem) problems.set(service, problem);
    }
  }
  for (const s of view.services) {
    if (s.status === 'STOPPED' && !problems.has(s.name)) problems.set(s.name, 'container stopped');
  }
  return problems;
}

/** A pod running again after crashes is not a problem; one not Ready after restarts is. */
function restartedProblem(pod: Pod): string | undefined {
  const cs = pod.status?.containerStatuses?.find((c) => c.name === USER_SERVICE_CONTAINER);
  if (!cs || cs.ready || !cs.restartCount) return undefined;
  const last = cs.lastState?.terminated;
  return `not ready after ${cs.restartCount} restart${cs.restartCount === 1 ? '' : 's'}${last ? ` (last exit code ${last.exitCode})` : ''}`;
}

type Url = (node: Node, path: string) => string;
type RequestOpts = { signal: AbortSignal; timeoutMs: number };

async function probe(node: Node, url: Url, opts: RequestOpts): Promise<Probe> {
  const result: StatusNode = { service: node.service, layer: node.layer, ready: false };
  if (!url(node, '/')) {
    result.problem = `port ${node.port.name} has no address to reach it on`;
    return { node: result };
  }
  try {
    if (node.layer === 'execution') return await probeExecution(node, result, url, opts);
    if (node.layer === 'consensus') return await probeConsensus(node, result, url, opts);
    return await probeValidator(node, result, url, opts);
  } catch (error) {
    if (error instanceof HttpUnreachableError) result.problem = `unreachable: ${error.reason}`;
    else if (error instanceof HttpAnswerError) result.problem = error.message;
    else throw error;
    result.ready = false;
    return { node: result };
  }
}

/** One JSON-RPC batch: client version, head block (number and time), peers, syncing. */
async function probeExecution(node: Node, result: StatusNode, url: Url, opts: RequestOpts): Promise<Probe> {
  const calls = [
    ['web3_clientVersion', []],
    ['eth_getBlockByNumber', ['latest', false]],
    ['net_peerCount', []],
    ['eth_syncing', []],
  ] as const;
  const res = await httpRequest({
    ...opts,
    url: url(node, '/'),
    json: calls.map(([method, params], id) => ({ jsonrpc: '2.0', id, method, params })),
  });
  if (res.status < 200 || res.status > 299) {
    const body = kubeStatusMessage(res.text) ?? snippet(res.text);
    throw new HttpAnswerError(`HTTP ${res.status}${body ? `: ${body}` : ''}`, res.status);
  }
  let answers: unknown;
  try {
    answers = JSON.parse(res.text);
  } catch {
    throw new HttpAnswerError(`answer is not JSON: ${snippet(res.text)}`, res.status);
  }
  if (!Array.isArray(answers)) {
    throw new HttpAnswerError(`answer is not a JSON-RPC batch: ${snippet(res.text)}`, res.status);
  }
  const byId = new Map<number, { result?: unknown; error?: { message?: unknown } }>();
  for (const a of answers as { id?: unknown; result?: unknown; error?: { message?: unknown } }[]) {
    if (typeof a?.id === 'number') byId.set(a.id, a);
  }
  const value = (i: number) => byId.get(i)?.result;
  Object.assign(result, clientOf(value(0), node.service));
  const block = value(1) as { number?: unknown; timestamp?: unknown } | null | undefined;
  result.headBlock = parseQuantity(block?.number);
  const headTime = parseQuantity(block?.timestamp);
  result.peers = parseQuantity(value(2));
  const syncing = value(3);
  result.syncing = syncing === undefined ? undefined : syncing !== false;
  if (result.headBlock === undefined) {
    const error = byId.get(1)?.error?.message;
    result.problem = `no head block${error ? ` (${String(error)})` : ''}`;
  } else if (result.syncing) {
    result.problem = 'syncing';
  }
  result.ready = result.problem === undefined;
  return { node: result, headTime };
}

/** Health, version, head and sync state, finality and peers, in parallel. */
async function probeConsensus(node: Node, result: StatusNode, url: Url, opts: RequestOpts): Promise<Probe> {
  const [health, version, syncing, finality, peers] = await Promise.allSettled([
    httpRequest({ ...opts, url: url(node, '/eth/v1/node/health') }),
    getJson(url(node, '/eth/v1/node/version'), opts),
    getJson(url(node, '/eth/v1/node/syncing'), opts),
    getJson(url(node, '/eth/v1/beacon/states/head/finality_checkpoints'), opts),
    getJson(url(node, '/eth/v1/node/peer_count'), opts),
  ]);
  for (const r of [health, version, syncing, finality, peers]) {
    if (
      r.status === 'rejected' &&
      !(r.reason instanceof HttpUnreachableError || r.reason instanceof HttpAnswerError)
    )
      throw r.reason;
  }
  if (health.status === 'rejected') throw health.reason;
  // The API server's proxy answering for the node (503 no endpoints: the pod is not ready) is no health.
  const proxied = health.value.status >= 300 ? kubeStatusMessage(health.value.text) : undefined;
  if (proxied !== undefined)
    throw new HttpAnswerError(`HTTP ${health.value.status}: ${proxied}`, health.value.status);
  if (/^\s*</.test(health.value.text)) {
    throw new HttpAnswerError(`answer is not JSON: ${snippet(health.value.text)}`, health.value.status);
  }
  result.health = health.value.status;
  const errors: string[] = [];
  const take = <T>(r: PromiseSettledResult<unknown>, what: string, read: (doc: unknown) => T | undefined) => {
    if (r.status === 'rejected') {
      const e = r.reason as Error;
      errors.push(`${what}: ${e instanceof HttpUnreachableError ? e.reason : e.message}`);
      return undefined;
    }
    return read(r.value);
  };
  const v = take(version, 'version', (doc) => dig(doc, ['data', 'version']));
  Object.assign(result, clientOf(v, node.service));
  take(syncing, 'syncing', (doc) => {
    result.headSlot = parseDecimal(dig(doc, ['data', 'head_slot']));
    const is = dig(doc, ['data', 'is_syncing']);
    if (typeof is === 'boolean') result.syncing = is;
    return undefined;
  });
  result.finalizedEpoch = take(finality, 'finality', (doc) =>
    parseDecimal(dig(doc, ['data', 'finalized', 'epoch'])),
  );
  result.peers = take(peers, 'peers', (doc) => parseDecimal(dig(doc, ['data', 'connected'])));
  if (result.health === 200) {
    result.ready = true;
    // Every part must answer: a node whose version or head cannot be read is not one to rely on.
    if (errors.length > 0) {
      result.ready = false;
      result.problem = errors[0];
    }
  } else {
    result.problem =
      result.health === 206
        ? 'syncing'
        : result.health === 503
          ? 'not initialised (health 503)'
          : `health ${result.health}`;
  }
  return { node: result };
}

/**
 * The keymanager API answers only with a token; any HTTP answer (401 included) means the validator
 * client is up. Nothing else can be read from it without the token.
 */
async function probeValidator(node: Node, result: StatusNode, url: Url, opts: RequestOpts): Promise<Probe> {
  const res = await httpRequest({ ...opts, url: url(node, '/eth/v1/keystores') });
  const proxied = res.status >= 500 ? kubeStatusMessage(res.text) : undefined;
  if (proxied !== undefined) throw new HttpAnswerError(`HTTP ${res.status}: ${proxied}`, res.status);
  result.client = clientOf(undefined, node.service).client;
  result.ready = res.status < 500;
  if (!result.ready) result.problem = `HTTP ${res.status}`;
  return { node: result };
}

/** `Geth/v1.14.12-stable/linux-amd64/go1.23.2` → geth, v1.14.12-stable. */
export function clientOf(version: unknown, service: string): { client?: string; version?: string } {
  if (typeof version === 'string' && version.includes('/')) {
    const [client, v] = version.split('/');
    return { client: client?.toLowerCase() || undefined, version: v || undefined };
  }
  // `el-1-geth-lighthouse` → geth; `vc-1-geth-lighthouse-teku` → teku (the VC's own client, last).
  const parts = service.split('-');
  const client = service.startsWith('vc-') ? parts.at(-1) : parts[2];
  return { client, version: typeof version === 'string' && version ? version : undefined };
}

function chainStatus(chain: ChainInfo | undefined, nodes: readonly StatusNode[], now: number): ChainStatus {
  const heads = nodes.flatMap((n) => (n.headSlot === undefined ? [] : [n.headSlot]));
  const finalized = nodes.flatMap((n) => (n.finalizedEpoch === undefined ? [] : [n.finalizedEpoch]));
  const out: ChainStatus = {};
  if (heads.length > 0) out.highestHeadSlot = Math.max(...heads);
  if (finalized.length > 0) out.finalizedEpoch = Math.max(...finalized);
  if (!chain) return out;
  out.genesisTime = chain.genesisTime;
  out.secondsPerSlot = chain.secondsPerSlot;
  out.slotsPerEpoch = chain.slotsPerEpoch;
  out.expectedSlot = Math.max(0, Math.floor((now - chain.genesisTime) / chain.secondsPerSlot));
  if (out.highestHeadSlot !== undefined)
    out.slotsBehind = Math.max(0, out.expectedSlot - out.highestHeadSlot);
  if (out.finalizedEpoch !== undefined) {
    out.finalityDistance = Math.max(
      0,
      Math.floor(out.expectedSlot / chain.slotsPerEpoch) - out.finalizedEpoch,
    );
  }
  return {
    genesisTime: out.genesisTime,
    secondsPerSlot: out.secondsPerSlot,
    slotsPerEpoch: out.slotsPerEpoch,
    expectedSlot: out.expectedSlot,
    highestHeadSlot: out.highestHeadSlot,
    slotsBehind: out.slotsBehind,
    finalizedEpoch: out.finalizedEpoch,
    finalityDistance: out.finalityDistance,
  };
}

const LAYER_ORDER: Record<Node['layer'], number> = { execution: 0, consensus: 1, validator: 2 };

/** ELs, then CLs, then VCs; by participant index within each. */
function byLayer(nodes: Node[]): Node[] {
  const index = (name: string) => Number(/^[a-z]+-(\d+)-/.exec(name)?.[1] ?? 0);
  return nodes.sort(
    (a, b) =>
      LAYER_ORDER[a.layer] - LAYER_ORDER[b.layer] ||
      index(a.service) - index(b.service) ||
      a.service.localeCompare(b.service),
  );
}
