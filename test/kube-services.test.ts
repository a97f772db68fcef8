import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Namespace, Pod } from 'kubernetes-types/core/v1.js';
import { ParseError } from '../lib/errors.js';
import { parseKubeList, parseServicesAndPods } from '../lib/kube/parse.js';
import {
  enclaveMetaFromNamespace,
  parsePortsAnnotation,
  serviceStatus,
  servicesFromKube,
} from '../lib/kube/services.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/kube/${name}`, import.meta.url), 'utf8');
const healthy = parseServicesAndPods(fixture('services-pods-kt-dusty-soil.json'));
const degraded = parseServicesAndPods(fixture('services-pods-degraded.json'));

describe('parsePortsAnnotation', () => {
  test('reads id, number, transport, application protocol and wait', () => {
    assert.deepEqual(
      parsePortsAnnotation('rpc:8545/TCP/-2m0s,metrics:9001/TCP/http-2m0s,udp-discovery:30303/UDP'),
      [
        { id: 'rpc', number: 8545, transport: 'tcp', wait: '2m0s' },
        { id: 'metrics', number: 9001, transport: 'tcp', applicationProtocol: 'http', wait: '2m0s' },
        { id: 'udp-discovery', number: 30303, transport: 'udp' },
      ],
    );
  });

  test('an application protocol without wait, one with a dash, and SCTP', () => {
    assert.deepEqual(parsePortsAnnotation('http:80/TCP/http,web:81/TCP/grpc-web,sig:9/SCTP/'), [
      { id: 'http', number: 80, transport: 'tcp', applicationProtocol: 'http' },
      { id: 'web', number: 81, transport: 'tcp', applicationProtocol: 'grpc-web' },
      { id: 'sig', number: 9, transport: 'sctp' },
    ]);
    assert.deepEqual(parsePortsAnnotation('a:1/TCP/ws-1m30s'), [
      { id: 'a', number: 1, transport: 'tcp', applicationProtocol: 'ws', wait: '1m30s' },
    ]);
  });

  test('empty means no ports', () => {
    assert.deepEqual(parsePortsAnnotation(''), []);
  });

  test('garbage throws ParseError', () => {
    for (const bad of [
      'rpc',
      ':1/TCP',
      'rpc:/TCP',
      'rpc:70000/TCP',
      'rpc:8545/QUIC',
      'rpc:8545',
      'a:1/TCP/x/y',
      'a:1/TCP,a:2/TCP',
    ]) {
      assert.throws(() => parsePortsAnnotation(bad), ParseError, bad);
    }
  });
});

describe('servicesFromKube', () => {
  const services = servicesFromKube(healthy.services, healthy.pods);

  test('one model per Kurtosis user service, sorted, without the API container', () => {
    assert.deepEqual(
      services.map((s) => s.name),
      [
        'cl-1-lighthouse-geth',
        'dora',
        'el-1-geth-lighthouse',
        'validator-key-generation-cl-validator-keystore',
        'vc-1-geth-lighthouse',
      ],
    );
    assert.ok(services.every((s) => s.status === 'RUNNING'));
  });

  test('the EL: uuid from the guid label, pod IP, HTTP and WS endpoints without app protocols', () => {
    const el = services.find((s) => s.name === 'el-1-geth-lighthouse')!;
    assert.equal(el.uuid, 'f8a7764be2454d1c9b0a8e7f6d5c4b3a');
    assert.equal(el.privateIp, '10.42.0.21');
    assert.deepEqual(el.ports, [
      { name: 'engine-rpc', number: 8551, transport: 'tcp', endpoint: '10.42.0.21:8551' },
      {
        name: 'metrics',
        number: 9001,
        transport: 'tcp',
        applicationProtocol: 'http',
        endpoint: 'http://10.42.0.21:9001',
      },
      { name: 'rpc', number: 8545, transport: 'tcp', endpoint: 'http://10.42.0.21:8545' },
      { name: 'tcp-discovery', number: 30303, transport: 'tcp', endpoint: '10.42.0.21:30303' },
      { name: 'udp-discovery', number: 30303, transport: 'udp', endpoint: '10.42.0.21:30303' },
      { name: 'ws', number: 8546, transport: 'tcp', endpoint: 'ws://10.42.0.21:8546' },
    ]);
  });

  test('the CL, the VC and dora', () => {
    const cl = services.find((s) => s.name === 'cl-1-lighthouse-geth')!;
    assert.deepEqual(
      cl.ports.map((p) => `${p.name} ${p.endpoint}`),
      [
        'http http://10.42.0.23:4000',
        'metrics http://10.42.0.23:5054',
        'quic-discovery 10.42.0.23:9001',
        'tcp-discovery 10.42.0.23:9000',
        'udp-discovery 10.42.0.23:9000',
      ],
    );
    assert.equal(cl.ports.find((p) => p.name === 'quic-discovery')?.transport, 'udp');
    const vc = services.find((s) => s.name === 'vc-1-geth-lighthouse')!;
    assert.deepEqual(vc.ports, [
      {
        name: 'metrics',
        number: 8080,
        transport: 'tcp',
        applicationProtocol: 'http',
        endpoint: 'http://10.42.0.25:8080',
      },
    ]);
    assert.equal(services.find((s) => s.name === 'dora')?.ports[0]?.endpoint, 'http://10.42.0.27:8080');
  });

  test('a started service without ports has none (the placeholder port is not a port)', () => {
    const helper = services.find((s) => s.name === 'validator-key-generation-cl-validator-keystore')!;
    assert.deepEqual(helper.ports, []);
    assert.equal(helper.status, 'RUNNING');
  });

  test('statuses of a devnet in trouble', () => {
    const byName = Object.fromEntries(
      servicesFromKube(degraded.services, degraded.pods).map((s) => [s.name, s]),
    );
    assert.equal(byName['el-1-geth-lighthouse']?.status, 'RUNNING');
    // Pending (image pull back-off): neither running nor stopped; no pod IP yet → DNS name.
    assert.equal(byName['cl-1-lighthouse-geth']?.status, 'UNKNOWN');
    assert.equal(byName['cl-1-lighthouse-geth']?.privateIp, undefined);
    assert.equal(
      byName['cl-1-lighthouse-geth']?.ports.find((p) => p.name === 'http')?.endpoint,
      'http://cl-1-lighthouse-geth:4000',
    );
    // Stopped with `kurtosis service stop`: Service kept, pod gone.
    assert.equal(byName['vc-1-geth-lighthouse']?.status, 'STOPPED');
    assert.equal(byName['vc-1-geth-lighthouse']?.ports.length, 1);
    // Registered, never started: placeholder port only.
    assert.equal(byName.dora?.status, 'UNKNOWN');
    assert.deepEqual(byName.dora?.ports, []);
    assert.equal(byName['validator-key-generation-cl-validator-keystore']?.status, 'STOPPED');
  });

  test('ClusterIP addressing on request', () => {
    const el = servicesFromKube(healthy.services, healthy.pods, { address: 'cluster' }).find(
      (s) => s.name === 'el-1-geth-lighthouse',
    )!;
    assert.equal(el.privateIp, '10.43.201.9');
    assert.equal(el.ports.find((p) => p.name === 'rpc')?.endpoint, 'http://10.43.201.9:8545');
  });

  test('without the ports annotation, the named ServicePorts are used', () => {
    const svc = structuredClone(healthy.services.find((s) => s.metadata?.name === 'dora')!);
    delete svc.metadata!.annotations;
    const pods = healthy.pods.filter((p) => p.metadata?.name !== 'dora');
    const [dora] = servicesFromKube([svc], pods);
    assert.deepEqual(dora?.ports, [
      {
        name: 'http',
        number: 8080,
        transport: 'tcp',
        applicationProtocol: 'http',
        endpoint: 'http://dora:8080',
      },
    ]);
  });

  test('the annotation wins over ServicePorts, which add what it lacks', () => {
    const svc = structuredClone(healthy.services.find((s) => s.metadata?.name === 'dora')!);
    svc.metadata!.annotations = { 'kurtosistech.com/ports': 'http:8080/TCP/-2m0s' };
    svc.spec!.ports = [
      { name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' },
      { name: 'extra', port: 9999, protocol: 'UDP' },
    ];
    const [dora] = servicesFromKube([svc], []);
    assert.deepEqual(
      dora?.ports.map((p) => [p.name, p.number, p.transport, p.applicationProtocol]),
      [
        ['extra', 9999, 'udp', undefined],
        ['http', 8080, 'tcp', 'http'],
      ],
    );
  });

  test('a broken ports annotation or a user service without a guid is a ParseError', () => {
    const svc = structuredClone(healthy.services.find((s) => s.metadata?.name === 'dora')!);
    svc.metadata!.annotations = { 'kurtosistech.com/ports': 'http=8080' };
    assert.throws(() => servicesFromKube([svc], []), ParseError);
    const noGuid = structuredClone(healthy.services.find((s) => s.metadata?.name === 'dora')!);
    delete noGuid.metadata!.labels!['kurtosistech.com/guid'];
    assert.throws(() => servicesFromKube([noGuid], []), ParseError);
  });
});

describe('serviceStatus', () => {
  const running = healthy.pods.find((p) => p.metadata?.name === 'el-1-geth-lighthouse')!;
  const withMain = (patch: (p: Pod) => void): Pod => {
    const p = structuredClone(running);
    patch(p);
    return p;
  };

  test('ready → RUNNING; crash-loop back-off → UNKNOWN; terminated container or terminating pod → STOPPED', () => {
    assert.equal(serviceStatus(running, true), 'RUNNING');
    const crashLoop = withMain((p) => {
      p.status!.containerStatuses![0] = {
        ...p.status!.containerStatuses![0]!,
        ready: false,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
      };
    });
    assert.equal(serviceStatus(crashLoop, true), 'UNKNOWN');
    const exited = withMain((p) => {
      p.status!.containerStatuses![0] = {
        ...p.status!.containerStatuses![0]!,
        ready: false,
        state: { terminated: { exitCode: 1 } },
      };
    });
    assert.equal(serviceStatus(exited, true), 'STOPPED');
    const terminating: Pod = {
      ...running,
      metadata: { ...running.metadata, deletionTimestamp: '2024-06-03T17:00:00Z' },
    };
    assert.equal(serviceStatus(terminating, true), 'STOPPED');
    const inPhase = (phase: string): Pod => ({ ...running, status: { ...running.status, phase } });
    assert.equal(serviceStatus(inPhase('Succeeded'), true), 'STOPPED');
    assert.equal(serviceStatus(inPhase('Failed'), true), 'STOPPED');
    assert.equal(serviceStatus(inPhase('Pending'), true), 'UNKNOWN');
    assert.equal(serviceStatus(inPhase('Unknown'), true), 'UNKNOWN');
  });

  test('no pod: STOPPED once started, UNKNOWN while only registered', () => {
    assert.equal(serviceStatus(undefined, true), 'STOPPED');
    assert.equal(serviceStatus(undefined, false), 'UNKNOWN');
  });
});

describe('enclave namespaces', () => {
  const namespaces = parseKubeList<Namespace>('test', fixture('namespaces-managed.json'), ['Namespace']);

  test('meta: Kurtosis name, uuid and creation time; devnet-kit owner, expiry and alias', () => {
    assert.deepEqual(enclaveMetaFromNamespace(namespaces[0]!), {
      namespace: 'kt-dusty-soil',
      enclaveUuid: '1a33b911bfa44dc6a7c1e6d1f0a8c2b3',
      enclaveName: 'dusty-soil',
      createdAt: '2024-06-03T16:04:43.000Z',
      owner: 'alice',
      expiresAt: '2024-06-03T20:04:43.000Z',
      managed: true,
      isAlias: false,
    });
    assert.equal(enclaveMetaFromNamespace(namespaces[1]!).isAlias, true);
  });

  test('meta of a bare namespace falls back to the namespace name and ignores a bad expiry', () => {
    const ns: Namespace = {
      metadata: {
        name: 'kt-hand-made',
        creationTimestamp: '2024-06-01T00:00:00Z',
        annotations: { 'devnet-kit/expires-at': 'tomorrow' },
      },
    };
    assert.deepEqual(enclaveMetaFromNamespace(ns), {
      namespace: 'kt-hand-made',
      enclaveName: 'hand-made',
      createdAt: '2024-06-01T00:00:00.000Z',
      managed: false,
      isAlias: false,
    });
  });
});
