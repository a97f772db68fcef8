// Sets up the fake `kurtosis` (fixtures/fake-kurtosis) for a test: an isolated HOME with a Kurtosis
// config, a state dir, optionally a kubeconfig, and accessors for the call log and the state.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FAKE_KURTOSIS_BIN = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'fixtures',
  'fake-kurtosis',
  'kurtosis',
);

/** Values of FAKE_KURTOSIS_FAULT (see fixtures/fake-kurtosis/README.md). */
export type FakeKurtosisFault =
  | 'starlark-exec'
  | 'interpretation'
  | 'engine-stopped'
  | 'engine-unreachable'
  | 'version-mismatch'
  | 'cli-newer'
  | 'enclave-not-found';

export interface FakeKurtosisOptions {
  /** Which Kurtosis cluster is current: `docker` (cluster-setting absent) or `kubernetes` (set to `kubernetes`). */
  backend?: 'docker' | 'kubernetes';
  /** Base environment; only PATH is read from it (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Kubernetes API server URL: writes a kubeconfig whose current context points at it and sets KUBECONFIG. */
  kubeServer?: string;
  /** An existing kubeconfig path to put in KUBECONFIG (instead of `kubeServer`). */
  kubeconfig?: string;
  /** Storage class of the `kubernetes` cluster in kurtosis-config.yml (default `standard`). */
  storageClass?: string;
  cliVersion?: string;
  faults?: FakeKurtosisFault[];
  /** Fixed clock, RFC 3339 (FAKE_KURTOSIS_NOW). */
  now?: string;
  /** Identity overrides (FAKE_KURTOSIS_IDS): enclave/service UUIDs, IPs, host ports, artifact UUIDs. */
  ids?: FakeKurtosisIds;
  /** Sleep before each `run` instruction (FAKE_KURTOSIS_RUN_DELAY_MS). */
  runDelayMs?: number;
  /** The gateway port (FAKE_KURTOSIS_GATEWAY_PORT); default a free port for Kubernetes, else unset (9710). */
  gatewayPort?: number;
}

export interface FakeKurtosisIds {
  enclaves?: Record<string, string>;
  services?: Record<string, { uuid?: string; ip?: string; hostPorts?: Record<string, number> }>;
  artifacts?: Record<string, string>;
}

export interface FakePort {
  id: string;
  number: number;
  transport: 'tcp' | 'udp' | 'sctp';
  appProtocol?: string;
  wait?: string;
  hostPort?: number;
}

export interface FakeService {
  name: string;
  uuid: string;
  status: 'RUNNING' | 'STOPPED';
  ip: string;
  image: string;
  ports: FakePort[];
  files: Record<string, string[]>;
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
  labels: Record<string, string>;
  logs: string[];
  createdAt: string;
}

export interface FakeEnclave {
  name: string;
  uuid: string;
  createdAt: string;
  status: 'RUNNING' | 'STOPPED' | 'EMPTY';
  production: boolean;
  artifacts: { name: string; uuid: string }[];
  services: FakeService[];
}

export interface FakeScope {
  engine: { running: boolean; version: string | null; guid: string | null };
  enclaves: FakeEnclave[];
}

export interface FakeKurtosisState {
  version: number;
  nextHostPort: number;
  cachedImages: string[];
  appliedFaults: string[];
  /** `service logs -f` streams ended by a signal other than SIGINT (the real engine then busy-loops). */
  engineLogStreamLeaks: number;
  /** `docker`, or `kubernetes:<API server URL>`. */
  scopes: Record<string, FakeScope>;
}

export interface FakeKurtosisResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export interface FakeKurtosis {
  /** Temp root: home/, state/, kubeconfig, ids.json. */
  dir: string;
  /** Path of the fake executable. */
  bin: string;
  /** Environment additions: PATH (fake first), HOME, XDG_*, FAKE_KURTOSIS_*, KUBECONFIG when configured. */
  env: NodeJS.ProcessEnv;
  /** argv of every invocation so far, from the call log. */
  calls(): string[][];
  state(): FakeKurtosisState;
  /** Read-modify-write of the state under the fake's own lock. */
  updateState(fn: (state: FakeKurtosisState) => void): void;
  /** A scope by key; default: `docker`, or for Kubernetes the `kubeServer`'s scope (else the only Kubernetes scope). */
  scope(key?: string): FakeScope;
  /** Toggles a fault in `env` (re-arming one-shot engine faults), or sets the run delay in ms. */
  setFault(name: FakeKurtosisFault | 'run-delay-ms', value: boolean | number): void;
  /** Runs the fake with `env` (+ `extraEnv`), CI=true and TZ=UTC unless overridden. */
  exec(
    args: readonly string[],
    opts?: { extraEnv?: NodeJS.ProcessEnv; timeoutMs?: number },
  ): Promise<FakeKurtosisResult>;
  /** FAKE_KURTOSIS_GATEWAY_PORT, when set. */
  gatewayPort?: number;
  /**
   * Starts `kurtosis gateway` as a user would in another terminal (with `env` + `extraEnv`); resolves
   * once its INFO line says it serves. cleanup() stops it if the test did not.
   */
  startGateway(extraEnv?: NodeJS.ProcessEnv): Promise<FakeGateway>;
  cleanup(): void;
}

export interface FakeGateway {
  child: ChildProcess;
  stderr(): string;
  /** SIGINT, as Ctrl-C in its terminal; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** A port nobody listens on now: the kernel picks it (a child process, since this must stay synchronous). */
function freePort(): number {
  const script =
    "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

function kubeconfigFor(server: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'fake',
    clusters: [{ name: 'fake', cluster: { server } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake-user' } }],
    users: [{ name: 'fake-user', user: { token: 'fake-token' } }],
  });
}

function kurtosisConfig(storageClass: string): string {
  return [
    'config-version: 9',
    'should-send-metrics: false',
    'kurtosis-clusters:',
    '  docker:',
    '    type: "docker"',
    '  kubernetes:',
    '    type: "kubernetes"',
    '    config:',
    '      kubernetes-cluster-name: "kubernetes"',
    `      storage-class: "${storageClass}"`,
    '',
  ].join('\n');
}

function sleepSync(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function createFakeKurtosis(opts: FakeKurtosisOptions = {}): FakeKurtosis {
  const dir = mkdtempSync(join(tmpdir(), 'devnet-kit-fake-kurtosis-'));
  const home = join(dir, 'home');
  const stateDir = join(dir, 'state');
  const configHome = join(home, '.config');
  const dataHome = join(home, '.local', 'share');
  mkdirSync(join(configHome, 'kurtosis'), { recursive: true });
  mkdirSync(join(dataHome, 'kurtosis'), { recursive: true });
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(
    join(configHome, 'kurtosis', 'kurtosis-config.yml'),
    kurtosisConfig(opts.storageClass ?? 'standard'),
  );
  if (opts.backend === 'kubernetes')
    writeFileSync(join(dataHome, 'kurtosis', 'cluster-setting'), 'kubernetes');

  const basePath = (opts.env ?? process.env).PATH ?? '';
  const env: NodeJS.ProcessEnv = {
    PATH: [dirname(FAKE_KURTOSIS_BIN), basePath].filter(Boolean).join(delimiter),
    HOME: home,
    XDG_CONFIG_HOME: configHome,
    XDG_DATA_HOME: dataHome,
    FAKE_KURTOSIS_STATE: stateDir,
  };
  if (opts.kubeServer) {
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, kubeconfigFor(opts.kubeServer));
    env.KUBECONFIG = file;
  } else if (opts.kubeconfig) {
    env.KUBECONFIG = opts.kubeconfig;
  }
  if (opts.cliVersion) env.FAKE_KURTOSIS_CLI_VERSION = opts.cliVersion;
  if (opts.faults?.length) env.FAKE_KURTOSIS_FAULT = opts.faults.join(',');
  if (opts.now) env.FAKE_KURTOSIS_NOW = opts.now;
  if (opts.runDelayMs !== undefined) env.FAKE_KURTOSIS_RUN_DELAY_MS = String(opts.runDelayMs);
  // Each fake world gets its own gateway port, so parallel tests never reach each other's gateway.
  const gatewayPort = opts.gatewayPort ?? (opts.backend === 'kubernetes' ? freePort() : undefined);
  if (gatewayPort !== undefined) env.FAKE_KURTOSIS_GATEWAY_PORT = String(gatewayPort);
  const gateways = new Set<ChildProcess>();
  if (opts.ids) {
    const file = join(dir, 'ids.json');
    writeFileSync(file, JSON.stringify(opts.ids));
    env.FAKE_KURTOSIS_IDS = file;
  }

  const stateFile = join(stateDir, 'state.json');
  const readState = (): FakeKurtosisState =>
    existsSync(stateFile)
      ? (JSON.parse(readFileSync(stateFile, 'utf8')) as FakeKurtosisState)
      : {
          version: 1,
          nextHostPort: 32768,
          cachedImages: [],
          appliedFaults: [],
          engineLogStreamLeaks: 0,
          scopes: {},
        };

  const updateState = (fn: (state: FakeKurtosisState) => void) => {
    const lock = join(stateDir, 'state.lock');
    const started = Date.now();
    for (;;) {
      try {
        mkdirSync(lock);
        break;
      } catch {
        if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${lock}`);
        sleepSync(5);
      }
    }
    try {
      const state = readState();
      fn(state);
      const tmp = `${stateFile}.helper.tmp`;
      writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
      renameSync(tmp, stateFile);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  };

  const fake: FakeKurtosis = {
    dir,
    bin: FAKE_KURTOSIS_BIN,
    env,
    calls() {
      const file = join(stateDir, 'calls.jsonl');
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as string[]);
    },
    state: readState,
    updateState,
    scope(key) {
      const scopes = readState().scopes;
      const empty: FakeScope = { engine: { running: false, version: null, guid: null }, enclaves: [] };
      if (key) return scopes[key] ?? empty;
      if (opts.backend !== 'kubernetes') return scopes['docker'] ?? empty;
      const server = opts.kubeServer?.replace(/\/+$/, '');
      if (server) return scopes[`kubernetes:${server}`] ?? empty;
      const kube = Object.keys(scopes).filter((k) => k.startsWith('kubernetes:'));
      return (kube.length === 1 ? scopes[kube[0]!] : undefined) ?? empty;
    },
    setFault(name, value) {
      if (name === 'run-delay-ms') {
        if (typeof value === 'number') env.FAKE_KURTOSIS_RUN_DELAY_MS = String(value);
        else delete env.FAKE_KURTOSIS_RUN_DELAY_MS;
        return;
      }
      const set = new Set((env.FAKE_KURTOSIS_FAULT ?? '').split(',').filter(Boolean));
      if (value) set.add(name);
      else set.delete(name);
      if (set.size) env.FAKE_KURTOSIS_FAULT = [...set].join(',');
      else delete env.FAKE_KURTOSIS_FAULT;
      if (value && existsSync(stateFile)) {
        updateState((state) => {
          state.appliedFaults = state.appliedFaults.filter((f) => !f.startsWith(`${name}@`));
        });
      }
    },
    exec(args, execOpts = {}) {
      return new Promise((resolvePromise, reject) => {
        const child = spawn(FAKE_KURTOSIS_BIN, [...args], {
          env: { CI: 'true', TZ: 'UTC', ...env, ...execOpts.extraEnv },
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
        const timer = setTimeout(() => child.kill('SIGKILL'), execOpts.timeoutMs ?? 20_000);
        child.on('error', reject);
        child.on('close', (exitCode, signal) => {
          clearTimeout(timer);
          resolvePromise({ stdout, stderr, exitCode, signal });
        });
      });
    },
    gatewayPort,
    startGateway(extraEnv = {}) {
      const child = spawn(FAKE_KURTOSIS_BIN, ['gateway'], {
        env: { CI: 'true', TZ: 'UTC', ...env, ...extraEnv },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      gateways.add(child);
      let stderr = '';
      const exited = new Promise<number | null>((resolveExit) =>
        child.on('exit', (code) => {
          gateways.delete(child);
          resolveExit(code);
        }),
      );
      const handle: FakeGateway = {
        child,
        stderr: () => stderr,
        stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
          return exited;
        },
      };
      return new Promise((resolveReady, reject) => {
        child.stderr!.setEncoding('utf8').on('data', (d: string) => {
          stderr += d;
          // The gateway logs its lines and then binds (run_until_interrupted.go): give a bind failure
          // a moment to show before calling it ready.
          if (stderr.includes('To kill the running gateway')) setTimeout(() => resolveReady(handle), 150);
        });
        exited.then((code) => reject(new Error(`kurtosis gateway exited ${code}: ${stderr}`)));
      });
    },
    cleanup() {
      for (const child of gateways) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fake;
}
