// Service logs of a devnet: `getLogs` (what is there now) and `followLogs` (an AsyncIterable that runs
// until the consumer stops, the AbortSignal fires or a stream fails for good).
//
// Kubernetes: straight from the pods with kubectl (lib/logs/kube.ts). Docker (lib/logs/docker.ts): `kurtosis service logs`,
// which merges the services itself; it is stopped with SIGINT only (any other signal left the engine
// spinning, Kurtosis #2593), and it has no timestamps, so a Docker follow cannot resume: when Kurtosis
// ends the stream, the iteration ends (or throws when Kurtosis failed).
//
// Unknown service names are found before any log is read: a NotFoundError lists the services there are.

import type { LogSession } from '../backends/backend.js';
import { type CommonOptions, type Context, createContext } from '../context.js';
import { InvalidInputError } from '../errors.js';
import type { LogLine } from '../models.js';
// Loaded with this module, as before the backend seam: the backends import them lazily (other commands
// need neither), and a follow should not wait for a module to load before its streams start.
import './docker.js';
import './kube.js';
import { type LogQuery, type LogQueryOptions, toLogQuery } from './query.js';
import { BoundedQueue } from './queue.js';

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
  if (query.since && !ctx.backend.logsSince) {
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
  return ctx.backend.getLogs(ctx, query);
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
  let session: LogSession | undefined;
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
        session = ctx.backend.followLogs(ctx, query, queue, { pollIntervalMs: options.pollIntervalMs });
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
