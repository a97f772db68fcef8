// Where `up`'s time went: one entry per phase, in milliseconds, for the final message and `--json`.

import { formatDuration } from '../validate.js';

export type UpPhase = 'cluster' | 'enclave' | 'run' | 'discover' | 'ingress' | 'wait';

export interface UpTimings {
  /** From the call to the devnet being ready (or the wait skipped). */
  totalMs: number;
  /** Only the phases that ran, in the order they ran. */
  phases: Partial<Record<UpPhase, number>>;
}

/** Times consecutive phases: starting one ends the one before. */
export class PhaseClock {
  readonly #started = performance.now();
  #open: { phase: UpPhase; at: number } | undefined;
  readonly timings: UpTimings = { totalMs: 0, phases: {} };

  start(phase: UpPhase): void {
    this.#close();
    this.#open = { phase, at: performance.now() };
  }

  /** Ends the open phase and fixes the total. */
  finish(): UpTimings {
    this.#close();
    this.timings.totalMs = Math.round(performance.now() - this.#started);
    return this.timings;
  }

  #close(): void {
    if (!this.#open) return;
    const { phase, at } = this.#open;
    this.timings.phases[phase] = Math.round((this.timings.phases[phase] ?? 0) + performance.now() - at);
    this.#open = undefined;
  }
}

/** `0.4s`, `9.8s`, `41s`, `2m41s`: a tenth of a second below 10 s, whole seconds above. */
export function formatElapsed(ms: number): string {
  if (ms < 10_000) return `${(Math.round(ms / 100) / 10).toFixed(1)}s`;
  return formatDuration(ms);
}
