// One `kubectl proxy --port=0` for the length of a call (a wait, a status, a watch, a forward), with
// its base URL, and restarted when it drops out under a long-running caller (watch, forward): the
// proxy is a plain child, and a laptop's sleep or an API server restart ends it.

import type { Context } from '../context.js';
import { CommandTimeoutError, commandFailed, firstLine, formatMs, InterruptedError } from '../errors.js';
import type { FollowHandle } from '../exec/exec.js';
import { sleep } from '../exec/poll.js';
import { summarizeStderr } from '../exec/stderr.js';
import { kubectlProxyArgs } from './commands.js';
import { parseProxyServing } from './parse.js';

/** Restarts of a dropped proxy are spaced by at least this much (a broken kubeconfig must not spin). */
const RESTART_BACKOFF_MS = 1000;
const PROXY_START_TIMEOUT_MS = 30_000;

export class KubeProxy {
  #ctx: Context;
  #signal: AbortSignal;
  #handle: FollowHandle;
  #base: string;
  #closed = false;
  #exited = false;
  #restarting: Promise<string> | undefined;
  #lastStart = 0;
  /** How many times the proxy was started again after it exited. */
  restarts = 0;
  /** Start it again as soon as it exits, not only when the next caller asks (`ensure`). */
  keepAlive = false;

  private constructor(ctx: Context, signal: AbortSignal, handle: FollowHandle, base: string) {
    this.#ctx = ctx;
    this.#signal = signal;
    this.#handle = handle;
    this.#base = base;
    this.#lastStart = performance.now();
    this.#watch(handle);
  }

  /** Starts `kubectl proxy` and resolves once it says where it serves. */
  static async start(ctx: Context, signal: AbortSignal): Promise<KubeProxy> {
    const [handle, base] = await spawnProxy(ctx, signal);
    return new KubeProxy(ctx, signal, handle, base);
  }

  /** The base URL of the proxy as it runs now (`http://127.0.0.1:<port>`). */
  get base(): string {
    return this.#base;
  }

  /** Whether the current proxy process has exited (and no restart has replaced it yet). */
  get exited(): boolean {
    return this.#exited;
  }

  /** The base URL of a running proxy: the current one, or a new one when it has exited. */
  async ensure(): Promise<string> {
    if (!this.#exited) return this.#base;
    if (this.#closed || this.#signal.aborted) throw new InterruptedError('restarting `kubectl proxy`');
    this.#restarting ??= (async () => {
      const wait = this.#lastStart + RESTART_BACKOFF_MS - performance.now();
      if (wait > 0) await sleep(wait, this.#signal, 'restarting `kubectl proxy`');
      this.#lastStart = performance.now();
      const [handle, base] = await spawnProxy(this.#ctx, this.#signal);
      if (this.#closed) {
        handle.stop();
        await handle.done.catch(() => {});
        throw new InterruptedError('restarting `kubectl proxy`');
      }
      this.#handle = handle;
      this.#base = base;
      this.#exited = false;
      this.restarts++;
      this.#watch(handle);
      this.#ctx.onEvent({ type: 'info', message: `kubectl proxy restarted on ${base}` });
      return base;
    })().finally(() => {
      this.#restarting = undefined;
    });
    return this.#restarting;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#handle.stop();
    await this.#handle.done.catch(() => {});
    await this.#restarting?.catch(() => {});
  }

  #watch(handle: FollowHandle): void {
    const ended = () => {
      if (handle !== this.#handle || this.#closed) return;
      this.#exited = true;
      if (this.#signal.aborted) return;
      this.#ctx.onEvent({ type: 'warning', message: '`kubectl proxy` exited; starting it again' });
      if (this.keepAlive) {
        this.ensure().catch((error: unknown) => {
          if (this.#closed || this.#signal.aborted) return;
          this.#ctx.onEvent({
            type: 'warning',
            message: `could not start \`kubectl proxy\` again (the next request retries): ${firstLine(error)}`,
          });
        });
      }
    };
    handle.done.then(ended, ended);
  }
}

async function spawnProxy(ctx: Context, signal: AbortSignal): Promise<[FollowHandle, string]> {
  const handle = ctx.runner.follow({
    tool: 'kubectl',
    args: kubectlProxyArgs({ context: ctx.kubeContext }),
    signal,
  });
  try {
    return [handle, await proxyBaseUrl(handle, signal)];
  } catch (error) {
    handle.stop();
    await handle.done.catch(() => {});
    throw error;
  }
}

/**
 * Reads stdout of `kubectl proxy` until `Starting to serve on …`; fails if it exits or is slow (a
 * CommandFailedError or CommandTimeoutError with its argv and stderr; it is stopped then).
 */
export async function proxyBaseUrl(
  proxy: FollowHandle,
  signal: AbortSignal,
  timeoutMs = PROXY_START_TIMEOUT_MS,
): Promise<string> {
  const lines = proxy.lines[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  let timedOut: Promise<never> | undefined;
  const read = (async () => {
    for (let i = 0; i < 20; i++) {
      const next = await lines.next();
      if (next.done) break;
      const url = parseProxyServing(next.value);
      if (url) return url;
    }
    // The child ended (or talks nonsense): its exit tells why (a failed exit rejects `done`).
    const result = await proxy.done;
    // Stopped by the timeout below: that is the failure, not the exit it caused.
    if (timedOut) return timedOut;
    if (signal.aborted) throw new InterruptedError('starting `kubectl proxy`');
    throw commandFailed(result, {
      headline: '`kubectl proxy` did not say where it serves; check that kubectl can reach the cluster',
    });
  })();
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Once stopped, the child's argv and stderr are known: they go into the error.
      proxy.stop();
      timedOut = proxy.done.then((result) => {
        throw new CommandTimeoutError(
          { ...result, exitCode: undefined, stderrTail: summarizeStderr(result.stderr).tail },
          timeoutMs,
          {
            headline: `\`kubectl proxy\` did not start within ${formatMs(timeoutMs)}; check that kubectl can reach the cluster`,
          },
        );
      });
      timedOut.catch(reject);
    }, timeoutMs);
    onAbort = () => reject(new InterruptedError('starting `kubectl proxy`'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([read, stop, proxy.done.then(() => read)]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
    read.catch(() => {});
  }
}
