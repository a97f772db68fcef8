// A tool call as data: the argv plus the parser for its output. Built by small pure functions
// (lib/kurtosis/commands.ts, lib/kube/commands.ts) so argv can be tested without running anything.

import type { Runner, RunRequest, RunResult, Tool } from './exec.js';

export interface Command<T> {
  tool: Tool;
  args: string[];
  /** Turns the (already exit-code-checked, ANSI-stripped) result into a model. */
  parse: (result: RunResult) => T;
  /** A read that may be retried on transient failures. */
  idempotent?: boolean;
  input?: string;
  timeoutMs?: number;
  /** Exit codes that are not failures (default only 0). */
  okExitCodes?: readonly number[];
}

/** The same call, its parsed value paired with what the tool printed (for an error that quotes it). */
export function withResult<T>(command: Command<T>): Command<{ value: T; result: RunResult }> {
  return { ...command, parse: (result) => ({ value: command.parse(result), result }) };
}

export async function runCommand<T>(
  runner: Runner,
  command: Command<T>,
  extra: Pick<RunRequest, 'signal' | 'onLine' | 'timeoutMs' | 'killSignal'> = {},
): Promise<T> {
  const result = await runner.run({
    tool: command.tool,
    args: command.args,
    input: command.input,
    idempotent: command.idempotent,
    timeoutMs: extra.timeoutMs ?? command.timeoutMs,
    okExitCodes: command.okExitCodes,
    ...extra,
  });
  return command.parse(result);
}
