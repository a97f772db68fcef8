// Benchmark of `followLogs` on Kubernetes against the fake API server (run in its own process, so the
// memory figures are the library's alone):
// - throughput: the merged follow of N pods (one `kubectl logs -f` per pod, parsed, de-duplicated and
//   merged into one AsyncIterable) against the same N raw `kubectl logs -f` writing to /dev/null;
// - memory: peak RSS of this process while ~100 MB of lines go through a consumer slower than the streams.
//
//   node --import tsx bench/logs.ts [--quick] [--streams N] [--mb M]
//
// prints one JSON document. `measureLogs()` is the same, for the bench suite.

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createFakeKurtosis } from '../test/support/fake-kurtosis.js';

export interface LogsBenchOptions {
  /** Pods followed at once (default 4). */
  streams?: number;
  /** Bytes of log lines in all, for the throughput runs (default 100 MB; `quick`: 10 MB). */
  totalBytes?: number;
  /** Bytes through the slow consumer (default = totalBytes). */
  slowBytes?: number;
  /** Length of one line, timestamp excluded (default 200). */
  lineBytes?: number;
  quick?: boolean;
}

export interface ThroughputFigures {
  lines: number;
  bytes: number;
  ms: number;
  linesPerSec: number;
  mbPerSec: number;
}

export interface LogsBenchResult {
  streams: number;
  lineBytes: number;
  /** N × `kubectl logs -f --timestamps` → /dev/null, from spawn until every stream has been read. */
  raw: ThroughputFigures;
  /** The same kubectl processes with stdout read (and dropped) through a pipe by this process. */
  rawPipe: ThroughputFigures;
  /**
   * `followLogs` over the same pods, from the call until the last line reached the consumer; that
   * includes finding the namespace and the pods (2 kubectl calls) before the first line (`firstLineMs`).
   */
  merged: ThroughputFigures & { firstLineMs: number };
  /**
   * The same follow from the spawn of its first `kubectl logs -f` to the last line: the span the raw
   * figures cover (they spawn their kubectl processes directly, with no lookup before), so
   * `streamRatioToPipe` compares like with like; `merged` adds the namespace and pod lookups.
   */
  mergedStreams: ThroughputFigures & { lookupMs: number };
  /** merged / raw throughput (1 = as fast as kubectl alone). */
  ratio: number;
  /** merged / rawPipe, lookups included. */
  ratioToPipe: number;
  /** mergedStreams / rawPipe: the cost of parsing, de-duplicating and merging on top of reading kubectl at all. */
  streamRatioToPipe: number;
  slowConsumer: {
    bytes: number;
    lines: number;
    ms: number;
    /** This process before the follow started. */
    baselineRssMb: number;
    peakRssMb: number;
    growthMb: number;
    /** The kubectl children together, sampled at the same time. */
    peakKubectlRssMb: number;
    bufferLines: number;
  };
}

const MB = 1024 * 1024;
const NAME = 'bench-logs';
const NS = `kt-${NAME}`;
const UUID = 'b0000000000000000000000000000001';
const C = 'user-service-container';

// ---------------------------------------------------------------------------------------------------
// The fake API server, in a child process (`--serve`), driven by JSON lines on stdin.

interface ServerHandle {
  url: string;
  call(command: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

async function startServer(): Promise<ServerHandle> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), self, '--serve'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const replies = createInterface({ input: child.stdout! });
  const pending: ((reply: Record<string, unknown>) => void)[] = [];
  let ready: (url: string) => void = () => {};
  const started = new Promise<string>((resolve) => {
    ready = resolve;
  });
  replies.on('line', (line) => {
    const reply = JSON.parse(line) as Record<string, unknown>;
    if (typeof reply.url === 'string') ready(reply.url);
    else pending.shift()?.(reply);
  });
  const url = await started;
  return {
    url,
    call(command) {
      return new Promise((resolve) => {
        pending.push(resolve);
        child.stdin!.write(`${JSON.stringify(command)}\n`);
      });
    },
    async close() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

async function serve(): Promise<void> {
  const { startFakeApiServer } = await import('../fixtures/kube/apiserver.js');
  const server = await startFakeApiServer({ recordRequests: false });
  const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  out({ url: server.url });
  const labels = { 'kurtosistech.com/app-id': 'kurtosis', 'kurtosistech.com/enclave-id': UUID };
  server.add({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: NS,
      labels: { ...labels, 'kurtosistech.com/resource-type': 'enclave' },
      annotations: { 'kurtosistech.com/enclave-name': NAME },
    },
  });
  for await (const line of createInterface({ input: process.stdin })) {
    const command = JSON.parse(line) as { cmd: string; pods?: number; lines?: number; lineBytes?: number };
    if (command.cmd === 'load') {
      // Fresh pods each time, so every run reads exactly what was loaded.
      for (const pod of server.list('pod', NS)) server.remove('pod', NS, pod.metadata.name!);
      const filler = 'x'.repeat(Math.max(0, (command.lineBytes ?? 200) - 30));
      const pods: string[] = [];
      let bytes = 0;
      for (let p = 0; p < (command.pods ?? 1); p++) {
        const name = `svc-${p}`;
        pods.push(name);
        server.add({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name,
            namespace: NS,
            labels: {
              ...labels,
              'kurtosistech.com/resource-type': 'user-service',
              'kurtosistech.com/id': name,
            },
          },
          spec: { containers: [{ name: C, image: 'bench' }] },
        });
        const chunk: string[] = [];
        const append = () => {
          for (const entry of server.appendLogs(NS, name, C, chunk.splice(0))) {
            bytes += entry.time.length + entry.line.length + 2;
          }
        };
        for (let i = 0; i < (command.lines ?? 0); i++) {
          chunk.push(`${name} seq=${i} ${filler}`);
          if (chunk.length === 10_000) append();
        }
        append();
      }
      out({ ok: true, pods, bytes });
    } else if (command.cmd === 'end-when-open') {
      // Streams are registered after the existing lines were written; ending them lets kubectl exit.
      while (server.logStreamCount({ namespace: NS }) < (command.pods ?? 1)) await sleep(5);
      server.endStreams({ namespace: NS });
      out({ ok: true });
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Measurements

function figures(lines: number, bytes: number, ms: number): ThroughputFigures {
  return {
    lines,
    bytes,
    ms: Math.round(ms),
    linesPerSec: Math.round((lines / ms) * 1000),
    mbPerSec: Math.round((bytes / MB / (ms / 1000)) * 10) / 10,
  };
}

/** RSS of our kubectl children (not the fake API server's process). */
function kubectlRss(): number {
  let total = 0;
  for (const pid of readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)) {
    if (!pid) continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (!/^Name:\s+kubectl/m.test(status)) continue;
      total += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

export async function measureLogs(options: LogsBenchOptions = {}): Promise<LogsBenchResult> {
  const streams = options.streams ?? 4;
  const lineBytes = options.lineBytes ?? 200;
  const totalBytes = options.totalBytes ?? (options.quick ? 10 : 100) * MB;
  const slowBytes = options.slowBytes ?? totalBytes;
  // What a line costs on the wire: the text, the kubelet timestamp, a space and a newline.
  const wireBytes = lineBytes + 29;
  const linesPerPod = Math.max(1, Math.round(totalBytes / wireBytes / streams));
  const slowLinesPerPod = Math.max(1, Math.round(slowBytes / wireBytes / streams));

  const server = await startServer();
  const fake = createFakeKurtosis({ backend: 'kubernetes', kubeServer: server.url });
  const cache = mkdtempSync(join(tmpdir(), 'devnet-kit-bench-kube-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...fake.env,
    KUBECACHEDIR: cache,
    DEVNET_KIT_OWNER: 'bench',
  };
  const cwd = fake.dir;
  const { followLogs } = await import('../lib/index.js');

  try {
    // raw: N kubectl → /dev/null
    const loaded = (await server.call({ cmd: 'load', pods: streams, lines: linesPerPod, lineBytes })) as {
      pods: string[];
      bytes: number;
    };
    const devNull = openSync('/dev/null', 'w');
    const rawStart = performance.now();
    const kids: ChildProcess[] = loaded.pods.map((pod) =>
      spawn('kubectl', ['logs', pod, '-n', NS, '-c', C, '--timestamps', '-f'], {
        env,
        stdio: ['ignore', devNull, 'inherit'],
      }),
    );
    const exits = kids.map((k) => new Promise((resolve) => k.once('exit', resolve)));
    await server.call({ cmd: 'end-when-open', pods: streams });
    await Promise.all(exits);
    const rawMs = performance.now() - rawStart;
    closeSync(devNull);
    const lines = linesPerPod * streams;
    // `--timestamps` output: `<time> <line>\n`, the same bytes both ways.
    const raw = figures(lines, loaded.bytes, rawMs);

    // raw into a pipe: the same kubectl processes, their stdout read by this process and thrown away.
    // kubectl writes every line with its own write(2) (bufio.ReadBytes + Write per line), which costs
    // nothing into /dev/null but a pipe wake-up per line for any reader of its output.
    await server.call({ cmd: 'load', pods: streams, lines: linesPerPod, lineBytes });
    const pipeStart = performance.now();
    let pipeBytes = 0;
    const piped = loaded.pods.map((pod) => {
      const child = spawn('kubectl', ['logs', pod, '-n', NS, '-c', C, '--timestamps', '-f'], {
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      child.stdout!.on('data', (chunk: Buffer) => {
        pipeBytes += chunk.length;
      });
      return new Promise((resolve) => child.once('close', resolve));
    });
    await server.call({ cmd: 'end-when-open', pods: streams });
    await Promise.all(piped);
    const rawPipe = figures(lines, pipeBytes, performance.now() - pipeStart);

    // merged: followLogs over the same (freshly loaded) pods
    await server.call({ cmd: 'load', pods: streams, lines: linesPerPod, lineBytes });
    const mergedStart = performance.now();
    let seen = 0;
    let bytes = 0;
    let firstLineAt = 0;
    let streamsAt = 0;
    const onEvent = (e: { type: string; argv?: readonly string[] }) => {
      if (streamsAt === 0 && e.type === 'spawn' && e.argv?.[1] === 'logs') streamsAt = performance.now();
    };
    for await (const line of followLogs(NAME, { env, cwd, onEvent })) {
      if (seen === 0) firstLineAt = performance.now();
      seen++;
      bytes += (line.time?.length ?? 0) + line.line.length + 2;
      if (seen === lines) break;
    }
    const mergedEnd = performance.now();
    const merged = {
      ...figures(seen, bytes, mergedEnd - mergedStart),
      firstLineMs: Math.round(firstLineAt - mergedStart),
    };
    const mergedStreams = {
      ...figures(seen, bytes, mergedEnd - streamsAt),
      lookupMs: Math.round(streamsAt - mergedStart),
    };

    // slow consumer: a pause every 100 lines keeps it well below what the streams deliver
    await server.call({ cmd: 'load', pods: streams, lines: slowLinesPerPod, lineBytes });
    globalThis.gc?.();
    await sleep(200);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let peakChildren = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
      peakChildren = Math.max(peakChildren, kubectlRss());
    }, 20);
    const bufferLines = 1000;
    const slowStart = performance.now();
    let slowSeen = 0;
    let slowBytesSeen = 0;
    for await (const line of followLogs(NAME, { env, cwd, bufferLines })) {
      slowSeen++;
      slowBytesSeen += (line.time?.length ?? 0) + line.line.length + 2;
      if (slowSeen % 100 === 0) await sleep(1);
      if (slowSeen === slowLinesPerPod * streams) break;
    }
    const slowMs = performance.now() - slowStart;
    clearInterval(sampler);
    const mb = (n: number) => Math.round((n / MB) * 10) / 10;
    return {
      streams,
      lineBytes,
      raw,
      merged,
      rawPipe,
      mergedStreams,
      ratio: Math.round((merged.linesPerSec / raw.linesPerSec) * 100) / 100,
      ratioToPipe: Math.round((merged.linesPerSec / rawPipe.linesPerSec) * 100) / 100,
      streamRatioToPipe: Math.round((mergedStreams.linesPerSec / rawPipe.linesPerSec) * 100) / 100,
      slowConsumer: {
        bytes: slowBytesSeen,
        lines: slowSeen,
        ms: Math.round(slowMs),
        baselineRssMb: mb(baseline),
        peakRssMb: mb(peak),
        growthMb: mb(peak - baseline),
        peakKubectlRssMb: mb(peakChildren),
        bufferLines,
      },
    };
  } finally {
    await server.close();
    fake.cleanup();
    rmSync(cache, { recursive: true, force: true });
  }
}

const invoked = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invoked) {
  const { values } = parseArgs({
    options: {
      serve: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      streams: { type: 'string' },
      mb: { type: 'string' },
    },
  });
  if (values.serve) {
    await serve();
  } else {
    const result = await measureLogs({
      quick: values.quick,
      streams: values.streams === undefined ? undefined : Number(values.streams),
      totalBytes: values.mb === undefined ? undefined : Number(values.mb) * MB,
    });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  }
}
