// Logs on Kubernetes, straight from the user-service pods with kubectl (Kurtosis is not involved).
//
// getLogs: one `kubectl logs -l … --prefix` for all the pods (kubectl reads them in turn, each with its
// own tail), sorted by time. followLogs: one `kubectl logs -f` per pod, each with its own resume point.
// A multiplexed `logs -l -f` would be one process instead of N, but it hides the clean end of a single
// pod's stream (container restart, kubelet closing it) and aborts every stream when one connection drops,
// so no stream could be resumed on its own from its last line.
//
// Resuming: every line carries its kubelet timestamp (`--timestamps`). After a stream ends, the pod is
// re-read with `--since-time=<last timestamp>`; kubectl sends whole seconds, so the lines of that second
// come again and are skipped: those older than the last one seen, and as many lines stamped exactly like
// it as were already seen (two lines may share a timestamp). A restarted container is first read with
// `--previous` from the same point, then followed anew. Pods are listed again when a stream ends and every
// `pollIntervalMs`, which picks up new pods (a service started later, a pod replaced under a new name).

import type { Pod } from 'kubernetes-types/core/v1.js';
import pRetry from 'p-retry';
import { metaStore } from '../backends/metadata.js';
import { refsFromMetas, resolveDevnet } from '../backends/resolve.js';
import type { Context } from '../context.js';
import { CommandFailedError, firstLine, InterruptedError } from '../errors.js';
import { runCommand } from '../exec/command.js';
import { type Backoff, backoffMs, sleep } from '../exec/poll.js';
import {
  getPods,
  getSelectorLogs,
  getServicesAndPods,
  type KubeCtx,
  type LogsOptions,
  logsArgs,
  USER_SERVICE_CONTAINER,
} from '../kube/commands.js';
import { parseLogLine } from '../kube/parse.js';
import { KURTOSIS } from '../kube/services.js';
import type { LogLine } from '../models.js';
import { type KnownService, type LogQuery, matchServices } from './query.js';
import { type BoundedQueue, pumpLines } from './queue.js';

export interface KubeTarget {
  name: string;
  uuid: string;
  namespace: string;
}

/** The enclave's namespace, found by its `kurtosistech.com/enclave-id` label (one kubectl call). */
export async function resolveKubeTarget(ctx: Context, name: string): Promise<KubeTarget> {
  const ref = resolveDevnet(ctx, refsFromMetas(ctx, (await metaStore(ctx).list()).values()), name);
  return { name: ref.name, uuid: ref.uuid, namespace: ref.namespace! };
}

const USER_SERVICES = `${KURTOSIS.resourceType}=${KURTOSIS.userService}`;

/** Kurtosis's user-service pods, optionally only those of some services (`kurtosistech.com/id in (…)`). */
export function userServiceSelector(services?: readonly string[]): string {
  return services && services.length > 0
    ? `${USER_SERVICES},${KURTOSIS.id} in (${services.join(',')})`
    : USER_SERVICES;
}

/** Services and their pods in one call, to check requested names; an unknown one → NotFoundError. */
async function checkServices(
  ctx: Context,
  kube: KubeCtx,
  target: KubeTarget,
  requested: readonly string[],
  signal: AbortSignal | undefined,
): Promise<{ names: string[]; pods: Pod[] }> {
  const objects = await runCommand(ctx.runner, getServicesAndPods(kube, target.namespace, USER_SERVICES), {
    signal,
  });
  const known: KnownService[] = [];
  for (const o of [...objects.services, ...objects.pods]) {
    const name = o.metadata?.labels?.[KURTOSIS.id] ?? o.metadata?.name;
    if (name) known.push({ name, uuid: o.metadata?.labels?.[KURTOSIS.guid] });
  }
  return { names: matchServices(requested, known), pods: objects.pods };
}

function sinceArgs(query: LogQuery): Pick<LogsOptions, 'since' | 'sinceTime'> {
  if (!query.since) return {};
  return 'time' in query.since ? { sinceTime: query.since.time } : { since: `${query.since.seconds}s` };
}

/** Non-follow logs of the devnet's services: 2 kubectl calls (3 when services are named). */
export async function getKubeLogs(ctx: Context, query: LogQuery): Promise<LogLine[]> {
  const kube: KubeCtx = { context: ctx.kubeContext };
  const target = await resolveKubeTarget(ctx, query.name);
  let selector = userServiceSelector();
  // Kurtosis names each pod after its service; the label is the authority when we have the pods.
  const serviceOf = new Map<string, string>();
  if (query.services) {
    const { names, pods } = await checkServices(ctx, kube, target, query.services, ctx.signal);
    selector = userServiceSelector(names);
    for (const pod of pods) {
      const service = pod.metadata?.labels?.[KURTOSIS.id];
      if (pod.metadata?.name && service) serviceOf.set(pod.metadata.name, service);
    }
  }
  const result = await runCommand(
    ctx.runner,
    getSelectorLogs(kube, { namespace: target.namespace, selector, tail: query.tail, ...sinceArgs(query) }),
    { signal: ctx.signal },
  );
  for (const error of result.errors) ctx.onEvent({ type: 'warning', message: `kubectl logs: ${error}` });
  const lines = result.lines.map((l): LogLine => {
    const line: LogLine = { service: serviceOf.get(l.pod) ?? l.pod, line: l.line };
    if (l.time !== undefined) line.time = l.time;
    return line;
  });
  // Stable: lines of one pod keep their order even where timestamps tie or are missing.
  const keyed = lines.map((line, i) => ({ line, i, key: line.time ? (timeKey(line.time) ?? '') : '' }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i));
  return keyed.map((k) => k.line);
}

// ---------------------------------------------------------------------------------------------------
// Timestamps and the resume cursor

/**
 * RFC 3339 → a string that sorts like the instant, to the nanosecond (`2026-01-02T03:04:05.123456789`,
 * UTC). Kubelet timestamps are RFC3339Nano with the trailing zeros of the fraction cut, so the raw text
 * does not sort (`…:05Z` > `…:05.1Z`).
 */
export function timeKey(time: string): string | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(time);
  if (!m) return undefined;
  const fraction = (m[2] ?? '').padEnd(9, '0');
  if (m[3]!.toUpperCase() === 'Z') return `${m[1]}.${fraction}`;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return `${new Date(ms).toISOString().slice(0, 19)}.${fraction}`;
}

export interface Cursor {
  /** timeKey of the last line delivered */
  key?: string;
  /** its RFC 3339 text, for `--since-time` */
  time?: string;
  /** lines delivered with exactly that timestamp */
  same: number;
  /** lines stamped `key` still to skip on the stream being read (it restarted from the cursor's second) */
  skip: number;
}

/** Whether a line read after resuming from `cursor` is new; advances the cursor when it is. */
export function acceptLine(cursor: Cursor, line: LogLine): boolean {
  const key = line.time === undefined ? undefined : timeKey(line.time);
  if (key === undefined) return true;
  if (cursor.key !== undefined) {
    if (key < cursor.key) return false;
    if (key === cursor.key) {
      if (cursor.skip > 0) {
        cursor.skip--;
        return false;
      }
      cursor.same++;
      return true;
    }
  }
  cursor.key = key;
  cursor.time = line.time;
  cursor.same = 1;
  cursor.skip = 0;
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Following

export interface KubeFollowOptions {
  pollIntervalMs: number;
}

type ContainerState = 'running' | 'terminated' | 'waiting';

interface PodInfo {
  name: string;
  uid?: string;
  service: string;
  restartCount: number;
  state: ContainerState;
}

function podInfo(pod: Pod): PodInfo | undefined {
  const name = pod.metadata?.name;
  const service = pod.metadata?.labels?.[KURTOSIS.id];
  if (!name || !service) return undefined;
  const status = pod.status?.containerStatuses?.find((c) => c.name === USER_SERVICE_CONTAINER);
  const phase = pod.status?.phase;
  let state: ContainerState;
  if (status?.state?.running) state = 'running';
  else if (status?.state?.terminated) state = 'terminated';
  else if (status?.state?.waiting) state = 'waiting';
  // No container status (a pod written by hand): go by the phase, as the API server does.
  else
    state =
      phase === 'Pending'
        ? 'waiting'
        : phase === 'Succeeded' || phase === 'Failed'
          ? 'terminated'
          : 'running';
  return { name, uid: pod.metadata?.uid, service, restartCount: status?.restartCount ?? 0, state };
}

interface Tracker {
  pod: string;
  uid?: string;
  service: string;
  restartCount: number;
  /** In the first listing: read with the caller's tail/since. Pods seen later are read from their start. */
  initial: boolean;
  cursor: Cursor;
  /** Local time of the first read (the resume point while no line has been seen). */
  firstReadAtMs?: number;
  /** The reads in progress (at most one stream per pod at a time, so its lines stay in order). */
  task?: Promise<void>;
  /** When the last read ended: a pod listing begun before then may predate a restart that ended it. */
  endedAtMs: number;
  /** Consecutive reads that failed or ended at once with nothing; drives the back-off. */
  strikes: number;
  retryAtMs: number;
  /** restartCount whose terminated container has been read to its end. */
  readTerminated?: number;
}

interface ReadStep {
  follow: boolean;
  previous?: boolean;
}

/** Clock skew allowance when resuming from local time (no line seen yet). */
const RESUME_SLACK_MS = 2000;
/** A stream that ends sooner than this with no new line counts as a strike (no hot reattach loop). */
const QUICK_END_MS = 2000;
/** How long a failed read waits before it counts: the process group's Ctrl-C may be on its way. */
const SIGNAL_GRACE_MS = 100;
/** Consecutive failed reads (or pod listings) before the follow gives up with the last error. */
const MAX_STRIKES = 8;

/** Between tries of a broken read or pod listing: 250 ms, doubling, at most 5 s. */
const BACKOFF: Backoff = { minMs: 250, maxMs: 5000 };
const RETRY_BACKOFF = { minTimeout: BACKOFF.minMs, maxTimeout: BACKOFF.maxMs, factor: 2, randomize: false };

export class KubeFollower {
  private readonly kube: KubeCtx;
  private readonly trackers = new Map<string, Tracker>();
  private readonly abort = new AbortController();
  /** Ours, and the caller's: aborts listings and ends every read. */
  private readonly signal: AbortSignal;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private services: string[] | undefined;
  private target: KubeTarget | undefined;

  constructor(
    private readonly ctx: Context,
    private readonly query: LogQuery,
    private readonly queue: BoundedQueue<LogLine>,
    private readonly options: KubeFollowOptions,
  ) {
    this.kube = { context: ctx.kubeContext };
    this.signal = ctx.signal ? AbortSignal.any([ctx.signal, this.abort.signal]) : this.abort.signal;
  }

  start(): void {
    this.loop = this.run().then(
      () => this.queue.close(),
      (error: unknown) => this.fail(error),
    );
  }

  private fail(error: unknown): void {
    if (this.stopping) return;
    this.queue.close(error);
    void this.stop();
  }

  /** Ends every read (SIGTERM to kubectl) and resolves once no child is left. */
  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.abort.abort();
      this.queue.close(undefined, { discard: true });
      this.wakeUp?.();
    }
    // The loop first: once it is over no read can start, so the reads awaited next are all of them.
    await this.loop;
    await Promise.allSettled([...this.trackers.values()].map((t) => t.task));
  }

  private async run(): Promise<void> {
    const target = await resolveKubeTarget({ ...this.ctx, signal: this.signal }, this.query.name);
    this.target = target;
    let pods: Pod[] | undefined;
    let listedAtMs = Date.now();
    if (this.stopping) return;
    if (this.query.services) {
      const checked = await checkServices(this.ctx, this.kube, target, this.query.services, this.signal);
      this.services = checked.names;
      pods = checked.pods;
    }
    let first = true;
    while (!this.stopping) {
      if (!pods) {
        try {
          pods = await pRetry(
            () => {
              listedAtMs = Date.now();
              return runCommand(
                this.ctx.runner,
                getPods(this.kube, target.namespace, userServiceSelector(this.services)),
                { signal: this.signal },
              );
            },
            {
              retries: MAX_STRIKES,
              ...RETRY_BACKOFF,
              signal: this.signal,
              shouldRetry: ({ error }) => {
                if (this.stopping || !isRetryable(error)) return false;
                this.warn(`listing the pods of ${target.namespace} failed; retrying: ${firstLine(error)}`);
                return true;
              },
            },
          );
        } catch (error) {
          if (this.stopping) return;
          // p-retry ends a back-off pause with the signal's bare reason.
          if (this.signal.aborted && !(error instanceof InterruptedError)) {
            throw new InterruptedError(`listing the pods of ${target.namespace}`, { cause: error });
          }
          throw error;
        }
      }
      if (this.stopping) return;
      this.reconcile(pods, listedAtMs, first);
      first = false;
      pods = undefined;
      await this.sleep(this.nextWakeMs());
    }
  }

  /** Starts the reads each pod needs now; forgets pods that are gone. `listedAtMs`: when the listing began. */
  private reconcile(pods: readonly Pod[], listedAtMs: number, first: boolean): void {
    const now = Date.now();
    const present = new Set<string>();
    for (const pod of pods) {
      const info = podInfo(pod);
      if (!info || (this.services && !this.services.includes(info.service))) continue;
      present.add(info.name);
      let tracker = this.trackers.get(info.name);
      if (tracker?.uid !== undefined && tracker.uid !== info.uid) {
        // Same name, new pod: once the old one's stream is over, start afresh.
        if (tracker.task) continue;
        tracker = undefined;
      }
      if (!tracker) {
        tracker = {
          pod: info.name,
          uid: info.uid,
          service: info.service,
          restartCount: info.restartCount,
          initial: first,
          cursor: { same: 0, skip: 0 },
          strikes: 0,
          retryAtMs: 0,
          endedAtMs: 0,
        };
        this.trackers.set(info.name, tracker);
      }
      if (tracker.task || tracker.retryAtMs > now || tracker.endedAtMs >= listedAtMs) continue;
      const steps: ReadStep[] = [];
      if (info.restartCount > tracker.restartCount && tracker.firstReadAtMs !== undefined) {
        // What the old container wrote after our last line (Kubernetes keeps one previous instance).
        steps.push({ follow: false, previous: true });
      }
      tracker.restartCount = info.restartCount;
      if (info.state === 'running') steps.push({ follow: true });
      else if (info.state === 'terminated' && tracker.readTerminated !== info.restartCount) {
        tracker.readTerminated = info.restartCount;
        steps.push({ follow: false });
      }
      if (steps.length > 0) this.read(tracker, steps);
    }
    for (const [name, tracker] of this.trackers) {
      if (!present.has(name) && !tracker.task) this.trackers.delete(name);
    }
  }

  private read(tracker: Tracker, steps: ReadStep[]): void {
    tracker.task = (async () => {
      for (const step of steps) {
        if (this.stopping) return;
        await this.readOnce(tracker, step);
      }
    })()
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        tracker.task = undefined;
        tracker.endedAtMs = Date.now();
        this.wake();
      });
  }

  /** Where a read of the pod starts: after the last line seen, else the caller's tail/since, else the start. */
  private resumeArgs(tracker: Tracker): Pick<LogsOptions, 'tail' | 'since' | 'sinceTime'> {
    const cursor = tracker.cursor;
    if (cursor.time !== undefined) {
      cursor.skip = cursor.same;
      return { sinceTime: cursor.time };
    }
    if (!tracker.initial) return {};
    if (tracker.firstReadAtMs === undefined) return { tail: this.query.tail, ...sinceArgs(this.query) };
    // Read before, nothing seen: what came before the first read was the caller's tail/since to cut.
    return { sinceTime: new Date(tracker.firstReadAtMs - RESUME_SLACK_MS).toISOString() };
  }

  private async readOnce(tracker: Tracker, step: ReadStep): Promise<void> {
    const target = this.target!;
    const args = logsArgs(this.kube, {
      namespace: target.namespace,
      pod: tracker.pod,
      follow: step.follow,
      previous: step.previous,
      ...this.resumeArgs(tracker),
    });
    tracker.firstReadAtMs ??= Date.now();
    const started = Date.now();
    let delivered = 0;
    const handle = this.ctx.runner.follow({ tool: 'kubectl', args, signal: this.signal });
    const { failure } = await pumpLines(
      handle,
      this.queue,
      (raw) => {
        const line = parseLogLine(tracker.service, raw);
        if (!acceptLine(tracker.cursor, line)) return undefined;
        delivered++;
        return line;
      },
      () => this.stopping,
    );
    if (failure !== undefined && !this.stopping) {
      // Ctrl-C in a terminal signals kubectl too, possibly a moment before our own abort arrives.
      await sleep(SIGNAL_GRACE_MS, this.abort.signal).catch(() => {});
    }
    if (this.stopping) return;
    if (step.previous) return; // no previous instance (or it is gone): nothing to add
    if (!step.follow && failure !== undefined) tracker.readTerminated = undefined; // read it again
    const productive = delivered > 0 || Date.now() - started >= QUICK_END_MS;
    if (failure === undefined && productive) {
      tracker.strikes = 0;
      return;
    }
    // A stream that worked for a while before it broke starts the back-off afresh.
    tracker.strikes = (productive ? 0 : tracker.strikes) + 1;
    tracker.retryAtMs = Date.now() + backoffMs(tracker.strikes, BACKOFF);
    if (failure !== undefined) {
      if (tracker.strikes > MAX_STRIKES || !isRetryable(failure)) throw failure;
      this.warn(
        `logs of ${tracker.service} (pod ${tracker.pod}) broke off; reattaching: ${firstLine(failure)}`,
      );
    }
  }

  private warn(message: string): void {
    this.ctx.onEvent({ type: 'warning', message });
  }

  private nextWakeMs(): number {
    const now = Date.now();
    let next = this.options.pollIntervalMs;
    for (const tracker of this.trackers.values()) {
      if (!tracker.task && tracker.retryAtMs > now) next = Math.min(next, tracker.retryAtMs - now);
    }
    return next;
  }

  /** Something changed (a read ended): list the pods again now. */
  private wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.woken = true;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        if (this.wakeUp === finish) this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakeUp = finish;
    });
  }
}

/** kubectl ran and failed (connection, server errors, timeouts): worth another try. Not a missing binary. */
function isRetryable(error: unknown): boolean {
  return error instanceof CommandFailedError;
}
