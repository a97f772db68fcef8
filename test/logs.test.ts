// Logs: the pure pieces (timestamps, the resume cursor, the bounded merge queue, kubectl argv and output),
// then contract tests: the REAL kubectl against the fake API server (Kubernetes) and the fake `kurtosis`
// (Docker), through the library and through the CLI, including Ctrl-C on `devnet-kit logs -f`.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { before, describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeApiServer } from '../fixtures/kube/apiserver.js';
import {
  type DevnetEvent,
  followLogs,
  getLogs,
  InvalidInputError,
  type LogLine,
  NotFoundError,
  up,
} from '../lib/index.js';
import { selectorLogsArgs } from '../lib/kube/commands.js';
import { parsePrefixedLogs } from '../lib/kube/parse.js';
import { acceptLine, type Cursor, timeKey, userServiceSelector } from '../lib/logs/kube.js';
import { toLogQuery } from '../lib/logs/query.js';
import { BoundedQueue } from '../lib/logs/queue.js';
import { ONE_PAIR } from './support/args-fixtures.js';
import type { FakeKurtosis } from './support/fake-kurtosis.js';
import { useHarness } from './support/harness.js';
import { hasKubectl } from './support/kube-env.js';
import { type CliProcess, type CliResult, runCli, spawnCli } from './support/reliability.js';

const skip = (await hasKubectl()) ? false : 'kubectl is not on PATH';
const C = 'user-service-container';
const EL = 'el-1-geth-lighthouse';
const CL = 'cl-1-lighthouse-geth';
const VC = 'vc-1-geth-lighthouse';
const THREE = [EL, CL, VC];

// ---------------------------------------------------------------------------------------------------
// helpers

interface Setup {
  env: NodeJS.ProcessEnv;
  cwd: string;
  events: DevnetEvent[];
  onEvent: (e: DevnetEvent) => void;
}

function setup(env: NodeJS.ProcessEnv, cwd: string): Setup {
  const events: DevnetEvent[] = [];
  return { env, cwd, events, onEvent: (e) => events.push(e) };
}

const spawned = (events: readonly DevnetEvent[]) =>
  events.flatMap((e) => (e.type === 'spawn' ? [e.argv.slice(1).join(' ')] : []));

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Collects a follow in the background; `stop()` aborts it and resolves when the iteration has ended.
 * The test stops it in any case, also when an assertion failed first.
 */
function collect(t: TestContext, lines: AsyncIterable<LogLine>, controller: AbortController) {
  const got: LogLine[] = [];
  const done = (async () => {
    for await (const line of lines) got.push(line);
  })();
  t.after(() => {
    controller.abort();
    return done;
  });
  return {
    got,
    done,
    async stop() {
      controller.abort();
      await done;
    },
  };
}

function seqs(got: readonly LogLine[], service: string): number[] {
  return got
    .filter((l) => l.service === service && / seq=\d+$/.test(l.line))
    .map((l) => Number(l.line.split('seq=')[1]));
}

/** pid → ppid, state and argv of every process, from /proc. */
function processes(): { pid: number; ppid: number; state: string; cmd: string }[] {
  const out: { pid: number; ppid: number; state: string; cmd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      out.push({ pid: Number(entry), ppid: Number(fields[1]), state: fields[0]!, cmd });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Processes (not zombies) whose environment has `entry`, e.g. this test's FAKE_KURTOSIS_STATE. */
function withEnv(entry: string): number[] {
  return processes().flatMap((p) => {
    if (p.state === 'Z') return [];
    try {
      return readFileSync(`/proc/${p.pid}/environ`, 'utf8').split('\0').includes(entry) ? [p.pid] : [];
    } catch {
      return [];
    }
  });
}

function live(pids: readonly number[]): number[] {
  const alive = new Set(
    processes()
      .filter((p) => p.state !== 'Z')
      .map((p) => p.pid),
  );
  return pids.filter((pid) => alive.has(pid));
}

/** The CLI in its own process group, as a shell runs it; SIGINT at the end of the test if still running. */
function startCli(t: TestContext, args: string[], env: NodeJS.ProcessEnv, cwd: string): CliProcess {
  const run = spawnCli(args, { env, cwd, detached: true });
  t.after(() => {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGINT');
  });
  return run;
}

/** The built CLI run to the end, with captured output. */
/**
 * The CLI's exit after a SIGINT sent at `sent`. How fast is the benchmark's business (machines are
 * noisy): the time is a diagnostic, and 15 s only tells an end from a hang.
 */
async function exitAfterSigint(t: TestContext, run: CliProcess, sent: number) {
  const guard = new AbortController();
  const exit = await Promise.race([
    run.exit,
    sleep(15_000, undefined, { signal: guard.signal }).then(() =>
      assert.fail(`still running 15 s after SIGINT: ${run.stderr()}`),
    ),
  ]).finally(() => guard.abort());
  t.diagnostic(`exit ${exit.code} ${Math.round(exit.at - sent)} ms after SIGINT`);
  return exit;
}

function cli(args: string[], s: Setup): Promise<CliResult> {
  return runCli(args, { env: s.env, cwd: s.cwd });
}

// ---------------------------------------------------------------------------------------------------
// pure pieces

describe('log timestamps and the resume cursor', () => {
  it('orders kubelet timestamps by instant, whatever their precision or zone', () => {
    const times = [
      '2026-01-02T03:04:05Z',
      '2026-01-02T03:04:05.1Z',
      '2026-01-02T03:04:05.000000002Z',
      '2026-01-02T04:04:05.05+01:00',
    ];
    assert.ok('2026-01-02T03:04:05Z' > '2026-01-02T03:04:05.1Z', 'the raw text does not sort');
    const keys = times.map((t) => timeKey(t)!);
    assert.deepEqual(keys, [
      '2026-01-02T03:04:05.000000000',
      '2026-01-02T03:04:05.100000000',
      '2026-01-02T03:04:05.000000002',
      '2026-01-02T03:04:05.050000000',
    ]);
    assert.deepEqual([...keys].sort(), [keys[0], keys[2], keys[3], keys[1]]);
    assert.equal(timeKey('yesterday'), undefined);
  });

  it('skips what was seen when a stream is re-read from its last second, even lines sharing a timestamp', () => {
    const cursor: Cursor = { same: 0, skip: 0 };
    const at = (time: string, line: string): LogLine => ({ service: 's', time, line });
    const first = [
      at('2026-01-02T03:04:05.1Z', 'a'),
      at('2026-01-02T03:04:05.2Z', 'b'),
      at('2026-01-02T03:04:05.2Z', 'c'),
    ];
    assert.deepEqual(
      first.map((l) => acceptLine(cursor, l)),
      [true, true, true],
    );
    assert.equal(cursor.same, 2);
    // reattached with --since-time=…05.2Z, which kubectl cuts to …05Z: the whole second comes again
    cursor.skip = cursor.same;
    const again = [...first, at('2026-01-02T03:04:05.2Z', 'd'), at('2026-01-02T03:04:06Z', 'e')];
    assert.deepEqual(
      again.filter((l) => acceptLine(cursor, l)).map((l) => l.line),
      ['d', 'e'],
    );
    assert.equal(acceptLine(cursor, { service: 's', line: 'no timestamp' }), true);
  });
});

describe('the bounded merge queue', () => {
  it('makes producers wait while full and delivers in order, then ends', async () => {
    const queue = new BoundedQueue<number>(2);
    let pushed = 0;
    const producer = (async () => {
      for (let i = 0; i < 5; i++) {
        await queue.push(i);
        pushed++;
      }
      queue.close();
    })();
    await sleep(10);
    assert.equal(pushed, 2, 'the third push waits for room');
    assert.equal(queue.size, 2);
    const got: number[] = [];
    for (;;) {
      const next = await queue.next();
      if (next.done) break;
      got.push(next.value);
      assert.ok(queue.size <= 2);
    }
    await producer;
    assert.deepEqual(got, [0, 1, 2, 3, 4]);
  });

  it('delivers what is queued before a failure, and drops everything when discarded', async () => {
    const queue = new BoundedQueue<string>(4);
    await queue.push('a');
    queue.close(new Error('boom'));
    assert.deepEqual(await queue.next(), { value: 'a', done: false });
    await assert.rejects(queue.next(), /boom/);
    const gone = new BoundedQueue<string>(1);
    await gone.push('x');
    const waiting = gone.push('y');
    gone.close(undefined, { discard: true });
    await waiting;
    assert.deepEqual(await gone.next(), { value: undefined, done: true });
  });
});

describe('kubectl logs for many pods', () => {
  it('reads every matching pod in one call with a per-pod tail, prefixes and timestamps', () => {
    assert.deepEqual(
      selectorLogsArgs(
        { context: 'bruno' },
        { namespace: 'kt-a', selector: userServiceSelector(['el-1', 'cl-1']), tail: 5 },
      ),
      [
        '--context',
        'bruno',
        'logs',
        '-n',
        'kt-a',
        '-l',
        'kurtosistech.com/resource-type=user-service,kurtosistech.com/id in (el-1,cl-1)',
        '-c',
        'user-service-container',
        '--prefix',
        '--timestamps',
        '--ignore-errors',
        '--tail=5',
      ],
    );
    // -l alone would cut each pod to 10 lines
    assert.ok(selectorLogsArgs({}, { namespace: 'kt-a', selector: 'a=b' }).includes('--tail=-1'));
    assert.ok(
      selectorLogsArgs({}, { namespace: 'kt-a', selector: 'a=b', since: '90s' }).includes('--since=90s'),
    );
    assert.throws(
      () => selectorLogsArgs({}, { namespace: 'kt-a', selector: 'a=b', since: 'soon' }),
      InvalidInputError,
    );
  });

  it('splits prefixed output into pod, time and line, and keeps kubectl errors apart', () => {
    const text = [
      '[pod/el-1/user-service-container] 2026-01-02T03:04:05.1Z INFO [01-02] started',
      '[pod/cl-1/user-service-container] 2026-01-02T03:04:05Z a [bracketed] line',
      'error: container "user-service-container" in pod "vc-1" is waiting to start: ContainerCreating',
      '',
    ].join('\n');
    assert.deepEqual(parsePrefixedLogs(text), {
      lines: [
        { pod: 'el-1', container: C, time: '2026-01-02T03:04:05.1Z', line: 'INFO [01-02] started' },
        { pod: 'cl-1', container: C, time: '2026-01-02T03:04:05Z', line: 'a [bracketed] line' },
      ],
      errors: ['container "user-service-container" in pod "vc-1" is waiting to start: ContainerCreating'],
    });
  });

  it('checks tail, since and names before anything runs', () => {
    assert.deepEqual(toLogQuery('net', { services: [EL, EL], tail: 3, since: '1m30s' }), {
      name: 'net',
      services: [EL],
      tail: 3,
      since: { seconds: 90 },
    });
    assert.deepEqual(toLogQuery('net', { since: 1500 }).since, { seconds: 2 });
    for (const bad of [
      { tail: -1 },
      { tail: 1.5 },
      { tail: 100_001 },
      { since: 'soon' },
      { since: 0 },
      { services: ['-x'] },
    ]) {
      assert.throws(() => toLogQuery('net', bad as never), InvalidInputError, JSON.stringify(bad));
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Kubernetes: the real kubectl against the fake API server, the enclave made by `up()` with the fake kurtosis

describe('logs on Kubernetes', { skip }, () => {
  const NAME = 'logs-k8s';
  const NS = `kt-${NAME}`;
  const h = useHarness('kubernetes');
  let server: FakeApiServer;
  let s: Setup;
  const push = (pod: string, lines: string[]) => server.appendLogs(NS, pod, C, lines);
  /** No stream of an earlier test still open on the server (they close a moment after kubectl exits). */
  const quiet = () =>
    until('earlier streams closed', () => server.logStreamCount({ namespace: NS }) === 0, 3000);
  const logRequests = () => server.requests.filter((r) => /\/pods\/[^/]+\/log$/.test(r.path)).length;

  before(async () => {
    server = h.kube!.server;
    s = setup({ ...h.env, DEVNET_KIT_OWNER: 'tester' }, h.cwd);
    await up({
      env: s.env,
      cwd: s.cwd,
      name: NAME,
      args: ONE_PAIR,
    });
  });

  it('getLogs gives the last N lines of each of three services, in time order, from one kubectl logs call', async () => {
    for (let i = 0; i < 4; i++) for (const pod of THREE) push(pod, [`${pod} tail-${i}`]);
    s.events.length = 0;
    const lines = await getLogs(NAME, { ...s, services: THREE, tail: 2 });
    assert.deepEqual(
      lines.map((l) => `${l.service} ${l.line}`),
      [2, 3].flatMap((i) => THREE.map((pod) => `${pod} ${pod} tail-${i}`)),
    );
    for (const l of lines) assert.match(l.time ?? '', /^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    assert.deepEqual(spawned(s.events), [
      'get namespaces -l kurtosistech.com/resource-type=enclave -o json',
      'get services,pods -n kt-logs-k8s -l kurtosistech.com/resource-type=user-service -o json',
      `logs -n kt-logs-k8s -l kurtosistech.com/resource-type=user-service,kurtosistech.com/id in (${THREE.join(',')}) -c user-service-container --prefix --timestamps --ignore-errors --tail=2`,
    ]);
    // every service, one line each, without the service check
    const all = await getLogs(NAME, { env: s.env, cwd: s.cwd, tail: 1 });
    assert.deepEqual(
      new Set(all.map((l) => l.service)),
      new Set([...THREE, 'validator-key-generation-cl-validator-keystore']),
    );
  });

  it('rejects unknown services, listing the real ones, and reads no log', async () => {
    const before = logRequests();
    await assert.rejects(getLogs(NAME, { ...s, services: [EL, 'el-9-nope'] }), (error: unknown) => {
      assert.ok(error instanceof NotFoundError);
      assert.match(
        error.message,
        /no service named 'el-9-nope'; existing: cl-1-lighthouse-geth, el-1-geth-lighthouse, /,
      );
      return true;
    });
    await assert.rejects(getLogs('no-such-devnet', s), NotFoundError);
    const r = await cli(['--verbose', 'logs', NAME, EL, 'el-9-nope', 'nope-2'], s);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /no services named 'el-9-nope', 'nope-2'; existing: /);
    assert.match(r.stderr, /\$ kubectl get services,pods /);
    assert.doesNotMatch(r.stderr, /\$ kubectl logs/);
    assert.equal(logRequests(), before, 'no log request after the lookup');
    for (const args of [
      ['logs', NAME, '--tail', 'lots'],
      ['logs', NAME, '--since', 'soon'],
      ['logs', 'Bad_Name'],
    ]) {
      const bad = await cli(['--verbose', ...args], s);
      assert.equal(bad.code, 2, args.join(' '));
      assert.doesNotMatch(bad.stderr, /\$ /, 'nothing spawned');
    }
  });

  it('devnet-kit logs prints `[service] line` for several services, and --json the LogLine array', async () => {
    const text = await cli(['logs', NAME, EL, CL, VC, '--tail', '1'], s);
    assert.equal(text.code, 0, text.stderr);
    assert.deepEqual(
      text.stdout.trimEnd().split('\n'),
      THREE.map((pod) => `[${pod}] ${pod} tail-3`),
    );
    const json = await cli(['--json', 'logs', NAME, EL, '-n', '2', '--since', '1h'], s);
    const doc = JSON.parse(json.stdout) as LogLine[];
    assert.deepEqual(
      doc.map((l) => l.line),
      [`${EL} tail-2`, `${EL} tail-3`],
    );
    assert.deepEqual(Object.keys(doc[0]!).sort(), ['line', 'service', 'time']);
  });

  it('follows three services at once, merged line by line and attributed', async (t) => {
    await quiet();
    const controller = new AbortController();
    const run = collect(
      t,
      followLogs(NAME, { ...s, services: THREE, tail: 0, signal: controller.signal }),
      controller,
    );
    for (const pod of THREE) await server.waitForLogStream({ namespace: NS, pod }, 15_000);
    const long = 'x'.repeat(100_000);
    for (let i = 0; i < 20; i++)
      for (const pod of THREE) push(pod, [`${pod} seq=${i}`, `${pod} long ${long}`]);
    await until('every line', () => run.got.length >= 120);
    await run.stop();
    await until('every kubectl logs -f stopped', () => server.logStreamCount({ namespace: NS }) === 0, 2000);
    for (const pod of THREE) {
      assert.deepEqual(seqs(run.got, pod), [...Array(20).keys()]);
      for (const l of run.got.filter((x) => x.service === pod && x.line.includes(' long '))) {
        assert.equal(l.line, `${pod} long ${long}`, 'never cut or mixed with another line');
      }
    }
  });

  it('resumes dropped streams with no line lost and none repeated', async (t) => {
    await quiet();
    const controller = new AbortController();
    const warnings: string[] = [];
    const run = collect(
      t,
      followLogs(NAME, {
        env: s.env,
        cwd: s.cwd,
        services: THREE,
        tail: 0,
        signal: controller.signal,
        onEvent: (e) => e.type === 'warning' && warnings.push(e.message),
      }),
      controller,
    );
    for (const pod of THREE) await server.waitForLogStream({ namespace: NS, pod }, 15_000);
    const N = 300;
    let seq = 0;
    const burst = async (count: number) => {
      for (let i = 0; i < count; i++, seq++) {
        for (const pod of THREE) push(pod, [`${pod} seq=${seq}`]);
        if (i % 10 === 9) await sleep(2);
      }
    };
    // Three drops (EL, EL, then every stream), each followed by lines written while detached.
    for (const target of [{ pod: EL }, { pod: EL }, {}]) {
      await burst(50);
      assert.ok(server.dropStreams({ namespace: NS, ...target }) >= 1);
      await burst(25);
      for (const pod of THREE) await server.waitForLogStream({ namespace: NS, pod }, 15_000);
    }
    await burst(N - seq);
    await until('every line after the drops', () => THREE.every((pod) => seqs(run.got, pod).length >= N));
    await sleep(300); // anything repeated would arrive now
    await run.stop();
    for (const pod of THREE) assert.deepEqual(seqs(run.got, pod), [...Array(N).keys()], pod);
    // resumed from the last line seen: kubectl sent whole seconds, so seen lines came again and were skipped
    const resumed = server.requests.filter(
      (r) => r.path === `/api/v1/namespaces/${NS}/pods/${EL}/log` && r.query.sinceTime,
    );
    assert.ok(resumed.length >= 3, `${resumed.length} resumed reads of ${EL}`);
    for (const r of resumed) assert.match(String(r.query.sinceTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(
      warnings.some((w) =>
        /logs of el-1-geth-lighthouse .* broke off; reattaching: .*unexpected EOF/.test(w),
      ),
      warnings.join('\n'),
    );
  });

  it('re-attaches a restarted pod, and picks up a replacement pod under a new name', async (t) => {
    await quiet();
    const controller = new AbortController();
    const run = collect(
      t,
      followLogs(NAME, { ...s, services: [CL, VC], tail: 0, pollIntervalMs: 100, signal: controller.signal }),
      controller,
    );
    for (const pod of [CL, VC]) await server.waitForLogStream({ namespace: NS, pod }, 15_000);
    push(CL, [`${CL} seq=0`]);
    server.restartPod(NS, CL);
    push(CL, [`${CL} seq=1`]); // the new container, written before we reattach
    await until('the restarted pod', () => seqs(run.got, CL).length >= 2);
    await server.waitForLogStream({ namespace: NS, pod: CL }, 15_000);
    push(CL, [`${CL} seq=2`]);

    const old = server.get('pod', NS, VC) as { metadata: Record<string, unknown> };
    server.remove('pod', NS, VC);
    const { uid: _uid, resourceVersion: _rv, creationTimestamp: _ct, ...metadata } = old.metadata;
    server.add({ ...old, metadata: { ...metadata, name: `${VC}-b` } } as never);
    push(`${VC}-b`, [`${VC} seq=0`, `${VC} seq=1`]);
    await until('the replacement pod', () => seqs(run.got, VC).length >= 2 && seqs(run.got, CL).length >= 3);
    await run.stop();
    assert.deepEqual(seqs(run.got, CL), [0, 1, 2]);
    assert.deepEqual(seqs(run.got, VC), [0, 1]);
    assert.ok(
      server.requests.some(
        (r) => r.path === `/api/v1/namespaces/${NS}/pods/${CL}/log` && r.query.previous === 'true',
      ),
      'what the old container wrote after the last line seen was read with --previous',
    );
  });

  it('devnet-kit logs -f ends on SIGINT, exit 0 or 130, leaving no kubectl behind', async (t) => {
    await quiet();
    const run = startCli(t, ['logs', NAME, EL, CL, '-f', '--tail', '0'], s.env, s.cwd);
    for (const pod of [EL, CL]) await server.waitForLogStream({ namespace: NS, pod }, 15_000);
    push(EL, ['hello from el']);
    push(CL, ['hello from cl']);
    await until(
      'both lines',
      () =>
        /\[cl-1-lighthouse-geth\] hello from cl\n/.test(run.stdout()) &&
        /\[el-1-geth-lighthouse\] hello from el\n/.test(run.stdout()),
    );
    const kids = processes().filter((p) => p.ppid === run.child.pid);
    assert.equal(kids.filter((p) => / logs .* -f$/.test(p.cmd)).length, 2, kids.map((k) => k.cmd).join('\n'));
    const sent = performance.now();
    process.kill(-run.child.pid!, 'SIGINT'); // Ctrl-C: kubectl gets it too
    const exit = await exitAfterSigint(t, run, sent);
    assert.ok(exit.code === 0 || exit.code === 130, `exit ${exit.code} ${exit.signal}: ${run.stderr()}`);
    assert.deepEqual(live(kids.map((k) => k.pid)), [], 'no child left');
    await until(
      'the server saw the streams close',
      () => server.logStreamCount({ namespace: NS }) === 0,
      2000,
    );
    assert.doesNotMatch(run.stderr(), /broke off|warning/, 'a quiet Ctrl-C');
  });
});

// ---------------------------------------------------------------------------------------------------
// Docker: `kurtosis service logs` of the fake kurtosis

describe('logs on Docker', () => {
  const NAME = 'logs-dock';
  const h = useHarness('docker');
  let fake: FakeKurtosis;
  let s: Setup;
  const DORA = 'dora';

  before(async () => {
    fake = h.fake;
    s = setup({ ...h.env, DEVNET_KIT_OWNER: 'tester' }, h.cwd);
    await up({
      env: s.env,
      cwd: s.cwd,
      name: NAME,
      args: { ...ONE_PAIR, additional_services: ['dora'] },
    });
  });

  const serviceLogCalls = () => fake.calls().filter((argv) => argv[0] === 'service' && argv[1] === 'logs');

  it('getLogs gives the last N lines of three services with one `kurtosis service logs`', async () => {
    s.events.length = 0;
    const lines = await getLogs(NAME, { ...s, services: [EL, CL, DORA], tail: 1 });
    const enclave = fake.scope().enclaves.find((e) => e.name === NAME)!;
    const last = (name: string) => enclave.services.find((x) => x.name === name)!.logs.at(-1);
    assert.deepEqual(
      lines,
      [EL, CL, DORA].map((service) => ({ service, line: last(service) })),
    );
    assert.deepEqual(spawned(s.events), [
      `enclave inspect ${NAME} --full-uuids`,
      `service logs ${NAME} ${EL} ${CL} ${DORA} -n 1`,
    ]);
    const text = await cli(['logs', NAME, '--tail', '1'], s);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout.trimEnd().split('\n').length, 5);
    assert.match(text.stdout, /^\[dora\] /m);
  });

  it('rejects unknown services and --since before reading any log', async () => {
    const before = serviceLogCalls().length;
    await assert.rejects(
      getLogs(NAME, { ...s, services: ['nope'] }),
      /no service named 'nope'; existing: cl-1-lighthouse-geth, dora, /,
    );
    const r = await cli(['logs', NAME, DORA, 'nope'], s);
    assert.equal(r.code, 2, r.stderr);
    const calls = fake.calls();
    assert.deepEqual(
      calls.at(-1),
      ['enclave', 'inspect', NAME, '--full-uuids'],
      'the lookup is the last call',
    );
    assert.equal(serviceLogCalls().length, before);
    assert.throws(() => followLogs(NAME, { ...s, since: '5m' }), /since works on Kubernetes only/);
    const since = await cli(['logs', NAME, '--since', '5m'], s);
    assert.equal(since.code, 2);
    assert.equal(fake.calls().length, calls.length, 'nothing spawned');
    await assert.rejects(getLogs('not-here', s), /no devnet named 'not-here'; existing: logs-dock/);
  });

  it('follows three services merged line by line and stops Kurtosis with SIGINT', async (t) => {
    const controller = new AbortController();
    const run = collect(
      t,
      followLogs(NAME, { ...s, services: [EL, CL, DORA], tail: 0, signal: controller.signal }),
      controller,
    );
    await until('lines of all three', () =>
      [EL, CL, DORA].every((n) => run.got.filter((l) => l.service === n).length >= 2),
    );
    await run.stop();
    for (const l of run.got)
      assert.ok([EL, CL, DORA].includes(l.service) && !l.line.startsWith('['), JSON.stringify(l));
    assert.deepEqual(serviceLogCalls().at(-1), ['service', 'logs', NAME, EL, CL, DORA, '-n', '0', '-f']);
    assert.equal(fake.state().engineLogStreamLeaks, 0, 'stopped with SIGINT, never SIGTERM');
  });

  it('devnet-kit logs -f ends on SIGINT with no kurtosis left', async (t) => {
    const run = startCli(t, ['logs', NAME, EL, CL, DORA, '-f', '-n', '0'], s.env, s.cwd);
    await until('lines', () => (run.stdout().match(/^\[dora\] /gm)?.length ?? 0) >= 2, 15_000);
    const kids = processes().filter((p) => p.ppid === run.child.pid);
    assert.ok(
      kids.some((k) => k.cmd.includes('fake-kurtosis/kurtosis service logs')),
      kids.map((k) => k.cmd).join('\n'),
    );
    const sent = performance.now();
    run.child.kill('SIGINT'); // to the CLI alone: it must stop Kurtosis itself, with SIGINT
    const exit = await exitAfterSigint(t, run, sent);
    assert.ok(exit.code === 0 || exit.code === 130, `exit ${exit.code} ${exit.signal}: ${run.stderr()}`);
    assert.deepEqual(live(kids.map((k) => k.pid)), []);
    // nothing of this test's fake is left anywhere (other test files run their own fakes)
    assert.deepEqual(withEnv(`FAKE_KURTOSIS_STATE=${fake.env.FAKE_KURTOSIS_STATE}`), []);
    assert.equal(fake.state().engineLogStreamLeaks, 0);
  });
});
