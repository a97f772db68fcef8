// Local HTTP servers that answer like an execution client's JSON-RPC (`el`) or a beacon node's API
// (`cl`), for the Docker backend where devnet-kit reaches nodes on published host ports.

import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NodeStub {
  port: number;
  state: { block: number; health: number; slot: number; finalized: number };
  requests: { method: string; path: string; contentType?: string }[];
  close(): Promise<void>;
}

/** `advanceMs`: move block/slot forward by one every so often (finality trails by 2 epochs of 4). */
export async function startNode(kind: 'el' | 'cl', options: { advanceMs?: number } = {}): Promise<NodeStub> {
  const state = { block: 0, health: 200, slot: 0, finalized: 0 };
  const requests: NodeStub['requests'] = [];
  const timer = options.advanceMs
    ? setInterval(() => {
        state.block++;
        state.slot++;
        state.finalized = Math.max(0, Math.floor(state.slot / 4) - 2);
      }, options.advanceMs)
    : undefined;
  timer?.unref();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c;
    });
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        contentType: req.headers['content-type'],
      });
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (kind === 'el') {
        if (req.method !== 'POST') return res.end();
        // geth refuses JSON-RPC without this content type (415), so must we.
        if (req.headers['content-type'] !== 'application/json') {
          res.writeHead(415);
          return res.end('invalid content type, only application/json is supported\n');
        }
        const call = JSON.parse(body) as { id: unknown; method: string };
        const results: Record<string, string> = {
          eth_blockNumber: `0x${state.block.toString(16)}`,
          eth_chainId: '0x301824',
          net_version: '3151908',
        };
        const result = results[call.method];
        if (result === undefined) {
          return json(200, {
            jsonrpc: '2.0',
            id: call.id,
            error: { code: -32601, message: 'no such method' },
          });
        }
        return json(200, { jsonrpc: '2.0', id: call.id, result });
      }
      if (req.url === '/eth/v1/node/health') {
        res.writeHead(state.health);
        return res.end();
      }
      if (req.url === '/eth/v1/beacon/headers/head') {
        return json(200, {
          data: { root: '0x00', canonical: true, header: { message: { slot: String(state.slot) } } },
        });
      }
      if (req.url === '/eth/v1/beacon/states/head/finality_checkpoints') {
        const cp = (epoch: number) => ({ epoch: String(epoch), root: `0x${'00'.repeat(32)}` });
        return json(200, {
          data: {
            previous_justified: cp(state.finalized),
            current_justified: cp(state.finalized),
            finalized: cp(state.finalized),
          },
        });
      }
      json(404, { code: 404, message: `NOT_FOUND: ${req.url}` });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    state,
    requests,
    async close() {
      if (timer) clearInterval(timer);
      if (!server.listening) return;
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
