// One lock between devnet-kit processes on one machine: `mkdir` of a lock folder (atomic, and no lock
// file to clean up when the holder crashes mid-write). Three things share it: the local metadata file
// (held for milliseconds), the Kurtosis download (held for minutes) and the start of the shared
// `kurtosis gateway`.

import { mkdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { sleep } from './poll.js';

export interface DirLockOptions {
  /**
   * A lock folder nobody touched for this long was left by a process that died holding it, and is
   * taken over. The holder touches it several times within this span, however long it holds it.
   */
  staleMs: number;
  /** How often a waiting process tries again (default 10 ms). */
  retryMs?: number;
  /** Stops waiting for the lock with an InterruptedError (never interrupts `fn`). */
  signal?: AbortSignal;
  /** What waiting for the lock is, for that InterruptedError. */
  what?: string;
  /** Called once if another process holds the lock at the first try. */
  onWait?: () => void;
}

/** Runs `fn` while holding the lock folder `lock` (its parent must exist), waiting for it if another process holds it. */
export async function withDirLock<T>(
  lock: string,
  options: DirLockOptions,
  fn: () => T | Promise<T>,
): Promise<T> {
  let waited = false;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > options.staleMs)
          rmSync(lock, { recursive: true, force: true });
      } catch {
        // Released meanwhile.
      }
      if (!waited) {
        waited = true;
        options.onWait?.();
      }
      await sleep(options.retryMs ?? 10, options.signal, options.what);
    }
  }
  const beat = setInterval(
    () => {
      try {
        const now = new Date();
        utimesSync(lock, now, now);
      } catch {
        // Removed under us (cache clean); what the holder publishes is renamed into place whole anyway.
      }
    },
    Math.max(options.staleMs / 6, 100),
  );
  beat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(beat);
    rmSync(lock, { recursive: true, force: true });
  }
}
