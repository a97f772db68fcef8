// Contract tests of fixtures/kube: the REAL kubectl against the fake API server. They pin down both
// what the fake emulates and what kubectl does with it (argv, requests, exit codes, error texts), which
// is what the product's kubectl layer relies on.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import {
  type FakeApiServer,
  type KubeObject,
  type ProxyRequest,
  startFakeApiServer,
} from '../fixtures/kube/apiserver.js';
import { createKubeEnv, hasKubectl, type KubeEnv, kubectl } from './support/kube-env.js';

const skip = (await hasKubectl()) ? false : 'kubectl is not on PATH';

const CONTAINER = 'user-service-container';

/** What Kurtosis creates for an enclave (reference/kurtosis-cli.md §5): namespace, and a Pod + Service per service. */
function addEnclave(server: FakeApiServer, name: string, uuid: string, services: string[]): void {
  const enclave = { 'kurtosistech.com/app-id': 'kurtosis', 'kurtosistech.com/enclave-id': uuid };
  server.add({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: `kt-${name}`, labels: { ...enclave, 'kurtosistech.com/resource-type': 'enclave' } },
  });
  for (const service of services) {
    const labels = { ...enclave, 'kurtosistech.com/guid': `${service}-uuid`, 'kurtosistech.com/id': service };
    const port = service.startsWith('el-') ? { name: 'rpc', port: 8545 } : { name: 'http', port: 4000 };
    server.add({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: service, namespace: `kt-${name}`, labels },
      spec: { containers: [{ name: CONTAINER, image: 'fake' }] },
    });
    server.add({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: service, namespace: `kt-${name}`, labels },
      spec: { selector: { ...enclave, 'kurtosistech.com/guid': `${service}-uuid` }, ports: [port] },
    });
  }
}

function ingress(name: string, namespace: string, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace, labels },
    spec: {
      rules: [
        {
          host: `${name}.devnet.test`,
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name, port: { name: 'http' } } } },
            ],
          },
        },
      ],
    },
  };
}

const names = (stdout: string) =>
  (JSON.parse(stdout) as { items: KubeObject[] }).items.map((i) => i.metadata.name).sort();

describe('the real kubectl against the fake API server', { skip }, () => {
  let kube: KubeEnv;
  let server: FakeApiServer;
  const k = (args: string[], opts?: { input?: string }) => kubectl(kube.env, args, opts);

  before(async () => {
    kube = await createKubeEnv();
    server = kube.server;
    addEnclave(server, 'alpha', 'uuid-alpha', ['el-1-geth-lighthouse', 'cl-1-lighthouse-geth']);
    addEnclave(server, 'beta', 'uuid-beta', ['el-1-reth-teku']);
    for (const [ns, name] of [
      ['kt-alpha', 'enclave-data'],
      ['kt-beta', 'enclave-data'],
    ] as const) {
      server.add({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name, namespace: ns, labels: { 'kurtosistech.com/resource-type': 'enclave' } },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      });
    }
    server.add(ingress('el-alpha', 'kt-alpha', { 'app.kubernetes.io/managed-by': 'devnet-kit', tier: 'a' }));
    server.add(ingress('el-beta', 'kt-beta', { 'app.kubernetes.io/managed-by': 'devnet-kit', tier: 'b' }));
    server.add(ingress('foreign', 'kt-beta', { owner: 'someone-else' }));
  });

  after(() => kube?.cleanup());

  describe('reads', () => {
    it('filters namespaces with every label selector operator', async () => {
      server.add({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'sel-a', labels: { team: 'a', tier: 'x' } },
      });
      server.add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sel-b', labels: { team: 'b' } } });
      server.add({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'sel-c', labels: { other: 'c' } },
      });
      const cases: [string, string[]][] = [
        ['team=a', ['sel-a']],
        ['team==b', ['sel-b']],
        ['team in (a,b)', ['sel-a', 'sel-b']],
        ['team notin (a),other', ['sel-c']],
        ['team!=a,!tier,other', ['sel-c']],
        ['tier,team', ['sel-a']],
      ];
      for (const [selector, expected] of cases) {
        const r = await k(['get', 'namespaces', '-l', selector, '-o', 'json']);
        assert.equal(r.exitCode, 0, r.stderr);
        assert.deepEqual(names(r.stdout), expected, selector);
      }
    });

    it('gets pods, services and PVCs of one namespace, and pods and ingresses across namespaces', async () => {
      const pods = await k(['get', 'pods', '-n', 'kt-alpha', '-l', 'kurtosistech.com/id', '-o', 'json']);
      assert.equal(pods.exitCode, 0, pods.stderr);
      assert.deepEqual(names(pods.stdout), ['cl-1-lighthouse-geth', 'el-1-geth-lighthouse']);
      const pod = (JSON.parse(pods.stdout) as { items: KubeObject[] }).items[0] as KubeObject & {
        status: { phase: string };
      };
      assert.equal(pod.status.phase, 'Running');
      assert.match(pod.metadata.resourceVersion ?? '', /^\d+$/);

      const all = await k(['get', 'po', '-A', '-l', 'kurtosistech.com/enclave-id=uuid-beta', '-o', 'json']);
      assert.deepEqual(names(all.stdout), ['el-1-reth-teku']);

      const svc = await k(['get', 'svc', '-n', 'kt-alpha', '-o', 'json']);
      const ports = (
        JSON.parse(svc.stdout) as { items: { spec: { ports: { name: string }[] } }[] }
      ).items.map((s) => s.spec.ports[0]?.name);
      assert.deepEqual(ports.sort(), ['http', 'rpc']);

      const pvc = await k(['get', 'pvc', '-n', 'kt-beta', '-o', 'json']);
      assert.deepEqual(names(pvc.stdout), ['enclave-data']);

      const ing = await k([
        'get',
        'ingress',
        '-A',
        '-l',
        'app.kubernetes.io/managed-by=devnet-kit',
        '-o',
        'json',
      ]);
      assert.deepEqual(names(ing.stdout), ['el-alpha', 'el-beta']);
      const listRequest = server.requests.findLast((r) => r.path === '/apis/networking.k8s.io/v1/ingresses');
      assert.equal(listRequest?.query['labelSelector'], 'app.kubernetes.io/managed-by=devnet-kit');
    });

    it('reports a missing object as NotFound', async () => {
      const r = await k(['get', 'pod', 'nope', '-n', 'kt-alpha', '-o', 'json']);
      assert.equal(r.exitCode, 1);
      assert.match(r.stderr, /^Error from server \(NotFound\): pods "nope" not found$/m);
    });

    it('serves /version with the minor of the installed kubectl, so the dispatcher runs no other binary', async () => {
      const r = await k(['version', '-o', 'json']);
      const v = JSON.parse(r.stdout) as {
        clientVersion: { minor: string };
        serverVersion: { minor: string };
      };
      assert.equal(v.serverVersion.minor, v.clientVersion.minor.replace(/\D+$/, ''));
    });
  });

  describe('writes', () => {
    const apply = (items: KubeObject[]) =>
      k(['apply', '--server-side', '--field-manager=devnet-kit', '-f', '-'], {
        input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
      });

    it('server-side applies a List with one PATCH per item, creating and then updating', async () => {
      server.clearRequests();
      const first = await apply([
        ingress('web', 'kt-alpha', { a: '1', b: '2' }),
        ingress('rpc', 'kt-alpha', { a: '1' }),
      ]);
      assert.equal(first.exitCode, 0, first.stderr);
      assert.equal(
        first.stdout,
        'ingress.networking.k8s.io/web serverside-applied\ningress.networking.k8s.io/rpc serverside-applied\n',
      );
      const patches = server.requests.filter((r) => r.method === 'PATCH');
      assert.deepEqual(
        patches.map((p) => p.path),
        [
          '/apis/networking.k8s.io/v1/namespaces/kt-alpha/ingresses/web',
          '/apis/networking.k8s.io/v1/namespaces/kt-alpha/ingresses/rpc',
        ],
      );
      for (const p of patches) {
        assert.equal(p.contentType, 'application/apply-patch+yaml');
        assert.equal(p.query['fieldManager'], 'devnet-kit');
        assert.equal(p.command, 'kubectl apply');
        assert.equal((JSON.parse(p.body) as KubeObject).kind, 'Ingress');
      }
      assert.equal(
        server.get('ingress', 'kt-alpha', 'web')?.metadata.managedFields?.[0]?.manager,
        'devnet-kit',
      );

      // A label another manager set survives a re-apply; a label devnet-kit stopped applying goes.
      assert.equal((await k(['label', 'ingress', 'web', '-n', 'kt-alpha', 'other=keep'])).exitCode, 0);
      const second = await apply([
        ingress('web', 'kt-alpha', { a: '1' }),
        ingress('rpc', 'kt-alpha', { a: '1' }),
      ]);
      assert.equal(second.exitCode, 0, second.stderr);
      assert.deepEqual(server.get('ingress', 'kt-alpha', 'web')?.metadata.labels, { a: '1', other: 'keep' });
    });

    it('server-side apply into a missing namespace fails that item only', async () => {
      const r = await apply([ingress('ok', 'kt-alpha', {}), ingress('lost', 'kt-nope', {})]);
      assert.equal(r.exitCode, 1);
      assert.equal(r.stdout, 'ingress.networking.k8s.io/ok serverside-applied\n');
      assert.match(r.stderr, /Error from server \(NotFound\): namespaces "kt-nope" not found/);
    });

    it('labels and annotates a namespace with --overwrite', async () => {
      const label = await k(['label', 'namespace', 'kt-beta', 'devnet-kit/owner=alice', '--overwrite']);
      assert.equal(label.stdout, 'namespace/kt-beta labeled\n');
      const annotate = await k([
        'annotate',
        'namespace',
        'kt-beta',
        'devnet-kit/expires-at=2030-01-01T00:00:00Z',
        '--overwrite',
      ]);
      assert.equal(annotate.stdout, 'namespace/kt-beta annotated\n');
      const ns = server.get('namespace', 'kt-beta');
      assert.equal(ns?.metadata.labels?.['devnet-kit/owner'], 'alice');
      assert.equal(ns?.metadata.labels?.['kurtosistech.com/enclave-id'], 'uuid-beta');
      assert.equal(ns?.metadata.annotations?.['devnet-kit/expires-at'], '2030-01-01T00:00:00Z');
      const patch = server.requests.findLast((r) => r.method === 'PATCH');
      assert.equal(patch?.contentType, 'application/merge-patch+json');
    });

    it('deletes only the ingresses matching -l, and says "No resources found" on stdout when none match', async () => {
      const r = await k([
        'delete',
        'ingress',
        '-n',
        'kt-beta',
        '-l',
        'app.kubernetes.io/managed-by=devnet-kit',
      ]);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.equal(r.stdout, 'ingress.networking.k8s.io "el-beta" deleted\n');
      assert.deepEqual(
        server.list('ingress', 'kt-beta').map((i) => i.metadata.name),
        ['foreign'],
      );
      const again = await k([
        'delete',
        'ingress',
        '-n',
        'kt-beta',
        '-l',
        'app.kubernetes.io/managed-by=devnet-kit',
      ]);
      assert.deepEqual([again.exitCode, again.stdout], [0, 'No resources found\n']);
    });

    it('answers 415 to a patch type it does not implement (JSON patch)', async () => {
      const r = await k([
        'patch',
        'ns',
        'kt-beta',
        '--type=json',
        '-p',
        '[{"op":"add","path":"/x","value":1}]',
      ]);
      assert.equal(r.exitCode, 1);
      assert.match(r.stderr, /application\/json-patch\+json is not supported/);
    });
  });

  describe('namespace deletion', () => {
    it('keeps a deleted namespace Terminating for the delay, refuses new content, then removes it and its content', async () => {
      addEnclave(server, 'gone', 'uuid-gone', ['el-1-geth-nimbus']);
      server.namespaceDeletionDelayMs = 500;
      // Held Terminating while kubectl looks at it, however slow the machine; the delay starts on release.
      server.setNamespaceStuck('kt-gone', true);
      try {
        const del = await k(['delete', 'namespace', 'kt-gone', '--wait=false']);
        assert.deepEqual([del.exitCode, del.stdout], [0, 'namespace "kt-gone" deleted\n']);

        const get = await k(['get', 'namespace', 'kt-gone', '-o', 'json']);
        const ns = JSON.parse(get.stdout) as KubeObject & { status: { phase: string } };
        assert.equal(ns.status.phase, 'Terminating');
        assert.ok(ns.metadata.deletionTimestamp);

        const create = await k(['apply', '--server-side', '--field-manager=devnet-kit', '-f', '-'], {
          input: JSON.stringify(ingress('late', 'kt-gone', {})),
        });
        assert.equal(create.exitCode, 1);
        assert.match(
          create.stderr,
          /^Error from server \(Forbidden\): ingresses\.networking\.k8s\.io "late" is forbidden: unable to create new content in namespace kt-gone because it is being terminated$/m,
        );

        const again = await k(['delete', 'namespace', 'kt-gone', '--wait=false']);
        assert.equal(again.exitCode, 1);
        assert.match(
          again.stderr,
          /^Error from server \(Conflict\): Operation cannot be fulfilled on namespaces "kt-gone"/m,
        );

        assert.equal(server.list('pods', 'kt-gone').length, 1);

        server.setNamespaceStuck('kt-gone', false);
        const started = Date.now();
        const wait = await k(['wait', '--for=delete', 'namespace/kt-gone', '--timeout=10s']);
        assert.equal(wait.exitCode, 0, wait.stderr);
        assert.ok(Date.now() - started >= 450, 'the namespace went before the deletion delay');
        assert.equal(server.get('namespace', 'kt-gone'), undefined);
        assert.deepEqual(server.list('pods', 'kt-gone'), []);
        const missing = await k(['get', 'namespace', 'kt-gone']);
        assert.match(missing.stderr, /Error from server \(NotFound\): namespaces "kt-gone" not found/);
      } finally {
        server.namespaceDeletionDelayMs = 0;
      }
    });

    it('lets a namespace hang in Terminating while it is stuck', async () => {
      addEnclave(server, 'stuck', 'uuid-stuck', []);
      server.setNamespaceStuck('kt-stuck', true);
      assert.equal((await k(['delete', 'namespace', 'kt-stuck', '--wait=false'])).exitCode, 0);
      const wait = await k(['wait', '--for=delete', 'namespace/kt-stuck', '--timeout=1s']);
      assert.equal(wait.exitCode, 1);
      assert.match(wait.stderr, /timed out waiting for the condition on namespaces\/kt-stuck/);
      server.setNamespaceStuck('kt-stuck', false);
      assert.equal(server.get('namespace', 'kt-stuck'), undefined);
    });
  });

  describe('logs', () => {
    const POD = ['-n', 'kt-alpha', 'el-1-geth-lighthouse'];
    const append = (lines: string[]) =>
      server.appendLogs('kt-alpha', 'el-1-geth-lighthouse', CONTAINER, lines);

    it('returns the last lines with --tail', async () => {
      append(['boot 1', 'boot 2', 'boot 3']);
      const r = await k(['logs', ...POD, '--tail=2']);
      assert.deepEqual([r.exitCode, r.stdout], [0, 'boot 2\nboot 3\n']);
      assert.equal(server.requests.findLast((q) => q.path.endsWith('/log'))?.query['container'], CONTAINER);
    });

    it('follows lines pushed while kubectl runs, and exits 0 when the stream ends cleanly', async () => {
      const follow = k(['logs', ...POD, '-f', '--tail=1']);
      await server.waitForLogStream({ pod: 'el-1-geth-lighthouse' });
      append(['live 1']);
      append(['live 2']);
      server.endStreams({ pod: 'el-1-geth-lighthouse' });
      const r = await follow;
      assert.deepEqual([r.exitCode, r.stdout], [0, 'boot 3\nlive 1\nlive 2\n']);
    });

    it('follows several pods by label with --prefix and exits 0 once every stream has ended', async () => {
      const follow = k([
        'logs',
        '-n',
        'kt-alpha',
        '-l',
        'kurtosistech.com/enclave-id=uuid-alpha',
        '-f',
        '--prefix',
        '--tail=0',
        '--max-log-requests=10',
      ]);
      await server.waitForLogStream({ pod: 'el-1-geth-lighthouse' });
      await server.waitForLogStream({ pod: 'cl-1-lighthouse-geth' });
      append(['from el']);
      server.appendLogs('kt-alpha', 'cl-1-lighthouse-geth', CONTAINER, ['from cl']);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(server.endStreams({ namespace: 'kt-alpha' }), 2);
      const r = await follow;
      assert.equal(r.exitCode, 0, r.stderr);
      assert.deepEqual(r.stdout.trimEnd().split('\n').sort(), [
        '[pod/cl-1-lighthouse-geth/user-service-container] from cl',
        '[pod/el-1-geth-lighthouse/user-service-container] from el',
      ]);
    });

    it('fails logs -f with "unexpected EOF" when the stream is dropped', async () => {
      const follow = k(['logs', ...POD, '-f', '--tail=0']);
      await server.waitForLogStream({ pod: 'el-1-geth-lighthouse' });
      append(['before the drop']);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(server.dropStreams(), 1);
      const r = await follow;
      assert.equal(r.exitCode, 1);
      assert.equal(r.stdout, 'before the drop\n');
      assert.match(r.stderr, /unexpected EOF/);
    });

    it('prefixes RFC 3339 timestamps and resumes with --since-time, which kubectl truncates to seconds', async () => {
      const first = await k(['logs', ...POD, '--timestamps', '--tail=1']);
      const [lastSeen] = first.stdout.split(' ');
      assert.match(lastSeen ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      append(['after resume']);
      const r = await k(['logs', ...POD, '--timestamps', `--since-time=${lastSeen}`]);
      assert.equal(r.exitCode, 0, r.stderr);
      const sent = server.requests.findLast((q) => q.path.endsWith('/log'))?.query['sinceTime'];
      assert.equal(sent, `${lastSeen?.slice(0, 19)}Z`);
      // Lines from the same second come back again: a resuming reader must skip what it has seen.
      const lines = r.stdout.trimEnd().split('\n');
      assert.ok(lines.some((l) => l.startsWith(`${lastSeen} `)));
      assert.equal(lines.at(-1)?.split(' ').slice(1).join(' '), 'after resume');
      for (const l of lines) assert.ok((l.split(' ')[0] ?? '') >= `${lastSeen?.slice(0, 19)}`);
    });

    it('moves logs to --previous on restart and ends follow streams cleanly', async () => {
      const follow = k(['logs', ...POD, '-f', '--tail=0']);
      await server.waitForLogStream({ pod: 'el-1-geth-lighthouse' });
      server.restartPod('kt-alpha', 'el-1-geth-lighthouse');
      assert.equal((await follow).exitCode, 0);
      append(['second life']);
      const previous = await k(['logs', ...POD, '--previous', '--tail=1']);
      assert.equal(previous.stdout, 'after resume\n');
      const current = await k(['logs', ...POD]);
      assert.equal(current.stdout, 'second life\n');
      const pod = server.get('pod', 'kt-alpha', 'el-1-geth-lighthouse') as unknown as {
        status: { containerStatuses: { restartCount: number }[] };
      };
      assert.equal(pod.status.containerStatuses[0]?.restartCount, 1);
    });

    it('takes log lines from other processes over the control endpoint', async () => {
      const res = await fetch(`${server.url}/__fake/logs/kt-beta/el-1-reth-teku/${CONTAINER}`, {
        method: 'POST',
        body: JSON.stringify({ lines: ['from the fake kurtosis'] }),
      });
      assert.equal(res.status, 200);
      const r = await k(['logs', '-n', 'kt-beta', 'el-1-reth-teku']);
      assert.equal(r.stdout, 'from the fake kurtosis\n');
      const requests = (await (await fetch(`${server.url}/__fake/requests`)).json()) as {
        command?: string;
      }[];
      assert.equal(requests.at(-1)?.command, 'kubectl logs');
    });

    it('rejects an unknown container the way the API server does', async () => {
      const res = await fetch(
        `${server.url}/api/v1/namespaces/kt-alpha/pods/el-1-geth-lighthouse/log?container=nope`,
      );
      assert.equal(res.status, 400);
      const body = (await res.json()) as { reason: string; message: string };
      assert.deepEqual(body, {
        ...body,
        reason: 'BadRequest',
        message: 'container nope is not valid for pod el-1-geth-lighthouse',
      });
      // kubectl checks -c itself, before any log request.
      const r = await k(['logs', ...POD, '-c', 'nope']);
      assert.equal(r.exitCode, 1);
      assert.match(r.stderr, /container nope is not valid for pod el-1-geth-lighthouse/);
    });
  });

  describe('pod readiness', () => {
    it('lets kubectl wait for a crashed pod to become Ready again', async () => {
      server.crashPod('kt-beta', 'el-1-reth-teku');
      const recovery = setTimeout(() => server.restartPod('kt-beta', 'el-1-reth-teku'), 300);
      const started = Date.now();
      const r = await k([
        'wait',
        '--for=condition=Ready',
        'pod/el-1-reth-teku',
        '-n',
        'kt-beta',
        '--timeout=10s',
      ]);
      clearTimeout(recovery);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.equal(r.stdout, 'pod/el-1-reth-teku condition met\n');
      assert.ok(Date.now() - started >= 250);
    });
  });

  describe('faults and connectivity', () => {
    it('fails a list on an injected 500, printing an empty List on stdout anyway', async () => {
      server.faults.push({
        match: { method: 'GET', path: '/api/v1/namespaces/kt-alpha/pods' },
        status: 500,
        message: 'etcd is on fire',
        once: true,
      });
      const r = await k(['get', 'pods', '-n', 'kt-alpha', '-o', 'json']);
      assert.equal(r.exitCode, 1);
      assert.match(r.stderr, /^Error from server \(InternalError\): etcd is on fire$/m);
      assert.deepEqual((JSON.parse(r.stdout) as { items: unknown[] }).items, []);
      assert.equal(server.faults.length, 0);
    });

    it('fails on 429 without Retry-After and retries with it', async () => {
      const match = { method: 'GET', pathPrefix: '/api/v1/namespaces/kt-beta/pods' };
      server.faults.push({ match, status: 429, message: 'slow down', once: true });
      const refused = await k(['get', 'pods', '-n', 'kt-beta', '-o', 'json']);
      assert.equal(refused.exitCode, 1);
      assert.match(refused.stderr, /Error from server \(TooManyRequests\): slow down/);

      server.faults.push({
        match,
        status: 429,
        message: 'slow down',
        headers: { 'Retry-After': '1' },
        once: true,
      });
      const retried = await k(['get', 'pods', '-n', 'kt-beta', '-o', 'json']);
      assert.equal(retried.exitCode, 0, retried.stderr);
      assert.deepEqual(names(retried.stdout), ['el-1-reth-teku']);
    });

    it('reports connection refused for the "down" context', async () => {
      const r = await k(['--context', 'down', 'get', 'pods', '-o', 'json']);
      assert.equal(r.exitCode, 1);
      assert.match(r.stderr, /The connection to the server 127\.0\.0\.1:9 was refused/);
    });
  });

  describe('service proxy', () => {
    const CL = '/api/v1/namespaces/kt-alpha/services/cl-1-lighthouse-geth:http/proxy';
    const EL = '/api/v1/namespaces/kt-alpha/services/el-1-geth-lighthouse:rpc/proxy/';

    it('serves beacon health, sync state and finality through get --raw, with numbers as strings', async () => {
      // 40 one-second slots of 4 → epoch 10, finalized 8.
      server.setChain('kt-alpha', { genesisTime: Date.now() - 40_500, secondsPerSlot: 1, slotsPerEpoch: 4 });
      const health = await k(['get', '--raw', `${CL}/eth/v1/node/health`]);
      assert.deepEqual([health.exitCode, health.stdout], [0, '']);
      const finality = await k(['get', '--raw', `${CL}/eth/v1/beacon/states/head/finality_checkpoints`]);
      const checkpoints = JSON.parse(finality.stdout) as { data: { finalized: { epoch: string } } };
      assert.ok(['8', '9'].includes(checkpoints.data.finalized.epoch), finality.stdout);
      const syncing = await k(['get', '--raw', `${CL}/eth/v1/node/syncing`]);
      const sync = JSON.parse(syncing.stdout) as { data: { head_slot: string; is_syncing: boolean } };
      assert.equal(typeof sync.data.head_slot, 'string');
      assert.equal(sync.data.is_syncing, false);
    });

    it('freezes the head of a stalled node while the chain goes on', async () => {
      server.stallNode('kt-alpha', 'cl-1-lighthouse-geth');
      const before = server.eth.headSlot('kt-alpha', 'cl-1-lighthouse-geth');
      const chain = server.eth.chain('kt-alpha');
      server.setChain('kt-alpha', { genesisTime: chain.genesisTime - 10_000 });
      const r = await k(['get', '--raw', `${CL}/eth/v1/node/syncing`]);
      const sync = JSON.parse(r.stdout) as {
        data: { head_slot: string; sync_distance: string; is_syncing: boolean };
      };
      assert.equal(sync.data.head_slot, String(before));
      assert.ok(Number(sync.data.sync_distance) >= 10);
      assert.equal(sync.data.is_syncing, true);
      server.resumeNode('kt-alpha', 'cl-1-lighthouse-geth');
    });

    it('rejects a JSON-RPC POST from create --raw, which sends no Content-Type, like geth does', async () => {
      server.clearRequests();
      const r = await k(['create', '--raw', EL, '-f', '-'], {
        input: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }),
      });
      assert.equal(r.exitCode, 1);
      assert.match(
        r.stderr,
        /^Error from server \(UnsupportedMediaType\): invalid content type, only application\/json is supported$/m,
      );
      const post = server.requests.find((q) => q.method === 'POST');
      assert.deepEqual([post?.path, post?.contentType], [EL, undefined]);
    });

    it('answers JSON-RPC through `kubectl proxy`, which passes the Content-Type on', async () => {
      const proxy = spawn('kubectl', ['proxy', '--port=0'], {
        env: kube.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        const port = await new Promise<string>((resolve, reject) => {
          proxy.stdout.on('data', (d: Buffer) => {
            const m = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(String(d));
            if (m?.[1]) resolve(m[1]);
          });
          proxy.on('exit', (code) => reject(new Error(`kubectl proxy exited with ${code}`)));
        });
        const rpc = async (method: string) => {
          const res = await fetch(`http://127.0.0.1:${port}${EL}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ jsonrpc: '2.0', id: 7, method, params: [] }),
          });
          return (await res.json()) as { id: number; result: string };
        };
        const head = server.eth.headSlot('kt-alpha', 'el-1-geth-lighthouse');
        const block = await rpc('eth_blockNumber');
        assert.equal(block.id, 7);
        assert.match(block.result, /^0x[0-9a-f]+$/);
        assert.ok(Number.parseInt(block.result, 16) >= head);
        assert.equal((await rpc('eth_chainId')).result, '0x301824');
        assert.equal((await rpc('net_version')).result, '3151908');
        assert.match((await rpc('web3_clientVersion')).result, /^Geth\//);
      } finally {
        proxy.kill();
        if (proxy.exitCode === null && proxy.signalCode === null) await once(proxy, 'exit');
      }
    });

    it('answers 503 "no endpoints available" when the pod behind the service crashed', async () => {
      server.crashPod('kt-alpha', 'cl-1-lighthouse-geth');
      const r = await k(['get', '--raw', `${CL}/eth/v1/node/health`]);
      assert.equal(r.exitCode, 1);
      assert.match(
        r.stderr,
        /^Error from server \(ServiceUnavailable\): no endpoints available for service "cl-1-lighthouse-geth"$/m,
      );
      const pod = await k(['get', 'pod', '-n', 'kt-alpha', 'cl-1-lighthouse-geth', '-o', 'json']);
      type Status = {
        containerStatuses: { restartCount: number; state: { waiting?: { reason: string } } }[];
      };
      const { containerStatuses } = (JSON.parse(pod.stdout) as { status: Status }).status;
      assert.equal(containerStatuses[0]?.state.waiting?.reason, 'CrashLoopBackOff');
      assert.equal(containerStatuses[0]?.restartCount, 1);
    });
  });
});

describe('the fake API server over plain HTTP', () => {
  let server: FakeApiServer;
  before(async () => {
    server = await startFakeApiServer({ version: { major: '1', minor: '32', gitVersion: 'v1.32.4' } });
  });
  after(() => server?.close());

  it('hands proxied requests to a custom proxyHandler', async () => {
    addEnclave(server, 'custom', 'uuid-custom', ['dora']);
    const seen: ProxyRequest[] = [];
    server.proxyHandler = (req) => {
      seen.push(req);
      return { status: 202, body: { ok: true }, headers: { 'X-Fake': 'yes' } };
    };
    const res = await fetch(
      `${server.url}/api/v1/namespaces/kt-custom/services/dora:http/proxy/api/v1/x?y=1`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      },
    );
    assert.deepEqual([res.status, res.headers.get('x-fake'), await res.json()], [202, 'yes', { ok: true }]);
    assert.deepEqual(
      [seen[0]?.serviceName, seen[0]?.port, seen[0]?.portNumber, seen[0]?.path, seen[0]?.query.get('y')],
      ['dora', 'http', 4000, '/api/v1/x', '1'],
    );
    assert.equal(seen[0]?.body, '{"a":1}');
    assert.equal(seen[0]?.headers['content-type'], 'application/json');
  });

  it('replays the watch events after a resourceVersion', async () => {
    const list = (await (await fetch(`${server.url}/api/v1/namespaces`)).json()) as {
      metadata: { resourceVersion: string };
    };
    server.add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'watched' } });
    server.remove('namespace', 'watched');
    const res = await fetch(
      `${server.url}/api/v1/namespaces?watch=true&fieldSelector=metadata.name%3Dwatched&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=0`,
    );
    const events = (await res.text())
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string }).type);
    assert.deepEqual(events, ['ADDED', 'DELETED']);
  });
});
