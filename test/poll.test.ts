import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InterruptedError } from '../lib/errors.js';
import { withDirLock } from '../lib/exec/dir-lock.js';
import { backoffMs, poll, sleep } from '../lib/exec/poll.js';
import { down } from '../lib/lifecycle/down.js';
import { up } from '../lib/lifecycle/up.js';
import { createHarness } from './support/harness.js';
import { MINIMAL } from './support/reliability.js';
import { tempDir } from './support/tmp.js';

const tmp = tempDir();
after(() => tmp.cleanup());

function interrupted(what: RegExp, cause?: unknown): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof InterruptedError, String(error));
    assert.match(error.message, what);
    if (cause !== undefined) assert.equal(error.cause, cause);
    return true;
  };
}

describe('sleep', () => {
  it('resolves after the pause', async () => {
    assert.equal(await sleep(1), undefined);
    assert.equal(await sleep(1, new AbortController().signal), undefined);
  });

  it('rejects with an InterruptedError whose cause is the reason, whether the signal aborts during or before', async () => {
    const controller = new AbortController();
    const reason = new Error('SIGINT');
    const pending = sleep(60_000, controller.signal, 'waiting for the namespaces to be deleted');
    controller.abort(reason);
    await assert.rejects(
      pending,
      interrupted(/^interrupted: waiting for the namespaces to be deleted$/, reason),
    );
    await assert.rejects(sleep(60_000, controller.signal), interrupted(/^interrupted: waiting$/, reason));
  });
});

describe('backoffMs', () => {
  it('doubles from the first pause up to the cap, and is 0 before any failure', () => {
    const b = { minMs: 250, maxMs: 5000 };
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, b)),
      [0, 250, 500, 1000, 2000, 4000, 5000, 5000],
    );
    assert.deepEqual(
      [1, 2, 3].map((n) => backoffMs(n, { minMs: 10, maxMs: 1000, factor: 3 })),
      [10, 30, 90],
    );
  });
});

describe('poll', () => {
  it('runs rounds until one returns a value, and says how many it took', async () => {
    const seen: number[] = [];
    const result = await poll(
      async (n) => {
        seen.push(n);
        return n === 3 ? 'ready' : undefined;
      },
      { intervalMs: 1 },
    );
    assert.deepEqual(result, { done: true, value: 'ready', rounds: 3 });
    assert.deepEqual(seen, [1, 2, 3]);
  });

  it('gives up once the timeout has passed, after a last round, never cutting one', async () => {
    let running = 0;
    const result = await poll(
      async () => {
        running++;
        await sleep(5);
        running--;
        return undefined;
      },
      { intervalMs: 1, timeoutMs: 30 },
    );
    assert.equal(result.done, false);
    assert.ok(result.rounds >= 2, `rounds: ${result.rounds}`);
    assert.equal(running, 0);
  });

  it("passes a round's error on, and ends with an InterruptedError when the signal aborts", async () => {
    await assert.rejects(
      poll(
        async () => {
          throw new Error('boom');
        },
        { intervalMs: 1 },
      ),
      /boom/,
    );
    const controller = new AbortController();
    const pending = poll(
      async (n) => {
        if (n === 2) controller.abort();
        return undefined;
      },
      { intervalMs: 1, signal: controller.signal, what: 'starting `kurtosis gateway` was cancelled' },
    );
    await assert.rejects(pending, interrupted(/starting `kurtosis gateway` was cancelled/));
  });
});

describe('withDirLock', () => {
  it('lets one holder in at a time, and removes the lock after, also when the holder throws', async () => {
    const lock = join(tmp.dir, 'serial.lock');
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const first = withDirLock(lock, { staleMs: 60_000 }, async () => {
      order.push('first in');
      await held;
      order.push('first out');
    });
    let waited = 0;
    const second = withDirLock(lock, { staleMs: 60_000, onWait: () => waited++ }, () => {
      order.push('second in');
      throw new Error('second failed');
    });
    await sleep(30);
    assert.deepEqual(order, ['first in'], 'the second waits while the first holds the lock');
    release();
    await first;
    await assert.rejects(second, /second failed/);
    assert.deepEqual(order, ['first in', 'first out', 'second in']);
    assert.equal(waited, 1);
    assert.equal(existsSync(lock), false);
  });

  it('takes over a lock nobody has touched for staleMs (its holder died)', async () => {
    const lock = join(tmp.dir, 'stale.lock');
    mkdirSync(lock);
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);
    assert.equal(await withDirLock(lock, { staleMs: 60_000 }, () => 'taken'), 'taken');
    assert.equal(existsSync(lock), false);
  });

  it('stops waiting with an InterruptedError when the signal aborts, and leaves the holder its lock', async () => {
    const lock = join(tmp.dir, 'held.lock');
    mkdirSync(lock);
    const controller = new AbortController();
    const pending = withDirLock(
      lock,
      { staleMs: 60_000, signal: controller.signal, what: 'waiting for the Kurtosis download lock' },
      () => 'never',
    );
    controller.abort();
    await assert.rejects(pending, interrupted(/waiting for the Kurtosis download lock/));
    assert.equal(existsSync(lock), true);
  });

  it('keeps a long-held lock fresh, so that it never looks stale to the others', async () => {
    const lock = join(tmp.dir, 'beat.lock');
    await withDirLock(lock, { staleMs: 600 }, async () => {
      const old = new Date(Date.now() - 60_000);
      utimesSync(lock, old, old);
      for (let i = 0; i < 100 && statSync(lock).mtimeMs < Date.now() - 30_000; i++) await sleep(50);
      assert.ok(statSync(lock).mtimeMs > Date.now() - 30_000, 'the holder touched the lock');
    });
  });
});

describe('down, interrupted while Kubernetes deletes the namespace', () => {
  it('ends with an InterruptedError (exit 130), not the signal’s bare reason', async () => {
    const h = await createHarness('kubernetes');
    try {
      await up({ ...h.options(), name: 'stuck', argsFile: MINIMAL, ingress: false });
      h.kube!.server.setNamespaceStuck('kt-stuck', true);
      const controller = new AbortController();
      let waiting = false;
      const error = await down('stuck', {
        ...h.options({
          onEvent: (e) => {
            if (e.type === 'phase' && /waiting for the namespaces/.test(e.message)) waiting = true;
            // The first look has answered: once its result is read, down pauses before the next one.
            if (waiting && e.type === 'exit' && e.argv.includes('namespaces'))
              setImmediate(() => controller.abort(new Error('SIGINT')));
          },
        }),
        signal: controller.signal,
        pollIntervalMs: 60_000,
        waitTimeoutMs: 120_000,
      }).catch((e: unknown) => e);
      assert.ok(error instanceof InterruptedError, String(error));
      assert.match(error.message, /waiting for the namespaces to be deleted/);
      h.kube!.server.setNamespaceStuck('kt-stuck', false);
    } finally {
      await h.cleanup();
    }
  });
});
