// `up` is the composition of public steps — ensureCluster → runPackage → applyIngress → waitFor — and
// a script can call them itself: runPackage's result, the steps' events and the processes they spawn
// are those of `up`, and runPackage cleans up after itself as `up` does.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  applyIngress,
  down,
  ensureCluster,
  listEnclaves,
  type RunPackageResult,
  runPackage,
  StarlarkError,
  up,
  waitFor,
} from '../lib/index.js';
import type { DevnetEvent } from '../lib/models.js';
import { createHarness, type Harness } from './support/harness.js';
import { hasKubectl } from './support/kube-env.js';

const MINIMAL = new URL('../fixtures/ethereum-package/samples/minimal.yaml', import.meta.url).pathname;
const UNPINNED = 'github.com/ethpandaops/ethereum-package';
const EL = 'el-1-geth-lighthouse';

/** What a call spawns and which phases it reports, with the devnet's name and temp paths neutral. */
function recorder(name: string) {
  const seen: string[] = [];
  const onEvent = (event: DevnetEvent) => {
    const text =
      event.type === 'spawn'
        ? `${event.tool} ${event.argv.slice(1).join(' ')}`
        : event.type === 'phase'
          ? `# ${event.phase}`
          : undefined;
    if (text === undefined) return;
    seen.push(
      text
        .replaceAll(name, '<name>')
        .replace(/\/tmp\/\S+/g, '<tmp>')
        .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>'),
    );
  };
  return { seen, onEvent };
}

describe('the steps of up on Docker', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness('docker');
  });
  after(() => h.cleanup());

  it('runPackage returns the enclave, services, package output and warnings, labelled as the owner’s default', async () => {
    const events: DevnetEvent[] = [];
    const made = await runPackage({
      ...h.options({ onEvent: (e) => events.push(e) }),
      name: 'steps',
      // `participant` is not ethereum-package's: a lenient (unpinned) run passes it on with a warning.
      args: { participants: [{ el_type: 'geth', cl_type: 'lighthouse' }], participant: [] },
      package: UNPINNED,
      ttl: '2h',
    });
    assert.equal(made.enclave.name, 'steps');
    assert.match(made.enclave.uuid, /^[0-9a-f]{32}$/);
    assert.equal(made.enclave.backend, 'docker');
    assert.equal(made.enclave.owner, 'alice');
    assert.equal(made.enclave.namespace, undefined);
    const ttl = Date.parse(made.enclave.expiresAt ?? '') - Date.now();
    assert.ok(ttl > 7_000_000 && ttl <= 7_200_000, `expires in ${ttl} ms`);
    assert.ok(made.services.some((s) => s.name === EL));
    assert.ok(
      made.endpoints.some(
        (e) => e.service === EL && e.port === 'rpc' && /^http:\/\/127\.0\.0\.1:\d+$/.test(e.url),
      ),
      'Docker: the published host ports',
    );
    assert.equal(made.output?.all_participants.length, 1, 'the package output is parsed');
    assert.equal(made.warnings.length, 1, made.warnings.join('\n'));
    assert.match(made.warnings[0]!, /participant.*passed to the package as is/);
    assert.deepEqual(
      events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message),
      made.warnings,
    );
    assert.deepEqual(
      events.filter((e) => e.type === 'phase').map((e) => (e as { phase: string }).phase),
      ['enclave', 'run', 'discover'],
    );
    assert.ok(
      events.some((e) => e.type === 'instruction'),
      'run progress reaches onEvent',
    );

    const listed = await listEnclaves(h.options());
    assert.deepEqual(
      listed.map((e) => [e.name, e.owner, e.isDefault, e.expiresAt]),
      [['steps', 'alice', true, made.enclave.expiresAt]],
    );
    await down('steps', h.options());
    assert.deepEqual(h.fake.scope().enclaves, []);
  });

  it('up spawns exactly what ensureCluster then runPackage spawn, in the same order', async () => {
    // The engine runs already, for both alike.
    await ensureCluster(undefined, h.options());
    const whole = recorder('whole');
    const net = await up({ ...h.options({ onEvent: whole.onEvent }), name: 'whole', argsFile: MINIMAL });
    const parts = recorder('parts');
    await ensureCluster(undefined, h.options({ onEvent: parts.onEvent }));
    await runPackage({ ...h.options({ onEvent: parts.onEvent }), name: 'parts', argsFile: MINIMAL });
    assert.deepEqual(parts.seen, whole.seen);
    assert.ok(whole.seen.includes('kurtosis enclave add -n <name>'), whole.seen.join('\n'));
    assert.deepEqual(Object.keys(net.timings.phases), ['cluster', 'enclave', 'run', 'discover']);
    await down(['whole', 'parts'], h.options());
  });

  it('a runPackage whose run fails removes its enclave; with keepOnFailure it stays, owned', async () => {
    h.fake.setFault('starlark-exec', true);
    try {
      const events: DevnetEvent[] = [];
      const error = await runPackage({
        ...h.options({ onEvent: (e) => events.push(e) }),
        name: 'broken',
        argsFile: MINIMAL,
      }).catch((e) => e);
      assert.ok(error instanceof StarlarkError, String(error));
      assert.ok(events.some((e) => e.type === 'phase' && e.message === "failed: removing enclave 'broken'"));
      assert.deepEqual(h.fake.scope().enclaves, []);

      const kept = await runPackage({
        ...h.options(),
        name: 'kept',
        argsFile: MINIMAL,
        keepOnFailure: true,
      }).catch((e) => e);
      assert.ok(kept instanceof StarlarkError);
      const listed = await listEnclaves(h.options());
      assert.deepEqual(
        listed.map((e) => [e.name, e.owner]),
        [['kept', 'alice']],
      );
    } finally {
      h.fake.setFault('starlark-exec', false);
    }
    await down('kept', h.options());
  });
});

describe('the steps of up on Kubernetes', async () => {
  const skip = (await hasKubectl()) ? false : 'kubectl is not on PATH';
  let h: Harness;
  before(async () => {
    if (!skip) h = await createHarness('kubernetes');
  });
  after(() => h?.cleanup());

  it('runPackage then applyIngress with the alias: Ingresses, public URLs and the alias on the new devnet', {
    skip,
  }, async () => {
    const first = await up({ ...h.options(), name: 'older', argsFile: MINIMAL });
    await ensureCluster(undefined, h.options());
    const made: RunPackageResult = await runPackage({ ...h.options(), name: 'newer', argsFile: MINIMAL });
    assert.equal(made.enclave.namespace, 'kt-newer');
    assert.deepEqual(made.endpoints, [], 'no public endpoints before applyIngress');
    const endpoints = await applyIngress(made, { ...h.options(), alias: true });
    const rpc = endpoints.filter((e) => e.service === EL && e.port === 'rpc');
    assert.deepEqual(
      rpc.map((e) => [e.host, e.alias]),
      [
        [`${EL}.newer.alice.k3s.example`, false],
        [`${EL}.alice.k3s.example`, true],
      ],
    );
    assert.equal(
      made.services.find((s) => s.name === EL)?.ports.find((p) => p.name === 'rpc')?.publicUrl,
      `http://${EL}.newer.alice.k3s.example`,
      'the services carry their public URLs',
    );
    const aliases = (
      h.kube!.server.list('ingresses') as {
        metadata: { namespace: string; labels: Record<string, string> };
      }[]
    )
      .filter((i) => i.metadata.labels['devnet-kit/alias'] === 'true')
      .map((i) => i.metadata.namespace);
    assert.ok(aliases.length > 0);
    assert.deepEqual([...new Set(aliases)], ['kt-newer'], 'the alias hosts moved to the new devnet');
    const listed = await listEnclaves(h.options());
    assert.deepEqual(
      listed.filter((e) => e.isDefault).map((e) => e.name),
      ['newer'],
    );
    // waitFor takes runPackage's result as it takes a Devnet.
    const ready = await waitFor(made, 'services', { ...h.options(), interval: 100, timeout: 10_000 });
    assert.equal(ready.devnet, 'newer');
    assert.deepEqual(ready.nodes.map((n) => [n.service, n.ready]).sort(), [
      ['cl-1-lighthouse-geth', true],
      [EL, true],
    ]);
    await down([first.name, 'newer'], h.options());
  });

  it('up spawns exactly what ensureCluster, runPackage and applyIngress with the alias spawn', {
    skip,
  }, async () => {
    // The engine and the gateway run already, for both alike.
    await ensureCluster(undefined, h.options());
    const whole = recorder('whole');
    const net = await up({ ...h.options({ onEvent: whole.onEvent }), name: 'whole', argsFile: MINIMAL });
    const upCalls = [...whole.seen];
    // Gone, with its alias Ingresses: the parts start from the same (empty) cluster.
    await net.down();
    const parts = recorder('parts');
    const options = h.options({ onEvent: parts.onEvent });
    await ensureCluster(undefined, options);
    const made = await runPackage({ ...options, name: 'parts', argsFile: MINIMAL });
    await applyIngress(made, { ...options, alias: true });
    // The gateway runner adds its own checks (`engine status`) by what the shared gateway state says
    // at that moment; they are not up's or the steps' own calls.
    const calls = (seen: string[]) =>
      seen.filter((l) => !l.startsWith('# gateway') && l !== 'kurtosis engine status');
    assert.deepEqual(calls(parts.seen), calls(upCalls));
    assert.deepEqual(Object.keys(net.timings.phases), ['cluster', 'enclave', 'run', 'discover', 'ingress']);
    await down('parts', h.options());
  });
});
