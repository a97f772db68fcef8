// How the CLI talks to a terminal: streams, colour, TTY/CI/GitHub modes, tables and JSON.

import { Chalk, type ChalkInstance } from 'chalk';

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** stdout and stderr are terminals */
  isTTY: boolean;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal?: AbortSignal;
  /** Set by a command for which Ctrl-C is the normal end (`status --watch`): the exit code then, not 130. */
  interruptExitCode?: number;
}

export interface Ui {
  io: CliIo;
  color: ChalkInstance;
  json: boolean;
  verbose: boolean;
  /** stdout: data only */
  out(text: string): void;
  /** stderr: progress, warnings, errors */
  err(text: string): void;
  printJson(value: unknown): void;
  mode: 'tty' | 'plain' | 'github';
}

export function createUi(io: CliIo, opts: { json: boolean; color: boolean; verbose: boolean }): Ui {
  const colorOk = opts.color && io.isTTY && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  const color = new Chalk({ level: colorOk ? 1 : 0 });
  const mode =
    io.env.GITHUB_ACTIONS === 'true' ? 'github' : io.isTTY && io.env.CI !== 'true' ? 'tty' : 'plain';
  return {
    io,
    color,
    json: opts.json,
    verbose: opts.verbose,
    mode,
    out: (text) => void io.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void io.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    printJson: (value) =>
      void io.stdout.write(
        `${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`,
      ),
  };
}

/** Left-aligned columns, padded by the widest cell (colour codes not counted). */
export function table(rows: string[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths: number[] = [];
  for (const row of all) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visible(cell));
    });
  }
  return all
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visible(cell) + 2)))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

const SERVICE_COLORS = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'red'] as const;

export function serviceColor(ui: Ui, name: string): (s: string) => string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return ui.color[SERVICE_COLORS[h % SERVICE_COLORS.length]!];
}
