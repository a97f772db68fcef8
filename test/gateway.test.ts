// `kurtosis gateway` on Kubernetes (issue #17): devnet-kit reuses a gateway that serves, starts and
// shares one otherwise, stops it on `gateway stop` or after the idle timeout, refuses a gateway of
// another kube context, and starts none on Docker. Against the fake kurtosis (whose engine answers on
// Kubernetes only through its gateway), the fake API server and the real kubectl, through the CLI as
// a process (and, for `await using`, the package as shipped).

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { startFakeApiServer } from '../fixtures/kube/apiserver.js';
import { gatewayStatus } from '../lib/index.js';
import { MINIMAL } from './support/args-fixtures.js';
import { createHarness, type Harness } from './support/harness.js';
import { hasKubectl } from './support/kube-env.js';
import { assertBuilt, orphans, sharedGateway, spawnCli, until } from './support/reliability.js';

const skip = (await hasKubectl()) ? false : 'kubectl is not on PATH';

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
  at: number;
}

async function cli(h: Harness, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Done> {
  const p = spawnCli(args, { env: { ...h.env, ...env }, cwd: h.cwd });
  const exit = await p.exit;
  return { code: exit.code, stdout: p.stdout(), stderr: p.stderr(), at: exit.at };
}

const gatewayCalls = (h: Harness) => h.kurtosisCalls().filter((argv) => argv[0] === 'gateway').length;
const created = (h: Harness) =>
  h.kurtosisCalls().filter((argv) => argv[0] === 'run' || (argv[0] === 'enclave' && argv[1] === 'add'));

/** KUBECONFIG with a second context, `fake-2`, on the same fake cluster (the user could switch to it). */
function withSecondContext(h: Harness): string {
  const extra = join(h.cwd, 'second-context.kubeconfig');
  writeFileSync(
    extra,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      contexts: [{ name: 'fake-2', context: { cluster: 'fake', user: 'fake-user' } }],
    }),
  );
  return [h.env.KUBECONFIG, extra].join(delimiter);
}

describe('kurtosis gateway on Kubernetes', { skip, concurrency: false }, () => {
  let h: Harness | undefined;
  afterEach(async () => {
    const marker = h?.fake.dir;
    await h?.cleanup();
    h = undefined;
    if (marker)
      assert.deepEqual(await orphans(marker, 3000, { includeGateway: true }), [], 'cleanup leaves nothing');
  });

  it('reuses a gateway started by hand, and leaves it running', async () => {
    h = await createHarness('kubernetes');
    await h.fake.exec(['engine', 'start']);
    const mine = await h.fake.startGateway();
    try {
      const r = await cli(h, ['up', 'by-hand', '-f', MINIMAL]);
      assert.equal(r.code, 0, r.stderr);
      const ls = await cli(h, ['ls']);
      assert.equal(ls.code, 0, ls.stderr);
      assert.match(ls.stdout, /by-hand/);
      assert.equal(gatewayCalls(h), 1, 'only the hand-started gateway ran');
      assert.equal(gatewayStatus({ env: h.env }).running, false, 'devnet-kit started none');
      const stop = await cli(h, ['gateway', 'stop']);
      assert.equal(stop.code, 0, stop.stderr);
      assert.match(stop.stderr, /no kurtosis gateway started by devnet-kit runs; nothing to stop/);
      assert.equal(mine.child.exitCode, null, 'the hand-started gateway still runs');
      const down = await cli(h, ['down', 'by-hand']);
      assert.equal(down.code, 0, down.stderr);
    } finally {
      assert.equal(await mine.stop(), 0);
    }
  });

  it('starts one when none runs, shares it between two parallel `up`s, and holds it while `kurtosis run` lasts', async () => {
    h = await createHarness('kubernetes');
    // Short enough that the slow run outlasts it after the quick `up` ended, long enough that no
    // pause between the calls of one `up` reaches it.
    const idle = { DEVNET_KIT_GATEWAY_IDLE_TIMEOUT: '4s' };
    const fast = spawnCli(['up', 'quick', '-f', MINIMAL], { env: { ...h.env, ...idle }, cwd: h.cwd });
    const slow = spawnCli(['up', 'slow', '-f', MINIMAL], {
      env: { ...h.env, ...idle, FAKE_KURTOSIS_RUN_DELAY_MS: '800' },
      cwd: h.cwd,
    });
    const [a, b] = await Promise.all([fast.exit, slow.exit]);
    assert.equal(a.code, 0, fast.stderr());
    assert.equal(b.code, 0, slow.stderr());
    // The slow run outlasted the quick process by more than the idle timeout: only its lease kept the
    // gateway up (without it the supervisor stops the gateway 4 s after the last use).
    assert.ok(b.at - a.at > 5000, `slow ended ${Math.round(b.at - a.at)} ms after quick`);
    assert.equal(gatewayCalls(h), 1, 'one gateway for both');
    assert.match(fast.stderr() + slow.stderr(), /starting `kurtosis gateway` for kube context 'fake'/);

    // Idle: nobody uses it for 4 s → it stops by itself.
    await until('the idle gateway to stop', () => sharedGateway(h!.fake.dir).length === 0, 20_000);
    assert.equal(gatewayStatus({ env: h.env }).running, false);
    const ls = await cli(h, ['ls']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.equal(gatewayCalls(h), 2, 'the next command started a new one');
  });

  it('`gateway status` shows it and `gateway stop` leaves no process', async () => {
    h = await createHarness('kubernetes');
    const up = await cli(h, ['up', 'to-stop', '-f', MINIMAL]);
    assert.equal(up.code, 0, up.stderr);
    const status = await cli(h, ['--json', 'gateway', 'status']);
    assert.equal(status.code, 0, status.stderr);
    const doc = JSON.parse(status.stdout) as {
      running: boolean;
      gateway: { pid: number; kubeContext: string; since: string; lastUse: string; idleTimeoutMs: number };
    };
    assert.equal(doc.running, true);
    assert.equal(doc.gateway.kubeContext, 'fake');
    assert.equal(doc.gateway.idleTimeoutMs, 300_000);
    assert.ok(
      Date.parse(doc.gateway.since) > 0 && Date.parse(doc.gateway.lastUse) >= Date.parse(doc.gateway.since),
    );
    assert.ok(sharedGateway(h.fake.dir).some((p) => p.pid === doc.gateway.pid));

    const doctor = await cli(h, ['--json', 'doctor']);
    const check = (
      JSON.parse(doctor.stdout) as { checks: { name: string; status: string; detail: string }[] }
    ).checks.find((c) => c.name === 'gateway');
    assert.equal(check?.status, 'ok');
    assert.match(check!.detail, new RegExp(`supervisor pid ${doc.gateway.pid}, kube context 'fake'`));

    const stop = await cli(h, ['--json', 'gateway', 'stop']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.deepEqual((JSON.parse(stop.stdout) as { stopped: boolean }).stopped, true);
    assert.deepEqual(await orphans(h.fake.dir, 1500, { includeGateway: true }), []);
    const down = await cli(h, ['down', 'to-stop']);
    assert.equal(down.code, 0, down.stderr);
  });

  it('refuses a gateway serving another kube context: exit 1, one line naming both, nothing created', async () => {
    h = await createHarness('kubernetes');
    const env = { KUBECONFIG: withSecondContext(h) };
    const up = await cli(h, ['up', 'first', '-f', MINIMAL], { ...env, DEVNET_KIT_KUBE_CONTEXT: 'fake' });
    assert.equal(up.code, 0, up.stderr);
    const before = created(h).length;
    const other = await cli(h, ['up', 'second', '-f', MINIMAL], {
      ...env,
      DEVNET_KIT_KUBE_CONTEXT: 'fake-2',
    });
    assert.equal(other.code, 1, other.stderr);
    const errors = other.stderr.split('\n').filter((l) => l.startsWith('devnet-kit: '));
    assert.equal(errors.length, 1, other.stderr);
    assert.match(errors[0]!, /serves kube context 'fake', not 'fake-2'.*`devnet-kit gateway stop`/);
    assert.equal(created(h).length, before, 'no enclave add / run for the second');
    assert.deepEqual(
      h.fake.scope().enclaves.map((e) => e.name),
      ['first'],
    );
  });

  it("starts the gateway for the configured kube context, not the kubeconfig's current one", async () => {
    h = await createHarness('kubernetes');
    // A second cluster, named only in a second kubeconfig file; the current context stays 'fake'.
    const other = await startFakeApiServer();
    try {
      const extra = join(h.cwd, 'other-cluster.kubeconfig');
      writeFileSync(
        extra,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'other', cluster: { server: other.url } }],
          contexts: [{ name: 'other', context: { cluster: 'other', user: 'fake-user' } }],
        }),
      );
      const env = { KUBECONFIG: [h.env.KUBECONFIG, extra].join(delimiter), DEVNET_KIT_KUBE_CONTEXT: 'other' };
      const r = await cli(h, ['up', 'placed', '-f', MINIMAL], env);
      assert.equal(r.code, 0, r.stderr);
      // Kurtosis reaches the engine only through the gateway, so the enclave is where the gateway points.
      assert.ok(other.get('namespace', 'kt-placed'), 'created in the configured context’s cluster');
      assert.equal(h.kube!.server.get('namespace', 'kt-placed'), undefined);
      assert.equal(gatewayStatus({ env: h.env }).gateway?.kubeContext, 'other');
      const down = await cli(h, ['down', 'placed'], env);
      assert.equal(down.code, 0, down.stderr);
    } finally {
      await other.close();
    }
  });

  it('doctor says what devnet-kit does about the gateway before one runs, and fails on one of another context', async () => {
    h = await createHarness('kubernetes');
    type Doctor = { checks: { name: string; status: string; detail: string; fix?: string }[] };
    const check = (out: string, name: string) =>
      (JSON.parse(out) as Doctor).checks.find((c) => c.name === name);
    // An engine pod runs, but nothing serves it yet: what Kurtosis calls "couldn't be reached".
    assert.equal((await h.fake.exec(['engine', 'start'])).exitCode, 0);
    const before = await cli(h, ['--json', 'doctor']);
    assert.equal(before.code, 0, before.stdout + before.stderr);
    assert.equal(check(before.stdout, 'engine')?.status, 'ok');
    assert.match(
      check(before.stdout, 'engine')!.detail,
      /through `kurtosis gateway`, which devnet-kit starts when needed/,
    );
    assert.equal(check(before.stdout, 'gateway')?.status, 'ok');
    assert.match(
      check(before.stdout, 'gateway')!.detail,
      /^none started by devnet-kit runs; the next command that needs the engine starts `kurtosis gateway` \(shared by devnet-kit processes, stops after 5m unused; one kube context per machine\)$/,
    );
    assert.equal(gatewayCalls(h), 0, 'doctor starts no gateway');

    const env = { KUBECONFIG: withSecondContext(h) };
    const ls = await cli(h, ['ls'], { ...env, DEVNET_KIT_KUBE_CONTEXT: 'fake' });
    assert.equal(ls.code, 0, ls.stderr);
    const other = await cli(h, ['--json', 'doctor'], { ...env, DEVNET_KIT_KUBE_CONTEXT: 'fake-2' });
    assert.equal(other.code, 1, other.stdout + other.stderr);
    const wrong = check(other.stdout, 'gateway');
    assert.equal(wrong?.status, 'fail');
    assert.match(wrong!.detail, /kube context 'fake'.*the config wants kube context 'fake-2'/);
    assert.match(wrong!.fix ?? '', /`devnet-kit gateway stop`/);
  });

  it('says why when the gateway cannot start (its port is taken)', async () => {
    h = await createHarness('kubernetes');
    // Something that is not a gateway holds the port: Kurtosis can't reach the engine, and the
    // gateway devnet-kit starts can't bind.
    const squatter = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => squatter.listen(h!.fake.gatewayPort, resolve));
    try {
      const r = await cli(h, ['up', 'blocked', '-f', MINIMAL]);
      assert.equal(r.code, 1, r.stderr);
      const line = r.stderr.split('\n').find((l) => l.startsWith('devnet-kit: ')) ?? '';
      assert.match(line, /could not start `kurtosis gateway`/);
      assert.match(r.stderr, /address already in use/);
      assert.doesNotMatch(r.stderr, /kurtosis engine restart/);
      assert.equal(created(h).length, 0);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('replaces Kurtosis’s "engine restart" advice when the engine stays unreachable through the gateway', async () => {
    h = await createHarness('kubernetes', { faults: ['engine-unreachable'] });
    const r = await cli(h, ['up', 'unreachable', '-f', MINIMAL]);
    assert.equal(r.code, 1, r.stderr);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('devnet-kit: '));
    assert.equal(errors.length, 1, r.stderr);
    assert.match(errors[0]!, /can't reach its engine through the kurtosis gateway devnet-kit started/);
    assert.doesNotMatch(r.stderr, /kurtosis engine restart/);
    assert.equal(created(h).length, 0);
  });

  it('`await using` in a script: the shipped library starts the gateway itself and the devnet goes at scope exit', async () => {
    h = await createHarness('kubernetes');
    // The package as installed (dist/index.mjs through `exports`): its supervisor is dist/gateway-supervisor.mjs.
    assertBuilt();
    const shipped = await import('devnet-kit');
    {
      await using net = await shipped.up({ ...h.options(), name: 'scoped', argsFile: MINIMAL });
      assert.deepEqual(
        h.fake.scope().enclaves.map((e) => e.name),
        [net.name],
      );
    }
    assert.deepEqual(h.fake.scope().enclaves, [], 'await using destroyed the devnet');
    assert.equal(gatewayCalls(h), 1, 'no gateway was started by hand; the library started one');
    assert.equal(shipped.gatewayStatus({ env: h.env }).gateway?.kubeContext, 'fake');
    assert.ok(
      sharedGateway(h.fake.dir).some((p) => p.cmd.includes('dist/gateway-supervisor.mjs')),
      JSON.stringify(sharedGateway(h.fake.dir)),
    );
  });

  it('Ctrl-C during `up` leaves no process but the shared gateway', async () => {
    h = await createHarness('kubernetes', { runDelayMs: 300 });
    const p = spawnCli(['up', 'interrupted', '-f', MINIMAL], { env: h.env, cwd: h.cwd, detached: true });
    await until('an instruction running', () => /\[1\] /.test(p.stderr()), 30_000);
    process.kill(-p.child.pid!, 'SIGINT');
    const exit = await p.exit;
    assert.equal(exit.code, 130, p.stderr());
    assert.deepEqual(await orphans(h.fake.dir), [], 'nothing but the gateway');
    assert.ok(sharedGateway(h.fake.dir).length >= 2, 'the supervisor and its gateway still run');
    assert.equal(gatewayStatus({ env: h.env }).running, true);
  });
});

describe('kurtosis gateway on Docker', { concurrency: false }, () => {
  it('is not what an unreachable Docker engine needs: exit 1 with the restart advice, no gateway', async () => {
    await using h = await createHarness('docker', { faults: ['engine-unreachable'] });
    const r = await cli(h, ['up', 'local', '-f', MINIMAL]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /^devnet-kit: the Kurtosis engine container of cluster 'docker' runs but its server does not answer; `kurtosis engine restart` replaces it$/m,
    );
    assert.equal(gatewayCalls(h), 0);
    assert.equal(created(h).length, 0);
  });

  it('doctor skips the gateway check', async () => {
    await using h = await createHarness('docker');
    const r = await cli(h, ['--json', 'doctor']);
    const check = (
      JSON.parse(r.stdout) as { checks: { name: string; status: string; detail: string }[] }
    ).checks.find((c) => c.name === 'gateway');
    assert.deepEqual(check, { name: 'gateway', status: 'skip', detail: 'not needed on the Docker backend' });
  });

  it('is never started', async () => {
    await using h = await createHarness('docker');
    const r = await cli(h, ['up', 'local', '-f', MINIMAL]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(gatewayCalls(h), 0);
    assert.equal(gatewayStatus({ env: h.env }).running, false);
    assert.deepEqual(sharedGateway(h.fake.dir), []);
    const down = await cli(h, ['down', 'local']);
    assert.equal(down.code, 0, down.stderr);
  });
});
