// One fake API server per test file, plus an isolated kubectl environment pointing at it: its own
// kubeconfig, discovery/HTTP cache and HOME, so neither a developer's real cluster nor another test
// file's cache can leak in.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FakeApiServer,
  type FakeApiServerOptions,
  startFakeApiServer,
} from '../../fixtures/kube/apiserver.js';

export interface KubeEnv {
  server: FakeApiServer;
  /** A complete environment for child processes (kubectl, the CLI, the fake kurtosis). */
  env: NodeJS.ProcessEnv;
  dir: string;
  kubeconfig: string;
  cleanup(): Promise<void>;
}

export interface KubectlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Port 9 (discard) is closed on these machines: connection refused, at once. */
const DOWN_SERVER = 'http://127.0.0.1:9';

function kubeconfigFor(url: string): string {
  // JSON is valid YAML, and kubectl reads it as a kubeconfig.
  const context = (name: string) => ({
    name,
    context: { cluster: name, user: 'fake-user', namespace: 'default' },
  });
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'fake',
    clusters: [
      { name: 'fake', cluster: { server: url } },
      { name: 'down', cluster: { server: DOWN_SERVER } },
    ],
    contexts: [context('fake'), context('down')],
    users: [{ name: 'fake-user', user: { token: 'fake-token' } }],
  });
}

export async function createKubeEnv(opts: FakeApiServerOptions = {}): Promise<KubeEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'devnet-kit-kube-'));
  const server = await startFakeApiServer(opts);
  const kubeconfig = join(dir, 'config');
  await writeFile(kubeconfig, kubeconfigFor(server.url));
  const { KUBECONFIG: _k, HOME: _h, KUBECACHEDIR: _c, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    KUBECONFIG: kubeconfig,
    KUBECACHEDIR: join(dir, 'cache'),
    HOME: dir,
  };
  return {
    server,
    env,
    dir,
    kubeconfig,
    async cleanup() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the real kubectl; never rejects on a non-zero exit. Tests only (the library goes through execa). */
export function kubectl(
  env: NodeJS.ProcessEnv,
  args: readonly string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'kubectl',
      args,
      { env, timeout: opts.timeoutMs ?? 20_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = (err as { code?: unknown } | null)?.code;
        resolve({ stdout, stderr, exitCode: err ? (typeof code === 'number' ? code : 1) : 0 });
      },
    );
    child.stdin?.end(opts.input ?? '');
  });
}

/** True when a `kubectl` binary is on PATH; tests skip themselves with a message otherwise. */
export function hasKubectl(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['version', '--client'],
      { env: { ...process.env, KUBECONFIG: '/nonexistent' } },
      (err) => resolve(!err),
    );
  });
}
