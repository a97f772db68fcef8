// Spin up a devnet, wait for blocks, call the execution client over JSON-RPC, and tear it all down
// when the scope ends — also if anything in between throws.
//
//   npx tsx examples/quickstart.ts [args.yaml]

import { up, waitFor } from 'devnet-kit';

const argsFile = process.argv[2] ?? new URL('./network_params.yaml', import.meta.url).pathname;

await using net = await up({
  argsFile,
  ttl: '1h', // a safety net: `devnet-kit gc` removes it even if this process is killed hard
  onEvent: (event) => {
    if (event.type === 'phase') console.error(`• ${event.message}`);
  },
});

await waitFor(net, 'blocks', { timeout: '10m' });

const rpc = net.endpoint('el-1-geth-lighthouse', 'rpc');
const response = await fetch(rpc, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }),
});
const { result } = (await response.json()) as { result: string };
console.log(`devnet ${net.name}: block ${BigInt(result)} at ${rpc}`);
