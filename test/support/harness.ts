// A whole fake world for lifecycle tests: the fake kurtosis (Docker or Kubernetes backend), and for
// Kubernetes the fake API server that the real kubectl and the fake kurtosis both talk to.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { CommonOptions } from '../../lib/context.js';
import { stopGateway } from '../../lib/kurtosis/gateway.js';
import type { DevnetEvent } from '../../lib/models.js';
import { createFakeKurtosis, type FakeKurtosis, type FakeKurtosisOptions } from './fake-kurtosis.js';
import { createKubeEnv, type KubeEnv } from './kube-env.js';
import { type CliResult, runCli } from './reliability.js';

export interface Harness {
  backend: 'docker' | 'kubernetes';
  fake: FakeKurtosis;
  kube?: KubeEnv;
  /** Environment for the library / CLI: fake kurtosis first on PATH, isolated HOME and KUBECONFIG. */
  env: NodeJS.ProcessEnv;
  cwd: string;
  events: DevnetEvent[];
  /** Library options for owner `owner` (default alice). */
  options(
    extra?: Partial<CommonOptions> & { owner?: string; config?: Record<string, unknown> },
  ): CommonOptions;
  /** Runs the built CLI (dist/cli.js) as a process; returns exit code and captured output. */
  cli(
    args: string[],
    extra?: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; cwd?: string },
  ): Promise<CliResult>;
  kurtosisCalls(): string[][];
  cleanup(): Promise<void>;
  /** `await using h = await createHarness(…)`: a harness for one test, cleaned up however it ends. */
  [Symbol.asyncDispose](): Promise<void>;
}

export type { CliResult };

export const KUBE_CONFIG = {
  cluster: { name: 'kubernetes' },
  devnet: {
    ingress: { enabled: true, base_domain: 'k3s.example', host_style: 'dotted', class_name: 'traefik' },
  },
};

export type HarnessOptions = Omit<FakeKurtosisOptions, 'backend'> & { namespaceDeletionDelayMs?: number };

export async function createHarness(
  backend: 'docker' | 'kubernetes',
  opts: HarnessOptions = {},
): Promise<Harness> {
  const kube =
    backend === 'kubernetes'
      ? await createKubeEnv({ namespaceDeletionDelayMs: opts.namespaceDeletionDelayMs })
      : undefined;
  const fake = createFakeKurtosis({ ...opts, backend, kubeconfig: kube?.kubeconfig });
  const cwd = mkdtempSync(join(tmpdir(), 'devnet-kit-cwd-'));
  const base = kube?.env ?? process.env;
  const { DEVNET_KIT_CONFIG: _c, DEVNET_KIT_OWNER: _o, GITHUB_ACTIONS: _g, GITHUB_ACTOR: _a, ...rest } = base;
  // Read fake.env afresh each time: setFault() changes it between calls.
  const currentEnv = (): NodeJS.ProcessEnv => ({
    ...rest,
    ...fake.env,
    USER: 'tester',
    ...(kube ? { KUBECACHEDIR: kube.env.KUBECACHEDIR } : {}),
  });
  const events: DevnetEvent[] = [];
  const cleanup = async () => {
    // A fault a test injected into the API server must not fail the teardown that follows it.
    if (kube) kube.server.faults.length = 0;
    // The gateway devnet-kit started outlives the commands by design; a test ends it.
    await stopGateway({ env: currentEnv() });
    fake.cleanup();
    rmSync(cwd, { recursive: true, force: true });
    await kube?.cleanup();
  };
  return {
    backend,
    fake,
    kube,
    get env() {
      return currentEnv();
    },
    cwd,
    events,
    options(extra = {}) {
      const { owner = 'alice', config, ...rest2 } = extra;
      return {
        env: currentEnv(),
        cwd,
        owner,
        config: config ?? (backend === 'kubernetes' ? KUBE_CONFIG : {}),
        retry: { retries: 2, minTimeoutMs: 20 },
        onEvent: (e) => events.push(e),
        ...rest2,
      };
    },
    cli(args, extra = {}) {
      return runCli(args, {
        env: { ...currentEnv(), ...extra.env },
        cwd: extra.cwd ?? cwd,
        signal: extra.signal,
      });
    },
    kurtosisCalls: () => fake.calls(),
    cleanup,
    [Symbol.asyncDispose]: cleanup,
  };
}

/**
 * The harness of the enclosing suite (or file): made in a `before()` hook, cleaned up in an `after()`
 * hook, both registered here. The handle is usable at once, in the suite's body, though the harness
 * exists only from the first `before()` on: hooks registered after this call run after it, so they
 * can write into `h.cwd` or bring devnets up; `after()` hooks registered later run after the cleanup.
 * `opts` as a function is read in the hook, after earlier hooks ran (e.g. a node whose port it names).
 */
export function useHarness(
  backend: 'docker' | 'kubernetes',
  opts: HarnessOptions | (() => HarnessOptions) = {},
): Harness {
  let current: Harness | undefined;
  const get = (): Harness => {
    if (!current) throw new Error(`useHarness('${backend}'): the harness exists only inside hooks and tests`);
    return current;
  };
  before(async () => {
    current = await createHarness(backend, typeof opts === 'function' ? opts() : opts);
  });
  after(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return {
    backend,
    get fake() {
      return get().fake;
    },
    get kube() {
      return get().kube;
    },
    get env() {
      return get().env;
    },
    get cwd() {
      return get().cwd;
    },
    get events() {
      return get().events;
    },
    options: (extra) => get().options(extra),
    cli: (args, extra) => get().cli(args, extra),
    kurtosisCalls: () => get().kurtosisCalls(),
    cleanup: () => get().cleanup(),
    [Symbol.asyncDispose]: () => get().cleanup(),
  };
}
