// Readiness waits against the fakes: on Kubernetes through the real kubectl (`kubectl proxy` and
// `kubectl get pods`) and the fake API server's EL/CL simulator; on Docker against small local HTTP
// servers that answer like geth (JSON-RPC) and a beacon node, published as the services' host ports.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { bindDevnetContext, createContext } from '../lib/context.js';
import {
  CommandFailedError,
  Devnet,
  type DevnetEvent,
  InterruptedError,
  ServiceFailedError,
  up,
  WaitTimeoutError,
  waitFor,
} from '../lib/index.js';
import { kubectlProxyArgs } from '../lib/kube/commands.js';
import { parseProxyServing } from '../lib/kube/parse.js';
import { TWO_PAIRS, writeArgsFile } from './support/args-fixtures.js';
import { useDockerNodePair } from './support/docker-nodes.js';
import { useHarness } from './support/harness.js';
import { hasKubectl } from './support/kube-env.js';

/** `kubectl proxy` children of this process that are still running. */
function proxyChildren(): string[] {
  const ps = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((l) => /\bproxy --port=0\b/.test(l));
}

const spawned = (events: readonly DevnetEvent[], word: string) =>
  events.filter((e) => e.type === 'spawn' && e.argv.includes(word)).length;

describe('kubectl proxy argv and output', () => {
  it('reads the base URL from the line `kubectl proxy` prints, and nothing else', () => {
    assert.equal(parseProxyServing('Starting to serve on 127.0.0.1:43521'), 'http://127.0.0.1:43521');
    assert.equal(parseProxyServing('Starting to serve on [::1]:8001\n'), 'http://[::1]:8001');
    assert.equal(parseProxyServing('Starting to serve on 127.0.0.1:0x1'), undefined);
    assert.equal(parseProxyServing('W1126 proxy.go:175] Request filter disabled'), undefined);
  });

  it('builds the kubectl proxy argv on a free port, through --context when one is configured', () => {
    assert.deepEqual(kubectlProxyArgs({}), ['proxy', '--port=0']);
    assert.deepEqual(kubectlProxyArgs({ context: 'ci' }), ['--context', 'ci', 'proxy', '--port=0']);
  });
});

describe('waitFor on Kubernetes (real kubectl, fake API server)', {
  skip: !(await hasKubectl()) && 'kubectl is not installed',
}, () => {
  const h = useHarness('kubernetes');
  let net: Devnet;
  let ns: string;
  const server = () => h.kube!.server;

  before(async () => {
    const argsFile = writeArgsFile(h.cwd, 'two-pairs.yaml', TWO_PAIRS);
    // Ingresses are applied too: their hostnames resolve nowhere here, so the wait must not use them.
    net = await up({ ...h.options(), name: 'waity', argsFile });
    ns = net.namespace!;
  });

  it('waits until every node has finalized, polling through one kubectl proxy it stops afterwards', async () => {
    // 4 slots per epoch, finalized = head epoch - 2: slot 10.5 now, epoch 1 finalized at slot 12 (~1.5 s).
    server().setChain(ns, { genesisTime: Date.now() - 10_500, secondsPerSlot: 1, slotsPerEpoch: 4 });
    const from = h.events.length;
    const result = await waitFor(net, 'finalized', { interval: 200, timeout: 15_000 });
    assert.equal(result.target, 'finalized');
    assert.ok(result.rounds > 1, 'it polled until the chain got there');
    assert.deepEqual(
      result.nodes.map((n) => n.service),
      ['cl-1-lighthouse-geth', 'cl-2-teku-reth', 'el-1-geth-lighthouse', 'el-2-reth-teku'],
    );
    for (const node of result.nodes) {
      assert.equal(node.ready, true, node.service);
      if (node.layer === 'consensus') {
        assert.equal(node.health, 200);
        assert.ok(node.finalizedEpoch! >= 1);
        assert.ok(node.headSlot! >= 12);
      } else {
        assert.ok(node.block! >= 12);
      }
    }
    const events = h.events.slice(from);
    assert.equal(spawned(events, 'proxy'), 1, 'one kubectl proxy for the whole wait');
    assert.ok(
      spawned(events, 'pods') <= result.rounds - 1,
      'at most one get pods per round that was not ready',
    );
    assert.ok(
      events.some((e) => e.type === 'exit' && e.argv.includes('proxy')),
      'the proxy exited',
    );
    assert.deepEqual(proxyChildren(), []);
    // JSON-RPC went through with a Content-Type (create --raw would have got 415).
    const post = server().requests.find(
      (r) => r.method === 'POST' && r.path.includes('/services/el-2-reth-teku:rpc/proxy'),
    );
    assert.equal(post?.contentType, 'application/json');
  });

  it('returns at once for services when every EL answers and every CL is healthy', async () => {
    server().setChain(ns, { genesisTime: Date.now() + 60_000 });
    const result = await waitFor(net, 'services', { interval: 100, timeout: 10_000 });
    assert.equal(result.rounds, 1);
    assert.ok(
      result.nodes.every((n) => n.ready && (n.layer === 'consensus' ? n.health === 200 : n.block === 0)),
    );
  });

  it('times out with every node’s head when one EL stalls at block 0', async () => {
    server().setChain(ns, { genesisTime: Date.now() - 200 });
    server().stallNode(ns, 'el-2-reth-teku');
    try {
      const started = Date.now();
      const error = await waitFor(net, 'blocks', { interval: 200, timeout: '2s' }).catch((e: unknown) => e);
      assert.ok(error instanceof WaitTimeoutError, String(error));
      assert.ok(Date.now() - started < 5000);
      assert.match(error.message, /^timed out after 2s waiting for blocks on devnet 'waity'/);
      const line = (svc: string) => error.details.find((d) => d.includes(` ${svc}: `)) ?? '';
      assert.match(line('el-2-reth-teku'), /^\[waiting\] el-2-reth-teku: block 0$/);
      assert.match(line('el-1-geth-lighthouse'), /^\[ready\] +el-1-geth-lighthouse: block [1-9]\d*$/);
      assert.match(
        line('cl-1-lighthouse-geth'),
        /^\[ready\] +cl-1-lighthouse-geth: healthy, head slot [1-9]\d*, finalized epoch 0$/,
      );
      assert.equal(error.details.length, 4);
    } finally {
      server().resumeNode(ns, 'el-2-reth-teku');
    }
    assert.deepEqual(proxyChildren(), []);
  });

  it('times out on finality when one CL falls behind, reporting it as syncing', async () => {
    server().setChain(ns, { genesisTime: Date.now() - 3_500 });
    server().stallNode(ns, 'cl-2-teku-reth');
    // The chain moves on 10 slots past the stalled node, which now reports syncing.
    server().setChain(ns, { genesisTime: Date.now() - 13_500 });
    try {
      const error = await waitFor(net, 'finalized', { interval: 200, timeout: 1500 }).catch(
        (e: unknown) => e,
      );
      assert.ok(error instanceof WaitTimeoutError, String(error));
      assert.ok(
        error.details.some((d) =>
          /^\[waiting\] cl-2-teku-reth: syncing \(206\), head slot 3, finalized epoch 0$/.test(d),
        ),
        error.message,
      );
    } finally {
      server().resumeNode(ns, 'cl-2-teku-reth');
    }
  });

  it('stops promptly on abort, with no kubectl left behind', async () => {
    server().setChain(ns, { genesisTime: Date.now() + 60_000 });
    const controller = new AbortController();
    const pending = waitFor(net, 'blocks', { interval: 5_000, timeout: 60_000, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 700));
    const aborted = Date.now();
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    assert.ok(error instanceof InterruptedError, String(error));
    assert.ok(Date.now() - aborted < 1500, `took ${Date.now() - aborted} ms`);
    assert.deepEqual(proxyChildren(), []);
  });

  it('fails fast when a pod crashes, with the crashed container’s last log lines', async () => {
    server().setChain(ns, { genesisTime: Date.now() - 5_000 });
    server().appendLogs(ns, 'cl-2-teku-reth', 'user-service-container', [
      'FATAL: database corrupted',
      'shutting down',
    ]);
    server().crashPod(ns, 'cl-2-teku-reth');
    try {
      const started = Date.now();
      const error = await waitFor(net, 'finalized', { interval: 200, timeout: 20_000 }).catch(
        (e: unknown) => e,
      );
      assert.ok(error instanceof ServiceFailedError, String(error));
      assert.ok(Date.now() - started < 5000, 'long before the timeout');
      assert.equal(error.service, 'cl-2-teku-reth');
      assert.match(
        error.message,
        /^service 'cl-2-teku-reth' failed while waiting for finalized on devnet 'waity': container CrashLoopBackOff \(last exit code 1, Error, 1 restart\); see `devnet-kit logs waity cl-2-teku-reth`/,
      );
      assert.deepEqual(error.logs.slice(-2), ['FATAL: database corrupted', 'shutting down']);
      assert.ok(error.logs.length <= 20);
      const logs = server().requests.filter((r) => r.path.endsWith('/pods/cl-2-teku-reth/log'));
      assert.equal(logs[0]?.query.previous, 'true');
      assert.equal(logs[0]?.query.tailLines, '20');
    } finally {
      server().restartPod(ns, 'cl-2-teku-reth');
    }
    assert.deepEqual(proxyChildren(), []);
  });

  it('gives up after repeated failed crash checks when the cluster stops answering', async () => {
    // The same devnet, seen through the kubeconfig's `down` context (nothing listens at 127.0.0.1:9).
    const ctx = createContext(h.options({ config: { cluster: { kubeconfig_context: 'down' } } }));
    const unreachable = bindDevnetContext(
      new Devnet(
        {
          name: net.name,
          uuid: net.uuid,
          owner: net.owner,
          backend: 'kubernetes',
          namespace: ns,
          services: net.services,
          endpoints: [],
          warnings: [],
        },
        async () => {},
      ),
      ctx,
    );
    const from = h.events.length;
    const error = await waitFor(unreachable, 'services', { interval: 100, timeout: 20_000 }).catch(
      (e: unknown) => e,
    );
    assert.ok(error instanceof CommandFailedError, String(error));
    assert.match(error.message, /`kubectl --context down get pods -n kt-waity .*` failed with exit code 1/);
    assert.match(error.stderr, /127\.0\.0\.1:9 was refused/);
    const warnings = h.events.slice(from).filter((e) => e.type === 'warning');
    assert.equal(warnings.length, 2, 'two retried checks, the third one ends the wait');
    assert.deepEqual(proxyChildren(), []);
  });

  it('runs `up --wait blocks` end to end from the CLI, and fails it with per-node status on timeout', async () => {
    const argsFile = join(h.cwd, 'two-pairs.yaml');
    const ok = await h.cli([
      '--owner',
      'alice',
      'up',
      'cli-wait',
      '-f',
      argsFile,
      '--wait',
      'blocks',
      '--timeout',
      '30s',
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /waiting for blocks/);
    assert.match(ok.stderr, /devnet cli-wait is up/);

    // The API server's proxy never reaches el-1 of this devnet: a node that never answers.
    server().faults.push({
      match: { pathPrefix: '/api/v1/namespaces/kt-cli-slow/services/el-1-geth-lighthouse:rpc/proxy' },
      status: 503,
      reason: 'ServiceUnavailable',
      message: 'error trying to reach service: dial tcp 10.0.0.9:8545: connect: connection refused',
    });
    const slow = await h.cli([
      '--owner',
      'alice',
      'up',
      'cli-slow',
      '-f',
      argsFile,
      '--wait',
      'blocks',
      '--timeout',
      '2s',
    ]);
    assert.equal(slow.code, 1, slow.stderr);
    assert.match(slow.stderr, /^devnet-kit: timed out after 2s waiting for blocks on devnet 'cli-slow'/m);
    assert.match(
      slow.stderr,
      /\[waiting\] el-1-geth-lighthouse: no answer \(HTTP 503: error trying to reach service: dial tcp 10\.0\.0\.9:8545: connect: connection refused\)/,
    );
    assert.equal(server().get('namespaces', 'kt-cli-slow'), undefined, 'the failed devnet was removed');
    assert.deepEqual(proxyChildren(), []);
  });
});

// ---------------------------------------------------------------------------------------------------
// Docker

describe('waitFor on Docker (host ports answered by local HTTP stubs)', () => {
  const pair = useDockerNodePair('dockery');
  const { h } = pair;

  it('reaches the nodes on their published host ports and waits until blocks flow, spawning nothing', async () => {
    assert.equal(pair.net.endpoint('el-1-geth-lighthouse', 'rpc'), `http://127.0.0.1:${pair.el.port}`);
    Object.assign(pair.el.state, { block: 0 });
    Object.assign(pair.cl.state, { health: 206, slot: 0 });
    setTimeout(() => {
      Object.assign(pair.el.state, { block: 3 });
      Object.assign(pair.cl.state, { health: 200, slot: 3 });
    }, 400);
    const from = h.events.length;
    const result = await waitFor(pair.net, 'blocks', { interval: 100, timeout: 10_000 });
    assert.ok(result.rounds >= 3);
    assert.deepEqual(
      result.nodes.map((n) => [n.service, n.ready, n.block ?? n.headSlot]),
      [
        ['cl-1-lighthouse-geth', true, 3],
        ['el-1-geth-lighthouse', true, 3],
      ],
    );
    assert.equal(
      h.events.slice(from).filter((e) => e.type === 'spawn').length,
      0,
      'polling a live node needs no spawn',
    );
    assert.ok(pair.el.requests.every((r) => r.method === 'POST' && r.contentType === 'application/json'));
  });

  it('times out on finality with the CL’s finalized epoch in the details', async () => {
    Object.assign(pair.cl.state, { health: 200, slot: 9, finalized: 0 });
    const error = await waitFor(pair.net, 'finalized', { interval: 100, timeout: 800 }).catch(
      (e: unknown) => e,
    );
    assert.ok(error instanceof WaitTimeoutError, String(error));
    assert.deepEqual(error.details, [
      '[waiting] cl-1-lighthouse-geth: healthy, head slot 9, finalized epoch 0',
      '[ready]   el-1-geth-lighthouse: block 3',
    ]);
    pair.cl.state.finalized = 2;
    const ok = await waitFor(pair.net, 'finalized', { interval: 100, timeout: 5000 });
    assert.equal(ok.nodes[0]?.finalizedEpoch, 2);
  });

  it('fails fast with the service logs when a container stops and its port closes', async () => {
    await pair.el.close();
    h.fake.updateState((state) => {
      const svc = state.scopes
        .docker!.enclaves.find((e) => e.name === 'dockery')!
        .services.find((s) => s.name === 'el-1-geth-lighthouse')!;
      svc.status = 'STOPPED';
      svc.logs.push('Fatal: Failed to register the Ethereum service: database is locked');
    });
    const started = Date.now();
    const error = await waitFor(pair.net, 'blocks', { interval: 100, timeout: 20_000 }).catch(
      (e: unknown) => e,
    );
    assert.ok(error instanceof ServiceFailedError, String(error));
    assert.ok(Date.now() - started < 5000);
    assert.equal(error.service, 'el-1-geth-lighthouse');
    assert.match(
      error.message,
      /^service 'el-1-geth-lighthouse' failed while waiting for blocks on devnet 'dockery': its container stopped;/,
    );
    assert.equal(error.logs.at(-1), 'Fatal: Failed to register the Ethereum service: database is locked');
    const calls = h.kurtosisCalls();
    assert.ok(calls.some((a) => a.join(' ') === 'service logs dockery el-1-geth-lighthouse -n 20'));
  });
});
