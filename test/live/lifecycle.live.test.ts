// Against a real cluster, with the config the user points at (DEVNET_KIT_CONFIG or ./devnet-kit.yaml):
//   DEVNET_KIT_LIVE=1 DEVNET_KIT_CONFIG=devnet-kit.yaml npm run test:live
// up → ls → inspect → down, then zero leftover namespaces and PVCs. Skipped unless DEVNET_KIT_LIVE=1.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { down, inspectEnclave, listEnclaves, loadConfig, up } from '../../lib/index.js';

const live = process.env.DEVNET_KIT_LIVE === '1';
const ARGS = new URL('../../fixtures/ethereum-package/samples/minimal.yaml', import.meta.url).pathname;

describe('a real devnet', {
  skip: live ? false : 'set DEVNET_KIT_LIVE=1 to run against a real cluster',
}, () => {
  it('goes up, is listed and inspected, and comes down without leftovers', {
    timeout: 30 * 60_000,
  }, async () => {
    const config = loadConfig();
    const name = `live-${Date.now().toString(36)}`;
    const net = await up({
      name,
      argsFile: process.env.DEVNET_KIT_LIVE_ARGS ?? ARGS,
      wait: 'blocks',
      timeout: '15m',
      ttl: '1h',
    });
    try {
      assert.equal(net.name, name);
      const listed = await listEnclaves();
      assert.ok(listed.some((e) => e.name === name && e.owner === config.owner && e.isDefault));
      const details = await inspectEnclave(name);
      assert.ok(details.services.some((s) => s.name.startsWith('el-') && s.status === 'RUNNING'));
      assert.ok(details.services.some((s) => s.name.startsWith('cl-') && s.status === 'RUNNING'));
    } finally {
      await down(name);
    }
    assert.ok(!(await listEnclaves()).some((e) => e.name === name));
    if (net.backend === 'kubernetes') {
      const context = config.cluster?.kubeconfigContext
        ? ['--context', config.cluster.kubeconfigContext]
        : [];
      const kubectl = (args: string[]) => promisify(execFile)('kubectl', [...context, ...args]);
      const ns = JSON.parse(
        (await kubectl(['get', 'namespaces', '-l', `kurtosistech.com/enclave-id=${net.uuid}`, '-o', 'json']))
          .stdout,
      );
      assert.deepEqual(ns.items, [], 'the enclave namespace is gone');
      const pvcs = JSON.parse(
        (await kubectl(['get', 'pvc', '-A', '-l', `kurtosistech.com/enclave-id=${net.uuid}`, '-o', 'json']))
          .stdout,
      );
      assert.deepEqual(pvcs.items, [], 'no PVC is left');
      const ingresses = JSON.parse(
        (await kubectl(['get', 'ingress', '-A', '-l', `devnet-kit/enclave=${name}`, '-o', 'json'])).stdout,
      );
      assert.deepEqual(ingresses.items, [], 'no devnet-kit Ingress is left');
    }
  });
});
