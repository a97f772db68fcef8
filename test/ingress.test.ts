import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { InvalidInputError } from '../lib/errors.js';
import {
  hostComponent,
  hostnameFor,
  isExposedPort,
  primaryPortId,
  shortenName,
} from '../lib/ingress/hostnames.js';
import {
  buildIngresses,
  type IngressConfig,
  ingressName,
  listEndpointsFromIngresses,
} from '../lib/ingress/manifests.js';
import { isDnsLabel } from '../lib/input/predicates.js';
import { parseEnclaveObjects, parseKubeList } from '../lib/kube/parse.js';
import type { Port, Service, Transport } from '../lib/models.js';

// The services of fixtures/ethereum-package/samples/multi-client.yaml with ethereum-package 6.1.0's
// ports (reference/ethereum-package.md §2.2). [id, number, transport, app protocol].
type P = [string, number, Transport, string?];
const EL: P[] = [
  ['engine-rpc', 8551, 'tcp'],
  ['metrics', 9001, 'tcp', 'http'],
  ['rpc', 8545, 'tcp'],
  ['tcp-discovery', 30303, 'tcp'],
  ['udp-discovery', 30303, 'udp'],
  ['ws', 8546, 'tcp'],
];
const PORTS: Record<string, P[]> = {
  'el-1-geth-lighthouse': EL,
  'el-2-nethermind-teku': EL,
  'el-3-reth-prysm': EL,
  'el-4-besu-lodestar': EL,
  'cl-1-lighthouse-geth': [
    ['http', 4000, 'tcp', 'http'],
    ['metrics', 5054, 'tcp', 'http'],
    ['quic-discovery', 9001, 'udp'],
    ['tcp-discovery', 9000, 'tcp'],
    ['udp-discovery', 9000, 'udp'],
  ],
  'cl-2-teku-nethermind': [
    ['http', 4000, 'tcp', 'http'],
    ['http-validator', 5056, 'tcp', 'http'],
    ['metrics', 8008, 'tcp', 'http'],
    ['quic-discovery', 9001, 'udp'],
    ['tcp-discovery', 9000, 'tcp'],
    ['udp-discovery', 9000, 'udp'],
  ],
  'cl-3-prysm-reth': [
    ['http', 3500, 'tcp', 'http'],
    ['metrics', 8080, 'tcp', 'http'],
    ['profiling', 6060, 'tcp'],
    ['quic-discovery', 13000, 'udp'],
    ['rpc', 4000, 'tcp'],
    ['tcp-discovery', 13000, 'tcp'],
    ['udp-discovery', 12000, 'udp'],
  ],
  'cl-4-lodestar-besu': [
    ['http', 4000, 'tcp', 'http'],
    ['metrics', 8008, 'tcp', 'http'],
    ['tcp-discovery', 9000, 'tcp'],
    ['udp-discovery', 9000, 'udp'],
  ],
  'vc-1-geth-lighthouse': [['metrics', 8080, 'tcp', 'http']],
  'vc-3-reth-prysm': [['metrics', 8080, 'tcp', 'http']],
  'vc-4-besu-lodestar': [['metrics', 8080, 'tcp', 'http']],
  dora: [['http', 8080, 'tcp', 'http']],
  'validator-key-generation-cl-validator-keystore': [],
};

function services(names = Object.keys(PORTS)): Service[] {
  return names.map((name, i) => ({
    name,
    uuid: `${i.toString(16).padStart(2, '0')}${'ab'.repeat(15)}`,
    status: 'RUNNING',
    privateIp: `10.42.0.${10 + i}`,
    ports: PORTS[name]!.map(([id, number, transport, app]): Port => {
      const port: Port = { name: id, number, transport, endpoint: `10.42.0.${10 + i}:${number}` };
      if (app) port.applicationProtocol = app;
      return port;
    }),
  }));
}

const config = (over: Partial<IngressConfig> = {}): IngressConfig => ({
  baseDomain: 'k3s.bruno',
  hostStyle: 'dotted',
  className: 'traefik',
  annotations: {},
  tls: false,
  ...over,
});

const base = { enclave: 'multi-client', namespace: 'kt-multi-client', owner: 'alice' };

const GOLDEN = new URL('../fixtures/ingress/golden/', import.meta.url);
function golden(name: string, actual: unknown): void {
  const file = new URL(name, GOLDEN);
  const text = `${JSON.stringify(actual, null, 2)}\n`;
  if (process.env.UPDATE_GOLDENS === '1') {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text);
    return;
  }
  assert.equal(
    text,
    readFileSync(file, 'utf8'),
    `${name} differs; rerun with UPDATE_GOLDENS=1 after checking the change`,
  );
}

const LONG_ENCLAVE = 'a-forty-character-enclave-name-for-tests'; // 40
const LONG_OWNER = 'thirty-character-owner-name-xx'; // 30

// The golden files hold a v1 List, as `kubectl apply -f -` reads it.
const ingressList = (items: readonly object[]) => ({ apiVersion: 'v1', kind: 'List', items });

describe('hostnames', () => {
  test('dotted: primary port bare, other ports prefixed; alias drops the enclave', () => {
    const h = (port: string, primary: boolean, alias = false) =>
      hostnameFor({
        service: 'el-1-geth-lighthouse',
        port,
        enclave: 'devnet-1',
        owner: 'alice',
        baseDomain: 'k3s.bruno',
        style: 'dotted',
        primary,
        alias,
      });
    assert.equal(h('rpc', true), 'el-1-geth-lighthouse.devnet-1.alice.k3s.bruno');
    assert.equal(h('ws', false), 'ws-el-1-geth-lighthouse.devnet-1.alice.k3s.bruno');
    assert.equal(h('rpc', true, true), 'el-1-geth-lighthouse.alice.k3s.bruno');
    assert.equal(h('ws', false, true), 'ws-el-1-geth-lighthouse.alice.k3s.bruno');
  });

  test('flat: one label with -- separators; alias drops the enclave', () => {
    const h = (port: string, primary: boolean, alias = false) =>
      hostnameFor({
        service: 'dora',
        port,
        enclave: 'devnet-1',
        owner: 'alice',
        baseDomain: 'K3s.Bruno.',
        style: 'flat',
        primary,
        alias,
      });
    assert.equal(h('http', true), 'dora--devnet-1--alice.k3s.bruno');
    assert.equal(h('metrics', false), 'metrics-dora--devnet-1--alice.k3s.bruno');
    assert.equal(h('http', true, true), 'dora--alice.k3s.bruno');
    assert.equal(h('metrics', false, true), 'metrics-dora--alice.k3s.bruno');
  });

  test('a 40-character enclave and a 30-character owner overflow flat labels: shortened, valid, stable, distinct', () => {
    assert.equal(LONG_ENCLAVE.length, 40);
    assert.equal(LONG_OWNER.length, 30);
    const hosts = new Set<string>();
    for (const svc of services()) {
      for (const port of svc.ports.filter((p) => isExposedPort(svc.name, p))) {
        for (const alias of [false, true]) {
          const input = {
            service: svc.name,
            port: port.name,
            enclave: LONG_ENCLAVE,
            owner: LONG_OWNER,
            baseDomain: 'k3s.bruno',
            style: 'flat' as const,
            primary:
              port.name ===
              primaryPortId(
                svc.name,
                svc.ports.map((p) => p.name),
              ),
            alias,
          };
          const host = hostnameFor(input);
          const [first, ...rest] = host.split('.');
          assert.ok(isDnsLabel(first!), `${first} (${first!.length})`);
          assert.deepEqual(rest, ['k3s', 'bruno']);
          assert.equal(hostnameFor(input), host, 'deterministic');
          assert.ok(!hosts.has(host), `collision on ${host}`);
          hosts.add(host);
        }
      }
    }
    const long = hostnameFor({
      service: 'el-1-geth-lighthouse',
      port: 'metrics',
      enclave: LONG_ENCLAVE,
      owner: LONG_OWNER,
      baseDomain: 'k3s.bruno',
      style: 'flat',
      primary: false,
    });
    // The full label `metrics-el-1-geth-lighthouse--<40>--<30>` is 102 characters.
    // Cut at 56, the dangling '-' dropped, then '-' and 6 hex of sha256(full label).
    assert.match(long, /^metrics-el-1-geth-lighthouse--a-forty-character-enclave-[0-9a-f]{6}\.k3s\.bruno$/);
    assert.ok(long.split('.')[0]!.length <= 63);
  });

  test('dotted labels are shortened one by one', () => {
    const enclave = `e${'x'.repeat(70)}`;
    const host = hostnameFor({
      service: 'dora',
      port: 'http',
      enclave,
      owner: 'alice',
      baseDomain: 'k3s.bruno',
      style: 'dotted',
      primary: true,
    });
    const labels = host.split('.');
    assert.equal(labels[0], 'dora');
    assert.equal(labels[1], shortenName(enclave, 63));
    assert.equal(labels[1]!.length, 63);
    assert.equal(labels[2], 'alice');
  });

  test('shortening: unchanged when it fits, else prefix + hash; different inputs stay different', () => {
    assert.equal(shortenName('short', 63), 'short');
    const a = `${'a'.repeat(60)}-one`;
    const b = `${'a'.repeat(60)}-two`;
    assert.notEqual(shortenName(a, 63), shortenName(b, 63));
    assert.equal(shortenName(a, 63), shortenName(a, 63));
    assert.equal(shortenName(a, 63).length, 63);
    // no hyphen left dangling before the hash separator
    assert.match(shortenName(`${'a'.repeat(55)}--${'b'.repeat(20)}`, 63), /^a{55}-[0-9a-f]{6}$/);
  });

  test('components that are not DNS labels are sanitised and marked, never emitted invalid', () => {
    assert.equal(hostComponent('devnet-1'), 'devnet-1');
    assert.match(hostComponent('My_Net'), /^my-net-[0-9a-f]{6}$/);
    assert.notEqual(hostComponent('My_Net'), hostComponent('my-net'));
    assert.notEqual(hostComponent('a--b'), hostComponent('a-b'));
    assert.match(hostComponent('---'), /^x-[0-9a-f]{6}$/);
    for (const odd of ['UPPER', 'ünïcödé', '-lead', 'trail-', 'dots.in.name', 'x'.repeat(100)]) {
      assert.ok(isDnsLabel(shortenName(hostComponent(odd), 63)), odd);
    }
  });

  test('an invalid base domain or an over-long host is refused', () => {
    const input = {
      service: 'dora',
      port: 'http',
      enclave: 'e',
      owner: 'o',
      style: 'dotted' as const,
      primary: true,
    };
    assert.throws(() => hostnameFor({ ...input, baseDomain: 'bad_domain.example' }), InvalidInputError);
    assert.throws(() => hostnameFor({ ...input, baseDomain: '' }), InvalidInputError);
    const huge = Array.from({ length: 5 }, () => 'x'.repeat(60)).join('.');
    assert.throws(() => hostnameFor({ ...input, baseDomain: huge }), InvalidInputError);
  });

  test('exposed ports: HTTP/WS APIs only — never engine-*, p2p, discovery, or prysm gRPC', () => {
    assert.ok(isExposedPort('el-1-geth-lighthouse', { name: 'rpc', transport: 'tcp' }));
    assert.ok(isExposedPort('el-1-geth-lighthouse', { name: 'ws', transport: 'tcp' }));
    assert.ok(isExposedPort('el-1-erigon-lighthouse', { name: 'ws-rpc', transport: 'tcp' }));
    assert.ok(
      isExposedPort('el-1-geth-lighthouse', {
        name: 'metrics',
        transport: 'tcp',
        applicationProtocol: 'http',
      }),
    );
    assert.ok(isExposedPort('dora', { name: 'http', transport: 'tcp', applicationProtocol: 'http' }));
    assert.ok(isExposedPort('some-tool', { name: 'api', transport: 'tcp' }));
    for (const name of [
      'engine-rpc',
      'engine-ws',
      'tcp-discovery',
      'udp-discovery',
      'quic-discovery',
      'p2p',
      'profiling',
    ]) {
      assert.ok(!isExposedPort('el-1-geth-lighthouse', { name, transport: 'tcp' }), name);
    }
    assert.ok(!isExposedPort('cl-3-prysm-reth', { name: 'rpc', transport: 'tcp' }), 'prysm gRPC');
    assert.ok(!isExposedPort('dora', { name: 'http', transport: 'udp' }));
    assert.ok(!isExposedPort('dora', { name: 'http', transport: 'tcp', applicationProtocol: 'grpc' }));
  });

  test('primary port: rpc or ws-rpc for EL, http for the rest', () => {
    assert.equal(primaryPortId('el-1-geth-lighthouse', ['metrics', 'rpc', 'ws']), 'rpc');
    assert.equal(primaryPortId('el-2-erigon-teku', ['metrics', 'ws-rpc']), 'ws-rpc');
    assert.equal(primaryPortId('cl-1-lighthouse-geth', ['http', 'metrics']), 'http');
    assert.equal(primaryPortId('vc-1-geth-lighthouse', ['metrics']), undefined);
  });
});

describe('ingress manifests', () => {
  test('multi-client, dotted: golden', () => {
    const plan = buildIngresses({ ...base, services: services(), config: config() });
    assert.equal(plan.ingresses.length, 24);
    golden('multi-client-dotted.json', ingressList(plan.ingresses));
  });

  test('multi-client, flat: golden', () => {
    const plan = buildIngresses({ ...base, services: services(), config: config({ hostStyle: 'flat' }) });
    golden('multi-client-flat.json', ingressList(plan.ingresses));
  });

  test('multi-client alias sets, both styles: golden', () => {
    const dotted = buildIngresses({ ...base, services: services(), config: config(), alias: true });
    golden('multi-client-alias-dotted.json', ingressList(dotted.ingresses));
    const flat = buildIngresses({
      ...base,
      services: services(),
      config: config({ hostStyle: 'flat' }),
      alias: true,
    });
    golden('multi-client-alias-flat.json', ingressList(flat.ingresses));
  });

  test('long names, flat, TLS with derived secrets and annotations: golden', () => {
    const plan = buildIngresses({
      enclave: LONG_ENCLAVE,
      namespace: `kt-${LONG_ENCLAVE}`,
      owner: LONG_OWNER,
      services: services(['el-1-geth-lighthouse', 'dora']),
      config: config({
        hostStyle: 'flat',
        baseDomain: 'devnets.example.org',
        tls: true,
        annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
      }),
    });
    golden('long-names-flat-tls.json', ingressList(plan.ingresses));
  });

  test('what the golden hosts look like', () => {
    const hosts = (over: Partial<IngressConfig>, alias = false) =>
      buildIngresses({ ...base, services: services(), config: config(over), alias }).endpoints.map(
        (e) => e.host,
      );
    assert.deepEqual(hosts({}).slice(0, 4), [
      'cl-1-lighthouse-geth.multi-client.alice.k3s.bruno',
      'metrics-cl-1-lighthouse-geth.multi-client.alice.k3s.bruno',
      'cl-2-teku-nethermind.multi-client.alice.k3s.bruno',
      'metrics-cl-2-teku-nethermind.multi-client.alice.k3s.bruno',
    ]);
    assert.ok(hosts({}).includes('ws-el-1-geth-lighthouse.multi-client.alice.k3s.bruno'));
    assert.ok(hosts({}).includes('metrics-vc-1-geth-lighthouse.multi-client.alice.k3s.bruno'));
    assert.ok(hosts({ hostStyle: 'flat' }).includes('el-1-geth-lighthouse--multi-client--alice.k3s.bruno'));
    assert.ok(hosts({ hostStyle: 'flat' }, true).includes('dora--alice.k3s.bruno'));
    assert.ok(hosts({}, true).includes('ws-el-4-besu-lodestar.alice.k3s.bruno'));
  });

  test('one Ingress per exposed port, none for engine-rpc, p2p, discovery or prysm rpc', () => {
    const plan = buildIngresses({ ...base, services: services(), config: config() });
    const pairs = plan.endpoints.map((e) => `${e.service}/${e.port}`);
    assert.ok(!pairs.some((p) => /engine|discovery|profiling|http-validator/.test(p)), pairs.join(' '));
    assert.ok(!pairs.includes('cl-3-prysm-reth/rpc'));
    assert.ok(!pairs.some((p) => p.startsWith('validator-key-generation')));
    assert.deepEqual(
      pairs.filter((p) => p.startsWith('el-1-')),
      ['el-1-geth-lighthouse/metrics', 'el-1-geth-lighthouse/rpc', 'el-1-geth-lighthouse/ws'],
    );
    const names = plan.ingresses.map((i) => i.metadata?.name);
    assert.equal(new Set(names).size, names.length);
    assert.equal(new Set(plan.endpoints.map((e) => e.host)).size, plan.endpoints.length);
  });

  test('backend is the Kurtosis Service by port name; names never clash with Kurtosis own Ingress', () => {
    const [ingress] = buildIngresses({ ...base, services: services(['dora']), config: config() }).ingresses;
    assert.equal(ingress?.metadata?.name, 'dk-http-dora');
    assert.equal(ingress?.metadata?.namespace, 'kt-multi-client');
    assert.deepEqual(ingress?.spec?.rules?.[0]?.http?.paths, [
      { path: '/', pathType: 'Prefix', backend: { service: { name: 'dora', port: { name: 'http' } } } },
    ]);
    assert.equal(ingressName('dora', 'http', true), 'dk-alias-http-dora');
  });

  test('labels, verbatim annotations and class; no class or TLS unless asked', () => {
    const annotations = { 'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure', 'x/y': 'a b: c' };
    const [ingress] = buildIngresses({
      ...base,
      services: services(['dora']),
      config: config({ annotations }),
      alias: true,
    }).ingresses;
    assert.deepEqual(ingress?.metadata?.labels, {
      'app.kubernetes.io/managed-by': 'devnet-kit',
      'devnet-kit/owner': 'alice',
      'devnet-kit/enclave': 'multi-client',
      'devnet-kit/alias': 'true',
    });
    assert.deepEqual(ingress?.metadata?.annotations, {
      ...annotations,
      'devnet-kit/service': 'dora',
      'devnet-kit/port': 'http',
    });
    assert.equal(ingress?.spec?.ingressClassName, 'traefik');
    const [plain] = buildIngresses({
      ...base,
      services: services(['dora']),
      config: config({ className: undefined }),
    }).ingresses;
    assert.equal(plain?.spec && 'ingressClassName' in plain.spec, false);
    assert.equal(plain?.spec && 'tls' in plain.spec, false);
    assert.equal(plain?.metadata?.labels?.['devnet-kit/alias'], undefined);
  });

  test('TLS: a shared secret, a derived one per Ingress, and the alias secret', () => {
    const tlsOf = (over: Partial<IngressConfig>, alias = false) =>
      buildIngresses({ ...base, services: services(['dora']), config: config({ tls: true, ...over }), alias })
        .ingresses[0]?.spec?.tls;
    assert.deepEqual(tlsOf({ tlsSecret: 'wildcard-k3s-bruno' }), [
      { hosts: ['dora.multi-client.alice.k3s.bruno'], secretName: 'wildcard-k3s-bruno' },
    ]);
    assert.deepEqual(tlsOf({}), [
      { hosts: ['dora.multi-client.alice.k3s.bruno'], secretName: 'dk-http-dora-tls' },
    ]);
    assert.deepEqual(tlsOf({ tlsSecret: 'wildcard', aliasTlsSecret: 'alias-wildcard' }, true), [
      { hosts: ['dora.alice.k3s.bruno'], secretName: 'alias-wildcard' },
    ]);
    assert.deepEqual(tlsOf({ tlsSecret: 'wildcard' }, true), [
      { hosts: ['dora.alice.k3s.bruno'], secretName: 'dk-alias-http-dora-tls' },
    ]);
  });

  test('endpoint URLs: http(s) for HTTP ports, ws(s) for ws', () => {
    const urls = (tls: boolean) =>
      Object.fromEntries(
        buildIngresses({
          ...base,
          services: services(['el-1-geth-lighthouse']),
          config: config({ tls }),
        }).endpoints.map((e) => [e.port, e.url]),
      );
    assert.deepEqual(urls(false), {
      metrics: 'http://metrics-el-1-geth-lighthouse.multi-client.alice.k3s.bruno',
      rpc: 'http://el-1-geth-lighthouse.multi-client.alice.k3s.bruno',
      ws: 'ws://ws-el-1-geth-lighthouse.multi-client.alice.k3s.bruno',
    });
    assert.equal(urls(true).ws, 'wss://ws-el-1-geth-lighthouse.multi-client.alice.k3s.bruno');
    assert.equal(urls(true).rpc, 'https://el-1-geth-lighthouse.multi-client.alice.k3s.bruno');
  });

  test('a service named like another service’s prefixed port does not steal its host', () => {
    const svc = (name: string, ports: Port[]): Service => ({ name, uuid: name, status: 'RUNNING', ports });
    const http: Port = {
      name: 'http',
      number: 80,
      transport: 'tcp',
      applicationProtocol: 'http',
      endpoint: '',
    };
    const metrics: Port = {
      name: 'metrics',
      number: 90,
      transport: 'tcp',
      applicationProtocol: 'http',
      endpoint: '',
    };
    const plan = buildIngresses({
      ...base,
      services: [svc('foo', [http, metrics]), svc('metrics-foo', [http])],
      config: config(),
    });
    const hosts = plan.endpoints.map((e) => `${e.service}/${e.port} ${e.host}`);
    assert.ok(hosts.includes('metrics-foo/http metrics-foo.multi-client.alice.k3s.bruno'), hosts.join('\n'));
    assert.ok(
      hosts.some((h) => /^foo\/metrics metrics-foo-[0-9a-f]{6}\.multi-client/.test(h)),
      hosts.join('\n'),
    );
  });

  test('owner, enclave and namespace must be valid label values and names', () => {
    const build = (over: Partial<typeof base>) => () =>
      buildIngresses({ ...base, ...over, services: services(['dora']), config: config() });
    assert.throws(build({ owner: 'Not Valid' }), InvalidInputError);
    assert.throws(build({ enclave: '-lead' }), InvalidInputError);
    assert.throws(build({ namespace: 'KT' }), InvalidInputError);
  });
});

describe('endpoints from Ingresses', () => {
  test('round trip: build → List JSON → parse → listEndpointsFromIngresses', () => {
    for (const hostStyle of ['dotted', 'flat'] as const) {
      for (const tls of [false, true]) {
        const own = buildIngresses({ ...base, services: services(), config: config({ hostStyle, tls }) });
        const alias = buildIngresses({
          ...base,
          services: services(),
          config: config({ hostStyle, tls }),
          alias: true,
        });
        const json = JSON.stringify(ingressList([...alias.ingresses, ...own.ingresses]));
        const read = listEndpointsFromIngresses(parseKubeList('test', json, ['Ingress']));
        assert.deepEqual(read, [...own.endpoints, ...alias.endpoints], `${hostStyle} tls=${tls}`);
      }
    }
  });

  test('the goldens read back, and Kurtosis own Ingress is ignored', () => {
    const goldenList = readFileSync(new URL('multi-client-flat.json', GOLDEN), 'utf8');
    const kurtosis = readFileSync(
      new URL('../fixtures/kube/ingresses-kurtosis-own.json', import.meta.url),
      'utf8',
    );
    const items = [
      ...parseKubeList('test', kurtosis, ['Ingress']),
      ...parseKubeList('test', goldenList, ['Ingress']),
    ] as Parameters<typeof listEndpointsFromIngresses>[0];
    const endpoints = listEndpointsFromIngresses(items);
    assert.equal(endpoints.length, 24);
    assert.ok(endpoints.every((e) => e.enclave === 'multi-client' && !e.alias));
    assert.deepEqual(
      endpoints.find((e) => e.service === 'dora'),
      {
        enclave: 'multi-client',
        service: 'dora',
        port: 'http',
        url: 'http://dora--multi-client--alice.k3s.bruno',
        host: 'dora--multi-client--alice.k3s.bruno',
        alias: false,
      },
    );
  });

  test('one get services,pods,ingress answers services with publicUrl and endpoints', () => {
    const objects = parseEnclaveObjects(
      readFileSync(new URL('../fixtures/kube/enclave-objects-kt-dusty-soil.json', import.meta.url), 'utf8'),
    );
    const endpoints = listEndpointsFromIngresses(objects.ingresses);
    assert.equal(endpoints.length, 14);
    assert.equal(endpoints.filter((e) => e.alias).length, 7);
    assert.deepEqual(
      endpoints.filter((e) => e.service === 'el-1-geth-lighthouse' && !e.alias).map((e) => e.url),
      [
        'http://metrics-el-1-geth-lighthouse.dusty-soil.alice.k3s.bruno',
        'http://el-1-geth-lighthouse.dusty-soil.alice.k3s.bruno',
        'ws://ws-el-1-geth-lighthouse.dusty-soil.alice.k3s.bruno',
      ],
    );
    assert.equal(endpoints.find((e) => e.alias && e.service === 'dora')?.url, 'http://dora.alice.k3s.bruno');
  });

  test('service and port fall back to the backend when our annotations are gone; broken ones are skipped', () => {
    const [ingress] = buildIngresses({ ...base, services: services(['dora']), config: config() }).ingresses;
    const bare = structuredClone(ingress!);
    bare.metadata!.annotations = {};
    assert.deepEqual(
      listEndpointsFromIngresses([bare]).map((e) => [e.service, e.port]),
      [['dora', 'http']],
    );
    const noHost = structuredClone(ingress!);
    delete noHost.spec!.rules![0]!.host;
    assert.deepEqual(listEndpointsFromIngresses([noHost]), []);
  });
});
