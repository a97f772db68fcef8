// Logs on Docker: `kurtosis service logs`, which merges the services itself as `[service] line`. It is
// stopped with SIGINT only (any other signal left the engine spinning, Kurtosis #2593), it has no
// timestamps (so a follow cannot resume), and it may print "No enclave found" and still exit 0.

import { asDevnetNotFound } from '../backends/docker.js';
import { listServicesIn } from '../backends/enclaves.js';
import { type Context, deriveContext } from '../context.js';
import { commandFailed } from '../errors.js';
import { runCommand } from '../exec/command.js';
import type { RunResult } from '../exec/exec.js';
import { classifyKurtosisError } from '../kurtosis/classify-error.js';
import { serviceLogsCommand } from '../kurtosis/commands.js';
import { parseServiceLogLine, parseServiceLogs } from '../kurtosis/parse.js';
import type { LogLine } from '../models.js';
import { type LogQuery, matchServices } from './query.js';
import { type BoundedQueue, pumpLines } from './queue.js';

/** One `kurtosis service logs` (plus one `enclave inspect` when services are named). */
export async function getDockerLogs(ctx: Context, query: LogQuery): Promise<LogLine[]> {
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

/** One `kurtosis service logs -f` for all the services; Kurtosis merges them as `[service] line`. */
export class DockerFollower {
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
    const services = query.services ? await dockerServices(deriveContext(ctx, { signal }), query) : undefined;
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

function saysEnclaveMissing(result: RunResult): boolean {
  return classifyKurtosisError(result.stderr) === 'enclave-not-found';
}
