// What every CLI process runs, yargs or not: the process wrapper (signals, a closed stdout, the exit
// code), a command line the fast parser understands run through its command, and the error report.
// Nothing here imports yargs or the whole command table: a read command's script bundle
// (scripts/build.mjs, bin/code-cache.ts) carries this module, the fast parser and its one command.

import type { DevnetKitError } from '../lib/index.js';
import type { CommandEntry } from './commands/index.js';
import { type FastCall, parseFast } from './fast.js';
import { internalErrorReport } from './internal-error.js';
import { type CliIo, createUi } from './io.js';
import type { CommandContext, GlobalArgs } from './main.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export function commandContext(
  io: CliIo,
  globals: GlobalArgs,
  setExitCode: (code: number) => void,
): CommandContext {
  return { ui: createUi(io, globals), globals, io, setExitCode };
}

/** A parsed fast call, and the context its command's factory reads once the process io exists. */
export interface PreparedCall {
  call: FastCall;
  holder: { ctx?: CommandContext };
}

/** The command line parsed without yargs, or undefined when yargs must parse it. No side effects. */
export async function prepareFast(
  args: readonly string[],
  commands: readonly CommandEntry[],
): Promise<PreparedCall | undefined> {
  const holder: PreparedCall['holder'] = {};
  const call = await parseFast(args, commands, () => {
    if (!holder.ctx) throw new Error('command context used before parsing');
    return holder.ctx;
  });
  return call && { call, holder };
}

export async function runPrepared(
  { call, holder }: PreparedCall,
  io: CliIo,
  args: readonly string[],
): Promise<number> {
  let exitCode: number = EXIT.ok;
  const ctx = commandContext(io, call.globals, (code) => {
    exitCode = code;
  });
  holder.ctx = ctx;
  try {
    await call.factory(() => ctx).handler(call.argv);
  } catch (error) {
    return reportError(error, ctx, io, args);
  }
  return exitCode;
}

export function exitCodeFor(error: unknown): number {
  const code = (error as Partial<DevnetKitError>)?.code;
  if (code === 'INVALID_INPUT' || code === 'NOT_FOUND') return EXIT.usage;
  if (code === 'INTERRUPTED') return EXIT.interrupted;
  return EXIT.failed;
}

export function reportError(
  error: unknown,
  ctx: CommandContext | undefined,
  io: CliIo,
  args: readonly string[],
): number {
  const code = exitCodeFor(error);
  const known = error instanceof Error && typeof (error as Partial<DevnetKitError>).code === 'string';
  const message = error instanceof Error ? error.message : String(error);
  const ui = ctx?.ui;
  const verbose = ctx?.globals.verbose ?? args.includes('--verbose');
  const internal = known ? undefined : internalErrorReport(error, verbose);
  const first = internal?.line ?? `devnet-kit: ${message}`;
  io.stderr.write(`${ui ? ui.color.red(first.split('\n')[0]!) : first.split('\n')[0]}\n`);
  const rest = first.split('\n').slice(1);
  if (rest.length > 0) io.stderr.write(`${rest.join('\n')}\n`);
  if (internal?.detail) io.stderr.write(`${internal.detail}\n`);
  if (ctx?.globals.json) {
    const e = error as Partial<DevnetKitError>;
    ctx.ui.printJson({ error: { code: e.code ?? 'INTERNAL', message, exitCode: code } });
  }
  return code;
}

/** Process wrapper: real streams, Ctrl-C/SIGTERM → abort (cleanup runs), exit code. */
export async function runProcess(run: (io: CliIo) => Promise<number>): Promise<void> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      process.stderr.write(`\ndevnet-kit: ${signal} received, cleaning up… (again to exit at once)\n`);
      controller.abort(new Error(signal));
    } else if (signal === 'SIGTERM') {
      // A supervisor escalating (GitHub Actions cancels with SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s
      // after that): every second of cleanup counts, so go on until the end.
      process.stderr.write('devnet-kit: SIGTERM received, still cleaning up…\n');
    } else {
      process.exit(EXIT.interrupted);
    }
  };
  // `devnet-kit … | head`: a reader that goes away is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY && process.stderr.isTTY),
    signal: controller.signal,
  };
  const code = await run(io);
  process.exitCode =
    controller.signal.aborted && code !== EXIT.usage ? (io.interruptExitCode ?? EXIT.interrupted) : code;
}

/**
 * The entry of a read command's script bundle: runs the command line when the fast parser understands
 * it (true), else leaves everything untouched for yargs (false).
 */
export async function runScript(args: string[], entry: CommandEntry): Promise<boolean> {
  const prepared = await prepareFast(args, [entry]);
  if (!prepared) return false;
  await runProcess((io) => runPrepared(prepared, io, args));
  return true;
}
