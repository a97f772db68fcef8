// `up` by hand: the steps it is made of, with your own code between them. A step that fails removes
// what it created itself; once `runPackage` has returned, the devnet is this script's, so a later
// failure is cleaned up here with `down`. On success the devnet stays for whatever runs next (a CI
// job's tests, say) until `devnet-kit down` or its TTL.
//
//   npx tsx examples/compose.ts [args.yaml] [wait timeout]

import { applyIngress, type DevnetEvent, down, ensureCluster, runPackage, waitFor } from 'devnet-kit';

const argsFile = process.argv[2] ?? new URL('./network_params.yaml', import.meta.url).pathname;
const timeout = process.argv[3] ?? '10m';
const onEvent = (event: DevnetEvent) => {
  if (event.type === 'phase') console.error(`• ${event.message}`);
  if (event.type === 'warning') console.error(`! ${event.message}`);
};

const cluster = await ensureCluster(undefined, { onEvent });
console.error(`Kurtosis ${cluster.cliVersion} on cluster '${cluster.cluster}'`);

const devnet = await runPackage({ argsFile, ttl: '1h', onEvent });
const { name, backend } = devnet.enclave;
try {
  // Kubernetes: Ingresses, and the owner's alias hosts moved to this devnet. Docker: published host ports.
  const endpoints =
    backend === 'kubernetes' ? await applyIngress(devnet, { alias: true, onEvent }) : devnet.endpoints;
  const ready = await waitFor(devnet, 'blocks', { timeout, onEvent });

  const rpc = endpoints.find((e) => e.service.startsWith('el-') && e.port === 'rpc' && !e.alias);
  if (!rpc) throw new Error(`devnet ${name} has no public EL rpc endpoint`);
  const response = await fetch(rpc.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }),
  });
  const { result } = (await response.json()) as { result: string };
  console.log(
    `devnet ${name}: ${ready.nodes.length} nodes ready, block ${BigInt(result)} at ${rpc.url}; remove it with \`devnet-kit down ${name}\``,
  );
} catch (error) {
  console.error(`failed, removing devnet ${name}`);
  await down(name);
  throw error;
}
