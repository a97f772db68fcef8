// The merge point of several log streams: a bounded FIFO with one consumer. Producers `await push()`,
// which waits while the queue is full; a producer that waits stops reading its child's stdout, the pipe
// fills and the child blocks on write. A slow consumer therefore holds at most `capacity` lines here,
// whatever the number or speed of the streams. Items are whole lines, so streams never interleave mid-line.

import type { FollowHandle, RunResult } from '../exec/exec.js';

export class BoundedQueue<T> {
  readonly capacity: number;
  private items: T[] = [];
  private head = 0;
  private readonly waitingForRoom: (() => void)[] = [];
  private taker: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  private closed = false;
  private failure: { error: unknown } | undefined;

  constructor(capacity: number) {
    if (!(Number.isSafeInteger(capacity) && capacity >= 1))
      throw new RangeError(`capacity must be ≥ 1, got ${capacity}`);
    this.capacity = capacity;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Queues `item`. Returns undefined when it was queued at once, else a promise that settles once it was
   * (the queue was full): `const wait = queue.push(x); if (wait) await wait;` costs no microtask per line
   * while there is room. After `close()` the item is dropped at once.
   */
  push(item: T): Promise<void> | undefined {
    if (!this.closed && this.size >= this.capacity) return this.pushWhenRoom(item);
    this.enqueue(item);
    return undefined;
  }

  private async pushWhenRoom(item: T): Promise<void> {
    while (!this.closed && this.size >= this.capacity) {
      await new Promise<void>((resolve) => this.waitingForRoom.push(resolve));
    }
    this.enqueue(item);
  }

  private enqueue(item: T): void {
    if (this.closed) return;
    if (this.taker) {
      const { resolve } = this.taker;
      this.taker = undefined;
      resolve({ value: item, done: false });
      return;
    }
    this.items.push(item);
  }

  /** The next item; `done` once closed and drained; rejects with the close error after the items before it. */
  next(): Promise<IteratorResult<T>> {
    if (this.size > 0) {
      const value = this.items[this.head]!;
      this.items[this.head] = undefined as T;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      this.waitingForRoom.shift()?.();
      return Promise.resolve({ value, done: false });
    }
    if (this.closed) {
      if (this.failure) {
        const { error } = this.failure;
        this.failure = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    if (this.taker) return Promise.reject(new Error('BoundedQueue has one consumer'));
    return new Promise((resolve, reject) => {
      this.taker = { resolve, reject };
    });
  }

  /**
   * No more items: the consumer gets what is queued, then the end (or `error`). Waiting producers are
   * released and what they push is dropped. `discard` also drops what is queued (the consumer left).
   */
  close(error?: unknown, options: { discard?: boolean } = {}): void {
    if (this.closed) return;
    this.closed = true;
    if (error !== undefined) this.failure = { error };
    if (options.discard) {
      this.items = [];
      this.head = 0;
    }
    for (const wake of this.waitingForRoom.splice(0)) wake();
    if (this.taker && this.size === 0) {
      const taker = this.taker;
      this.taker = undefined;
      if (this.failure) {
        const failure = this.failure;
        this.failure = undefined;
        taker.reject(failure.error);
      } else {
        taker.resolve({ value: undefined, done: true });
      }
    }
  }
}

/**
 * Moves a followed child's lines into `queue` (waiting while it is full, so the child is paused) until
 * the stream ends or `stopping()`; then stops the child and waits for it. `toItem` may drop a line
 * (undefined). Never throws: the stream's or the child's failure comes back as `failure`.
 */
export async function pumpLines<T>(
  handle: FollowHandle,
  queue: BoundedQueue<T>,
  toItem: (raw: string) => T | undefined,
  stopping: () => boolean,
): Promise<{ failure?: unknown; result?: RunResult }> {
  let failure: unknown;
  try {
    // A batch is one pipe read: its lines cost no await each while the queue has room.
    outer: for await (const batch of handle.batches ?? batchesOf(handle.lines)) {
      for (const raw of batch) {
        const item = toItem(raw);
        if (item === undefined) continue;
        const full = queue.push(item);
        if (full) await full;
        if (stopping()) break outer;
      }
    }
  } catch (error) {
    failure = error;
  }
  if (stopping()) handle.stop();
  try {
    return { failure, result: await handle.done };
  } catch (error) {
    return { failure: failure ?? error };
  }
}

async function* batchesOf(lines: AsyncIterable<string>): AsyncGenerator<string[]> {
  for await (const line of lines) yield [line];
}
