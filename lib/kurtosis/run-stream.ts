// `kurtosis run` stdout, line by line (reference/kurtosis-cli.md §2 "run"): a blank line before every
// element; instruction headers (`description` verbosity: prose such as `Adding service with name 'X'
// and image 'Y'`; `brief`/`detailed`: `> add_service name="X" …`), their result lines, then either
//   Starlark code successfully run[ in dry-run mode].[ Total instruction execution time: D.] Output was:
//   <tab-indented JSON up to the first blank line>
// or a Starlark error block on stdout ending with `Error encountered running Starlark code.`.
// Everything after the result (star line, Created-enclave banner, enclave inspect) is ignored.

import { stripVTControlCharacters } from 'node:util';
import type { DevnetEvent } from '../models.js';

export type RunEvent = Extract<DevnetEvent, { type: 'instruction' } | { type: 'service-added' }>;

export type StarlarkPhase = 'interpreting' | 'validating' | 'executing' | 'unknown';

export type RunOutcome =
  | {
      status: 'success';
      /** The text after `Output was:` (JSON for ethereum-package); undefined for `No output was returned.` */
      output: string | undefined;
      dryRun: boolean;
    }
  | {
      status: 'failure';
      phase: StarlarkPhase;
      /** Execution: the last `Caused by:`; interpretation/validation: the first message line. */
      rootCause: string | undefined;
      /** `An error occurred executing instruction (number N) at <location>:` */
      instruction?: { number: number; location: string };
      /** The error block without the embedded service logs, trimmed. */
      details: string[];
      /** Logs Kurtosis embeds between `== SERVICE 'x' LOGS ==` markers. */
      serviceLogs: { service: string; lines: string[] }[];
      dryRun: boolean;
    }
  | {
      /** The stream ended before a result line (killed, crashed, Ctrl-C). */
      status: 'incomplete';
      interrupted: boolean;
    };

const LOGRUS = /^(INFO|WARN|ERRO|DEBU)\[[^\]]*\]/;
const SUCCESS =
  /^Starlark code successfully run( in dry-run mode)?\.(?: Total instruction execution time: \S+\.)? (Output was:|No output was returned\.)\s*$/;
const FAILURE_START = /^There was an error (interpreting|validating|executing) Starlark code\s*$/;
const FAILURE_END = /^Error encountered running Starlark code( in dry-run mode)?\.\s*$/;
const SERVICE_ADDED = /^Service '([^']+)' added with service UUID '([0-9a-f]{32})'\s*$/;
const STAR_LINE = /^(⭐ us on GitHub|Made with Kurtosis) - /;
const INTERRUPTED = /^User manually interrupted the execution/;
const INSTRUCTION_AT = /An error occurred executing instruction \(number (\d+)\) at (.+?):\s*$/;
const LOGS_START = /^\s*== SERVICE '([^']+)' LOGS =+\s*$/;
const LOGS_END = /^\s*== FINISHED SERVICE '[^']+' LOGS =+\s*$/;

type State = 'stream' | 'images' | 'output' | 'failure' | 'done';

/**
 * Incremental parser: feed stdout lines with `push` (events come back as they are recognised), then
 * call `finish()` for the outcome. Limitation: a `print` whose text contains a blank line makes the
 * line after it look like an instruction header.
 */
export class RunStreamParser {
  #state: State = 'stream';
  #afterBlank = true;
  #instructions = 0;
  #output: string[] = [];
  #outputKind: 'json' | 'none' = 'none';
  #dryRun = false;
  #phase: StarlarkPhase = 'unknown';
  #failure: string[] = [];
  #interrupted = false;
  #outcome: RunOutcome | undefined;

  /** Instruction headers seen so far. */
  get instructionCount(): number {
    return this.#instructions;
  }

  /** The outcome as soon as the stream has shown it (before the process exits). */
  get outcome(): RunOutcome | undefined {
    return this.#outcome;
  }

  push(chunk: string): RunEvent[] {
    const events: RunEvent[] = [];
    for (const raw of chunk.split('\n')) this.#line(stripVTControlCharacters(raw).replace(/\r$/, ''), events);
    return events;
  }

  finish(): RunOutcome {
    if (this.#outcome) return this.#outcome;
    if (this.#state === 'output') this.#finishSuccess();
    else if (this.#state === 'failure') this.#finishFailure();
    else this.#outcome = { status: 'incomplete', interrupted: this.#interrupted };
    this.#state = 'done';
    return this.#outcome!;
  }

  #line(line: string, events: RunEvent[]): void {
    switch (this.#state) {
      case 'done':
        return;
      case 'output':
        if (line.trim() === '' || STAR_LINE.test(line)) {
          this.#finishSuccess();
          this.#state = 'done';
        } else {
          this.#output.push(line);
        }
        return;
      case 'failure': {
        const end = FAILURE_END.exec(line);
        if (end) {
          if (end[1]) this.#dryRun = true;
          this.#finishFailure();
          this.#state = 'done';
        } else {
          this.#failure.push(line);
        }
        return;
      }
      default:
        break;
    }

    // Logrus lines only appear here when stderr was merged into stdout.
    if (LOGRUS.test(line)) return;
    if (line.trim() === '') {
      this.#afterBlank = true;
      if (this.#state === 'images') this.#state = 'stream';
      return;
    }
    const elementStart = this.#afterBlank;
    this.#afterBlank = false;

    const success = SUCCESS.exec(line);
    if (success) {
      this.#dryRun = success[1] !== undefined;
      if (success[2] === 'Output was:') {
        this.#outputKind = 'json';
        this.#state = 'output';
      } else {
        this.#outputKind = 'none';
        this.#finishSuccess();
        this.#state = 'done';
      }
      return;
    }
    const failure = FAILURE_START.exec(line);
    if (failure) {
      this.#phase = failure[1] as StarlarkPhase;
      this.#state = 'failure';
      return;
    }
    if (FAILURE_END.test(line)) {
      // An error end without its start line (format change): keep the outcome honest.
      this.#finishFailure();
      this.#state = 'done';
      return;
    }
    if (INTERRUPTED.test(line)) {
      this.#interrupted = true;
      return;
    }
    if (this.#state === 'images') return;
    if (elementStart && line === 'Container images used in this run:') {
      this.#state = 'images';
      return;
    }
    const added = SERVICE_ADDED.exec(line);
    if (added) {
      events.push({ type: 'service-added', name: added[1]!, uuid: added[2]! });
      return;
    }
    if (elementStart) {
      this.#instructions++;
      const text = line.startsWith('> ') ? line.slice(2).trim() : line.trim();
      events.push({ type: 'instruction', index: this.#instructions, text });
    }
  }

  #finishSuccess(): void {
    this.#outcome = {
      status: 'success',
      output: this.#outputKind === 'json' ? this.#output.join('\n') : undefined,
      dryRun: this.#dryRun,
    };
  }

  #finishFailure(): void {
    const details: string[] = [];
    const serviceLogs: { service: string; lines: string[] }[] = [];
    let logs: { service: string; lines: string[] } | undefined;
    for (const line of this.#failure) {
      const startLogs = LOGS_START.exec(line);
      if (startLogs) {
        logs = { service: startLogs[1]!, lines: [] };
        serviceLogs.push(logs);
        continue;
      }
      if (logs) {
        if (LOGS_END.test(line)) logs = undefined;
        else logs.lines.push(line.replace(/^ {2}/, ''));
        continue;
      }
      details.push(line.replace(/\s+$/, ''));
    }
    while (details.length > 0 && details[details.length - 1] === '') details.pop();
    while (details.length > 0 && details[0] === '') details.shift();
    for (const l of serviceLogs) {
      while (l.lines.length > 0 && l.lines[l.lines.length - 1]!.trim() === '') l.lines.pop();
    }

    const causes = details.filter((l) => /^\s*Caused by:/.test(l));
    const lastCause = causes[causes.length - 1]?.replace(/^\s*Caused by:\s*/, '');
    const firstMessage = details.find((l) => l.trim() !== '')?.trim();
    const at = details.map((l) => INSTRUCTION_AT.exec(l)).find((m) => m !== null);

    const outcome: RunOutcome = {
      status: 'failure',
      phase: this.#phase,
      rootCause: lastCause ?? firstMessage,
      details,
      serviceLogs,
      dryRun: this.#dryRun,
    };
    if (at) outcome.instruction = { number: Number(at[1]), location: at[2]! };
    this.#outcome = outcome;
  }
}

/** Whole `kurtosis run` stdout → its events and outcome. */
export function parseRunOutput(stdout: string): { events: RunEvent[]; outcome: RunOutcome } {
  const parser = new RunStreamParser();
  const events = parser.push(stdout.endsWith('\n') ? stdout.slice(0, -1) : stdout);
  return { events, outcome: parser.finish() };
}
