// Which ports speak HTTP or WebSocket, shared by the Docker (enclave inspect) and Kubernetes sides.
// Kurtosis's application protocol alone is not enough: ethereum-package declares EL `rpc`, `ws` and
// `ws-rpc` with no application protocol although they speak JSON-RPC over HTTP/WS
// (reference/ethereum-package.md §2.2), and ethrex declares its `rpc` as `http`.

export type PortScheme = 'http' | 'https' | 'ws' | 'wss';

const WEB_SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'ws', 'wss']);

/** `el-{idx}-{el}-{cl}` (idx may be zero-padded, e.g. `el-01-geth-lighthouse`). */
export function isExecutionClientService(serviceName: string): boolean {
  return /^el-\d+-/.test(serviceName);
}

/** `cl-{idx}-{cl}-{el}` (idx may be zero-padded, e.g. `cl-01-lighthouse-geth`). */
export function isConsensusClientService(serviceName: string): boolean {
  return /^cl-\d+-/.test(serviceName);
}

/**
 * The URL scheme a port is reached with, or undefined for a plain `host:port` (p2p, Engine API,
 * gRPC, metrics of unknown kind...).
 * - a declared `http`/`https`/`ws`/`wss` application protocol wins;
 * - a port named `ws` is WebSocket;
 * - EL `rpc` and `ws-rpc` (HTTP + WS on one port) are HTTP;
 * - anything else (including `engine-*`, whose JWT-guarded API is never exposed) has no scheme.
 */
export function portScheme(
  serviceName: string,
  portId: string,
  applicationProtocol?: string | undefined,
): PortScheme | undefined {
  const declared = applicationProtocol?.toLowerCase();
  if (declared && WEB_SCHEMES.has(declared)) return declared as PortScheme;
  if (portId === 'ws') return 'ws';
  if (isExecutionClientService(serviceName) && (portId === 'rpc' || portId === 'ws-rpc')) return 'http';
  return undefined;
}

/** `scheme://host:port`, or `host:port` without a scheme. IPv6 hosts are bracketed. */
export function formatEndpoint(scheme: PortScheme | undefined, host: string, port: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return scheme ? `${scheme}://${h}:${port}` : `${h}:${port}`;
}
