// `forward` against the fakes. Kubernetes: the CLI as a process, one real `kubectl proxy`, local relays
// to the fake API server's service proxy (JSON-RPC POST, a beacon GET, a WebSocket upgrade), a proxy
// that is killed and comes back, Ctrl-C leaving no process. Docker: the published host ports, nothing
// running.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { type DevnetEvent, forward, up } from '../lib/index.js';
import { startRelay } from '../lib/nodes/forward.js';
import { ONE_PAIR, pairsArgs, writeArgsFile } from './support/args-fixtures.js';
import { type NodeStub, startNode } from './support/eth-stub.js';
import { useHarness } from './support/harness.js';
import { hasKubectl } from './support/kube-env.js';
import { orphans, processesWith, spawnCli, until } from './support/reliability.js';

const TWO_PAIRS = pairsArgs(
  [
    ['geth', 'lighthouse'],
    ['erigon', 'teku'],
  ],
  { secondsPerSlot: 1 },
);

interface ForwardDoc {
  forwards: { service: string; port: string; url: string }[];
}

async function rpc(url: string, method: string): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { result: unknown }).result;
}

function wsCall(url: string, method: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error(`no WebSocket answer from ${url}`)), 10_000);
    ws.on('open', () => ws.send(JSON.stringify({ jsonrpc: '2.0', id: 7, method, params: [] })));
    ws.on('message', (data) => {
      clearTimeout(timer);
      ws.close();
      resolve((JSON.parse(String(data)) as { result: unknown }).result);
    });
    ws.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

describe('forward on Kubernetes (real kubectl proxy, fake API server)', {
  skip: !(await hasKubectl()) && 'kubectl is not installed',
}, () => {
  const h = useHarness('kubernetes');
  let ns: string;

  before(async () => {
    const argsFile = writeArgsFile(h.cwd, 'two-pairs.yaml', TWO_PAIRS);
    const net = await up({ ...h.options(), name: 'fwd', argsFile, ingress: false });
    ns = net.namespace!;
    h.kube!.server.setChain(ns, { genesisTime: Date.now() - 20_000 });
  });

  it('relays JSON-RPC, a beacon GET and a WebSocket through one kubectl proxy; Ctrl-C leaves no process', async () => {
    const marker = h.fake.dir;
    const cli = spawnCli(['--owner', 'alice', 'forward', 'fwd', '--json'], {
      env: h.env,
      cwd: h.cwd,
      detached: true,
    });
    try {
      const doc = await until(
        'the forwards document',
        () => {
          try {
            return JSON.parse(cli.stdout()) as ForwardDoc;
          } catch {
            return undefined;
          }
        },
        20_000,
      );
      assert.deepEqual(doc.forwards.map((f) => `${f.service}:${f.port}`).sort(), [
        'cl-1-lighthouse-geth:http',
        'cl-2-teku-erigon:http',
        'el-1-geth-lighthouse:rpc',
        'el-1-geth-lighthouse:ws',
        'el-2-erigon-teku:ws-rpc',
      ]);
      assert.equal(doc.forwards.length, 5, JSON.stringify(doc));
      const url = (service: string, port: string) =>
        doc.forwards.find((f) => f.service === service && f.port === port)!.url;
      assert.match(url('el-1-geth-lighthouse', 'rpc'), /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(url('el-1-geth-lighthouse', 'ws'), /^ws:\/\/127\.0\.0\.1:\d+$/);

      const server = h.kube!.server;
      const before = server.requests.length;
      assert.match(String(await rpc(url('el-1-geth-lighthouse', 'rpc'), 'eth_blockNumber')), /^0x[0-9a-f]+$/);
      const post = server.requests
        .slice(before)
        .find((r) => r.path === `/api/v1/namespaces/${ns}/services/el-1-geth-lighthouse:rpc/proxy/`);
      assert.equal(post?.method, 'POST');
      assert.equal(post?.contentType, 'application/json', 'the Content-Type went through');

      const version = await fetch(`${url('cl-2-teku-erigon', 'http')}/eth/v1/node/version`);
      assert.equal(version.status, 200);
      assert.deepEqual(await version.json(), { data: { version: 'Teku/v0.0.0-fake/linux-amd64' } });
      const missing = await fetch(`${url('cl-2-teku-erigon', 'http')}/eth/v1/nope?x=1`);
      assert.equal(missing.status, 404, 'the node’s own answer comes back as it is');

      assert.equal(await wsCall(url('el-1-geth-lighthouse', 'ws'), 'eth_chainId'), '0x301824');
      assert.equal(await wsCall(url('el-2-erigon-teku', 'ws-rpc'), 'net_version'), '3151908');

      // A dropped `kubectl proxy` is started again; requests work afterwards.
      const proxies = () => processesWith(marker).filter((p) => /\bproxy --port=0\b/.test(p.cmd));
      assert.equal(proxies().length, 1, 'one kubectl proxy for every target');
      const first = proxies()[0]!.pid;
      process.kill(first, 'SIGKILL');
      await until('a new kubectl proxy', () => proxies().find((p) => p.pid !== first), 15_000);
      assert.match(String(await rpc(url('el-1-geth-lighthouse', 'rpc'), 'eth_blockNumber')), /^0x/);

      process.kill(-cli.child.pid!, 'SIGINT');
      const exit = await cli.exit;
      assert.ok(exit.code === 130 || exit.code === 0, `exit ${exit.code} ${cli.stderr()}`);
      assert.deepEqual(await orphans(marker), []);
      await assert.rejects(fetch(url('el-1-geth-lighthouse', 'rpc')), 'the listeners are closed');
    } finally {
      if (cli.child.exitCode === null) process.kill(-cli.child.pid!, 'SIGKILL');
    }
  });

  it('the library handle relays and disposes of its listeners and proxy', async () => {
    const events: DevnetEvent[] = [];
    let rpcUrl: string;
    {
      await using fw = await forward('fwd', ['el-1-geth-lighthouse:rpc'], {
        ...h.options(),
        onEvent: (e) => events.push(e),
      });
      assert.deepEqual(
        fw.forwards.map((f) => [f.service, f.port]),
        [['el-1-geth-lighthouse', 'rpc']],
      );
      rpcUrl = fw.forwards[0]!.url;
      assert.equal(await rpc(rpcUrl, 'eth_chainId'), '0x301824');
    }
    assert.ok(
      events.some((e) => e.type === 'exit' && e.argv.includes('proxy')),
      'the proxy exited',
    );
    await assert.rejects(fetch(rpcUrl));
  });

  it('an unknown service or port is exit 2 with one line listing what exists', async () => {
    const service = await h.cli(['--owner', 'alice', 'forward', 'fwd', 'el-9-nope']);
    assert.equal(service.code, 2);
    assert.match(
      service.stderr,
      /^devnet-kit: devnet 'fwd' has no service 'el-9-nope'; services: .*cl-1-lighthouse-geth.*el-1-geth-lighthouse/,
    );
    assert.equal(service.stderr.trimEnd().split('\n').length, 1);
    const port = await h.cli(['--owner', 'alice', 'forward', 'fwd', 'el-1-geth-lighthouse:engine-rpc']);
    assert.equal(port.code, 2);
    assert.match(
      port.stderr,
      /^devnet-kit: service 'el-1-geth-lighthouse' has no HTTP or WebSocket port 'engine-rpc'; ports: metrics, rpc, ws$/m,
    );
    const before = h.kurtosisCalls().length;
    const syntax = await h.cli(['--owner', 'alice', 'forward', 'fwd', 'a:b:c']);
    assert.equal(syntax.code, 2);
    assert.match(syntax.stderr, /^devnet-kit: forward target "a:b:c" is not service or service:port/);
    assert.equal(h.kurtosisCalls().length, before, 'nothing ran');
    const devnet = await h.cli(['--owner', 'alice', 'forward', 'nope']);
    assert.equal(devnet.code, 2);
    assert.match(devnet.stderr, /^devnet-kit: no devnet named 'nope'; existing: fwd$/m);
  });
});

describe('forward on Docker (published host ports, nothing runs)', () => {
  let el: NodeStub;

  before(async () => {
    el = await startNode('el');
  });
  const h = useHarness('docker', () => ({
    ids: { services: { 'el-1-geth-lighthouse': { hostPorts: { rpc: el.port, ws: el.port + 1 } } } },
  }));
  before(async () => {
    const argsFile = writeArgsFile(h.cwd, 'one.yaml', ONE_PAIR);
    await up({ ...h.options(), name: 'dfwd', argsFile });
  });
  after(() => el.close());

  it('the URLs are the host ports Kurtosis published; only enclave inspect runs', async () => {
    const from = h.events.length;
    const fw = await forward('dfwd', [], h.options());
    const spawns = h.events.slice(from).filter((e) => e.type === 'spawn');
    assert.deepEqual(
      spawns.map((e) => (e.type === 'spawn' ? e.argv.slice(1, 3).join(' ') : '')),
      ['enclave inspect'],
    );
    const rpcUrl = fw.forwards.find((f) => f.port === 'rpc')!.url;
    assert.equal(rpcUrl, `http://127.0.0.1:${el.port}`);
    assert.equal(fw.forwards.find((f) => f.port === 'ws')!.url, `ws://127.0.0.1:${el.port + 1}`);
    assert.ok(fw.forwards.some((f) => f.service === 'cl-1-lighthouse-geth' && f.port === 'http'));
    assert.match(String(await rpc(rpcUrl, 'eth_blockNumber')), /^0x/);
    await fw.stop();
  });

  it('the CLI prints exactly one JSON document and exits on SIGTERM without leftovers', async () => {
    const cli = spawnCli(['--owner', 'alice', 'forward', 'dfwd', '--json'], {
      env: h.env,
      cwd: h.cwd,
      detached: true,
    });
    await until('the JSON document', () => cli.stdout().trimEnd().endsWith('}'), 20_000);
    const doc = JSON.parse(cli.stdout()) as ForwardDoc;
    assert.ok(doc.forwards.length >= 3);
    process.kill(-cli.child.pid!, 'SIGTERM');
    const exit = await cli.exit;
    assert.ok(exit.code === 130 || exit.code === 0, `exit ${exit.code}`);
    assert.deepEqual(await orphans(h.fake.dir), []);
  });
});

describe('the forward relay', () => {
  it('answers 502 with the reason when its upstream fails, and passes other answers through', async () => {
    // Port 9 (discard) is closed on these machines: the upstream refuses at once.
    const relay = await startRelay({
      host: '127.0.0.1',
      proxy: { ensure: async () => 'http://127.0.0.1:9' },
      upstreamPath: (path) => `/api/v1/namespaces/kt-x/services/el-1:rpc/proxy/${path.replace(/^\//, '')}`,
      label: 'el-1:rpc',
      scheme: 'http',
    });
    try {
      const res = await fetch(`${relay.url}/x`);
      assert.equal(res.status, 502);
      assert.match(await res.text(), /^devnet-kit forward: el-1:rpc: upstream failed: ECONNREFUSED/);
    } finally {
      await relay.close();
    }
    const down = await startRelay({
      host: '127.0.0.1',
      proxy: {
        ensure: async () => {
          throw new Error('`kubectl proxy` did not start within 30s');
        },
      },
      upstreamPath: (path) => path,
      label: 'cl-1:http',
      scheme: 'http',
    });
    try {
      const res = await fetch(`${down.url}/eth/v1/node/health`);
      assert.equal(res.status, 502);
      assert.equal(
        await res.text(),
        'devnet-kit forward: cl-1:http: kubectl proxy is not running: `kubectl proxy` did not start within 30s\n',
      );
    } finally {
      await down.close();
    }
  });
});
