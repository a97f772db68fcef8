// Public endpoints on Kubernetes, through the real kubectl against the fake API server: the devnet's
// Ingresses, the owner's alias that follows the default devnet, and `endpoints` in every format.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { down, listEnclaves, listEndpoints, setDefault, up } from '../lib/index.js';
import type { DevnetEvent } from '../lib/models.js';
import { MINIMAL, pairsArgs, writeArgsFile } from './support/args-fixtures.js';
import { useHarness } from './support/harness.js';

const MULTI = new URL('../fixtures/ethereum-package/samples/multi-client.yaml', import.meta.url).pathname;

type Obj = {
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { rules: { host: string }[] };
};

function config(style: 'dotted' | 'flat', extra: Record<string, unknown> = {}) {
  return {
    cluster: { name: 'kubernetes' },
    devnet: {
      ingress: {
        enabled: true,
        base_domain: 'k3s.bruno',
        host_style: style,
        class_name: 'traefik',
        ...extra,
      },
    },
  };
}

function golden(file: string): Map<string, string> {
  const list = JSON.parse(
    readFileSync(new URL(`../fixtures/ingress/golden/${file}`, import.meta.url), 'utf8'),
  ) as { items: Obj[] };
  return new Map(list.items.map((i) => [i.metadata.name, i.spec.rules[0]!.host]));
}

describe('Ingresses of a devnet', () => {
  const h = useHarness('kubernetes');

  const ingresses = (ns?: string) => h.kube!.server.list('ingresses', ns) as Obj[];
  const hosts = (ns: string, alias = false) =>
    new Map(
      ingresses(ns)
        .filter(
          (i) =>
            (i.metadata.labels['devnet-kit/alias'] === 'true') === alias &&
            i.metadata.labels['app.kubernetes.io/managed-by'] === 'devnet-kit',
        )
        .map((i) => [i.metadata.name, i.spec.rules[0]!.host]),
    );

  it('gets exactly the golden dotted hostnames for a multi-client devnet, and its alias set', async () => {
    const net = await up({
      ...h.options({ config: config('dotted') }),
      name: 'multi-client',
      argsFile: MULTI,
    });
    assert.deepEqual(hosts('kt-multi-client'), golden('multi-client-dotted.json'));
    assert.deepEqual(hosts('kt-multi-client', true), golden('multi-client-alias-dotted.json'));
    assert.ok(
      ![...hosts('kt-multi-client').keys()].some((n) => /engine|discovery/.test(n)),
      'no engine or p2p port',
    );
    const one = ingresses('kt-multi-client').find(
      (i) => i.metadata.name === 'dk-rpc-el-1-geth-lighthouse',
    ) as unknown as {
      spec: {
        ingressClassName: string;
        rules: { http: { paths: { backend: { service: { name: string; port: { name: string } } } }[] } }[];
      };
    };
    assert.equal(one.spec.ingressClassName, 'traefik');
    assert.deepEqual(one.spec.rules[0]!.http.paths[0]!.backend.service, {
      name: 'el-1-geth-lighthouse',
      port: { name: 'rpc' },
    });
    await net.down();
    assert.equal(ingresses().length, 0, 'down leaves no devnet-kit Ingress behind');
  });

  it('gets exactly the golden flat hostnames', async () => {
    const net = await up({ ...h.options({ config: config('flat') }), name: 'multi-client', argsFile: MULTI });
    assert.deepEqual(hosts('kt-multi-client'), golden('multi-client-flat.json'));
    assert.deepEqual(hosts('kt-multi-client', true), golden('multi-client-alias-flat.json'));
    await net.down();
  });

  it('copies annotations verbatim and emits TLS with a derived secret per Ingress', async () => {
    const net = await up({
      ...h.options({
        config: config('dotted', {
          tls: true,
          annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
        }),
      }),
      name: 'tls-net',
      argsFile: MINIMAL,
    });
    const rpc = ingresses('kt-tls-net').find(
      (i) => i.metadata.name === 'dk-rpc-el-1-geth-lighthouse',
    ) as unknown as {
      metadata: { annotations: Record<string, string> };
      spec: { tls: { hosts: string[]; secretName: string }[] };
    };
    assert.equal(rpc.metadata.annotations['cert-manager.io/cluster-issuer'], 'letsencrypt');
    assert.deepEqual(rpc.spec.tls, [
      {
        hosts: ['el-1-geth-lighthouse.tls-net.alice.k3s.bruno'],
        secretName: 'dk-rpc-el-1-geth-lighthouse-tls',
      },
    ]);
    assert.equal(
      net.endpoint('el-1-geth-lighthouse', 'rpc'),
      'https://el-1-geth-lighthouse.tls-net.alice.k3s.bruno',
    );
    assert.equal(
      net.endpoint('el-1-geth-lighthouse', 'ws'),
      'wss://ws-el-1-geth-lighthouse.tls-net.alice.k3s.bruno',
    );
    await net.down();
  });

  it('applies all Ingresses of a 150-service devnet in one kubectl call', async () => {
    const file = writeArgsFile(h.cwd, 'big.yaml', {
      ...pairsArgs(Array.from({ length: 50 }, () => ['geth', 'lighthouse'] as const)),
      network_params: { preset: 'minimal' },
    });
    const events: DevnetEvent[] = [];
    h.kube!.server.clearRequests();
    const net = await up({
      ...h.options({ config: config('dotted'), onEvent: (e) => events.push(e) }),
      name: 'big',
      argsFile: file,
    });
    assert.ok(net.services.length >= 150, `${net.services.length} services`);
    const applies = events.filter((e) => e.type === 'spawn' && e.argv.includes('apply'));
    assert.equal(applies.length, 2, 'one apply for the devnet, one for the alias');
    const own = ingresses('kt-big').filter((i) => i.metadata.labels['devnet-kit/alias'] !== 'true');
    const patches = h.kube!.server.requests.filter(
      (r) => r.method === 'PATCH' && r.path.includes('/ingresses/'),
    );
    assert.equal(own.length, 300, 'rpc, ws and metrics per EL; http and metrics per CL; metrics per VC');
    assert.ok(patches.length >= own.length);
    await net.down();
  });

  it('prints endpoints as table, json, env and GitHub outputs', async () => {
    await up({ ...h.options({ config: config('dotted') }), name: 'formats', argsFile: MINIMAL });
    const configFile = join(h.cwd, 'devnet-kit.yaml');
    writeFileSync(
      configFile,
      'owner: alice\ncluster:\n  name: kubernetes\ndevnet:\n  ingress:\n    enabled: true\n    base_domain: k3s.bruno\n',
    );
    try {
      const table = await h.cli(['endpoints', 'formats']);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /^SERVICE\s+PORT\s+URL/m);
      assert.match(
        table.stdout,
        /el-1-geth-lighthouse\s+rpc\s+http:\/\/el-1-geth-lighthouse\.formats\.alice\.k3s\.bruno/,
      );
      const json = JSON.parse((await h.cli(['endpoints', 'formats', '--format', 'json'])).stdout);
      assert.deepEqual(
        json.find(
          (e: { port: string; service: string }) => e.service === 'el-1-geth-lighthouse' && e.port === 'rpc',
        ),
        {
          enclave: 'formats',
          service: 'el-1-geth-lighthouse',
          port: 'rpc',
          url: 'http://el-1-geth-lighthouse.formats.alice.k3s.bruno',
          host: 'el-1-geth-lighthouse.formats.alice.k3s.bruno',
          alias: false,
        },
      );
      const env = await h.cli(['endpoints', '--format', 'env']);
      assert.match(
        env.stdout,
        /^EL_1_GETH_LIGHTHOUSE_RPC=http:\/\/el-1-geth-lighthouse\.formats\.alice\.k3s\.bruno$/m,
      );
      assert.match(
        env.stdout,
        /^CL_1_LIGHTHOUSE_GETH_HTTP=http:\/\/cl-1-lighthouse-geth\.formats\.alice\.k3s\.bruno$/m,
      );
      const out = join(h.cwd, 'github-output');
      writeFileSync(out, 'earlier=1\n');
      const gh = await h.cli(['endpoints', 'formats', '--format', 'github'], { env: { GITHUB_OUTPUT: out } });
      assert.equal(gh.code, 0, gh.stderr);
      assert.equal(readFileSync(out, 'utf8'), `earlier=1\n${env.stdout.trimEnd()}\n`);
    } finally {
      writeFileSync(configFile, '');
      await down('formats', h.options({ config: config('dotted') }));
    }
  });
});

describe('the alias follows the default devnet', () => {
  const h = useHarness('kubernetes');

  /** Every alias host has exactly one Ingress, and it is in `expected`'s namespace. */
  function assertAliasOn(expected: string): void {
    const all = h.kube!.server.list('ingresses') as Obj[];
    const aliases = all.filter((i) => i.metadata.labels['devnet-kit/alias'] === 'true');
    const byHost = new Map<string, Obj[]>();
    for (const a of aliases)
      byHost.set(a.spec.rules[0]!.host, [...(byHost.get(a.spec.rules[0]!.host) ?? []), a]);
    assert.ok(byHost.size > 0, 'there are alias hosts');
    for (const [host, list] of byHost) {
      assert.equal(list.length, 1, `${host} has exactly one Ingress`);
      assert.equal(list[0]!.metadata.namespace, `kt-${expected}`, `${host} points at ${expected}`);
    }
    assert.ok(byHost.has('el-1-geth-lighthouse.alice.k3s.bruno'));
  }

  it('stays on the previous default when the new devnet’s Ingresses cannot be applied', async () => {
    const opts = () => h.options({ config: config('dotted') });
    await up({ ...opts(), name: 'steady', argsFile: MINIMAL });
    assertAliasOn('steady');
    h.kube!.server.faults.push({
      match: { method: 'PATCH', pathPrefix: '/apis/networking.k8s.io/v1/namespaces/kt-unexposed/' },
      status: 500,
      reason: 'InternalError',
      message: 'admission webhook down',
    });
    const net = await up({ ...opts(), name: 'unexposed', argsFile: MINIMAL });
    h.kube!.server.faults.length = 0;
    assert.match(
      net.warnings[0] ?? '',
      /Ingresses for 'unexposed' were not applied: .*admission webhook down/,
    );
    assertAliasOn('steady');
    const listed = await listEnclaves(opts());
    assert.deepEqual(
      listed.filter((e) => e.isDefault).map((e) => e.name),
      ['steady'],
      'the default is where the alias points',
    );
    await setDefault('unexposed', opts());
    assertAliasOn('unexposed');
    const own = (h.kube!.server.list('ingresses', 'kt-unexposed') as Obj[]).filter(
      (i) => i.metadata.labels['devnet-kit/alias'] !== 'true',
    );
    assert.ok(
      own.some((i) => i.metadata.name === 'dk-rpc-el-1-geth-lighthouse'),
      '`use` applied the Ingresses that failed during up',
    );
    await down(['steady', 'unexposed'], opts());
  });

  it('moves on up → up → use → down, applying the new alias before deleting the old', async () => {
    const opts = () => h.options({ config: config('dotted') });
    await up({ ...opts(), name: 'first', argsFile: MINIMAL });
    assertAliasOn('first');
    await up({ ...opts(), name: 'second', argsFile: MINIMAL });
    assertAliasOn('second');

    h.kube!.server.clearRequests();
    await setDefault('first', opts());
    assertAliasOn('first');
    const writes = h.kube!.server.requests.filter(
      (r) => r.path.includes('/ingresses/') && (r.method === 'PATCH' || r.method === 'DELETE'),
    );
    const firstDelete = writes.findIndex((r) => r.method === 'DELETE');
    const lastApply = writes.map((r) => r.method).lastIndexOf('PATCH');
    assert.ok(firstDelete > lastApply, 'every new alias Ingress was applied before any old one was deleted');
    assert.ok(
      writes.filter((r) => r.method === 'DELETE').every((r) => r.path.includes('/namespaces/kt-second/')),
    );
    assert.deepEqual((await listEndpoints(undefined, opts())).map((e) => e.enclave)[0], 'first');

    await down('first', opts());
    assertAliasOn('second');
    await down('second', opts());
    assert.equal((h.kube!.server.list('ingresses') as Obj[]).length, 0);
  });
});
