import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  down,
  InterruptedError,
  InvalidInputError,
  inspectEnclave,
  LeftoversError,
  listEnclaves,
  listServices,
  NotFoundError,
  StarlarkError,
  up,
  VersionMismatchError,
} from '../lib/index.js';
import { MINIMAL } from './support/args-fixtures.js';
import { createHarness, type Harness, useHarness } from './support/harness.js';

const argsFile = MINIMAL;

const ranCommand = (h: Harness, ...words: string[]) =>
  h.kurtosisCalls().some((argv) => words.every((w, i) => argv[i] === w));

describe('devnet lifecycle on the Docker backend', () => {
  const h = useHarness('docker');

  it('creates a devnet, lists, inspects and destroys it, leaving nothing behind', async () => {
    const net = await up({ ...h.options(), name: 'life-docker', argsFile });
    assert.equal(net.name, 'life-docker');
    assert.match(net.uuid, /^[0-9a-f]{32}$/);
    assert.equal(net.owner, 'alice');
    assert.equal(net.backend, 'docker');
    assert.deepEqual(
      net.services.map((s) => s.name),
      [
        'cl-1-lighthouse-geth',
        'el-1-geth-lighthouse',
        'validator-key-generation-cl-validator-keystore',
        'vc-1-geth-lighthouse',
      ],
    );
    assert.match(net.endpoint('el-1-geth-lighthouse', 'rpc'), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(net.endpoint('cl-1-lighthouse-geth', 'http'), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(net.output?.all_participants.length === 1, 'the package output is parsed');
    assert.ok(ranCommand(h, 'enclave', 'add', '-n', 'life-docker'));
    const run = h.kurtosisCalls().find((a) => a[0] === 'run')!;
    assert.deepEqual(run.slice(0, 4), [
      'run',
      '--enclave',
      'life-docker',
      'github.com/ethpandaops/ethereum-package@6.1.0',
    ]);
    assert.ok(run.includes('--show-enclave-inspect=false'));

    const listed = await listEnclaves(h.options());
    assert.deepEqual(
      listed.map((e) => [e.name, e.status, e.owner, e.isDefault]),
      [['life-docker', 'RUNNING', 'alice', true]],
    );
    const details = await inspectEnclave('life-docker', h.options());
    assert.equal(details.enclave.uuid, net.uuid);
    assert.equal(details.services.length, 4);
    assert.ok(details.endpoints.some((e) => e.service === 'el-1-geth-lighthouse' && e.port === 'rpc'));
    const services = await listServices('life-docker', h.options());
    assert.equal(
      services
        .find((s) => s.name === 'el-1-geth-lighthouse')
        ?.ports.find((p) => p.name === 'ws')
        ?.publicUrl?.startsWith('ws://'),
      true,
    );

    await net.down();
    await net.down(); // idempotent
    assert.deepEqual(await listEnclaves(h.options()), []);
    assert.equal(h.fake.scope().enclaves.length, 0);
    assert.equal(h.kurtosisCalls().filter((a) => a[0] === 'enclave' && a[1] === 'rm').length, 1);
  });

  it('hides other owners’ devnets and never destroys them with down --all', async () => {
    await up({ ...h.options({ owner: 'bob' }), name: 'bobs-net', argsFile });
    await up({ ...h.options(), name: 'alices-1', argsFile });
    await up({ ...h.options(), name: 'alices-2', argsFile });
    assert.deepEqual((await listEnclaves(h.options())).map((e) => e.name).sort(), ['alices-1', 'alices-2']);
    assert.equal((await listEnclaves({ ...h.options(), allOwners: true })).length, 3);
    const result = await down({ all: true }, h.options());
    assert.deepEqual(result.removed.sort(), ['alices-1', 'alices-2']);
    assert.deepEqual(
      h.fake.scope().enclaves.map((e) => e.name),
      ['bobs-net'],
    );
    const refused = await down('bobs-net', h.options()).catch((e: unknown) => e);
    assert.ok(refused instanceof InvalidInputError);
    assert.match(refused.message, /belongs to owner 'bob'/);
    await down('bobs-net', h.options({ owner: 'bob' }));
  });

  it('checks every target before destroying anything', async () => {
    await up({ ...h.options(), name: 'keep-me', argsFile });
    const before = h.kurtosisCalls().length;
    const error = await down(['keep-me', 'no-such-net'], h.options()).catch((e: unknown) => e);
    assert.ok(error instanceof NotFoundError);
    assert.match(error.message, /no devnet named 'no-such-net'; existing: keep-me/);
    assert.ok(
      !h
        .kurtosisCalls()
        .slice(before)
        .some((a) => a[1] === 'rm'),
      'no enclave rm ran',
    );
    await down('keep-me', h.options());
  });

  it('removes the enclave after a Starlark failure and reports the root cause', async () => {
    h.fake.setFault('starlark-exec', true);
    try {
      const error = await up({ ...h.options(), name: 'broken', argsFile }).catch((e: unknown) => e);
      assert.ok(error instanceof StarlarkError, String(error));
      assert.equal(error.phase, 'executing');
      assert.match(error.message, /executing Starlark/);
      assert.equal(
        h.fake.scope().enclaves.some((e) => e.name === 'broken'),
        false,
        'enclave removed',
      );

      const kept = await up({ ...h.options(), name: 'broken-kept', argsFile, keepOnFailure: true }).catch(
        (e: unknown) => e,
      );
      assert.ok(kept instanceof StarlarkError);
      assert.equal(
        h.fake.scope().enclaves.some((e) => e.name === 'broken-kept'),
        true,
        'kept on request',
      );
    } finally {
      h.fake.setFault('starlark-exec', false);
    }
    await down('broken-kept', h.options()).catch(() => undefined);
  });

  it('removes the half-made enclave when up is cancelled', async () => {
    h.fake.setFault('run-delay-ms', 300);
    const controller = new AbortController();
    const events: string[] = [];
    try {
      const pending = up({
        ...h.options({ onEvent: (e) => e.type === 'instruction' && events.push(e.text) }),
        name: 'cancelled',
        argsFile,
        signal: controller.signal,
      });
      const started = Date.now();
      while (events.length === 0 && Date.now() - started < 10_000)
        await new Promise((r) => setTimeout(r, 20));
      controller.abort();
      const error = await pending.catch((e: unknown) => e);
      assert.ok(error instanceof InterruptedError, String(error));
      assert.equal(
        h.fake.scope().enclaves.some((e) => e.name === 'cancelled'),
        false,
      );
    } finally {
      h.fake.setFault('run-delay-ms', false);
    }
  });

  it('lets exactly one of two concurrent ups of the same name win, and leaves the winner alone', async () => {
    h.fake.setFault('run-delay-ms', 100);
    try {
      const results = await Promise.allSettled([
        up({ ...h.options(), name: 'twin', argsFile }),
        up({ ...h.options(), name: 'twin', argsFile }),
      ]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      assert.equal(ok.length, 1);
      assert.equal(failed.length, 1);
      assert.match(String(failed[0]!.reason.message), /twin/);
      const twin = h.fake.scope().enclaves.find((e) => e.name === 'twin');
      assert.ok(twin, 'the first devnet is still there');
      assert.equal(twin.services.filter((s) => s.name === 'el-1-geth-lighthouse').length, 1);
    } finally {
      h.fake.setFault('run-delay-ms', false);
    }
    await down('twin', h.options());
  });
});

describe('engine checks', () => {
  it('refuses a CLI/engine version mismatch with a hint, and restarts the engine when asked', async () => {
    await using h = await createHarness('docker', { faults: ['version-mismatch'] });
    const error = await up({ ...h.options(), name: 'mismatch', argsFile }).catch((e: unknown) => e);
    assert.ok(error instanceof VersionMismatchError, String(error));
    assert.match(error.message, /kurtosis engine restart/);
    assert.equal(ranCommand(h, 'enclave', 'add'), false, 'nothing was created');
    const net = await up({ ...h.options(), name: 'mismatch', argsFile, restartEngine: true });
    assert.ok(ranCommand(h, 'engine', 'restart'));
    await net.down();
  });

  it('starts a stopped engine', async () => {
    await using h = await createHarness('docker', { faults: ['engine-stopped'] });
    const net = await up({ ...h.options(), name: 'cold-start', argsFile });
    assert.ok(ranCommand(h, 'engine', 'start'));
    await net.down();
  });
});

describe('devnet lifecycle on the Kubernetes backend', () => {
  const h = useHarness('kubernetes');

  it('labels the namespace, exposes the services and removes everything on down', async () => {
    const net = await up({ ...h.options(), name: 'life-kube', argsFile, ttl: '2h' });
    const server = h.kube!.server;
    assert.equal(net.namespace, 'kt-life-kube');
    const ns = server.get('namespaces', 'kt-life-kube') as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    };
    assert.equal(ns.metadata.labels['devnet-kit/owner'], 'alice');
    assert.equal(ns.metadata.labels['app.kubernetes.io/managed-by'], 'devnet-kit');
    assert.ok(Date.parse(ns.metadata.annotations['devnet-kit/expires-at']!) > Date.now() + 3600_000);
    const el = net.service('el-1-geth-lighthouse');
    assert.match(el.privateIp ?? '', /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(el.ports.find((p) => p.name === 'rpc')?.endpoint, `http://${el.privateIp}:8545`);
    assert.equal(
      net.endpoint('el-1-geth-lighthouse', 'rpc'),
      'http://el-1-geth-lighthouse.life-kube.alice.k3s.example',
    );
    const ingresses = server.list('ingresses', 'kt-life-kube') as { metadata: { name: string } }[];
    assert.ok(ingresses.some((i) => i.metadata.name === 'dk-rpc-el-1-geth-lighthouse'));
    assert.ok(!ingresses.some((i) => i.metadata.name.includes('engine')), 'no ingress for engine-rpc');
    const applies = server.requests.filter((r) => r.method === 'PATCH' && r.path.includes('/ingresses/'));
    assert.ok(applies.length >= ingresses.length);

    const listed = await listEnclaves(h.options());
    assert.equal(listed[0]?.name, 'life-kube');
    assert.equal(listed[0]?.owner, 'alice');
    assert.ok(listed[0]?.expiresAt);

    await net.down();
    assert.equal(server.get('namespaces', 'kt-life-kube'), undefined);
    assert.equal(server.list('ingresses').length, 0);
    assert.equal(server.list('persistentvolumeclaims').length, 0);
  });

  it('waits for a slow namespace deletion, and reports what is left when it never finishes', async () => {
    const server = h.kube!.server;
    const net = await up({ ...h.options(), name: 'slow-ns', argsFile, ingress: false });
    server.namespaceDeletionDelayMs = 1200;
    const started = Date.now();
    await down('slow-ns', { ...h.options(), pollIntervalMs: 100 } as never);
    assert.ok(Date.now() - started >= 1000, 'down waited for the namespace');
    assert.equal(server.get('namespaces', 'kt-slow-ns'), undefined);
    server.namespaceDeletionDelayMs = 0;

    await up({ ...h.options(), name: 'stuck-ns', argsFile, ingress: false });
    server.setNamespaceStuck('kt-stuck-ns', true);
    const error = await down('stuck-ns', {
      ...h.options(),
      waitTimeoutMs: 500,
      pollIntervalMs: 100,
    } as never).catch((e: unknown) => e);
    assert.ok(error instanceof LeftoversError, String(error));
    assert.ok(error.leftovers.some((l) => l.name === 'kt-stuck-ns'));
    assert.ok(error.leftovers.some((l) => l.kind === 'PersistentVolumeClaim'));
    server.setNamespaceStuck('kt-stuck-ns', false);
    void net;
  });
});
