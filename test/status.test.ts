// `status` / `watchStatus` against the fakes. Kubernetes: the real kubectl (`kubectl proxy`, one `get
// services,pods,ingress` per snapshot) and the fake API server's EL/CL simulator behind its service
// proxy, on a chain that advances every slot (1 s); a stalled node, a crash-looping pod and a node
// answering HTML are set in the fake. Docker: local EL/CL stubs published as the services' host ports.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { type DevnetEvent, type DevnetStatus, status, up, watchStatus } from '../lib/index.js';
import { TWO_PAIRS, writeArgsFile } from './support/args-fixtures.js';
import { useDockerNodePair } from './support/docker-nodes.js';
import { useHarness } from './support/harness.js';
import { hasKubectl } from './support/kube-env.js';
import { CLI, orphans, sleep, spawnCli } from './support/reliability.js';

const STATUS_ARGS = { keymanager_enabled: true, ...TWO_PAIRS };

const spawned = (events: readonly DevnetEvent[], word: string) =>
  events.filter((e) => e.type === 'spawn' && e.argv.includes(word)).length;

/** `kubectl proxy` children of this process that are still running. */
function proxyChildren(): string[] {
  const ps = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((l) => /\bproxy --port=0\b/.test(l));
}

/**
 * The shell command that starts the CLI (the bundle, or the source through tsx). `exec`, because `script`
 * runs it through $SHELL -c: dash (Debian's /bin/sh, what `script` takes when SHELL is unset, as in CI)
 * stays as the CLI's parent, is in the terminal's foreground group and dies of Ctrl-C itself, and `script
 * -e` then reports 130 whatever the CLI exits with. A person's interactive shell is never in the way.
 */
function cliCommandLine(args: string[]): string {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const node = [process.execPath];
  if (CLI.endsWith('.ts')) node.push('--import', import.meta.resolve('tsx'));
  return `exec ${[...node, CLI, ...args].map(quote).join(' ')}`;
}

describe('status on Kubernetes (real kubectl, fake API server)', {
  skip: !(await hasKubectl()) && 'kubectl is not installed',
}, () => {
  const h = useHarness('kubernetes');
  let ns: string;
  const server = () => h.kube!.server;
  const EL1 = 'el-1-geth-lighthouse';
  const EL2 = 'el-2-reth-teku';
  const CL1 = 'cl-1-lighthouse-geth';
  const CL2 = 'cl-2-teku-reth';

  before(async () => {
    const argsFile = writeArgsFile(h.cwd, 'two-pairs.yaml', STATUS_ARGS);
    const net = await up({ ...h.options(), name: 'stat', argsFile });
    ns = net.namespace!;
  });

  /** A healthy chain at slot ~40 (finalized epoch 8 of 4-slot epochs), every node normal. */
  function healthyChain(): void {
    server().setChain(ns, { genesisTime: Date.now() - 40_500, secondsPerSlot: 1, slotsPerEpoch: 4 });
    for (const s of [EL1, EL2, CL1, CL2]) {
      server().resumeNode(ns, s);
      server().eth.setQuirk(ns, s, undefined);
    }
  }

  it('status --json: one document, a row per EL and CL with numbers as numbers, exit 0, one proxy', async () => {
    healthyChain();
    server().eth.setPeers(ns, CL1, 3);
    const res = await h.cli(['--owner', 'alice', 'status', 'stat', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const doc = JSON.parse(res.stdout) as DevnetStatus;
    assert.equal(doc.devnet, 'stat');
    assert.deepEqual(
      doc.nodes.map((n) => [n.service, n.layer, n.client, n.ready]),
      [
        [EL1, 'execution', 'geth', true],
        [EL2, 'execution', 'reth', true],
        [CL1, 'consensus', 'lighthouse', true],
        [CL2, 'consensus', 'teku', true],
        // lighthouse runs a separate VC; its keymanager API answers (401 without the token): it is up.
        ['vc-1-geth-lighthouse', 'validator', 'lighthouse', true],
      ],
    );
    const el = doc.nodes[0]!;
    assert.equal(el.version, 'v0.0.0-fake');
    assert.ok(typeof el.headBlock === 'number' && el.headBlock >= 40, JSON.stringify(el));
    assert.equal(el.peers, 1);
    assert.equal(el.syncing, false);
    const cl = doc.nodes[2]!;
    assert.ok(typeof cl.headSlot === 'number' && cl.headSlot >= 40);
    assert.ok(typeof cl.finalizedEpoch === 'number' && cl.finalizedEpoch >= 8);
    assert.equal(cl.peers, 3);
    assert.equal(cl.health, 200);
    assert.equal(cl.problem, undefined);
    const c = doc.chain;
    assert.equal(c.secondsPerSlot, 1);
    assert.equal(c.slotsPerEpoch, 4);
    assert.ok(typeof c.genesisTime === 'number');
    assert.ok(c.expectedSlot! >= 40 && c.highestHeadSlot! >= 40);
    assert.ok(c.slotsBehind! <= 1, JSON.stringify(c));
    // The chain's clock may be one epoch ahead of the heads at an epoch boundary.
    assert.ok([2, 3].includes(c.finalityDistance!), JSON.stringify(c));
    assert.deepEqual(proxyChildren(), [], 'the proxy was stopped');
    const from = h.events.length;
    const again = await status('stat', h.options());
    assert.equal(again.nodes.length, 5);
    const events = h.events.slice(from);
    assert.equal(spawned(events, 'proxy'), 1, 'one kubectl proxy for the call');
    assert.equal(events.filter((e) => e.type === 'spawn').length, 3, 'namespaces, enclave objects, proxy');
    assert.ok(
      events.every((e) => e.type !== 'spawn' || e.tool === 'kubectl'),
      'no kurtosis call',
    );
    assert.deepEqual(proxyChildren(), [], 'the proxy was stopped');
  });

  it('the table names the chain and every node; a stalled node makes it exit 1 with its reason', async () => {
    healthyChain();
    server().stallNode(ns, EL2);
    server().stallNode(ns, CL2);
    // The chain moves on 10 slots past the stalled nodes.
    server().setChain(ns, { genesisTime: Date.now() - 50_500 });
    const res = await h.cli(['--owner', 'alice', 'status', 'stat']);
    assert.equal(res.code, 1, res.stderr);
    const lines = res.stdout.trimEnd().split('\n');
    assert.match(
      lines[0]!,
      /^devnet stat · slot \d+ of \d+ · finalized epoch \d+ \(distance [23]\) · genesis \d{4}-/,
    );
    assert.match(lines[1]!, /^SERVICE +CLIENT +VERSION +HEAD +FINALIZED +PEERS +SYNCING +STATUS$/);
    const row = (s: string) => lines.find((l) => l.startsWith(`${s} `)) ?? '';
    assert.match(row(EL1), / geth +v0\.0\.0-fake +block \d+ +- +1 +no +ready$/);
    assert.match(row(EL2), /head not advancing: block \d+ is 1?\d+s old$/);
    assert.match(row(CL2), /head not advancing: slot \d+, 1?\d slots behind$/);
    assert.match(row(CL1), / lighthouse .* ready$/);
  });

  it('a crash-looping pod: its CrashLoopBackOff, last exit code and restarts are the problem', async () => {
    healthyChain();
    const pod = server()
      .list('pods', ns)
      .find((p) => p.metadata.labels?.['kurtosistech.com/id'] === CL2);
    assert.ok(pod, 'the fake has a pod for cl-2');
    server().crashPod(ns, pod.metadata.name!);
    try {
      const snapshot = await status('stat', h.options());
      const cl2 = snapshot.nodes.find((n) => n.service === CL2)!;
      assert.equal(cl2.ready, false);
      assert.match(cl2.problem ?? '', /^container CrashLoopBackOff \(last exit code \d+.*1 restart\)$/);
      assert.ok(snapshot.nodes.filter((n) => n.service !== CL2).every((n) => n.ready));
    } finally {
      // A fresh pod (as a new `up` would make) for the tests after this one.
      const { status: _crashed, ...fresh } = server().get('pods', ns, pod.metadata.name!)!;
      server().remove('pods', ns, pod.metadata.name!);
      server().add(fresh as typeof pod);
    }
  });

  it('a node answering HTML (a login page in front of it) is reported as not JSON', async () => {
    healthyChain();
    server().eth.setQuirk(ns, EL1, 'html');
    server().eth.setQuirk(ns, CL1, 'html');
    const snapshot = await status('stat', h.options());
    const el1 = snapshot.nodes.find((n) => n.service === EL1)!;
    const cl1 = snapshot.nodes.find((n) => n.service === CL1)!;
    assert.match(el1.problem ?? '', /^answer is not JSON: <!DOCTYPE html> <html><head><title>Sign in/);
    assert.match(cl1.problem ?? '', /^answer is not JSON: <!DOCTYPE html>/);
    assert.equal(el1.ready, false);
    assert.equal(cl1.ready, false);
  });

  it('watchStatus yields a snapshot per interval through one proxy and stops on abort', async () => {
    healthyChain();
    const controller = new AbortController();
    const from = h.events.length;
    const heads: number[] = [];
    for await (const s of watchStatus('stat', {
      ...h.options(),
      signal: controller.signal,
      interval: 1000,
    })) {
      heads.push(s.chain.highestHeadSlot!);
      if (heads.length === 3) controller.abort();
    }
    assert.equal(heads.length, 3);
    assert.ok(heads[2]! > heads[0]!, `the chain advanced: ${heads.join(', ')}`);
    assert.equal(spawned(h.events.slice(from), 'proxy'), 1);
    assert.deepEqual(proxyChildren(), []);
  });

  it('--watch in CI prints plain lines only when something changes; Ctrl-C exits 0', async () => {
    healthyChain();
    const run = spawnCli(['--owner', 'alice', 'status', 'stat', '--watch'], {
      env: { ...h.env, CI: 'true' },
      cwd: h.cwd,
    });
    // Event-driven, not timed: the first summary, then a stall, then the line that reports it.
    const until = async (re: RegExp) => {
      const deadline = Date.now() + 20_000;
      while (!re.test(run.stdout()) && Date.now() < deadline) await sleep(50);
    };
    await until(/nodes ready/);
    server().stallNode(ns, EL2);
    await until(/ stat: 4\/5 nodes ready/);
    await sleep(1200);
    run.child.kill('SIGINT');
    const { code } = await run.closed;
    const res = { code, stdout: run.stdout(), stderr: run.stderr() };
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout.trimEnd().split('\n');
    assert.match(
      lines[0]!,
      /^\d\d:\d\d:\d\d stat: 5\/5 nodes ready, head slot \d+\/\d+, finalized epoch \d+$/,
    );
    assert.equal(lines.filter((l) => / el-1-geth-lighthouse: ready/.test(l)).length, 1, res.stdout);
    assert.equal(lines.filter((l) => / el-2-reth-teku: head not advancing/.test(l)).length, 1, res.stdout);
    assert.ok(
      lines.some((l) => / stat: 4\/5 nodes ready/.test(l)),
      res.stdout,
    );
    assert.ok(lines.length < 12, `no line per slot: ${res.stdout}`);
    assert.deepEqual(proxyChildren(), []);
  });

  it('--json --watch prints one JSON document per line (NDJSON)', async () => {
    healthyChain();
    const run = spawnCli(['--owner', 'alice', 'status', 'stat', '--watch', '--json'], {
      env: h.env,
      cwd: h.cwd,
    });
    // Two snapshots a slot apart, however slow the machine: Ctrl-C once the second line is out.
    const deadline = Date.now() + 20_000;
    while (run.stdout().split('\n').length < 3 && Date.now() < deadline) await sleep(50);
    run.child.kill('SIGINT');
    const { code } = await run.closed;
    const res = { code, stdout: run.stdout(), stderr: run.stderr() };
    assert.equal(res.code, 0, res.stderr);
    const docs = res.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as DevnetStatus);
    assert.ok(docs.length >= 2, res.stdout);
    for (const d of docs) {
      assert.equal(d.devnet, 'stat');
      assert.equal(d.nodes.length, 5);
    }
  });

  it('--watch on a terminal redraws the table in place, in colour, and Ctrl-C leaves nothing running', async () => {
    healthyChain();
    server().stallNode(ns, CL2);
    server().setChain(ns, { genesisTime: Date.now() - 50_500 });
    const marker = h.cwd;
    // A person at a terminal: CI runs with CI=true, which would put the CLI in CI mode (plain lines).
    const { CI: _ci, ...terminalEnv } = h.env;
    const child = spawn('script', ['-qfec', cliCommandLine(['status', 'stat', '--watch']), '/dev/null'], {
      env: { ...terminalEnv, TERM: 'xterm', DEVNET_KIT_TEST_MARKER: marker },
      cwd: h.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while ((out.match(/SERVICE/g) ?? []).length < 3 && Date.now() < deadline) await sleep(100);
    // Ctrl-C typed at the terminal: the pty turns it into SIGINT for the foreground process group.
    child.stdin.write('\x03');
    const code = await exit;
    // The end of the output is where a failure shows (an error line, the Ctrl-C notice).
    const tail = `exit ${code}; the output's end:\n${out.slice(-1500)}`;
    assert.equal(code, 0, tail);
    assert.ok((out.match(/SERVICE/g) ?? []).length >= 3, tail);
    assert.match(out, /\x1b\[\d+F\x1b\[J/, 'moves back up and clears before each redraw');
    assert.match(out, /\x1b\[32mready\x1b\[39m/, 'ready in green');
    assert.match(out, /\x1b\[33mhead not advancing: slot \d+/, 'a stalled node in yellow');
    assert.deepEqual(await orphans(marker), []);
  });
});

describe('status on Docker (host ports answered by local stubs)', () => {
  const pair = useDockerNodePair('dstat', { advanceMs: 1000, secondsPerSlot: 1 });
  const { h } = pair;

  it('status of the default devnet reads the nodes on their host ports: exit 0, one enclave inspect', async () => {
    pair.cl.state.peers = 2;
    const res = await h.cli(['--owner', 'alice', 'status', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const doc = JSON.parse(res.stdout) as DevnetStatus;
    assert.equal(doc.devnet, 'dstat');
    assert.deepEqual(
      doc.nodes.map((n) => [n.service, n.client, n.version, n.ready]),
      [
        ['el-1-geth-lighthouse', 'geth', 'v1.14.12-stable', true],
        ['cl-1-lighthouse-geth', 'lighthouse', 'v6.0.1-0d90135', true],
      ],
    );
    assert.equal(doc.nodes[1]!.peers, 2);
    assert.equal(doc.chain.secondsPerSlot, 1);
  });

  it('a node answering HTML and a stalled node: exit 1, each with its reason', async () => {
    pair.el.state.html = true;
    pair.cl.state.stalled = true;
    await sleep(3200);
    try {
      const res = await h.cli(['--owner', 'alice', 'status', 'dstat', '--json']);
      assert.equal(res.code, 1, res.stderr);
      const doc = JSON.parse(res.stdout) as DevnetStatus;
      assert.match(doc.nodes[0]!.problem ?? '', /^answer is not JSON: <!DOCTYPE html>/);
      assert.match(doc.nodes[1]!.problem ?? '', /^head not advancing: slot \d+, [3-9] slots behind$/);
    } finally {
      pair.el.state.html = false;
      pair.cl.state.stalled = false;
    }
  });

  it('a stopped container closes its port: unreachable, and the reason from enclave inspect', async () => {
    h.fake.updateState((state) => {
      const svc = state.scopes
        .docker!.enclaves.find((e) => e.name === 'dstat')!
        .services.find((s) => s.name === 'el-1-geth-lighthouse')!;
      svc.status = 'STOPPED';
    });
    await pair.el.close();
    const snapshot = await status('dstat', h.options());
    assert.equal(snapshot.nodes[0]!.problem, 'container stopped');
    assert.equal(snapshot.nodes[0]!.ready, false);
  });

  it('an unknown devnet is exit 2, naming the devnets there are', async () => {
    const res = await h.cli(['--owner', 'alice', 'status', 'nope']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /^devnet-kit: no devnet named 'nope'; existing: dstat$/m);
  });
});
