// One devnet for a whole node:test suite: created before the first test, destroyed after the last.
//
//   node --import tsx --test examples/suite.test.ts

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Devnet, up, waitFor } from 'devnet-kit';

async function rpc(net: Devnet, method: string): Promise<string> {
  const response = await fetch(net.endpoint('el-1-geth-lighthouse', 'rpc'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }),
  });
  return ((await response.json()) as { result: string }).result;
}

describe('against a live devnet', () => {
  let net: Devnet;

  before(async () => {
    net = await up({ argsFile: new URL('./network_params.yaml', import.meta.url).pathname, ttl: '1h' });
    await waitFor(net, 'blocks', { timeout: '10m' });
  });

  after(() => net?.down());

  it('serves the devnet chain id', async () => {
    assert.equal(BigInt(await rpc(net, 'eth_chainId')), 3151908n);
  });

  it('keeps producing blocks', async () => {
    const first = BigInt(await rpc(net, 'eth_blockNumber'));
    const slotMs = Number(net.output?.network_params.seconds_per_slot ?? 12) * 1000;
    const deadline = Date.now() + 3 * slotMs;
    let latest = first;
    while (latest <= first && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      latest = BigInt(await rpc(net, 'eth_blockNumber'));
    }
    assert.ok(latest > first, `no new block within 3 slots (still at ${latest})`);
  });

  it('has a healthy beacon node', async () => {
    const response = await fetch(`${net.endpoint('cl-1-lighthouse-geth', 'http')}/eth/v1/node/health`);
    assert.equal(response.status, 200);
  });
});
