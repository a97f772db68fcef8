// `services` on both backends for a multi-client devnet: the service names and ports ethereum-package
// creates (the golden plan, checked by hand against reference/ethereum-package.md §2), as read back
// from `enclave inspect` on Docker and from the enclave namespace on Kubernetes.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { down, listServices, up } from '../lib/index.js';
import { createHarness } from './support/harness.js';

const MULTI = new URL('../fixtures/ethereum-package/samples/multi-client.yaml', import.meta.url).pathname;
const golden = JSON.parse(
  readFileSync(
    new URL('../fixtures/ethereum-package/golden/samples_multi-client.json', import.meta.url),
    'utf8',
  ),
) as { name: string; ports: { name: string; number: number; transport: string }[] }[];

const expected = golden
  .map((s) => [s.name, s.ports.map((p) => `${p.name}:${p.number}/${p.transport}`).sort()] as const)
  .sort(([a], [b]) => (a < b ? -1 : 1));

for (const backend of ['docker', 'kubernetes'] as const) {
  describe(`services on ${backend}`, () => {
    it('match the reference service names and ports for the multi-client args file', async () => {
      await using h = await createHarness(backend);
      const opts = h.options(backend === 'kubernetes' ? { config: { cluster: { name: 'kubernetes' } } } : {});
      await up({ ...opts, name: 'multi', argsFile: MULTI });
      const services = await listServices('multi', opts);
      const actual = services
        .map((s) => [s.name, s.ports.map((p) => `${p.name}:${p.number}/${p.transport}`).sort()] as const)
        .sort(([a], [b]) => (a < b ? -1 : 1));
      assert.deepEqual(actual, expected);
      assert.ok(services.every((s) => s.status === 'RUNNING'));
      const el = services.find((s) => s.name === 'el-2-nethermind-teku')!;
      const rpc = el.ports.find((p) => p.name === 'rpc')!;
      const ws = el.ports.find((p) => p.name === 'ws')!;
      if (backend === 'docker') {
        assert.match(
          rpc.publicUrl ?? '',
          /^http:\/\/127\.0\.0\.1:\d+$/,
          'EL rpc speaks HTTP without an app protocol',
        );
        assert.match(ws.publicUrl ?? '', /^ws:\/\/127\.0\.0\.1:\d+$/);
      } else {
        assert.equal(rpc.endpoint, `http://${el.privateIp}:8545`);
        assert.equal(ws.endpoint, `ws://${el.privateIp}:8546`);
      }
      const prysm = services.find((s) => s.name === 'cl-3-prysm-reth')!;
      assert.equal(
        prysm.ports.find((p) => p.name === 'http')?.number,
        3500,
        'prysm serves the beacon API on 3500',
      );
      await down('multi', opts);
    });
  });
}
