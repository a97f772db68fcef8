// The seam between devnet-kit and where a devnet runs. Kurtosis hides most of the difference between a
// Docker and a Kubernetes cluster, but not all: where devnet-kit keeps its metadata (a state file or
// namespace labels), how a devnet is read without asking Kurtosis (namespaces, one kubectl call), how
// nodes are reached (host ports or `kubectl proxy`), where logs come from (`kurtosis service logs` or the
// pods), what a dump collects, what outlives `enclave rm` (a terminating namespace), and whether engine
// calls need `kurtosis gateway`. Every such decision is made here, by the backend the context chose
// once (lib/context.ts); the rest of lib/ calls `ctx.backend` and never compares backend names.
//
// A new backend capability: add a method (or, for a yes/no fact, a readonly field named after the
// capability) to `Backend`, implement it in docker.ts and kubernetes.ts, and call it through
// `ctx.backend`. Implementations take the context as their first argument (callers pass a context with
// their own signal), and load the modules of a single feature (logs, waits, dumps) lazily, so a command
// loads only what it uses.

import type { Context } from '../context.js';
import type { Command } from '../exec/command.js';
import type { KubeProxy } from '../kube/proxy.js';
import type { EnclaveInspection } from '../kurtosis/inspect.js';
import type { DumpSummary } from '../lifecycle/dump.js';
import type { LogQuery } from '../logs/query.js';
import type { BoundedQueue } from '../logs/queue.js';
import type { Backend as BackendKind, Endpoint, LogLine, Service } from '../models.js';
import type { Access, Node, Reachable } from '../nodes/wait.js';
import type { DevnetTarget } from './devnet-target.js';
import type { DevnetRef } from './enclaves.js';
import type { MetaStore } from './metadata.js';

/** A running log follow (started once, stopped once). */
export interface LogSession {
  start(): void;
  stop(): Promise<void>;
}

/** What `dump` collects besides `kurtosis enclave dump`; `attempt` records each item's success or failure. */
export interface DumpLogsInput {
  name: string;
  root: string;
  summary: DumpSummary;
  attempt: (what: string, fn: () => Promise<void>, service?: string) => Promise<void>;
}

/** A devnet `up` just created, as the backend reads it back and records its metadata. */
export interface Discovered {
  uuid: string;
  namespace?: string;
  services: Service[];
  endpoints: Endpoint[];
}

export interface Backend {
  /** The name in models and `--json` output. */
  readonly kind: BackendKind;
  /** Engine-consuming Kurtosis calls reach the engine only through `kurtosis gateway`. */
  readonly engineViaGateway: boolean;
  /** devnet-kit itself needs kubectl and the Kubernetes API (metadata, logs, nodes). */
  readonly needsKubectl: boolean;
  /** Public endpoints can be Ingresses devnet-kit applies (else they are what the backend publishes). */
  readonly ingresses: boolean;
  /** Logs can be filtered by time (`since`). */
  readonly logsSince: boolean;
  /** Nodes answer on host ports (no proxy or port-forward needed to reach them from here). */
  readonly nodesOnHostPorts: boolean;

  /** Where owner, expiry and the default mark live. */
  metaStore(ctx: Context): MetaStore;
  /** The devnet `id` names (default: the owner's default), and a way to read it again. */
  findDevnet(ctx: Context, id?: string): Promise<DevnetTarget>;
  /** The services of the devnet `id` names (name, UUID or short UUID), with ports. */
  listServices(ctx: Context, id: string): Promise<Service[]>;
  /** Services and public endpoints of a resolved devnet, given its `enclave inspect` (running meanwhile). */
  inspectDetails(
    ctx: Context,
    ref: DevnetRef,
    inspection: Promise<EnclaveInspection>,
  ): Promise<{ services: Service[]; endpoints: Endpoint[] }>;
  /** Public endpoints of the devnet `id` names (default: the owner's default). */
  listEndpoints(ctx: Context, id?: string): Promise<Endpoint[]>;
  /** The logs as they are now. */
  getLogs(ctx: Context, query: LogQuery): Promise<LogLine[]>;
  /** A follow that feeds `queue` until stopped. */
  followLogs(
    ctx: Context,
    query: LogQuery,
    queue: BoundedQueue<LogLine>,
    options: { pollIntervalMs: number },
  ): LogSession;
  /** How the readiness probes reach `nodes`, and how crashes are checked. */
  readinessAccess(
    ctx: Context,
    devnet: Reachable,
    nodes: readonly Node[],
    what: string,
    signal: AbortSignal,
  ): Promise<Access>;
  /** The proxy `status` reaches nodes through, started before the devnet is known (none: host ports). */
  startNodeProxy(ctx: Context, signal: AbortSignal): Promise<KubeProxy> | undefined;
  /** The logs (and pods) part of a dump. */
  dumpLogs(ctx: Context, input: DumpLogsInput): Promise<void>;
  /** After `kurtosis enclave rm`: wait until what Kurtosis left going away is gone. */
  awaitRemoval(
    ctx: Context,
    targets: readonly DevnetRef[],
    options: { waitTimeoutMs?: number; pollIntervalMs?: number },
  ): Promise<void>;
  /** `up`: make sure devnet-kit can record and clean up before anything is created. */
  preflight(ctx: Context): Promise<void>;
  /** `up`: read the new devnet back and record its owner, expiry and default mark. */
  discover(ctx: Context, name: string, expiresAt: string | undefined): Promise<Discovered>;
  /** `up --dry-run`: the commands `preflight` and `discover` run, in order. */
  planPreflight(ctx: Context): Command<unknown>[];
  planDiscover(ctx: Context, name: string, expiresAt: string | undefined): Command<unknown>[];
}

/**
 * A log session whose implementation loads on `start()` (a follow is the only user of its module): a
 * load failure ends the follow with that error, and a `stop()` before the load finished stops it as
 * soon as it is there.
 */
export function lazySession(queue: BoundedQueue<LogLine>, load: () => Promise<LogSession>): LogSession {
  let loading: Promise<LogSession | undefined> | undefined;
  let stopped = false;
  return {
    start() {
      loading = load().then(
        (session) => {
          if (!stopped) session.start();
          return session;
        },
        (error: unknown) => {
          queue.close(error);
          return undefined;
        },
      );
    },
    async stop() {
      stopped = true;
      const session = await loading;
      await session?.stop();
    },
  };
}
