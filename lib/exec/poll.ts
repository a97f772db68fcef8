// Waiting, one way for the whole library: `sleep` (timers/promises underneath) between tries, `poll`
// for "until it is so" (a namespace going away, a gateway serving or gone), `backoffMs` for spacing
// tries out. Retrying one operation that failed is p-retry's job (exec.ts, the log follower).

import { setTimeout as delay } from 'node:timers/promises';
import { InterruptedError } from '../errors.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Resolves after `ms`. When `signal` aborts first (or already has), rejects with an InterruptedError
 * about `what` whose cause is the signal's reason: a caller that lets it through reports an
 * interruption (exit 130), and one that owns the signal (a deadline) can tell it from other failures.
 */
export async function sleep(ms: number, signal?: AbortSignal, what = 'waiting'): Promise<void> {
  try {
    // Node fires a longer timer at once (2^31-1 ms is ~24.8 days; durations allow 366d).
    await delay(Math.min(ms, MAX_TIMER_MS), undefined, signal ? { signal } : undefined);
  } catch (error) {
    if (signal?.aborted) throw new InterruptedError(what, { cause: signal.reason });
    throw error;
  }
}

export interface Backoff {
  /** The first pause. */
  minMs: number;
  /** No pause is longer. */
  maxMs: number;
  /** Growth from one pause to the next (default 2). */
  factor?: number;
}

/** The pause before try `n` after a failure (n = 1 for the first): minMs·factor^(n-1), at most maxMs; 0 for n ≤ 0. */
export function backoffMs(n: number, backoff: Backoff): number {
  if (n <= 0) return 0;
  return Math.min(backoff.minMs * (backoff.factor ?? 2) ** (n - 1), backoff.maxMs);
}

export interface PollOptions {
  /** The pause after a round that is not done: fixed, or a back-off by round (1 = after the first). */
  intervalMs: number | Backoff;
  /**
   * Give up after this long: checked after each round, which is never cut short (a caller that must
   * cut a round aborts the signal it hands the round). The last pause is shortened to end at the deadline.
   */
  timeoutMs?: number;
  /** Ends the poll with an InterruptedError about `what` when it aborts during a pause. */
  signal?: AbortSignal;
  /** For the InterruptedError, e.g. 'waiting for the namespaces to be deleted'. */
  what?: string;
}

export type PollResult<T> = { done: true; value: T; rounds: number } | { done: false; rounds: number };

/**
 * Runs `round` until it returns something other than undefined, pausing between rounds, and returns
 * that; `{ done: false }` when `timeoutMs` passes first. A round's errors end the poll.
 */
export async function poll<T>(
  round: (n: number) => Promise<T | undefined>,
  options: PollOptions,
): Promise<PollResult<T>> {
  const started = performance.now();
  for (let n = 1; ; n++) {
    const value = await round(n);
    if (value !== undefined) return { done: true, value, rounds: n };
    const pause =
      typeof options.intervalMs === 'number' ? options.intervalMs : backoffMs(n, options.intervalMs);
    const left = options.timeoutMs === undefined ? pause : options.timeoutMs - (performance.now() - started);
    if (left <= 0) return { done: false, rounds: n };
    await sleep(Math.min(pause, left), options.signal, options.what);
  }
}
