// `status` and `forward` on the fakes (issue #15), run by bench/run.ts as one section:
//
//   node --import tsx bench/status.ts [--quick]
//
// prints ONE JSON document on stdout:
// 1. status wall: `status()` of a devnet with 8 nodes (4 EL + 4 CL) on Kubernetes, the `kubectl proxy`
//    start included, and the built CLI (`node dist/cli.js status NAME --json`) as a process;
// 2. `status --watch --json` RSS: the CLI process sampled every second (VmRSS) on a 1 s-slot chain, so it
//    takes a snapshot every second — 12x the snapshots of a 12 s-slot devnet in the same time. The
//    10-minute figure is extrapolated from the slope of the second half of the run (a short run says so);
// 3. forward overhead per request: JSON-RPC through the relay vs straight to a `kubectl proxy`,
//    alternated in one loop; overhead = median(relay) − median(direct).

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext } from '../lib/context.js';
import { forward, status, up } from '../lib/index.js';
import { proxyPath } from '../lib/kube/commands.js';
import { KubeProxy } from '../lib/kube/proxy.js';
import { argsYaml, pairsArgs } from '../test/support/args-fixtures.js';
import { createHarness } from '../test/support/harness.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const quick = process.argv.includes('--quick');

const ARGS = argsYaml(
  pairsArgs(
    [
      ['geth', 'lighthouse'],
      ['reth', 'teku'],
      ['besu', 'lodestar'],
      ['nethermind', 'lighthouse'],
    ],
    { secondsPerSlot: 1 },
  ),
);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ ms: number; code: number | null }> {
  const started = performance.now();
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd, stdio: 'ignore' });
    child.on('exit', (code) => resolvePromise({ ms: performance.now() - started, code }));
  });
}

async function main(): Promise<void> {
  const h = await createHarness('kubernetes');
  try {
    const argsFile = join(h.cwd, 'eight-nodes.yaml');
    writeFileSync(argsFile, ARGS);
    const name = 'bench-status';
    const net = await up({ ...h.options(), name, argsFile, ingress: false });
    const ns = net.namespace!;
    h.kube!.server.recordRequests = false;
    h.kube!.server.setChain(ns, { genesisTime: Date.now() - 100_000, secondsPerSlot: 1, slotsPerEpoch: 4 });

    // 1. status wall
    const libRuns = quick ? 3 : 10;
    const lib: number[] = [];
    let nodes = 0;
    let ready = 0;
    for (let i = 0; i < libRuns; i++) {
      const t = performance.now();
      const s = await status(name, h.options());
      lib.push(performance.now() - t);
      nodes = s.nodes.length;
      ready = s.nodes.filter((n) => n.ready).length;
    }
    const cliRuns = quick ? 2 : 5;
    const cli: number[] = [];
    for (let i = 0; i < cliRuns; i++) {
      const r = await runCli(['--owner', 'alice', 'status', name, '--json'], h.env, h.cwd);
      if (r.code !== 0) throw new Error(`status CLI exited ${r.code}`);
      cli.push(r.ms);
    }

    // 2. --watch RSS
    const watchSeconds = Number(process.env.BENCH_WATCH_SECONDS) || (quick ? 15 : 120);
    // BENCH_WATCH_NODE_FLAGS: node flags for the watched CLI (e.g. a heap limit, to tell a leak from lazy GC).
    const flags = (process.env.BENCH_WATCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    const child = spawn(
      process.execPath,
      [...flags, CLI, '--owner', 'alice', 'status', name, '--watch', '--json'],
      {
        env: h.env,
        cwd: h.cwd,
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    let snapshots = 0;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      snapshots += d.split('\n').length - 1;
    });
    const samples: { s: number; mb: number }[] = [];
    const started = performance.now();
    while (performance.now() - started < watchSeconds * 1000) {
      await sleep(1000);
      const mb = rssMb(child.pid!);
      if (mb !== undefined) samples.push({ s: (performance.now() - started) / 1000, mb });
    }
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGINT');
    await exited;
    const half = samples.slice(Math.floor(samples.length / 2));
    const slope = slopePerMinute(half);
    const last = samples.at(-1)?.mb ?? 0;
    const extrapolated10m = last + Math.max(0, slope) * (10 - watchSeconds / 60);

    // 3. forward overhead
    const requests = quick ? 50 : 300;
    const fw = await forward(name, ['el-1-geth-lighthouse:rpc'], h.options());
    const ctx = createContext(h.options());
    const controller = new AbortController();
    const proxy = await KubeProxy.start(ctx, controller.signal);
    const direct =
      proxy.base + proxyPath({ namespace: ns, service: 'el-1-geth-lighthouse', port: 'rpc', path: '/' });
    const relayed = fw.forwards[0]!.url;
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] });
    const call = async (url: string) => {
      const t = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await res.text();
      if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
      return performance.now() - t;
    };
    for (let i = 0; i < 10; i++) await Promise.all([call(direct), call(relayed)]); // warm-up
    const viaRelay: number[] = [];
    const viaProxy: number[] = [];
    for (let i = 0; i < requests; i++) {
      if (i % 2 === 0) {
        viaRelay.push(await call(relayed));
        viaProxy.push(await call(direct));
      } else {
        viaProxy.push(await call(direct));
        viaRelay.push(await call(relayed));
      }
    }
    await fw.stop();
    await proxy.close();

    const result = {
      mode: quick ? 'quick' : 'full',
      status: {
        nodes,
        ready,
        libMedianMs: round(median(lib)),
        libMaxMs: round(Math.max(...lib)),
        libRuns,
        cliMedianMs: round(median(cli)),
        cliRuns,
        goalMs: 1500,
      },
      watch: {
        seconds: watchSeconds,
        snapshots,
        firstMb: round(samples[0]?.mb ?? 0),
        maxMb: round(Math.max(...samples.map((x) => x.mb))),
        lastMb: round(last),
        slopeMbPerMin: round(slope, 2),
        extrapolated10mMb: round(extrapolated10m),
        extrapolated: watchSeconds < 600,
        goalMb: 80,
      },
      forward: {
        requests,
        relayMedianMs: round(median(viaRelay), 2),
        directMedianMs: round(median(viaProxy), 2),
        overheadMedianMs: round(median(viaRelay) - median(viaProxy), 2),
        overheadP90Ms: round(percentile(viaRelay, 90) - percentile(viaProxy, 90), 2),
        goalMs: 5,
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await h.cleanup();
  }
}

/** Least-squares slope of RSS over time, MB per minute. */
function slopePerMinute(points: { s: number; mb: number }[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.s, 0) / n;
  const my = points.reduce((a, p) => a + p.mb, 0) / n;
  const num = points.reduce((a, p) => a + (p.s - mx) * (p.mb - my), 0);
  const den = points.reduce((a, p) => a + (p.s - mx) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 60;
}

await main();
