// `npm run bench` (issue #8): what devnet-kit itself costs, against the fakes, on a fresh clone.
//
//   node --import tsx bench/run.ts [--quick] [--json] [--out DIR] [--backend docker|kubernetes] [--node PATH]…
//
// 1. start-up: `node dist/cli.js --version` / `--help` vs `node -e 0`, alternated in one loop; and
//    (bench/instant.ts, issue #16) every read command with children that answer at once vs `node -e 0`,
//    on this Node and on each `--node PATH` (e.g. Node 24 beside Node 20);
// 2. kurtosis/kubectl processes per command at several devnet and service counts — from the library's
//    onEvent spawn events, checked against the built CLI's `--verbose` lines;
// 3. overhead: a command's wall time vs its children's (the union of their intervals, so children run
//    in parallel count once), for the library call and for the CLI process;
// 4. logs: bench/logs.ts, the merged follower vs the same `kubectl logs -f` read through a pipe, at 4
//    and 30 streams (goal ≥ 0.8×); its absence or failure is a table row.
// 5. status/forward: what bench/status.ts reports (status wall, `status --watch` RSS, forward overhead;
//    full mode only).
//
// Figures are medians of ≥ 10 runs; ratios are taken within one run, then the median. --quick (~1 min idle,
// the regression guard of test/bench-quick.test.ts): 3 runs, 1/10 devnets and 3/30 services, the CLI
// counted in-process but not timed, logs with 3 streams and ~5 MB. Writes the JSON to
// bench/results/<timestamp>.json and bench/results/latest.json (latest-quick.json with --quick; --out
// DIR elsewhere) and compares with the previous one. Progress and, with --json, the table go to
// stderr; --json prints the JSON document alone on stdout.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main as cliMain } from '../bin/main.js';
import { down, inspectEnclave, listEnclaves, listEndpoints, listServices, up } from '../lib/index.js';
import type { DevnetEvent } from '../lib/models.js';
import { hasKubectl } from '../test/support/kube-env.js';
import { type InstantResult, measureInstant } from './instant.js';
import {
  type Calls,
  type CliRun,
  median,
  parseVerboseSpawns,
  round,
  runCliProcess,
  type Sample,
  type Span,
  unionMs,
} from './stats.js';
import { type Backend, createWorld, TARGET, type World } from './world.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli.js');

export const COMMANDS = ['ls', 'inspect', 'services', 'endpoints', 'up', 'down'] as const;
export type CommandName = (typeof COMMANDS)[number];
const READS: readonly CommandName[] = ['ls', 'inspect', 'services', 'endpoints'];

const GOALS = { versionRatio: 1.3, readOverhead: 1.2, upExtraMs: 2000, logsToPipe: 0.8 } as const;

/**
 * Fewest kurtosis+kubectl processes for what each command must know or do (the scenario: the target is
 * the owner's default devnet; another devnet of the owner holds the alias before `up` and after `down`).
 */
const MINIMUM: Record<Backend, Record<CommandName, { calls: string; why: string }>> = {
  docker: {
    ls: { calls: '1+0', why: 'enclave ls (owner, expiry: a local file)' },
    inspect: { calls: '2+0', why: 'enclave inspect, and enclave ls for the default mark (in parallel)' },
    services: { calls: '1+0', why: 'enclave inspect' },
    endpoints: { calls: '1+0', why: 'enclave inspect (host ports)' },
    up: { calls: '5+0', why: 'version, engine status, enclave add, run, enclave inspect' },
    down: { calls: '2+0', why: 'enclave ls (which one, whose), enclave rm' },
  },
  kubernetes: {
    // Kubernetes: the first engine call of a process asks `engine status` whether a gateway serves (#17).
    ls: {
      calls: '2+1',
      why: 'engine status (gateway?), enclave ls, namespaces (owner, expiry), in parallel',
    },
    inspect: {
      calls: '3+2',
      why: 'engine status (gateway?), enclave ls, namespaces, enclave inspect; then services,pods,ingress in one get',
    },
    services: { calls: '0+2', why: 'namespaces (which one), then services,pods,ingress in one get' },
    endpoints: { calls: '0+2', why: 'namespaces (which one), then its Ingresses' },
    up: {
      calls: '5+8',
      why: 'API check; cluster get, version, engine status, enclave add, run; namespaces, label ∥ objects, apply, alias apply ∥ list, delete old alias',
    },
    down: {
      calls: '2+7',
      why: 'enclave ls ∥ namespaces; alias moves: label ∥ objects, alias apply ∥ list, delete; enclave rm; namespace gone',
    },
  },
};

interface Combo {
  devnets: number;
  services: number;
  timing: boolean;
  cliTiming: boolean;
}

interface Mode {
  quick: boolean;
  json: boolean;
  outDir: string;
  backends: Backend[];
  runs: number;
  /** Timed runs of the CLI process per read command. */
  cliRuns: number;
  startupRuns: number;
  /** Node binaries the instant-children start-up runs on (this one first). */
  nodes: string[];
  instantRuns: number;
  devnets: number[];
  services: number[];
  /**
   * (devnets, services) pairs measured. `timing`: the library runs `runs` times (else once, for counts);
   * `cliTiming`: the built CLI runs as a process and is timed (else the CLI code runs in-process, counted).
   */
  combos: Combo[];
}

function parseMode(argv: string[]): Mode {
  const quick = argv.includes('--quick');
  const json = argv.includes('--json');
  const outAt = argv.indexOf('--out');
  const outDir = outAt >= 0 && argv[outAt + 1] ? resolve(argv[outAt + 1]!) : join(ROOT, 'bench', 'results');
  const backendAt = argv.indexOf('--backend');
  const backends: Backend[] =
    backendAt >= 0 && argv[backendAt + 1]
      ? (argv[backendAt + 1]!.split(',') as Backend[])
      : ['docker', 'kubernetes'];
  for (const b of backends) {
    if (b !== 'docker' && b !== 'kubernetes')
      throw new Error(`--backend: unknown backend ${JSON.stringify(b)}`);
  }
  const nodes = [process.execPath];
  argv.forEach((a, i) => {
    if (a === '--node' && argv[i + 1]) nodes.push(resolve(argv[i + 1]!));
  });
  const known = new Set(['--quick', '--json', '--out', '--backend', '--node']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--out' || a === '--backend' || a === '--node') i++;
    else if (!known.has(a)) throw new Error(`unknown argument ${JSON.stringify(a)}`);
  }
  const devnets = quick ? [1, 10] : [1, 10, 100];
  const services = quick ? [3, 30] : [3, 30, 150];
  const dMax = devnets.at(-1)!;
  const sMax = services.at(-1)!;
  // Full: each axis on its own from the smallest scale, and the large corner (timed, like the smallest).
  // Quick: the smallest scale and the large corner only — counts cannot fall as a scale grows, so equal
  // counts at both ends mean equal counts along both axes — and the CLI counted in-process, not timed.
  const combos = quick
    ? [
        { devnets: 1, services: 3, timing: true, cliTiming: false },
        { devnets: dMax, services: sMax, timing: false, cliTiming: false },
      ]
    : [
        ...services.map((s) => ({ devnets: 1, services: s, timing: s === 3, cliTiming: s === 3 })),
        ...devnets.slice(1).map((d) => ({ devnets: d, services: 3, timing: false, cliTiming: false })),
        // The CLI's own cost is its start-up, the same at every scale: timed at the smallest only.
        { devnets: dMax, services: sMax, timing: true, cliTiming: false },
      ];
  return {
    quick,
    json,
    outDir,
    backends,
    runs: quick ? 3 : 10,
    cliRuns: quick ? 0 : 10,
    startupRuns: quick ? 3 : 20,
    nodes,
    instantRuns: quick ? 2 : 15,
    devnets,
    services,
    combos,
  };
}

// ---------------------------------------------------------------------------------------------------
// 1. start-up

interface StartupResult {
  runs: number;
  nodeMs: number;
  versionMs: number;
  helpMs: number;
  /** medians of the per-iteration ratios to `node -e 0` */
  versionRatio: number;
  helpRatio: number;
  goal: { versionRatio: number };
  meets: boolean;
}

function timeSpawn(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore', cwd: ROOT });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
  return ms;
}

function measureStartup(runs: number): StartupResult {
  const variants = { node: ['-e', '0'], version: [CLI, '--version'], help: [CLI, '--help'] };
  for (const args of Object.values(variants)) timeSpawn(args); // warm the file cache
  const times = { node: [] as number[], version: [] as number[], help: [] as number[] };
  const ratios = { version: [] as number[], help: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const n = timeSpawn(variants.node);
    const v = timeSpawn(variants.version);
    const h = timeSpawn(variants.help);
    times.node.push(n);
    times.version.push(v);
    times.help.push(h);
    ratios.version.push(v / n);
    ratios.help.push(h / n);
  }
  const versionRatio = round(median(ratios.version), 2);
  return {
    runs,
    nodeMs: round(median(times.node), 1),
    versionMs: round(median(times.version), 1),
    helpMs: round(median(times.help), 1),
    versionRatio,
    helpRatio: round(median(ratios.help), 2),
    goal: { versionRatio: GOALS.versionRatio },
    meets: versionRatio <= GOALS.versionRatio,
  };
}

// ---------------------------------------------------------------------------------------------------
// 2 + 3. commands

type Via = 'lib' | 'cli';

async function libCall(
  world: World,
  command: CommandName,
  services: number,
  onEvent: (e: DevnetEvent) => void,
) {
  const options = world.options(onEvent);
  switch (command) {
    case 'ls':
      return listEnclaves(options);
    case 'inspect':
      return inspectEnclave(TARGET, options);
    case 'services':
      return listServices(TARGET, options);
    case 'endpoints':
      return listEndpoints(TARGET, options);
    case 'up':
      return up({ ...options, name: TARGET, argsFile: world.argsFile(services) });
    case 'down':
      return down(TARGET, options);
  }
}

function cliArgs(world: World, command: CommandName, services: number): string[] {
  switch (command) {
    case 'ls':
      return ['--json', 'ls'];
    case 'up':
      return ['--json', 'up', TARGET, '-f', world.argsFile(services)];
    case 'down':
      return ['--json', 'down', TARGET];
    default:
      return ['--json', command, TARGET];
  }
}

async function measureLib(world: World, command: CommandName, services: number): Promise<Sample> {
  const spans: Span[] = [];
  const calls: Calls = { kurtosis: 0, kubectl: 0 };
  const argv: string[][] = [];
  let runMs: number | undefined;
  const onEvent = (e: DevnetEvent) => {
    if (e.type === 'spawn') {
      if (e.tool === 'kurtosis' || e.tool === 'kubectl') calls[e.tool]++;
      argv.push(e.argv);
    } else if (e.type === 'exit') {
      const end = performance.now();
      spans.push([end - e.durationMs, end]);
      if (e.tool === 'kurtosis' && e.argv[1] === 'run') runMs = e.durationMs;
    }
  };
  const t0 = performance.now();
  await libCall(world, command, services, onEvent);
  const wallMs = performance.now() - t0;
  return {
    wallMs,
    childMs: unionMs(spans),
    childSumMs: spans.reduce((t, [s, e]) => t + (e - s), 0),
    calls,
    runMs,
    argv,
  };
}

async function measureCli(world: World, command: CommandName, services: number): Promise<CliRun> {
  const run = await runCliProcess(CLI, cliArgs(world, command, services), {
    env: world.h.env,
    cwd: world.cwd,
  });
  if (run.code !== 0) {
    throw new Error(
      `devnet-kit ${cliArgs(world, command, services).join(' ')} exited ${run.code}: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
  return run;
}

/**
 * The CLI in this process (bin/main.ts): the same code as dist/cli.js without a
 * Node start-up per call, for process counts at scales that are not timed.
 */
async function countCliInProcess(world: World, command: CommandName, services: number): Promise<Sample> {
  const args = ['--verbose', ...cliArgs(world, command, services)];
  // In process on purpose (the harness's cli() spawns dist/cli.js): counts need no Node start-up.
  let stdout = '';
  let stderr = '';
  const code = await cliMain(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: world.h.env,
    cwd: world.h.cwd,
    isTTY: false,
  });
  const r = { code, stdout, stderr };
  if (r.code !== 0) {
    throw new Error(
      `devnet-kit ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
  const { calls, argv } = parseVerboseSpawns(r.stderr);
  return { wallMs: Number.NaN, childMs: Number.NaN, childSumMs: Number.NaN, calls, argv };
}

/** Worlds not yet cleaned up (for Ctrl-C). */
const liveWorlds = new Set<World>();

type SampleKey = `${Backend}|${CommandName}|${number}|${number}|${Via}`;
const key = (b: Backend, c: CommandName, d: number, s: number, via: Via): SampleKey =>
  `${b}|${c}|${d}|${s}|${via}`;

async function measureBackend(
  backend: Backend,
  mode: Mode,
  samples: Map<SampleKey, Sample[]>,
  log: (s: string) => void,
): Promise<void> {
  const push = (k: SampleKey, s: Sample) => samples.set(k, [...(samples.get(k) ?? []), s]);
  const world = await createWorld(backend);
  liveWorlds.add(world);
  try {
    const order = [...mode.combos].sort((a, b) => a.devnets - b.devnets || a.services - b.services);
    for (const combo of order) {
      const t0 = performance.now();
      world.ensureBackground(combo.devnets);
      const { devnets: d, services: s } = combo;
      const runs = combo.timing ? mode.runs : 1;
      for (let r = 0; r < runs; r++) {
        push(key(backend, 'up', d, s, 'lib'), await measureLib(world, 'up', s));
        for (const c of READS) push(key(backend, c, d, s, 'lib'), await measureLib(world, c, s));
        if (combo.cliTiming && r < mode.cliRuns) {
          for (const c of READS) push(key(backend, c, d, s, 'cli'), await measureCli(world, c, s));
        }
        push(key(backend, 'down', d, s, 'lib'), await measureLib(world, 'down', s));
      }
      // The CLI once through the whole cycle: its processes must match the library's. Timed scales run
      // the built dist/cli.js; the others the same CLI code in this process (counts only).
      const cli = combo.cliTiming ? measureCli : countCliInProcess;
      push(key(backend, 'up', d, s, 'cli'), await cli(world, 'up', s));
      if (!combo.cliTiming) for (const c of READS) push(key(backend, c, d, s, 'cli'), await cli(world, c, s));
      push(key(backend, 'down', d, s, 'cli'), await cli(world, 'down', s));
      log(
        `  ${backend}: ${d} devnet(s) + target with ${s} services, ${runs} run(s): ${round((performance.now() - t0) / 1000, 1)} s`,
      );
    }
  } finally {
    liveWorlds.delete(world);
    await world.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------------
// results

const fmtCalls = (c: Calls) => `${c.kurtosis}+${c.kubectl}`;

interface CallsRow {
  backend: Backend;
  command: CommandName;
  devnets: number;
  services: number;
  /** kurtosis+kubectl processes of the library call */
  lib: Calls;
  cli: Calls;
  /** the same in every library run at this scale */
  stable: boolean;
  cliMatches: boolean;
}

interface ConstancyRow {
  backend: Backend;
  command: CommandName;
  /** `kurtosis+kubectl` at each scale, in the order of `scales` */
  values: string[];
  constant: boolean;
  cliMatches: boolean;
  minimum: string;
  /** why that is the fewest */
  minimumWhy: string;
  atMinimum: boolean;
  argv: string[];
}

interface OverheadRow {
  backend: Backend;
  command: CommandName;
  devnets: number;
  services: number;
  runs: number;
  cliRuns: number;
  lib: { wallMs: number; childMs: number; childSumMs: number; ratio: number; extraMs: number };
  cli: { wallMs: number; childMs: number; ratio: number; extraMs: number } | null;
  goal: number | null;
  /** the library call (the command's own work) */
  meets: boolean | null;
  /** the CLI process, Node start-up and module loading included */
  cliMeets: boolean | null;
}

interface UpRow {
  backend: Backend;
  devnets: number;
  services: number;
  runs: number;
  wallMs: number;
  runMs: number;
  extraMs: number;
  goalMs: number;
  meets: boolean;
}

interface LogsRun {
  streams: number;
  args: string[];
  status: 'ok' | 'failed';
  message?: string;
  durationMs: number;
  result?: unknown;
}

interface LogsResult {
  status: 'ok' | 'missing' | 'failed';
  message?: string;
  runs: LogsRun[];
}

export interface BenchResult {
  schema: 1;
  timestamp: string;
  commit: string | null;
  mode: 'quick' | 'full';
  node: string;
  platform: string;
  cpus: number;
  runs: number;
  scales: {
    devnets: number[];
    services: number[];
    combos: Combo[];
  };
  startup: StartupResult;
  /** Read commands with instant children vs `node -e 0`, per Node binary (issue #16). */
  instant: InstantResult;
  calls: CallsRow[];
  constancy: ConstancyRow[];
  overhead: OverheadRow[];
  up: UpRow[];
  logs: LogsResult;
  /** bench/status.ts (issue #15): status wall, `status --watch` RSS, forward overhead; full mode only. */
  statusForward?: StatusForwardResult;
  warnings: string[];
  durationMs: number;
}

function summarize(mode: Mode, samples: Map<SampleKey, Sample[]>) {
  const calls: CallsRow[] = [];
  const constancy: ConstancyRow[] = [];
  const overhead: OverheadRow[] = [];
  const upRows: UpRow[] = [];
  for (const backend of mode.backends) {
    for (const command of COMMANDS) {
      const values: string[] = [];
      let allMatch = true;
      for (const combo of mode.combos) {
        const lib = samples.get(key(backend, command, combo.devnets, combo.services, 'lib')) ?? [];
        const cli = samples.get(key(backend, command, combo.devnets, combo.services, 'cli')) ?? [];
        if (lib.length === 0 || cli.length === 0) continue;
        const first = fmtCalls(lib[0]!.calls);
        const stable = lib.every((s) => fmtCalls(s.calls) === first);
        const cliMatches = cli.every((s) => fmtCalls(s.calls) === first);
        allMatch &&= cliMatches;
        values.push(stable ? first : `${first}~`);
        calls.push({
          backend,
          command,
          devnets: combo.devnets,
          services: combo.services,
          lib: lib[0]!.calls,
          cli: cli[0]!.calls,
          stable,
          cliMatches,
        });
        if (!combo.timing) continue;
        const ratio = (s: Sample) => s.wallMs / Math.max(s.childMs, 1);
        const isRead = READS.includes(command);
        const cliPart =
          combo.cliTiming && cli.length > 0
            ? {
                wallMs: round(median(cli.map((s) => s.wallMs))),
                childMs: round(median(cli.map((s) => s.childMs))),
                ratio: round(median(cli.map(ratio)), 2),
                extraMs: round(median(cli.map((s) => s.wallMs - s.childMs))),
              }
            : null;
        const libPart = {
          wallMs: round(median(lib.map((s) => s.wallMs))),
          childMs: round(median(lib.map((s) => s.childMs))),
          childSumMs: round(median(lib.map((s) => s.childSumMs))),
          ratio: round(median(lib.map(ratio)), 2),
          extraMs: round(median(lib.map((s) => s.wallMs - s.childMs))),
        };
        overhead.push({
          backend,
          command,
          devnets: combo.devnets,
          services: combo.services,
          runs: lib.length,
          cliRuns: cliPart ? cli.length : 0,
          lib: libPart,
          cli: cliPart,
          goal: isRead ? GOALS.readOverhead : null,
          meets: isRead ? libPart.ratio <= GOALS.readOverhead : null,
          cliMeets: isRead && cliPart ? cliPart.ratio <= GOALS.readOverhead : null,
        });
        if (command === 'up') {
          const extra = lib.map((s) => s.wallMs - (s.runMs ?? 0));
          const extraMs = round(median(extra));
          upRows.push({
            backend,
            devnets: combo.devnets,
            services: combo.services,
            runs: lib.length,
            wallMs: libPart.wallMs,
            runMs: round(median(lib.map((s) => s.runMs ?? 0))),
            extraMs,
            goalMs: GOALS.upExtraMs,
            meets: extraMs <= GOALS.upExtraMs,
          });
        }
      }
      const base = samples.get(key(backend, command, 1, mode.services[0]!, 'lib'))?.[0];
      const minimum = MINIMUM[backend][command].calls;
      const [mk, mc] = minimum.split('+').map(Number) as [number, number];
      constancy.push({
        backend,
        command,
        values,
        constant: new Set(values).size === 1,
        cliMatches: allMatch,
        minimum,
        minimumWhy: MINIMUM[backend][command].why,
        atMinimum: values.every((v) => {
          const [k, c] = v.replace('~', '').split('+').map(Number) as [number, number];
          return k + c <= mk + mc;
        }),
        argv: (base?.argv ?? []).map((a) => a.slice(0, 4).join(' ')),
      });
    }
  }
  return { calls, constancy, overhead, up: upRows };
}

// ---------------------------------------------------------------------------------------------------
// 4. logs (bench/logs.ts, a colleague's script: run it, never let it break this one)
//
// Its interface: `node --import tsx bench/logs.ts [--quick] [--streams N] [--mb M]` prints one JSON
// document (merged followLogs vs N raw `kubectl logs -f`, and peak RSS behind a slow consumer).

async function runLogsBench(quick: boolean): Promise<LogsResult> {
  const file = join(ROOT, 'bench', 'logs.ts');
  if (!existsSync(file)) return { status: 'missing', message: 'bench/logs.ts does not exist', runs: [] };
  const runs: LogsRun[] = [];
  // Full: 4 and 30 streams at the script's own default size (100 MB through the slow consumer).
  // Quick: 4 streams and ~5 MB (30 streams cost ~7 s of setup alone, too much for the < 60 s budget).
  for (const streams of quick ? [4] : [4, 30]) {
    const args = ['--streams', String(streams), ...(quick ? ['--quick', '--mb', '5'] : [])];
    runs.push(await runLogsOnce(file, streams, args, quick ? 30_000 : 150_000));
  }
  const failed = runs.filter((r) => r.status !== 'ok');
  return failed.length === 0
    ? { status: 'ok', runs }
    : { status: 'failed', message: failed.map((r) => `${r.streams} streams: ${r.message}`).join('; '), runs };
}

async function runLogsOnce(
  file: string,
  streams: number,
  args: string[],
  timeoutMs: number,
): Promise<LogsRun> {
  const run = await runBenchScript(file, args, timeoutMs);
  return run.ok
    ? { streams, args, status: 'ok', durationMs: run.durationMs, result: run.result }
    : { streams, args, status: 'failed', durationMs: run.durationMs, message: run.message };
}

type ScriptRun = { durationMs: number } & ({ ok: true; result: unknown } | { ok: false; message: string });

/**
 * A bench script of its own (`node --import tsx <file> …`, which prints its figures as JSON): the
 * parsed document, or why there is none (its exit and the last lines of its stderr, a timeout).
 */
function runBenchScript(file: string, args: string[], timeoutMs: number): Promise<ScriptRun> {
  return new Promise((resolveRun) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    let settled = false;
    const done = (outcome: { ok: true; result: unknown } | { ok: false; message: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolveRun({ durationMs: round(performance.now() - t0), ...outcome });
    };
    child.on('error', (error) => done({ ok: false, message: error.message }));
    child.on('close', (code, signal) => {
      const tail = stderr
        .trim()
        .split('\n')
        .filter((l) => l.trim() && !/^\s*at |^Node\.js v/.test(l))
        .slice(-2)
        .join(' | ');
      if (timedOut) return done({ ok: false, message: `timed out after ${timeoutMs / 1000} s` });
      if (code !== 0)
        return done({ ok: false, message: `exited ${code ?? signal}${tail ? `: ${tail}` : ''}` });
      const result = parseJsonOutput(stdout);
      if (result === undefined) {
        return done({
          ok: false,
          message: `printed no JSON: ${stdout.trim().split('\n').slice(-2).join(' | ')}`,
        });
      }
      done({ ok: true, result });
    });
  });
}

function parseJsonOutput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // maybe a JSON line after other output
  }
  for (const line of text.trim().split('\n').reverse()) {
    try {
      return JSON.parse(line);
    } catch {
      // keep looking
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// the table

function table(rows: string[][], header: string[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd()).join('\n');
}

const mark = (ok: boolean | null) => (ok === null ? '' : ok ? 'meets' : 'MISSES');
const scaleLabel = (d: number, s: number) => `${d}d/${s}s`;

export function renderTable(r: BenchResult): string {
  const out: string[] = [];
  out.push(
    `devnet-kit benchmark — ${r.mode}, ${r.runs} runs, node ${r.node}, ${r.cpus} CPUs, ${r.commit ?? 'no commit'}, ${r.timestamp}`,
  );
  out.push('');
  const s = r.startup;
  out.push(`Start-up (median of ${s.runs}, alternated; × = median of per-iteration ratios to node -e 0)`);
  out.push(
    table(
      [
        ['node -e 0', String(s.nodeMs), '1.00', ''],
        [
          'devnet-kit --version',
          String(s.versionMs),
          s.versionRatio.toFixed(2),
          `≤ ${s.goal.versionRatio}× ${mark(s.meets)}`,
        ],
        ['devnet-kit --help', String(s.helpMs), s.helpRatio.toFixed(2), '-'],
      ],
      ['', 'ms', '×', 'goal'],
    ),
  );
  out.push('');
  out.push(
    `Start-up with instant children (${r.instant.backend}: each kurtosis/kubectl call replayed by a /bin/sh stub; median of ${r.instant.nodes[0]?.runs ?? 0}, alternated with node -e 0; × = median of per-iteration ratios)`,
  );
  for (const n of r.instant.nodes) {
    out.push(`  node ${n.version}: node -e 0 ${n.nodeMs} ms`);
    out.push(
      table(
        n.rows.map((row) => [
          `devnet-kit ${row.argv.join(' ')}`,
          String(row.ms),
          row.ratio.toFixed(2),
          `≤ ${row.goal}× ${mark(row.meets)}`,
        ]),
        ['', 'ms', '×', 'goal'],
      ),
    );
  }
  out.push('');
  const combos = r.scales.combos;
  out.push(
    'Processes per command: kurtosis+kubectl, library onEvent spawns (d = other devnets of the owner, s = services of the target)',
  );
  out.push(
    table(
      r.constancy.map((c) => [
        c.backend,
        c.command,
        ...c.values,
        c.constant ? 'yes' : 'NO',
        c.cliMatches ? 'yes' : 'NO',
        `${c.minimum}${c.atMinimum ? '' : ' (above)'}`,
      ]),
      [
        'backend',
        'command',
        ...combos.map((c) => scaleLabel(c.devnets, c.services)),
        'constant',
        'CLI same',
        'fewest',
      ],
    ),
  );
  out.push('');
  out.push(
    'Overhead: wall time vs children (union of child intervals: parallel children overlap and count once); medians (runs: library/CLI)',
  );
  out.push(
    table(
      r.overhead.map((o) => [
        o.backend,
        o.command,
        scaleLabel(o.devnets, o.services),
        `${o.lib.wallMs}`,
        `${o.lib.childMs}`,
        o.lib.ratio.toFixed(2),
        o.cli ? `${o.cli.wallMs}` : '-',
        o.cli ? `${o.cli.childMs}` : '-',
        o.cli ? o.cli.ratio.toFixed(2) : '-',
        o.cli && o.cliRuns < o.runs ? `${o.runs}/${o.cliRuns}` : String(o.runs),
        o.goal === null
          ? '-'
          : `≤ ${o.goal}×: lib ${mark(o.meets)}${o.cli ? `, CLI ${mark(o.cliMeets)}` : ''}`,
      ]),
      ['backend', 'command', 'scale', 'lib ms', 'child ms', '×', 'CLI ms', 'child ms', '×', 'runs', 'goal'],
    ),
  );
  out.push('');
  out.push('`up` beyond `kurtosis run` (library, median of runs)');
  out.push(
    table(
      r.up.map((u) => [
        u.backend,
        scaleLabel(u.devnets, u.services),
        String(u.wallMs),
        String(u.runMs),
        String(u.extraMs),
        u.services >= 150 ? `≤ ${u.goalMs} ms ${mark(u.meets)}` : `(goal at 150 services) ${mark(u.meets)}`,
      ]),
      ['backend', 'scale', 'up ms', 'run ms', 'extra ms', 'goal'],
    ),
  );
  out.push('');
  out.push(
    `Logs (bench/logs.ts: merged followLogs vs the same \`kubectl logs -f\` read through a pipe (goal ≥ ${GOALS.logsToPipe}×) and to /dev/null, from the first \`kubectl logs\` spawn; then with the namespace/pod lookup before it; RSS behind a slow consumer)`,
  );
  if (r.logs.status === 'missing') out.push(`  missing: ${r.logs.message}`);
  out.push(...renderLogs(r.logs.runs));
  out.push('');
  out.push(...renderStatusForward(r.statusForward));
  for (const w of r.warnings) out.push(`warning: ${w}`);
  out.push(`(${round(r.durationMs / 1000, 1)} s)`);
  return out.join('\n');
}

interface KnownLogsShape {
  raw: { mbPerSec: number };
  rawPipe: { mbPerSec: number };
  merged: { mbPerSec: number; firstLineMs: number };
  mergedStreams: { mbPerSec: number; lookupMs: number };
  ratio: number;
  ratioToPipe: number;
  streamRatioToPipe: number;
  slowConsumer: { bytes: number; peakRssMb: number; growthMb: number };
}

function isKnownLogsShape(value: unknown): value is KnownLogsShape {
  const v = value as Partial<KnownLogsShape> | null;
  return (
    typeof v?.ratio === 'number' &&
    typeof v.ratioToPipe === 'number' &&
    typeof v.streamRatioToPipe === 'number' &&
    typeof v.mergedStreams?.mbPerSec === 'number' &&
    typeof v.raw?.mbPerSec === 'number' &&
    typeof v.rawPipe?.mbPerSec === 'number' &&
    typeof v.merged?.mbPerSec === 'number' &&
    typeof v.slowConsumer?.peakRssMb === 'number'
  );
}

function renderLogs(runs: readonly LogsRun[]): string[] {
  const known = runs.filter((r) => r.status === 'ok' && isKnownLogsShape(r.result));
  const lines: string[] = [];
  if (known.length > 0) {
    lines.push(
      table(
        known.map((r) => {
          const x = r.result as KnownLogsShape;
          return [
            String(r.streams),
            String(x.rawPipe.mbPerSec),
            String(x.raw.mbPerSec),
            String(x.mergedStreams.mbPerSec),
            x.streamRatioToPipe.toFixed(2),
            `≥ ${GOALS.logsToPipe}× ${mark(x.streamRatioToPipe >= GOALS.logsToPipe)}`,
            String(x.mergedStreams.lookupMs),
            String(x.merged.mbPerSec),
            x.ratioToPipe.toFixed(2),
            x.ratio.toFixed(2),
            String(x.merged.firstLineMs),
            String(round(x.slowConsumer.bytes / 1024 / 1024)),
            String(x.slowConsumer.peakRssMb),
            String(x.slowConsumer.growthMb),
          ];
        }),
        [
          'streams',
          'pipe MB/s',
          '/dev/null MB/s',
          'merged MB/s',
          '× pipe',
          'goal',
          'lookup ms',
          'with lookup MB/s',
          '× pipe',
          '× /dev/null',
          'first line ms',
          'slow MB',
          'peak RSS MB',
          'growth MB',
        ],
      ),
    );
  }
  for (const r of runs) {
    if (r.status !== 'ok') lines.push(`  ${r.streams} streams: failed: ${r.message}`);
    else if (!isKnownLogsShape(r.result)) {
      lines.push(...flatten(r.result).map(([k, v]) => `  ${r.streams} streams: ${k}: ${v}`));
    }
  }
  return lines;
}

function flatten(value: unknown, prefix = ''): [string, string][] {
  if (value === null || typeof value !== 'object') return [[prefix || 'result', String(value)]];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? flatten(v, prefix ? `${prefix}.${k}` : k)
      : Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null)
        ? v.flatMap((x, i) => flatten(x, `${prefix ? `${prefix}.` : ''}${k}[${i}]`))
        : [[prefix ? `${prefix}.${k}` : k, JSON.stringify(v)] as [string, string]],
  );
}

/** What moved since the previous run of the same mode. */
function compare(prev: BenchResult, cur: BenchResult): string[] {
  const lines: string[] = [];
  const pct = (a: number, b: number) =>
    `${a} → ${b} (${b >= a ? '+' : ''}${round(((b - a) / (a || 1)) * 100)}%)`;
  lines.push(`Compared with ${prev.commit ?? '?'} (${prev.timestamp}):`);
  lines.push(`  --version ×${pct(prev.startup.versionRatio, cur.startup.versionRatio)}`);
  lines.push(`  --help    ×${pct(prev.startup.helpRatio, cur.startup.helpRatio)}`);
  for (const c of cur.constancy) {
    const p = prev.constancy.find((x) => x.backend === c.backend && x.command === c.command);
    if (p && p.values.join(',') !== c.values.join(',')) {
      lines.push(`  calls ${c.backend} ${c.command}: ${p.values.join(' ')} → ${c.values.join(' ')}`);
    }
  }
  for (const o of cur.overhead) {
    const p = prev.overhead.find(
      (x) =>
        x.backend === o.backend &&
        x.command === o.command &&
        x.devnets === o.devnets &&
        x.services === o.services,
    );
    if (p && Math.abs(o.lib.wallMs - p.lib.wallMs) > Math.max(20, p.lib.wallMs * 0.1)) {
      lines.push(
        `  ${o.backend} ${o.command} ${scaleLabel(o.devnets, o.services)}: lib ms ${pct(p.lib.wallMs, o.lib.wallMs)}`,
      );
    }
  }
  return lines;
}

function gitCommit(): string | null {
  const rev = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (rev.status !== 0) return null;
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return `${rev.stdout.trim()}${dirty.stdout.trim() ? '+dirty' : ''}`;
}

/** Sources changed after dist/cli.js was built: the CLI figures would be of older code. */
function staleDist(): string | undefined {
  const built = statSync(CLI).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory()
        ? newer(join(dir, e.name))
        : /\.(ts|mjs)$/.test(e.name) && statSync(join(dir, e.name)).mtimeMs > built,
    );
  return ['bin', 'lib', 'scripts'].some((d) => newer(join(ROOT, d)))
    ? 'dist/ is older than lib/, bin/ or scripts/: the CLI figures are of the last build (`npm run build`)'
    : undefined;
}

// ---------------------------------------------------------------------------------------------------
// 5. status / forward (bench/status.ts prints one JSON document; its fields are documented there)

interface StatusForwardResult {
  status: 'ok' | 'failed' | 'skipped';
  message?: string;
  result?: {
    status: { nodes: number; libMedianMs: number; libMaxMs: number; cliMedianMs: number; goalMs: number };
    watch: {
      seconds: number;
      snapshots: number;
      maxMb: number;
      slopeMbPerMin: number;
      extrapolated10mMb: number;
      goalMb: number;
    };
    forward: { requests: number; overheadMedianMs: number; overheadP90Ms: number; goalMs: number };
  };
}

async function runStatusBench(quick: boolean): Promise<StatusForwardResult> {
  // Its watch alone samples RSS for 2 minutes: too long for the < 60 s quick budget.
  if (quick) return { status: 'skipped', message: 'full mode only' };
  const run = await runBenchScript(join(ROOT, 'bench', 'status.ts'), [], 600_000);
  return run.ok
    ? { status: 'ok', result: run.result as StatusForwardResult['result'] }
    : { status: 'failed', message: run.message };
}

function renderStatusForward(r: StatusForwardResult | undefined): string[] {
  const out = ['Status and forward (bench/status.ts: 8 nodes on Kubernetes fakes)'];
  if (r?.status !== 'ok' || !r.result) return [...out, `  ${r?.status ?? 'skipped'}: ${r?.message ?? ''}`];
  const { status, watch, forward } = r.result;
  const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  out.push(
    `  status wall (lib, proxy start included): median ${status.libMedianMs} ms, max ${status.libMaxMs} ms; goal ≤ ${status.goalMs} ms ${mark(status.libMedianMs <= status.goalMs)}`,
    `  status wall (CLI process): median ${status.cliMedianMs} ms`,
    `  status --watch RSS: max ${watch.maxMb} MB over ${watch.seconds} s (${watch.snapshots} snapshots), slope ${watch.slopeMbPerMin} MB/min, 10 min ≈ ${watch.extrapolated10mMb} MB (extrapolated); goal < ${watch.goalMb} MB ${mark(watch.extrapolated10mMb < watch.goalMb)}`,
    `  forward overhead per request: median ${forward.overheadMedianMs} ms, p90 ${forward.overheadP90Ms} ms over ${forward.requests}; goal ≤ ${forward.goalMs} ms ${mark(forward.overheadMedianMs <= forward.goalMs)}`,
  );
  return out;
}

async function main(): Promise<void> {
  const started = performance.now();
  const mode = parseMode(process.argv.slice(2));
  const log = (s: string) => process.stderr.write(`${s}\n`);
  if (!existsSync(CLI)) {
    log('devnet-kit bench: dist/cli.js is missing; run `npm install` (or `npm run build`) first');
    process.exit(1);
  }
  const warnings: string[] = [];
  const stale = staleDist();
  if (stale) warnings.push(stale);

  log(`start-up: ${mode.startupRuns} runs`);
  const startup = measureStartup(mode.startupRuns);
  log(`start-up with instant children: ${mode.instantRuns} runs on ${mode.nodes.length} node(s)`);
  const instant = await measureInstant({ cli: CLI, nodes: mode.nodes, runs: mode.instantRuns });
  const samples = new Map<SampleKey, Sample[]>();
  if (mode.backends.includes('kubernetes') && !(await hasKubectl())) {
    warnings.push('kubectl is not on PATH: the Kubernetes backend was not measured');
    mode.backends = mode.backends.filter((b) => b !== 'kubernetes');
  }
  // Ctrl-C: remove the fakes' temp dirs and stop the API server before leaving.
  process.once('SIGINT', () => {
    void Promise.allSettled([...liveWorlds].map((w) => w.cleanup())).finally(() => process.exit(130));
  });
  for (const backend of mode.backends) {
    log(`${backend}:`);
    await measureBackend(backend, mode, samples, log);
  }
  log('logs: bench/logs.ts');
  const logs = await runLogsBench(mode.quick);
  log(mode.quick ? 'status/forward: skipped in --quick' : 'status/forward: bench/status.ts (~3 min)');
  const statusForward = await runStatusBench(mode.quick);

  const result: BenchResult = {
    schema: 1,
    timestamp: new Date().toISOString(),
    commit: gitCommit(),
    mode: mode.quick ? 'quick' : 'full',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
    runs: mode.runs,
    scales: { devnets: mode.devnets, services: mode.services, combos: mode.combos },
    startup,
    instant,
    ...summarize(mode, samples),
    logs,
    statusForward,
    warnings,
    durationMs: 0,
  };
  result.durationMs = round(performance.now() - started);

  mkdirSync(mode.outDir, { recursive: true });
  const latest = join(mode.outDir, mode.quick ? 'latest-quick.json' : 'latest.json');
  let previous: BenchResult | undefined;
  try {
    previous = JSON.parse(readFileSync(latest, 'utf8')) as BenchResult;
  } catch {
    previous = undefined;
  }
  const text = `${JSON.stringify(result, null, 2)}\n`;
  const stamp = result.timestamp.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  writeFileSync(join(mode.outDir, `${stamp}${mode.quick ? '-quick' : ''}.json`), text);
  writeFileSync(latest, text);

  const report = [
    renderTable(result),
    ...(previous?.schema === 1 ? ['', ...compare(previous, result)] : []),
  ].join('\n');
  if (mode.json) {
    log(report);
    process.stdout.write(text);
  } else {
    process.stdout.write(`${report}\n`);
  }
}

await main();
