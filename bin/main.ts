// The CLI: a table of commands. Each handler reads its flags, calls one library function through
// lib/index.ts and formats the result. Exit codes are decided here, in one place.

import type { ArgumentsCamelCase, Argv } from 'yargs';
import { COMMANDS, type CommandEntry } from './commands/index.js';
import { GLOBAL_OPTIONS } from './fast.js';
import type { CliIo, Ui } from './io.js';
import { commandContext, EXIT, prepareFast, reportError, runPrepared, runProcess } from './run.js';
import { cliVersion } from './version.js';

export interface GlobalArgs {
  config?: string;
  owner?: string;
  json: boolean;
  color: boolean;
  verbose: boolean;
}

export interface CommandContext {
  ui: Ui;
  globals: GlobalArgs;
  io: CliIo;
  /** Set by a handler that wants a non-zero exit without throwing (e.g. doctor with failed checks). */
  setExitCode(code: number): void;
}

/**
 * A command as main.ts and the fast path see it: its own argv type erased (each module is written with
 * `defineCommand`, bin/shared.ts, where the builder's type flows into the handler).
 */
export type CommandFactory = (ctx: () => CommandContext) => {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv<object>;
  handler: (argv: ArgumentsCamelCase) => Promise<void>;
};

const NAME_COMMANDS = new Set([
  'inspect',
  'services',
  'logs',
  'endpoints',
  'use',
  'down',
  'status',
  'forward',
]);

/** Index of the first argument that is not a global flag or a global flag's value. */
function firstPositionalIndex(args: string[]): number {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--config' || a === '--owner') i++;
    else if (!a.startsWith('-')) return i;
  }
  return -1;
}

/** Usage errors found by yargs or by us before any spawn. */
class UsageError extends Error {}

export interface MainOptions {
  /** The command table (tests pass their own). */
  commands?: readonly CommandEntry[];
  /** Try the yargs-free parser first (bin/fast.ts); false: yargs parses everything. */
  fast?: boolean;
}

export async function main(args: string[], io: CliIo, options: MainOptions = {}): Promise<number> {
  const commands = options.commands ?? COMMANDS;
  let exitCode: number = EXIT.ok;
  let ctx: CommandContext | undefined;
  let usageMessage: string | undefined;
  let thrown: unknown;

  const getCtx = () => {
    if (!ctx) throw new Error('command context used before parsing');
    return ctx;
  };

  const fast = options.fast === false ? undefined : await prepareFast(args, commands);
  if (fast) return runPrepared(fast, io, args);

  // Loaded here: the fast path above never needs it.
  const { yargs } = await import('./yargs.js');
  const factories = await Promise.all(commands.map((c) => c.load()));
  const parser = yargs(args)
    .scriptName('devnet-kit')
    .usage('$0 [--config F] [--owner O] [--json] [--no-color] [--verbose] <command>')
    .option('config', GLOBAL_OPTIONS.config)
    .option('owner', GLOBAL_OPTIONS.owner)
    .option('json', GLOBAL_OPTIONS.json)
    .option('color', GLOBAL_OPTIONS.color)
    .option('verbose', GLOBAL_OPTIONS.verbose)
    .parserConfiguration({ 'populate--': true })
    .check((argv) => {
      const extra = argv['--'];
      if (Array.isArray(extra) && extra.length > 0) {
        throw new UsageError(
          `unexpected argument ${JSON.stringify(extra[0])} after '--': devnet names are lowercase letters, digits and '-', starting and ending with a letter or digit`,
        );
      }
      return true;
    })
    .middleware((argv) => {
      const globals: GlobalArgs = {
        config: argv.config,
        owner: argv.owner,
        json: argv.json,
        color: argv.color,
        verbose: argv.verbose,
      };
      ctx = commandContext(io, globals, (code) => {
        exitCode = code;
      });
    })
    .version(cliVersion())
    .alias('version', 'v')
    .help()
    .alias('help', 'h')
    .strict()
    .demandCommand(1, 'name a command (see --help)')
    .recommendCommands()
    .env(false)
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      const first = args.find((a) => !a.startsWith('-'));
      const known = factories.map((f) => String(f(getCtx).command).split(' ')[0]).concat('completion');
      usageMessage =
        first !== undefined &&
        /^Unknown arguments?:/.test(msg ?? '') &&
        !known.includes(first) &&
        args.indexOf(first) === firstPositionalIndex(args)
          ? `unknown command '${first}'; commands: ${known.join(', ')}`
          : // yargs spreads some messages over lines; ours are one line.
            (msg ?? '').replace(/\s*\n\s*/g, ' ');
      throw new UsageError(msg);
    });

  parser.completion(
    'completion',
    'print a bash/zsh completion script (completes devnet names)',
    (
      current: string,
      argv: { _: (string | number)[]; config?: string; owner?: string },
      completionFilter: (cb?: (err: Error | null, completions: string[] | undefined) => void) => void,
      done: (completions: string[]) => void,
    ) => {
      const command = String(argv._[0] ?? '');
      if (argv._.length >= 2 && NAME_COMMANDS.has(command)) {
        import('./complete.js')
          .then(({ devnetNames }) => devnetNames(io, argv))
          .then((names) => done(names.filter((n) => n.startsWith(current))))
          .catch(() => done([]));
      } else {
        completionFilter();
      }
    },
  );

  for (const factory of factories) {
    const def = factory(getCtx);
    parser.command(def.command, def.describe, def.builder, def.handler);
  }

  let output = '';
  try {
    await parser.parseAsync(args, {}, (_err, _argv, out) => {
      output = out ?? '';
    });
  } catch (error) {
    thrown = error;
  }
  // --json is one JSON document on stdout, also for the completion script.
  if (output && (ctx?.globals.json ?? false) && args[firstPositionalIndex(args)] === 'completion')
    io.stdout.write(`${JSON.stringify({ completion: output })}\n`);
  else if (output) io.stdout.write(output.endsWith('\n') ? output : `${output}\n`);

  if (usageMessage !== undefined || thrown instanceof UsageError) {
    io.stderr.write(
      // One line, as every bad input gets: the pointer to --help goes on it.
      `devnet-kit: ${usageMessage ?? (thrown as Error).message} (see 'devnet-kit --help')\n`,
    );
    return EXIT.usage;
  }
  if (thrown !== undefined) return reportError(thrown, ctx, io, args);
  return exitCode;
}

/** The CLI as a process: yargs's chunks (dist/cli.js runs a read command's script bundle first). */
export async function runCli(args: string[]): Promise<void> {
  await runProcess((io) => main(args, io));
}
