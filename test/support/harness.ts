// A whole fake world for lifecycle tests: the fake kurtosis (Docker or Kubernetes backend), and for
// Kubernetes the fake API server that the real kubectl and the fake kurtosis both talk to.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
}

export type { CliResult };

export const KUBE_CONFIG = {
  cluster: { name: 'kubernetes' },
  devnet: {
    ingress: { enabled: true, base_domain: 'k3s.example', host_style: 'dotted', class_name: 'traefik' },
  },
};

export async function createHarness(
  backend: 'docker' | 'kubernetes',
  opts: Omit<FakeKurtosisOptions, 'backend'> & { namespaceDeletionDelayMs?: number } = {},
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
    async cleanup() {
      // The gateway devnet-kit started outlives the commands by design; a test ends it.
      await stopGateway({ env: currentEnv() });
      fake.cleanup();
      rmSync(cwd, { recursive: true, force: true });
      await kube?.cleanup();
    },
  };
}
