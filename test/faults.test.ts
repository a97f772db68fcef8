// The fault matrix: one injected fault per row, each named with the outcome it must have. After every
// row: no enclave, namespace or Ingress is left unless the user asked to keep it, and no kurtosis or
// kubectl process of the test outlives it. The faults come from the fake kurtosis (FAKE_KURTOSIS_FAULT),
// the fake API server (`faults`, stuck namespaces, dropped streams) and real signals to the real CLI.

import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, before, describe, it } from 'node:test';
import { exitCodeFor } from '../bin/run.js';
import {
  BinaryNotFoundError,
  CommandFailedError,
  down,
  followLogs,
  InterruptedError,
  inspectEnclave,
  LeftoversError,
  type LogLine,
  listEnclaves,
  up,
} from '../lib/index.js';
import { MINIMAL } from './support/args-fixtures.js';
import { type Harness, KUBE_CONFIG, useHarness } from './support/harness.js';
import { hasKubectl } from './support/kube-env.js';
import { orphans, processesWith, sleep, spawnCli, until } from './support/reliability.js';

const skip = (await hasKubectl()) ? false : 'kubectl is not on PATH';
const EL = 'el-1-geth-lighthouse';
const LOGS_MODULE = new URL('../lib/logs/logs.ts', import.meta.url);

/** Whether kurtosis ran with an argv starting with `words` (since call number `from`). */
const ran = (h: Harness, words: string[], from = 0) =>
  h
    .kurtosisCalls()
    .slice(from)
    .some((argv) => words.every((w, i) => argv[i] === w));
const firstLine = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('devnet-kit: ')) ?? '';

interface Kept {
  /** Devnets the row asked to keep (they are removed by the row itself afterwards). */
  keep?: string[];
}

/** Nothing left behind: no enclave, no `kt-*` namespace, no Ingress, no child process of this harness. */
async function assertNothingLeft(h: Harness, { keep = [] }: Kept = {}): Promise<void> {
  const enclaves = h.fake
    .scope()
    .enclaves.map((e) => e.name)
    .filter((n) => !keep.includes(n));
  assert.deepEqual(enclaves, [], 'no enclave left');
  if (h.kube) {
    const server = h.kube.server;
    const ours = (ns: string) => keep.some((k) => ns === `kt-${k}`);
    const namespaces = (server.list('namespaces') as { metadata: { name: string } }[])
      .map((n) => n.metadata.name)
      .filter((n) => n.startsWith('kt-') && !ours(n));
    assert.deepEqual(namespaces, [], 'no enclave namespace left');
    const ingresses = (server.list('ingresses') as { metadata: { namespace: string; name: string } }[])
      .filter((i) => !ours(i.metadata.namespace))
      .map((i) => `${i.metadata.namespace}/${i.metadata.name}`);
    assert.deepEqual(ingresses, [], 'no Ingress left');
  }
  assert.deepEqual(await orphans(h.fake.dir), [], 'no kurtosis/kubectl process left');
}

/**
 * After each row, whatever it left (when its checks failed) goes, so that one leak fails one row and
 * not every row after it.
 */
async function sweep(h: Harness): Promise<void> {
  h.kube?.server.faults.splice(0);
  for (const p of processesWith(h.fake.dir)) process.kill(p.pid, 'SIGKILL');
  const names = h.fake.scope().enclaves.map((e) => e.name);
  if (names.length > 0) await h.fake.exec(['enclave', 'rm', '-f', ...names]);
}

// ---------------------------------------------------------------------------------------------------

describe('faults on the Docker backend', () => {
  const h = useHarness('docker');
  const cli = (args: string[], env?: NodeJS.ProcessEnv) => h.cli(['--owner', 'alice', ...args], { env });
  afterEach(() => sweep(h));

  it('kurtosis missing → BinaryNotFoundError, exit 1 with the install hint, nothing created', async () => {
    const r = await cli(['up', 'no-kurtosis', '-f', MINIMAL], {
      DEVNET_KIT_KURTOSIS: '/nonexistent/kurtosis',
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      firstLine(r.stderr),
      /kurtosis not found \(looked for '\/nonexistent\/kurtosis'\): install the Kurtosis CLI \(https:\/\/docs\.kurtosis\.com\/install\)/,
    );
    const error = await up({
      ...h.options(),
      name: 'no-kurtosis',
      argsFile: MINIMAL,
      binaries: { kurtosis: '/nonexistent/kurtosis' },
    }).catch((e: unknown) => e);
    assert.ok(error instanceof BinaryNotFoundError, String(error));
    assert.equal(error.tool, 'kurtosis');
    assert.deepEqual(h.kurtosisCalls(), [], 'the real (fake) kurtosis never ran');
    await assertNothingLeft(h);
  });

  it('engine stopped → started by up, which succeeds', async () => {
    h.fake.setFault('engine-stopped', true);
    const from = h.kurtosisCalls().length;
    try {
      const r = await cli(['up', 'cold', '-f', MINIMAL]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /starting the Kurtosis engine/);
      assert.ok(ran(h, ['engine', 'start'], from));
    } finally {
      h.fake.setFault('engine-stopped', false);
    }
    assert.equal((await cli(['down', 'cold'])).code, 0);
    await assertNothingLeft(h);
  });

  it('engine version mismatch → exit 1 with a typed error naming `kurtosis engine restart`, nothing created; --restart-engine fixes it', async () => {
    h.fake.setFault('version-mismatch', true);
    try {
      const from = h.kurtosisCalls().length;
      const refused = await cli(['--json', 'up', 'mismatch', '-f', MINIMAL]);
      assert.equal(refused.code, 1, refused.stderr);
      assert.equal(JSON.parse(refused.stdout).error.code, 'VERSION_MISMATCH');
      assert.match(
        firstLine(refused.stderr),
        /Kurtosis engine 1\.19\.0 does not match CLI 1\.20\.0: run `kurtosis engine restart` \(or pass --restart-engine/,
      );
      assert.equal(ran(h, ['enclave', 'add'], from), false, 'no enclave add');
      await assertNothingLeft(h);
      const fixed = await cli(['up', 'mismatch', '-f', MINIMAL, '--restart-engine']);
      assert.equal(fixed.code, 0, fixed.stderr);
      assert.ok(ran(h, ['engine', 'restart'], from));
    } finally {
      h.fake.setFault('version-mismatch', false);
    }
    assert.equal((await cli(['down', 'mismatch'])).code, 0);
    await assertNothingLeft(h);
  });

  it('SIGTERM to the CLI while `kurtosis run` is slow → exit 130 within 2.5 s, enclave removed, no child left', async () => {
    h.fake.setFault('run-delay-ms', 400);
    try {
      const cli = spawnCli(['up', 'sigterm', '-f', MINIMAL], {
        env: { ...h.env, DEVNET_KIT_OWNER: 'alice' },
        cwd: h.cwd,
      });
      await until('an instruction running', () => /\[1\] /.test(cli.stderr()), 20_000);
      const sent = performance.now();
      cli.child.kill('SIGTERM');
      const exit = await cli.exit;
      assert.equal(exit.code, 130, cli.stderr());
      assert.ok(exit.at - sent < 2500, `exited ${Math.round(exit.at - sent)} ms after SIGTERM`);
      assert.match(cli.stderr(), /SIGTERM received, cleaning up/);
      assert.match(cli.stderr(), /interrupted: removing enclave 'sigterm'/);
    } finally {
      h.fake.setFault('run-delay-ms', false);
    }
    await assertNothingLeft(h);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('faults on the Kubernetes backend', { skip }, () => {
  const h = useHarness('kubernetes');
  const server = () => h.kube!.server;
  const cli = (args: string[], env?: NodeJS.ProcessEnv) => h.cli(['--owner', 'alice', ...args], { env });
  const kubectlReads = (path: string) =>
    server().requests.filter(
      (r) => r.method === 'GET' && r.path === path && r.command?.startsWith('kubectl get'),
    ).length;
  before(async () => {
    // The CLI reads devnet-kit.yaml from its working directory: the Kubernetes cluster with ingress.
    writeFileSync(join(h.cwd, 'devnet-kit.yaml'), JSON.stringify(KUBE_CONFIG));
    writeFileSync(
      join(h.cwd, 'down-context.yaml'),
      JSON.stringify({ ...KUBE_CONFIG, cluster: { name: 'kubernetes', kubeconfig_context: 'down' } }),
    );
  });
  afterEach(() => sweep(h));

  it('kubectl missing → BinaryNotFoundError, exit 1 with the install hint, before any enclave exists', async () => {
    const from = h.kurtosisCalls().length;
    const r = await cli(['up', 'no-kubectl', '-f', MINIMAL], { DEVNET_KIT_KUBECTL: '/nonexistent/kubectl' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      firstLine(r.stderr),
      /kubectl not found \(looked for '\/nonexistent\/kubectl'\): install kubectl \(https:\/\/kubernetes\.io\/docs\/tasks\/tools\/\)/,
    );
    assert.equal(
      ran(h, ['enclave', 'add'], from),
      false,
      'no enclave was created that kubectl could not label or remove',
    );
    await assertNothingLeft(h);
  });

  it('API server unreachable (kube context `down`) → exit 1 with an error naming the server, nothing created', async () => {
    const from = h.kurtosisCalls().length;
    const started = Date.now();
    const r = await cli(['--config', 'down-context.yaml', 'up', 'unreachable', '-f', MINIMAL]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      firstLine(r.stderr),
      /`kubectl --context down get namespaces .*` failed with exit code 1: The connection to the server 127\.0\.0\.1:9 was refused/,
    );
    assert.ok(Date.now() - started < 10_000, 'gives up within the small retry budget');
    assert.equal(ran(h, ['enclave', 'add'], from), false);
    await assertNothingLeft(h);
  });

  it('API 500 on a read → retried once, then the read succeeds', async () => {
    const net = await up({ ...h.options(), name: 'flaky', argsFile: MINIMAL, ingress: false });
    server().clearRequests();
    h.events.length = 0;
    server().faults.push({
      match: { method: 'GET', path: '/api/v1/namespaces', command: 'kubectl get' },
      status: 500,
      once: true,
    });
    const listed = await listEnclaves(h.options());
    assert.deepEqual(
      listed.map((e) => e.name),
      ['flaky'],
    );
    assert.equal(kubectlReads('/api/v1/namespaces'), 2, 'one failed GET, one retry');
    const retries = h.events.filter((e) => e.type === 'retry');
    assert.equal(retries.length, 1);
    assert.match(JSON.stringify(retries[0]), /InternalError/);
    await net.down();
    await assertNothingLeft(h);
  });

  it('API 429 on a read → retried once, then the read succeeds', async () => {
    const net = await up({ ...h.options(), name: 'throttled', argsFile: MINIMAL, ingress: false });
    server().clearRequests();
    const pods = '/api/v1/namespaces/kt-throttled/pods';
    server().faults.push({
      match: { method: 'GET', path: pods, command: 'kubectl get' },
      status: 429,
      once: true,
    });
    const details = await inspectEnclave('throttled', h.options());
    assert.equal(details.services.length, 4);
    assert.equal(kubectlReads(pods), 2, 'one throttled GET, one retry');
    await net.down();
    await assertNothingLeft(h);
  });

  it('API 500 on every read → exit 1 after the small budget (3 attempts), naming the failed command', async () => {
    server().clearRequests();
    server().faults.push({
      match: { method: 'GET', path: '/api/v1/namespaces', command: 'kubectl get' },
      status: 500,
    });
    try {
      const r = await cli(['ls']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        firstLine(r.stderr),
        /`kubectl get namespaces .*` failed with exit code 1: Error from server \(InternalError\)/,
      );
      // The budget is the attempt count; a wall-clock bound here failed on a loaded machine.
      assert.equal(kubectlReads('/api/v1/namespaces'), 3, 'the first attempt and 2 retries, no more');
    } finally {
      server().faults.length = 0;
    }
    await assertNothingLeft(h);
  });

  it('API 500 on the namespace label PATCH (a write) → not retried: one PATCH, up fails with exit 1 and removes the enclave', async () => {
    server().clearRequests();
    server().faults.push({
      match: { method: 'PATCH', path: '/api/v1/namespaces/kt-unlabelled' },
      status: 500,
    });
    try {
      const r = await cli(['up', 'unlabelled', '-f', MINIMAL]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        firstLine(r.stderr),
        /`kubectl patch namespace kt-unlabelled .*` failed with exit code 1: Error from server \(InternalError\)/,
      );
      assert.match(r.stderr, /failed: removing enclave 'unlabelled'/);
      const patches = server().requests.filter(
        (q) => q.method === 'PATCH' && q.path === '/api/v1/namespaces/kt-unlabelled',
      );
      assert.equal(patches.length, 1, 'a write is never repeated blindly');
    } finally {
      server().faults.length = 0;
    }
    await assertNothingLeft(h);
  });

  it('API reads failing for good once the package ran → up fails, and the enclave is still removed (by name)', async () => {
    const fault = {
      match: { method: 'GET', path: '/api/v1/namespaces', command: 'kubectl get' },
      status: 503,
    };
    const error = await up({
      ...h.options({
        // From the `run` phase on, kubectl can no longer list namespaces: neither to find the new
        // devnet's namespace nor, in the cleanup, to list the devnets.
        onEvent: (e) => e.type === 'phase' && e.phase === 'run' && server().faults.push(fault),
      }),
      name: 'orphaned',
      argsFile: MINIMAL,
    }).catch((e: unknown) => e);
    server().faults.length = 0;
    assert.ok(error instanceof CommandFailedError, String(error));
    assert.match(
      error.message,
      /`kubectl get namespaces .*` failed with exit code 1: Error from server \(ServiceUnavailable\)/,
    );
    await assertNothingLeft(h);
  });

  it('API 500 on one Ingress apply PATCH (a write) → not retried: exactly one apply, up succeeds with a warning', async () => {
    server().clearRequests();
    h.events.length = 0;
    const path = `/apis/networking.k8s.io/v1/namespaces/kt-half-exposed/ingresses/dk-rpc-${EL}`;
    server().faults.push({ match: { method: 'PATCH', path }, status: 500 });
    try {
      const net = await up({ ...h.options(), name: 'half-exposed', argsFile: MINIMAL });
      assert.equal(
        server().requests.filter((q) => q.method === 'PATCH' && q.path === path).length,
        1,
        'one PATCH of that Ingress',
      );
      assert.equal(
        h.events.filter((e) => e.type === 'spawn' && e.argv.includes('apply')).length,
        1,
        'one kubectl apply',
      );
      assert.equal(net.warnings.length, 1);
      assert.match(net.warnings[0]!, /Ingresses for 'half-exposed' were not applied: .*InternalError/);
      assert.ok(h.events.some((e) => e.type === 'warning' && /were not applied/.test(e.message)));
      server().faults.length = 0;
      await net.down();
    } finally {
      server().faults.length = 0;
    }
    await assertNothingLeft(h);
  });

  it('Ingress apply rejected by an admission webhook → up still exits 0, the warning is on stderr and in the --json document', async () => {
    server().faults.push({
      match: { method: 'PATCH', pathPrefix: '/apis/networking.k8s.io/v1/namespaces/kt-rejected/ingresses/' },
      status: 403,
      reason: 'Forbidden',
      message:
        'admission webhook "validate.nginx.ingress.kubernetes.io" denied the request: host already defined',
    });
    try {
      const r = await cli(['--json', 'up', 'rejected', '-f', MINIMAL]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stderr,
        /^warning: Ingresses for 'rejected' were not applied: .*denied the request: host already defined$/m,
      );
      const doc = JSON.parse(r.stdout) as { name: string; warnings: string[] };
      assert.equal(doc.name, 'rejected');
      assert.equal(doc.warnings.length, 1);
      assert.match(doc.warnings[0]!, /Forbidden.*admission webhook/);
    } finally {
      server().faults.length = 0;
    }
    assert.equal((await cli(['down', 'rejected'])).code, 0);
    await assertNothingLeft(h);
  });

  it('Starlark failure mid-run → exit 1, enclave, namespace and Ingresses removed; --keep-on-failure keeps it, owned', async () => {
    h.fake.setFault('starlark-exec', true);
    try {
      const r = await cli(['up', 'broken', '-f', MINIMAL]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(firstLine(r.stderr), /ethereum-package failed while executing Starlark/);
      await assertNothingLeft(h);

      const kept = await cli(['up', 'broken-kept', '-f', MINIMAL, '--keep-on-failure']);
      assert.equal(kept.code, 1, kept.stderr);
      assert.match(
        kept.stderr,
        /kept enclave 'broken-kept' for inspection \(--keep-on-failure\); remove it with `devnet-kit down broken-kept`/,
      );
      assert.ok(
        h.fake.scope().enclaves.some((e) => e.name === 'broken-kept'),
        'the enclave is kept',
      );
      assert.ok(server().get('namespaces', 'kt-broken-kept'), 'its namespace too');
      await assertNothingLeft(h, { keep: ['broken-kept'] });
    } finally {
      h.fake.setFault('starlark-exec', false);
    }
    // The hint works: the kept devnet is the owner's, so `down` may remove it.
    const gone = await cli(['down', 'broken-kept']);
    assert.equal(gone.code, 0, gone.stderr);
    await assertNothingLeft(h);
  });

  it('Ctrl-C while the enclave is being created → InterruptedError, and the enclave Kurtosis made anyway is removed', async () => {
    const pods = '/api/v1/namespaces/kt-half-made/pods';
    // The fake kurtosis creates the API container pod during `enclave add`: hold it there.
    server().faults.push({ match: { method: 'POST', path: pods }, delayMs: 600, once: true });
    const controller = new AbortController();
    const from = h.kurtosisCalls().length;
    const pending = up({ ...h.options(), name: 'half-made', argsFile: MINIMAL, signal: controller.signal });
    await server().waitForRequest({ method: 'POST', path: pods }, { timeoutMs: 15_000 });
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    assert.ok(error instanceof InterruptedError, String(error));
    assert.equal(ran(h, ['run'], from), false, 'the package never ran');
    await assertNothingLeft(h);
  });

  it('Ctrl-C while waiting for blocks (kubectl proxy running) → InterruptedError, enclave and Ingresses removed, no kubectl proxy left', async () => {
    const controller = new AbortController();
    h.events.length = 0;
    const pending = up({
      ...h.options(),
      name: 'waiting',
      argsFile: MINIMAL,
      wait: 'finalized',
      signal: controller.signal,
    });
    await until(
      'kubectl proxy started',
      () => h.events.some((e) => e.type === 'spawn' && e.argv.includes('proxy')),
      20_000,
    );
    await sleep(200);
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    assert.ok(error instanceof InterruptedError, String(error));
    await assertNothingLeft(h);
  });

  it('SIGINT to the CLI while `kurtosis run` is slow → exit 130 within 2.5 s, enclave and namespace removed, no child left', async () => {
    h.fake.setFault('run-delay-ms', 400);
    try {
      const cli = spawnCli(['up', 'sigint', '-f', MINIMAL], {
        env: { ...h.env, DEVNET_KIT_OWNER: 'alice' },
        cwd: h.cwd,
      });
      await until('an instruction running', () => /\[1\] /.test(cli.stderr()), 20_000);
      const sent = performance.now();
      cli.child.kill('SIGINT');
      const exit = await cli.exit;
      assert.equal(exit.code, 130, cli.stderr());
      assert.ok(exit.at - sent < 2500, `exited ${Math.round(exit.at - sent)} ms after SIGINT`);
      assert.match(cli.stderr(), /interrupted: removing enclave 'sigint'/);
    } finally {
      h.fake.setFault('run-delay-ms', false);
    }
    await assertNothingLeft(h);
  });

  it('a cancel that escalates (SIGINT, then SIGTERM during the cleanup, as GitHub Actions does) → the cleanup still finishes, exit 130', async () => {
    h.fake.setFault('run-delay-ms', 400);
    // Make the cleanup slow: the fake kurtosis's `enclave rm` deletes the namespace.
    server().faults.push({
      match: { method: 'DELETE', path: '/api/v1/namespaces/kt-cancelled' },
      delayMs: 1000,
      once: true,
    });
    let stderr = '';
    try {
      const cli = spawnCli(['up', 'cancelled', '-f', MINIMAL], {
        env: { ...h.env, DEVNET_KIT_OWNER: 'alice' },
        cwd: h.cwd,
      });
      await until('an instruction running', () => /\[1\] /.test(cli.stderr()), 20_000);
      const fromIndex = server().requests.length;
      cli.child.kill('SIGINT');
      await server().waitForRequest(
        { method: 'DELETE', path: '/api/v1/namespaces/kt-cancelled' },
        { timeoutMs: 5000, fromIndex },
      );
      cli.child.kill('SIGTERM');
      const exit = await cli.exit;
      stderr = cli.stderr();
      assert.equal(exit.code, 130, stderr);
    } finally {
      h.fake.setFault('run-delay-ms', false);
      server().faults.length = 0;
    }
    await assertNothingLeft(h);
    assert.match(stderr, /SIGTERM received, still cleaning up/);
  });

  it('namespace stuck terminating past the wait → LeftoversError listing kind and name of what is left, exit 1', async () => {
    await up({ ...h.options(), name: 'stuck', argsFile: MINIMAL });
    server().setNamespaceStuck('kt-stuck', true);
    try {
      const error = await down('stuck', { ...h.options(), waitTimeoutMs: 300, pollIntervalMs: 100 }).catch(
        (e: unknown) => e,
      );
      assert.ok(error instanceof LeftoversError, String(error));
      assert.equal(exitCodeFor(error), 1);
      assert.match(
        error.message.split('\n')[0]!,
        /Kubernetes had not finished deleting after 300ms: \d+ object\(s\) still present; delete them by hand or run `devnet-kit down` again/,
      );
      const kinds = error.leftovers.map((l) => `${l.kind} ${l.namespace ? `${l.namespace}/` : ''}${l.name}`);
      assert.ok(kinds.includes('Namespace (Terminating) kt-stuck'), kinds.join(', '));
      assert.ok(kinds.includes('PersistentVolumeClaim kt-stuck/enclave-data'), kinds.join(', '));
      assert.ok(kinds.includes(`Ingress kt-stuck/dk-rpc-${EL}`), kinds.join(', '));
      assert.match(error.message, /^ {2}Namespace \(Terminating\) kt-stuck$/m);
    } finally {
      server().setNamespaceStuck('kt-stuck', false);
    }
    await until('kt-stuck gone once released', () => !server().get('namespaces', 'kt-stuck'), 5000);
    await assertNothingLeft(h);
  });

  it('two `up` of the same name at once → the second fails clearly with exit 1, the first finishes untouched', async () => {
    h.fake.setFault('run-delay-ms', 100);
    const from = h.kurtosisCalls().length;
    try {
      const first = cli(['up', 'twin', '-f', MINIMAL]);
      await until(
        'the first up running the package',
        () => ran(h, ['run', '--enclave', 'twin'], from),
        20_000,
      );
      const second = await cli(['up', 'twin', '-f', MINIMAL]);
      assert.equal(second.code, 1, second.stderr);
      assert.match(
        firstLine(second.stderr),
        /`kurtosis enclave add -n twin` failed with exit code 1: Cannot create enclave with name 'twin' because an enclave with that name already exists/,
      );
      assert.doesNotMatch(second.stderr, /removing enclave/, 'the loser removes nothing');
      const won = await first;
      assert.equal(won.code, 0, won.stderr);
    } finally {
      h.fake.setFault('run-delay-ms', false);
    }
    assert.equal(ran(h, ['enclave', 'rm'], from), false, 'no enclave rm ran');
    const twin = h.fake.scope().enclaves.find((e) => e.name === 'twin');
    assert.ok(twin);
    assert.equal(twin.services.length, 4);
    assert.ok(twin.services.every((s) => s.status === 'RUNNING'));
    const ns = server().get('namespaces', 'kt-twin') as { metadata: { labels: Record<string, string> } };
    assert.equal(ns.metadata.labels['devnet-kit/owner'], 'alice');
    assert.ok((server().list('ingresses', 'kt-twin') as unknown[]).length >= 6, 'its Ingresses are there');
    assert.equal((await cli(['down', 'twin'])).code, 0);
    await assertNothingLeft(h);
  });

  it('log stream dropped mid-follow → reattached with no line lost or repeated, no kubectl logs left', {
    skip: existsSync(LOGS_MODULE) ? false : 'lib/logs/logs.ts (followLogs) is not there yet',
  }, async () => {
    const net = await up({ ...h.options(), name: 'chatty', argsFile: MINIMAL, ingress: false });
    const ns = 'kt-chatty';
    const controller = new AbortController();
    const got: LogLine[] = [];
    const follow = (async () => {
      for await (const line of followLogs('chatty', {
        ...h.options(),
        services: [EL],
        tail: 0,
        signal: controller.signal,
      }))
        got.push(line);
    })();
    try {
      await server().waitForLogStream({ namespace: ns, pod: EL });
      let seq = 0;
      const burst = (n: number) => {
        for (let i = 0; i < n; i++, seq++)
          server().appendLogs(ns, EL, 'user-service-container', [`seq=${seq}`]);
      };
      burst(40);
      await until('the first lines', () => got.length >= 40);
      assert.ok(server().dropStreams({ namespace: ns, pod: EL }) >= 1, 'a stream was dropped');
      burst(40); // written while nobody follows
      await server().waitForLogStream({ namespace: ns, pod: EL });
      burst(40);
      await until('every line', () => got.length >= 120);
      await sleep(300); // a repeated line would arrive now
    } finally {
      controller.abort();
      await follow;
    }
    const seqs = got.filter((l) => /^seq=\d+$/.test(l.line)).map((l) => Number(l.line.slice(4)));
    assert.deepEqual(seqs, [...Array(120).keys()]);
    await until('the log streams closed', () => server().logStreamCount({ namespace: ns }) === 0, 3000);
    await net.down();
    await assertNothingLeft(h);
  });
});
