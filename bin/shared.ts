// Glue every command shares: how a command is defined, library options from the global flags, progress
// rendering, endpoint formats and GitHub Actions files.

import { appendFileSync } from 'node:fs';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { CommonOptions, DevnetEvent, Endpoint, Service } from '../lib/index.js';
import { table, type Ui } from './io.js';
import type { CommandContext, CommandFactory } from './main.js';

/** A command module: what its builder declares (`.option`, `.positional`) is the type of its handler's argv. */
export interface CommandDefinition<A> {
  /** The command word and its positionals, e.g. `logs <name> [services..]`. */
  command: string;
  describe: string;
  builder: (y: Argv) => Argv<A>;
  handler: (argv: ArgumentsCamelCase<A>) => Promise<void>;
}

/**
 * Types a command module and erases its argv type for the command table. Here, in a module every command
 * already loads, rather than one of its own: a module of its own would be one more chunk for `ls` to load.
 */
export function defineCommand<A>(
  factory: (context: () => CommandContext) => CommandDefinition<A>,
): CommandFactory {
  return (context) => {
    const { handler, ...definition } = factory(context);
    return {
      ...definition,
      // The one assertion on an argv: yargs hands the handler what the builder declares, and so does the
      // fast path (bin/fast.ts builds it from the same builder; test/fast-path.test.ts compares the two).
      handler: (argv) => handler(argv as ArgumentsCamelCase<A>),
    };
  };
}

export function libOptions(ctx: CommandContext, extra: { progress?: boolean } = {}): CommonOptions {
  return {
    configPath: ctx.globals.config,
    owner: ctx.globals.owner,
    env: ctx.io.env,
    cwd: ctx.io.cwd,
    signal: ctx.io.signal,
    onEvent: progressPrinter(ctx.ui, extra.progress ?? false),
  };
}

/** Renders library events on stderr: a live line on a TTY, plain lines in CI, groups on GitHub. */
export function progressPrinter(ui: Ui, progress: boolean): (event: DevnetEvent) => void {
  const started = performance.now();
  let live = false;
  let grouped = false;
  const clearLive = () => {
    if (live) {
      ui.io.stderr.write('\r\x1b[K');
      live = false;
    }
  };
  const line = (text: string) => {
    clearLive();
    ui.err(text);
  };
  return (event) => {
    switch (event.type) {
      case 'spawn':
        if (ui.verbose) line(ui.color.dim(`$ ${event.argv.join(' ')}`));
        break;
      case 'exit':
        if (ui.verbose) line(ui.color.dim(`  exit ${event.exitCode ?? '?'} in ${event.durationMs} ms`));
        break;
      case 'retry':
        line(
          ui.color.yellow(
            `retrying (${event.attempt}) ${event.argv.slice(0, 3).join(' ')}…: ${event.reason}`,
          ),
        );
        break;
      case 'warning':
        line(ui.color.yellow(`warning: ${event.message}`));
        break;
      case 'info':
        if (progress || ui.verbose) line(event.message);
        break;
      case 'phase':
        if (!progress) break;
        if (ui.mode === 'github' && event.phase === 'run' && !grouped) {
          line(`::group::${event.message}`);
          grouped = true;
        } else if (ui.mode === 'github' && grouped && event.phase !== 'run') {
          line('::endgroup::');
          grouped = false;
          line(`• ${event.message}`);
        } else {
          line(ui.color.bold(`• ${event.message}`));
        }
        break;
      case 'instruction':
        if (!progress) break;
        if (ui.mode === 'tty') {
          clearLive();
          // The elapsed time leads the live line: where a long `up` stands at a glance.
          const text = `  ${ui.color.dim(elapsedText(performance.now() - started))} [${event.index}] ${event.text}`;
          ui.io.stderr.write(text.slice(0, (process.stderr.columns || 100) - 1));
          live = true;
        } else if (ui.mode === 'plain') {
          line(`  [${event.index}] ${event.text}`);
        }
        break;
      case 'service-added':
        if (progress && ui.mode !== 'github') line(ui.color.green(`  + ${event.name}`));
        break;
      case 'download':
        // Shown for every command (ls and down may be the first to need kurtosis): a bar on a TTY, one
        // line elsewhere, so that a CI log says why the step takes a while.
        if (ui.mode === 'tty') {
          clearLive();
          if (event.phase === 'done') {
            line(`  ${event.what}: ${formatBytes(event.receivedBytes)}, sha256 verified → ${event.path}`);
          } else {
            ui.io.stderr.write(downloadBar(event).slice(0, (process.stderr.columns || 100) - 1));
            live = true;
          }
        } else if (event.phase === 'start') {
          const size = event.totalBytes === undefined ? '' : ` (${formatBytes(event.totalBytes)})`;
          line(`downloading ${event.what}${size} from ${event.url}`);
        }
        break;
      case 'output':
        // The raw Kurtosis stream: folded into a group on GitHub, shown with --verbose elsewhere.
        if ((progress && ui.mode === 'github') || ui.verbose) line(event.line);
        break;
    }
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** `  Kurtosis CLI 1.20.0 [#########-----------] 12.3/45.6 MiB 5.1 MiB/s` */
export function downloadBar(event: Extract<DevnetEvent, { type: 'download' }>): string {
  const speed = `${formatBytes(event.bytesPerSecond)}/s`;
  if (event.totalBytes === undefined) return `  ${event.what} ${formatBytes(event.receivedBytes)} ${speed}`;
  const width = 20;
  const filled = Math.min(width, Math.round((event.receivedBytes / event.totalBytes) * width));
  return `  ${event.what} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${formatBytes(event.receivedBytes)}/${formatBytes(event.totalBytes)} ${speed}`;
}

/** `7s`, `2m41s` (bin may not import lib eagerly: --help stays fast). */
function elapsedText(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** `EL_1_GETH_LIGHTHOUSE_RPC`: service and port as one shell-safe variable name. */
export function envName(endpoint: Pick<Endpoint, 'service' | 'port' | 'alias'>): string {
  const base = `${endpoint.service}_${endpoint.port}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return endpoint.alias ? `ALIAS_${base}` : base;
}

export function formatEndpoints(
  endpoints: readonly Endpoint[],
  format: 'table' | 'env' | 'github',
  ui: Ui,
): string {
  if (format === 'env' || format === 'github') {
    return endpoints.map((e) => `${envName(e)}=${e.url}`).join('\n');
  }
  if (endpoints.length === 0) return 'no public endpoints';
  return table(
    endpoints.map((e) => [e.service, e.port, ui.color.cyan(e.url), e.alias ? 'alias' : '']),
    ['SERVICE', 'PORT', 'URL', ''],
  );
}

/** Appends `KEY=value` lines to $GITHUB_OUTPUT (or another file). */
export function appendGithubOutput(file: string, entries: Record<string, string>): void {
  const lines = Object.entries(entries).map(([k, v]) =>
    v.includes('\n') ? `${k}<<DEVNET_KIT_EOF\n${v}\nDEVNET_KIT_EOF` : `${k}=${v}`,
  );
  appendFileSync(file, `${lines.join('\n')}\n`);
}

export function stepSummary(name: string, endpoints: readonly Endpoint[]): string {
  const rows = endpoints.map((e) => `| ${e.service} | ${e.port} | ${e.url} |${e.alias ? ' alias' : ''}`);
  return [`### Devnet \`${name}\``, '', '| service | port | url |', '|---|---|---|', ...rows, ''].join('\n');
}

const GROUPS: [string, RegExp][] = [
  ['execution', /^el-/],
  ['consensus', /^cl-/],
  ['validators', /^vc-/],
];

export function groupServices(services: readonly Service[]): [string, Service[]][] {
  const groups = new Map<string, Service[]>();
  for (const s of services) {
    const group = GROUPS.find(([, re]) => re.test(s.name))?.[0] ?? 'tools';
    groups.set(group, [...(groups.get(group) ?? []), s]);
  }
  return ['execution', 'consensus', 'validators', 'tools'].flatMap((g) =>
    groups.has(g) ? [[g, groups.get(g)!] as [string, Service[]]] : [],
  );
}

export function servicesTable(services: readonly Service[], ui: Ui): string {
  const out: string[] = [];
  for (const [group, list] of groupServices(services)) {
    out.push(ui.color.bold(group));
    const rows: string[][] = [];
    for (const s of list) {
      const status = s.status === 'RUNNING' ? ui.color.green(s.status) : ui.color.yellow(s.status);
      const ports =
        s.ports.length === 0
          ? ['<none>']
          : s.ports.map((p) => `${p.name}: ${p.number}/${p.transport}  ${p.publicUrl ?? p.endpoint}`);
      rows.push([`  ${s.name}`, status, s.privateIp ?? '', ports[0]!]);
      for (const extra of ports.slice(1)) rows.push(['', '', '', extra]);
    }
    out.push(table(rows));
  }
  return out.join('\n');
}
