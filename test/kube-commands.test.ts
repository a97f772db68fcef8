import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { InvalidInputError, ParseError } from '../lib/errors.js';
import type { RunResult } from '../lib/exec/exec.js';
import {
  applyList,
  configGetContexts,
  deleteIngressesByName,
  getEnclaveObjects,
  getIngresses,
  getLogs,
  getNamespacesByLabel,
  getServicesAndPods,
  logsArgs,
  patchNamespace,
  proxyPath,
} from '../lib/kube/commands.js';
import { parseDeleted, parseLogLine } from '../lib/kube/parse.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/kube/${name}`, import.meta.url), 'utf8');

function ok(stdout: string, extra: Partial<RunResult> = {}): RunResult {
  return { argv: ['kubectl'], stdout, stderr: '', exitCode: 0, durationMs: 1, ...extra };
}

const none = {};
const bruno = { context: 'bruno' };

describe('kubectl argv', () => {
  test('every builder puts --context first when a context is set, and nothing otherwise', () => {
    assert.deepEqual(getServicesAndPods(none, 'kt-x').args, [
      'get',
      'services,pods',
      '-n',
      'kt-x',
      '-o',
      'json',
    ]);
    assert.deepEqual(getServicesAndPods(bruno, 'kt-x').args, [
      '--context',
      'bruno',
      'get',
      'services,pods',
      '-n',
      'kt-x',
      '-o',
      'json',
    ]);
    assert.deepEqual(configGetContexts(bruno).args.slice(0, 2), ['--context', 'bruno']);
    assert.deepEqual(logsArgs(bruno, { namespace: 'kt-x', pod: 'dora' }).slice(0, 2), ['--context', 'bruno']);
  });

  test('config commands read the kubeconfig only', () => {
    assert.deepEqual(configGetContexts(none).args, ['config', 'get-contexts', '-o', 'name']);
    assert.equal(configGetContexts(none).tool, 'kubectl');
  });

  test('namespaces are read with -o json and a label selector', () => {
    assert.deepEqual(
      getNamespacesByLabel(none, 'kurtosistech.com/enclave-id=1a33b911bfa44dc6a7c1e6d1f0a8c2b3').args,
      [
        'get',
        'namespaces',
        '-l',
        'kurtosistech.com/enclave-id=1a33b911bfa44dc6a7c1e6d1f0a8c2b3',
        '-o',
        'json',
      ],
    );
  });

  test('patchNamespace sets and removes labels and annotations in one merge patch', () => {
    const cmd = patchNamespace(bruno, 'kt-x', {
      labels: { 'devnet-kit/owner': 'alice', 'devnet-kit/alias': null },
      annotations: { 'devnet-kit/expires-at': '2024-06-03T20:04:43Z' },
    });
    assert.deepEqual(cmd.args, [
      '--context',
      'bruno',
      'patch',
      'namespace',
      'kt-x',
      '--type=merge',
      '-p',
      '{"metadata":{"labels":{"devnet-kit/owner":"alice","devnet-kit/alias":null},"annotations":{"devnet-kit/expires-at":"2024-06-03T20:04:43Z"}}}',
      '-o',
      'json',
    ]);
    assert.deepEqual(
      patchNamespace(none, 'kt-x', { annotations: { a: null }, labels: {} }).args[5],
      '{"metadata":{"annotations":{"a":null}}}',
    );
    assert.throws(() => patchNamespace(none, 'kt-x', {}), InvalidInputError);
    assert.throws(
      () => patchNamespace(none, 'kt-x', { labels: { 'devnet-kit/owner': 'a b' } }),
      InvalidInputError,
    );
    assert.notEqual(cmd.idempotent, true);
  });

  test('an enclave namespace is read with one call: services, pods and ingresses', () => {
    assert.deepEqual(getEnclaveObjects(none, 'kt-dusty-soil').args, [
      'get',
      'services,pods,ingress',
      '-n',
      'kt-dusty-soil',
      '-o',
      'json',
    ]);
    assert.equal(getEnclaveObjects(none, 'kt-x').idempotent, true);
  });

  test('services and pods come from one call', () => {
    assert.deepEqual(getServicesAndPods(none, 'kt-dusty-soil').args, [
      'get',
      'services,pods',
      '-n',
      'kt-dusty-soil',
      '-o',
      'json',
    ]);
    assert.deepEqual(getServicesAndPods(none, 'kt-x', 'kurtosistech.com/resource-type=user-service').args, [
      'get',
      'services,pods',
      '-n',
      'kt-x',
      '-l',
      'kurtosistech.com/resource-type=user-service',
      '-o',
      'json',
    ]);
  });

  test('ingresses are read from one namespace or all of them', () => {
    assert.deepEqual(
      getIngresses(none, { namespace: 'kt-x', selector: 'app.kubernetes.io/managed-by=devnet-kit' }).args,
      ['get', 'ingress', '-n', 'kt-x', '-l', 'app.kubernetes.io/managed-by=devnet-kit', '-o', 'json'],
    );
    assert.deepEqual(getIngresses(none, { allNamespaces: true, selector: 'devnet-kit/owner=alice' }).args, [
      'get',
      'ingress',
      '-A',
      '-l',
      'devnet-kit/owner=alice',
      '-o',
      'json',
    ]);
    assert.throws(() => getIngresses(none, {} as never), InvalidInputError);
  });

  test('apply is server-side with our field manager and a v1 List on stdin', () => {
    const objects = [
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'a', namespace: 'kt-x' } },
    ];
    const cmd = applyList(bruno, objects);
    assert.deepEqual(cmd.args, [
      '--context',
      'bruno',
      'apply',
      '--server-side',
      '--field-manager=devnet-kit',
      '-f',
      '-',
      '-o',
      'json',
    ]);
    assert.deepEqual(JSON.parse(cmd.input!), { apiVersion: 'v1', kind: 'List', items: objects });
    assert.notEqual(cmd.idempotent, true);
    assert.throws(() => applyList(none, []), InvalidInputError);
  });

  test('named Ingresses are deleted in one call without waiting for finalizers', () => {
    // Named Ingresses in several namespaces: one call, names on stdin (kubectl does not throttle `-f`).
    const byName = deleteIngressesByName(none, [
      { namespace: 'kt-x', name: 'dk-alias-rpc-el-1' },
      { namespace: 'kt-y', name: 'dk-alias-http-cl-1' },
    ]);
    assert.deepEqual(byName.args, ['delete', '-f', '-', '--ignore-not-found', '--wait=false', '-o', 'name']);
    assert.deepEqual(JSON.parse(byName.input!), {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'dk-alias-rpc-el-1', namespace: 'kt-x' },
        },
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'dk-alias-http-cl-1', namespace: 'kt-y' },
        },
      ],
    });
    assert.throws(() => deleteIngressesByName(none, []), InvalidInputError);
    assert.throws(() => deleteIngressesByName(none, [{ namespace: '-n', name: 'a' }]), InvalidInputError);
    assert.notEqual(byName.idempotent, true);
  });

  test('the service proxy path names the namespace, the service and its port', () => {
    assert.equal(
      proxyPath({
        namespace: 'kt-x',
        service: 'cl-1-lighthouse-geth',
        port: 'http',
        path: '/eth/v1/node/health',
      }),
      '/api/v1/namespaces/kt-x/services/cl-1-lighthouse-geth:http/proxy/eth/v1/node/health',
    );
    assert.equal(
      proxyPath({ namespace: 'kt-x', service: 'el-1-geth-lighthouse', port: 8545, path: '' }),
      '/api/v1/namespaces/kt-x/services/el-1-geth-lighthouse:8545/proxy/',
    );
  });

  test('logs argv carries the Kurtosis container, tail, timestamps and the optional flags in order', () => {
    assert.deepEqual(logsArgs(none, { namespace: 'kt-x', pod: 'el-1-geth-lighthouse', tail: 200 }), [
      'logs',
      'el-1-geth-lighthouse',
      '-n',
      'kt-x',
      '-c',
      'user-service-container',
      '--tail',
      '200',
      '--timestamps',
    ]);
    assert.deepEqual(
      logsArgs(none, {
        namespace: 'kt-x',
        pod: 'dora',
        tail: 10,
        sinceTime: '2024-06-03T16:05:00Z',
        follow: true,
        previous: true,
      }),
      [
        'logs',
        'dora',
        '-n',
        'kt-x',
        '-c',
        'user-service-container',
        '--tail',
        '10',
        '--timestamps',
        '--since-time',
        '2024-06-03T16:05:00Z',
        '-f',
        '--previous',
      ],
    );
    assert.deepEqual(logsArgs(none, { namespace: 'kt-x', pod: 'dora', since: '5m' }).slice(-3), [
      '--timestamps',
      '--since',
      '5m',
    ]);
  });

  test('bad names, selectors and options are refused before anything runs', () => {
    assert.throws(() => getServicesAndPods(none, '--all-namespaces'), InvalidInputError);
    assert.throws(() => getServicesAndPods(none, 'Kt-X'), InvalidInputError);
    assert.throws(() => getNamespacesByLabel(none, ''), InvalidInputError);
    assert.throws(() => getNamespacesByLabel(none, '-A'), InvalidInputError);
    assert.throws(() => getServicesAndPods({ context: '--kubeconfig=/tmp/x' }, 'kt-x'), InvalidInputError);
    assert.throws(() => patchNamespace(none, 'kt-x', { labels: {} }), InvalidInputError);
    assert.throws(
      () => patchNamespace(none, 'kt-x', { labels: { 'devnet-kit/owner': 'not a label' } }),
      InvalidInputError,
    );
    assert.throws(() => patchNamespace(none, 'kt-x', { labels: { 'bad key=': 'x' } }), InvalidInputError);
    assert.throws(
      () => patchNamespace(none, 'kt-x', { annotations: { 'bad key=': 'x' } }),
      InvalidInputError,
    );
    assert.throws(() =>
      logsArgs(none, { namespace: 'kt-x', pod: 'dora', since: '5m', sinceTime: '2024-01-01T00:00:00Z' }),
    );
    assert.throws(
      () => logsArgs(none, { namespace: 'kt-x', pod: 'dora', sinceTime: 'yesterday' }),
      InvalidInputError,
    );
    assert.throws(() => logsArgs(none, { namespace: 'kt-x', pod: 'dora', since: 'soon' }), InvalidInputError);
    assert.throws(() => logsArgs(none, { namespace: 'kt-x', pod: 'dora', tail: 1.5 }), InvalidInputError);
    assert.throws(
      () => proxyPath({ namespace: 'kt-x', service: 'dora', port: 'http/../x', path: '' }),
      InvalidInputError,
    );
  });

  test('reads are retryable and writes are not', () => {
    for (const cmd of [
      configGetContexts(none),
      getNamespacesByLabel(none, 'a=b'),
      getServicesAndPods(none, 'kt-x'),
      getEnclaveObjects(none, 'kt-x'),
      getIngresses(none, { namespace: 'kt-x' }),
      getLogs(none, 'dora', { namespace: 'kt-x' }),
    ]) {
      assert.equal(cmd.idempotent, true, cmd.args.join(' '));
    }
    for (const cmd of [
      patchNamespace(none, 'kt-x', { labels: { a: 'b' } }),
      applyList(none, [{}]),
      deleteIngressesByName(none, [{ namespace: 'kt-x', name: 'a' }]),
    ]) {
      assert.notEqual(cmd.idempotent, true, cmd.args.join(' '));
    }
  });
});

describe('kubectl parsers', () => {
  test('get-contexts -o name: one context per line', () => {
    assert.deepEqual(configGetContexts(none).parse(ok('bruno\nkind-ci\n\n')), ['bruno', 'kind-ci']);
    assert.deepEqual(configGetContexts(none).parse(ok('')), []);
  });

  test('namespaces by label parse into Namespace objects', () => {
    const items = getNamespacesByLabel(none, 'a=b').parse(ok(fixture('namespaces-managed.json')));
    assert.deepEqual(
      items.map((ns) => ns.metadata?.name),
      ['kt-dusty-soil', 'kt-ci-4711'],
    );
    assert.deepEqual(getNamespacesByLabel(none, 'a=b').parse(ok(fixture('namespaces-empty.json'))), []);
  });

  test('a patched namespace comes back parsed', () => {
    const ns = patchNamespace(none, 'kt-dusty-soil', { labels: { a: 'b' } }).parse(
      ok(fixture('namespace-kt-dusty-soil.json')),
    );
    assert.equal(ns.metadata?.labels?.['kurtosistech.com/enclave-id'], '1a33b911bfa44dc6a7c1e6d1f0a8c2b3');
  });

  test('services,pods is split by kind', () => {
    const { services, pods } = getServicesAndPods(none, 'kt-dusty-soil').parse(
      ok(fixture('services-pods-kt-dusty-soil.json')),
    );
    assert.equal(services.length, 6);
    assert.equal(pods.length, 6);
    assert.ok(services.every((s) => s.kind === 'Service'));
    assert.ok(pods.some((p) => p.metadata?.name === 'kurtosis-api'));
  });

  test('services,pods,ingress is split by kind', () => {
    const objects = getEnclaveObjects(none, 'kt-dusty-soil').parse(
      ok(fixture('enclave-objects-kt-dusty-soil.json')),
    );
    assert.deepEqual([objects.services.length, objects.pods.length, objects.ingresses.length], [6, 6, 15]);
    assert.ok(objects.ingresses.some((i) => i.metadata?.name === 'dora'));
    const noIngress = getEnclaveObjects(none, 'kt-x').parse(ok(fixture('services-pods-kt-dusty-soil.json')));
    assert.deepEqual(noIngress.ingresses, []);
    assert.throws(
      () => getEnclaveObjects(none, 'kt-x').parse(ok(fixture('pvcs-kt-dusty-soil.json'))),
      ParseError,
    );
  });

  test('ingresses parse', () => {
    const ingresses = getIngresses(none, { namespace: 'kt-dusty-soil' }).parse(
      ok(fixture('ingresses-kurtosis-own.json')),
    );
    assert.equal(ingresses[0]?.metadata?.name, 'dora');
  });

  test('garbage is a ParseError that names the parser', () => {
    const ns = { namespace: 'kt-x' };
    const cases: [string, () => unknown][] = [
      ['not json', () => getIngresses(none, ns).parse(ok('Error from server (Forbidden)'))],
      ['no items', () => getIngresses(none, ns).parse(ok('{"kind":"List"}'))],
      ['not a list', () => getIngresses(none, ns).parse(ok('{"kind":"Pod","items":[]}'))],
      ['wrong kind', () => getIngresses(none, ns).parse(ok(fixture('namespaces-managed.json')))],
      ['no name', () => getIngresses(none, ns).parse(ok('{"kind":"List","items":[{"kind":"Ingress"}]}'))],
      [
        'unknown kind in services,pods',
        () => getServicesAndPods(none, 'kt-x').parse(ok(fixture('pvcs-kt-dusty-soil.json'))),
      ],
      ['namespace array', () => patchNamespace(none, 'kt-x', { labels: { a: 'b' } }).parse(ok('[]'))],
    ];
    for (const [what, run] of cases) {
      assert.throws(run, (error: unknown) => {
        assert.ok(error instanceof ParseError, what);
        assert.match(error.message, /could not parse/);
        return true;
      });
    }
    assert.throws(() => getIngresses(none, ns).parse(ok('nope')), { parser: 'getIngresses' });
  });

  test('apply -o json: one object, or a List of several', () => {
    const one =
      '{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"a","namespace":"kt-x"}}';
    assert.deepEqual(
      applyList(none, [{}])
        .parse(ok(one))
        .map((o) => o.metadata?.name),
      ['a'],
    );
    const many = `{"apiVersion":"v1","kind":"List","items":[${one},${one.replace('"a"', '"b"')}]}`;
    assert.deepEqual(
      applyList(none, [{}])
        .parse(ok(many))
        .map((o) => o.metadata?.name),
      ['a', 'b'],
    );
    assert.throws(
      () => applyList(none, [{}]).parse(ok('ingress.networking.k8s.io/a serverside-applied')),
      ParseError,
    );
  });

  test('delete output: -o name lines, the human form, and "No resources found"', () => {
    assert.deepEqual(
      parseDeleted(
        'ingress.networking.k8s.io/dk-rpc-el-1-geth-lighthouse\ningress.networking.k8s.io/dk-http-dora\n',
      ),
      ['dk-rpc-el-1-geth-lighthouse', 'dk-http-dora'],
    );
    assert.deepEqual(parseDeleted('ingress.networking.k8s.io "web" deleted\n'), ['web']);
    assert.deepEqual(parseDeleted('No resources found\n'), []);
    assert.deepEqual(deleteIngressesByName(none, [{ namespace: 'kt-x', name: 'a' }]).parse(ok('')), []);
    assert.throws(() => parseDeleted('error: something odd'), ParseError);
  });

  test('timestamped log lines split into time and text', () => {
    assert.deepEqual(parseLogLine('dora', '2024-06-03T16:05:23.123456789Z level=info msg="started"'), {
      service: 'dora',
      time: '2024-06-03T16:05:23.123456789Z',
      line: 'level=info msg="started"',
    });
    assert.deepEqual(parseLogLine('dora', '2024-06-03T16:05:23Z '), {
      service: 'dora',
      time: '2024-06-03T16:05:23Z',
      line: '',
    });
    assert.deepEqual(parseLogLine('dora', 'no timestamp here\r'), {
      service: 'dora',
      line: 'no timestamp here',
    });
    const lines = getLogs(none, 'el-1-geth-lighthouse', { namespace: 'kt-x', tail: 2 }).parse(
      ok('2024-06-03T16:05:23.1Z INFO a\n2024-06-03T16:05:24.2Z INFO b\n'),
    );
    assert.deepEqual(
      lines.map((l) => [l.service, l.time, l.line]),
      [
        ['el-1-geth-lighthouse', '2024-06-03T16:05:23.1Z', 'INFO a'],
        ['el-1-geth-lighthouse', '2024-06-03T16:05:24.2Z', 'INFO b'],
      ],
    );
    assert.deepEqual(getLogs(none, 'x', { namespace: 'kt-x' }).parse(ok('')), []);
  });
});
