// Service logs of a devnet: `getLogs` (what is there now) and `followLogs` (an AsyncIterable that runs
// until the consumer stops, the AbortSignal fires or a stream fails for good).
//
// Kubernetes: straight from the pods with kubectl (lib/logs/kube.ts). Docker: `kurtosis service logs`,
// which merges the services itself; it is stopped with SIGINT only (any other signal left the engine
// spinning, Kurtosis #2593), and it has no timestamps, so a Docker follow cannot resume: when Kurtosis
// ends the stream, the iteration ends (or throws when Kurtosis failed).
//
// Unknown service names are found before any log is read: a NotFoundError lists the services there are.

import { listDevnetsIn, listServicesIn } from '../backends/enclaves.js';
import { type CommonOptions, type Context, createContext } from '../context.js';
import { commandFailed, InvalidInputError, NotFoundError } from '../errors.js';
import { runCommand } from '../exec/command.js';
import type { RunResult } from '../exec/exec.js';
import { classifyKurtosisError, isEnclaveNotFound } from '../kurtosis/classify-error.js';
import { serviceLogsCommand } from '../kurtosis/commands.js';
import { parseServiceLogLine, parseServiceLogs } from '../kurtosis/parse.js';
import type { LogLine } from '../models.js';
import { getKubeLogs, KubeFollower } from './kube.js';
import { type LogQuery, type LogQueryOptions, matchServices, toLogQuery } from './query.js';
import { BoundedQueue, pumpLines } from './queue.js';

export interface GetLogsOptions extends CommonOptions, LogQueryOptions {}

export interface FollowLogsOptions extends GetLogsOptions {
  /** Kubernetes: how often to list the pods again for new or restarted ones (default 5000 ms). */
  pollIntervalMs?: number;
  /** Lines held between the streams and a slow consumer (default 1000); beyond it the streams pause. */
  bufferLines?: number;
}

const DEFAULT_POLL_INTERVAL_MS = 5000;
const DEFAULT_BUFFER_LINES = 1000;

function prepare(name: string, options: GetLogsOptions): { ctx: Context; query: LogQuery } {
  const query = toLogQuery(name, options);
  const ctx = createContext(options);
  if (query.since && ctx.backend() === 'docker') {
    throw new InvalidInputError(
      'since',
      'since works on Kubernetes only: `kurtosis service logs` on Docker has no time filter; use tail instead',
    );
  }
  return { ctx, query };
}

/**
 * The devnet's logs as they are now, every line or the last `tail` per service. Kubernetes: 2 kubectl
 * calls (3 with `services`), lines in time order with `time`. Docker: one `kurtosis service logs`
 * (plus one `enclave inspect` with `services`), in Kurtosis's order, without `time`.
 */
export async function getLogs(name: string, options: GetLogsOptions = {}): Promise<LogLine[]> {
  const { ctx, query } = prepare(name, options);
  if (ctx.backend() === 'kubernetes') return getKubeLogs(ctx, query);
  const services = query.services ? await dockerServices(ctx, query) : undefined;
  const command = serviceLogsCommand(query.name, {
    services,
    tail: query.tail,
    all: query.tail === undefined,
  });
  try {
    return await runCommand(
      ctx.runner,
      {
        ...command,
        parse: (result) => {
          // `service logs` may print its errors and still exit 0.
          if (saysEnclaveMissing(result)) throw commandFailed(result);
          return parseServiceLogs(result.stdout);
        },
      },
      { signal: ctx.signal },
    );
  } catch (error) {
    throw await asDevnetNotFound(ctx, query.name, error);
  }
}

/**
 * Every requested service's lines as they are written, merged line by line, each with its `service`
 * (and `time` on Kubernetes), starting with the last `tail` lines of each (default: all of them).
 * Ends without error when the consumer stops iterating or `signal` aborts; no child process outlives it.
 * Kubernetes: one `kubectl logs -f` per pod, resumed from its last line when it breaks off or the pod
 * restarts, with no line lost or repeated; new pods are picked up. A slow consumer pauses the streams.
 */
export function followLogs(name: string, options: FollowLogsOptions = {}): AsyncIterable<LogLine> {
  const { ctx, query } = prepare(name, options);
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const bufferLines = options.bufferLines ?? DEFAULT_BUFFER_LINES;
  if (!(Number.isFinite(pollIntervalMs) && pollIntervalMs >= 10)) {
    throw new InvalidInputError(
      'pollIntervalMs',
      `pollIntervalMs must be at least 10 ms, got ${pollIntervalMs}`,
    );
  }
  if (!(Number.isSafeInteger(bufferLines) && bufferLines >= 1)) {
    throw new InvalidInputError('bufferLines', `bufferLines must be a whole number ≥ 1, got ${bufferLines}`);
  }
  return {
    [Symbol.asyncIterator]: () => follow(ctx, query, { pollIntervalMs, bufferLines }),
  };
}

interface Session {
  start(): void;
  stop(): Promise<void>;
}

/**
 * The follow as a plain AsyncIterator over the queue rather than an async generator: a generator's
 * `yield` adds an await and a promise per line on top of the queue's own, a third of the follower's
 * cost per line when lines come fast (issue #16). Like the generator it replaces, it starts the
 * streams at the first `next()`, and stops them when they end, fail, or the consumer leaves (`return`).
 */
function follow(
  ctx: Context,
  query: LogQuery,
  options: { pollIntervalMs: number; bufferLines: number },
): AsyncIterator<LogLine, void, undefined> {
  let queue: BoundedQueue<LogLine> | undefined;
  let session: Session | undefined;
  let finished: Promise<void> | undefined;
  const onAbort = () => void session?.stop();
  const finish = (): Promise<void> => {
    finished ??= (async () => {
      ctx.signal?.removeEventListener('abort', onAbort);
      await session?.stop();
    })();
    return finished;
  };
  const done: IteratorReturnResult<void> = { value: undefined, done: true };
  return {
    next(): Promise<IteratorResult<LogLine, void>> {
      if (finished) return finished.then(() => done);
      if (!queue) {
        if (ctx.signal?.aborted) return finish().then(() => done);
        queue = new BoundedQueue<LogLine>(options.bufferLines);
        session =
          ctx.backend() === 'kubernetes'
            ? new KubeFollower(ctx, query, queue, { pollIntervalMs: options.pollIntervalMs })
            : new DockerFollower(ctx, query, queue);
        ctx.signal?.addEventListener('abort', onAbort, { once: true });
        session.start();
      }
      // A queued line is never the end: hand out the queue's promise as it is.
      if (queue.size > 0) return queue.next() as Promise<IteratorResult<LogLine, void>>;
      return queue.next().then(
        (result) => (result.done ? finish().then(() => done) : result),
        (error: unknown) =>
          finish().then(() => {
            throw error;
          }),
      );
    },
    return(): Promise<IteratorResult<LogLine, void>> {
      return finish().then(() => done);
    },
  };
}

/** One `kurtosis service logs -f` for all the services; Kurtosis merges them as `[service] line`. */
class DockerFollower implements Session {
  private readonly abort = new AbortController();
  private stopping = false;
  private task: Promise<void> | undefined;

  constructor(
    private readonly ctx: Context,
    private readonly query: LogQuery,
    private readonly queue: BoundedQueue<LogLine>,
  ) {}

  start(): void {
    this.task = this.run().then(
      () => this.queue.close(),
      (error: unknown) => this.queue.close(this.stopping ? undefined : error),
    );
  }

  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.abort.abort();
      this.queue.close(undefined, { discard: true });
    }
    await this.task;
  }

  private async run(): Promise<void> {
    const { ctx, query } = this;
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, this.abort.signal]) : this.abort.signal;
    const services = query.services ? await dockerServices({ ...ctx, signal }, query) : undefined;
    if (this.stopping) return;
    const command = serviceLogsCommand(query.name, {
      services,
      tail: query.tail,
      all: query.tail === undefined,
      follow: true,
    });
    const handle = ctx.runner.follow({ tool: 'kurtosis', args: command.args, killSignal: 'SIGINT', signal });
    let previous: string | undefined;
    const pumped = await pumpLines(
      handle,
      this.queue,
      (raw) => {
        // A line without `[service] ` continues the previous service's output.
        const line = parseServiceLogLine(raw, previous);
        if (line) previous = line.service;
        return line;
      },
      () => this.stopping,
    );
    let failure = pumped.failure;
    if (!this.stopping && pumped.result && saysEnclaveMissing(pumped.result)) {
      failure ??= commandFailed(pumped.result);
    }
    if (failure !== undefined && !this.stopping) throw await asDevnetNotFound(ctx, query.name, failure);
  }
}

/** Checks requested names against `enclave inspect` (no log is read when one is unknown). */
async function dockerServices(ctx: Context, query: LogQuery): Promise<string[]> {
  const services = await listServicesIn(ctx, query.name);
  return matchServices(query.services ?? [], services);
}

/** `service logs` may print Kurtosis's "no enclave" error and still exit 0. */
function saysEnclaveMissing(result: RunResult): boolean {
  return classifyKurtosisError(result.stderr) === 'enclave-not-found';
}

/** Kurtosis's "No enclave found" → NotFoundError with the owner's devnets (looked up only then). */
async function asDevnetNotFound(ctx: Context, name: string, error: unknown): Promise<unknown> {
  if (!isEnclaveNotFound(error)) return error;
  try {
    const refs = await listDevnetsIn(ctx);
    return new NotFoundError(
      'devnet',
      name,
      refs.filter((r) => r.owner === ctx.config.owner).map((r) => r.name),
    );
  } catch {
    return new NotFoundError('devnet', name, []);
  }
}
