import {
  followLogs,
  getLogs,
  InvalidInputError,
  type LogLine,
  parseDuration,
  parseTail,
  validateDevnetName,
} from '../../lib/index.js';
import { type CliIo, serviceColor, type Ui } from '../io.js';
import { defineCommand, libOptions } from '../shared.js';

export const logsCommand = defineCommand((context) => ({
  command: 'logs <name> [services..]',
  describe: 'service logs as `[service] line`; -f follows until Ctrl-C',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'the devnet' })
      .positional('services', { type: 'string', array: true, describe: 'only these services (default: all)' })
      // A string, so that `--tail abc` is our usage error rather than yargs's NaN.
      .option('tail', {
        alias: 'n',
        type: 'string',
        describe: 'the last N lines of each service (0–100000; default: all)',
      })
      .option('follow', {
        alias: 'f',
        type: 'boolean',
        default: false,
        describe: 'keep printing new lines until Ctrl-C',
      })
      .option('since', {
        type: 'string',
        describe: 'only lines newer than this (90s, 10m, 1h30m; Kubernetes only)',
      })
      .option('timestamps', {
        type: 'boolean',
        default: false,
        describe: "show each line's time (Kubernetes only)",
      }),
  handler: async (argv) => {
    const ctx = context();
    // Everything the user typed is checked before anything runs (exit 2, no binary spawned).
    const name = validateDevnetName(argv.name);
    const tail = argv.tail === undefined ? undefined : parseTail(argv.tail, '--tail');
    if (ctx.ui.json && argv.follow) {
      // --json promises one document on stdout; a stream that never ends is not one.
      throw new InvalidInputError(
        '--json',
        '--json cannot be combined with -f: use --json without -f for a JSON array of lines',
      );
    }
    const { since } = argv;
    if (since !== undefined) parseDuration(since, '--since');
    const options = {
      ...libOptions(ctx),
      services: argv.services ?? [],
      tail,
      since,
    };
    const format = formatter(ctx.ui, argv.timestamps);

    if (!argv.follow) {
      const lines = await getLogs(name, options);
      if (ctx.ui.json) return ctx.ui.printJson(lines);
      if (lines.length > 0) ctx.io.stdout.write(`${lines.map(format).join('\n')}\n`);
      return;
    }
    const out = outputWriter(ctx.io.stdout);
    try {
      for await (const line of followLogs(name, options)) {
        await out.write(`${format(line)}\n`);
        if (out.broken) break;
      }
    } finally {
      out.dispose();
    }
  },
}));

function formatter(ui: Ui, timestamps: boolean): (line: LogLine) => string {
  const colors = new Map<string, (s: string) => string>();
  return (line) => {
    let color = colors.get(line.service);
    if (!color) {
      color = serviceColor(ui, line.service);
      colors.set(line.service, color);
    }
    const prefix = color(`[${line.service}]`);
    const time = timestamps && line.time ? `${ui.color.dim(line.time)} ` : '';
    return `${time}${prefix} ${line.line}`;
  };
}

/**
 * Writes that wait for a full pipe to drain (so a slow reader pauses the streams instead of growing
 * memory) and notice a reader that went away (`| head`): `broken` then ends the follow.
 */
function outputWriter(stream: CliIo['stdout']) {
  const s = stream as Partial<NodeJS.WritableStream>;
  let broken = false;
  let release: (() => void) | undefined;
  const onError = () => {
    broken = true;
    release?.();
  };
  s.on?.('error', onError);
  return {
    get broken() {
      return broken;
    },
    async write(text: string): Promise<void> {
      if (broken) return;
      if (stream.write(text) === false && typeof s.once === 'function') {
        await new Promise<void>((resolve) => {
          release = resolve;
          s.once?.('drain', () => resolve());
        });
        release = undefined;
      }
    },
    dispose() {
      s.off?.('error', onError);
    },
  };
}
