// Local HTTP servers that answer like an execution client's JSON-RPC (`el`) or a beacon node's API
// (`cl`), for the Docker backend where devnet-kit reaches nodes on published host ports.

import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NodeState {
  block: number;
  health: number;
  slot: number;
  finalized: number;
  peers: number;
  /** `web3_clientVersion` / `/eth/v1/node/version`. */
  version: string;
  /** Answer every request with an HTML page (a login wall in front of the node). */
  html: boolean;
  /** ms since the epoch: when the head block was made (EL `timestamp`). */
  headTime: number;
  /** Genesis, seconds since the epoch (`/eth/v1/beacon/genesis`). */
  genesisTime: number;
  secondsPerSlot: number;
  /** Stop advancing (the chain goes on elsewhere). */
  stalled: boolean;
}

export interface NodeStub {
  port: number;
  state: NodeState;
  requests: { method: string; path: string; contentType?: string }[];
  close(): Promise<void>;
}

/**
 * `advanceMs`: move block/slot forward by one every so often (finality trails by 2 epochs of 4); a
 * chain advancing every slot passes `advanceMs: secondsPerSlot * 1000`.
 */
export async function startNode(
  kind: 'el' | 'cl',
  options: { advanceMs?: number; secondsPerSlot?: number } = {},
): Promise<NodeStub> {
  const secondsPerSlot = options.secondsPerSlot ?? 1;
  const state: NodeState = {
    block: 0,
    health: 200,
    slot: 0,
    finalized: 0,
    peers: 1,
    version:
      kind === 'el' ? 'Geth/v1.14.12-stable/linux-amd64/go1.23.2' : 'Lighthouse/v6.0.1-0d90135/x86_64-linux',
    html: false,
    headTime: Date.now(),
    genesisTime: Math.floor(Date.now() / 1000),
    secondsPerSlot,
    stalled: false,
  };
  const requests: NodeStub['requests'] = [];
  const timer = options.advanceMs
    ? setInterval(() => {
        if (state.stalled) return;
        state.headTime = Date.now();
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
      if (state.html) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(
          '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Sign in</body></html>\n',
        );
      }
      if (kind === 'el') {
        if (req.method !== 'POST') return res.end();
        // geth refuses JSON-RPC without this content type (415), so must we.
        if (req.headers['content-type'] !== 'application/json') {
          res.writeHead(415);
          return res.end('invalid content type, only application/json is supported\n');
        }
        const hex = (n: number) => `0x${n.toString(16)}`;
        const answer = (call: { id: unknown; method: string }) => {
          const results: Record<string, unknown> = {
            eth_blockNumber: hex(state.block),
            eth_chainId: '0x301824',
            net_version: '3151908',
            net_peerCount: hex(state.peers),
            eth_syncing: false,
            web3_clientVersion: state.version,
            eth_getBlockByNumber: {
              number: hex(state.block),
              timestamp: hex(Math.floor(state.headTime / 1000)),
              transactions: [],
            },
          };
          const result = results[call.method];
          if (result === undefined) {
            return { jsonrpc: '2.0', id: call.id, error: { code: -32601, message: 'no such method' } };
          }
          return { jsonrpc: '2.0', id: call.id, result };
        };
        const payload = JSON.parse(body) as
          | { id: unknown; method: string }
          | { id: unknown; method: string }[];
        return json(200, Array.isArray(payload) ? payload.map(answer) : answer(payload));
      }
      if (req.url === '/eth/v1/node/health') {
        res.writeHead(state.health);
        return res.end();
      }
      if (req.url === '/eth/v1/node/version') return json(200, { data: { version: state.version } });
      if (req.url === '/eth/v1/node/peer_count') {
        return json(200, {
          data: { disconnected: '0', connecting: '0', connected: String(state.peers), disconnecting: '0' },
        });
      }
      if (req.url === '/eth/v1/node/syncing') {
        const distance = Math.max(
          0,
          Math.floor((Date.now() / 1000 - state.genesisTime) / state.secondsPerSlot) - state.slot,
        );
        return json(200, {
          data: {
            head_slot: String(state.slot),
            sync_distance: String(distance),
            is_syncing: state.health === 206,
            is_optimistic: false,
            el_offline: false,
          },
        });
      }
      if (req.url === '/eth/v1/beacon/genesis') {
        return json(200, {
          data: {
            genesis_time: String(state.genesisTime),
            genesis_validators_root: `0x${'00'.repeat(32)}`,
            genesis_fork_version: '0x10000038',
          },
        });
      }
      if (req.url === '/eth/v1/config/spec') {
        return json(200, {
          data: {
            SECONDS_PER_SLOT: String(state.secondsPerSlot),
            SLOTS_PER_EPOCH: '4',
            PRESET_BASE: 'minimal',
          },
        });
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
