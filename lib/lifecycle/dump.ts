// Failure dumps for CI artifacts (`up --dump-on-failure DIR`): Kurtosis's own enclave dump, every
// service's logs, the resolved args (secrets redacted) and a summary.json of what was collected and
// what was not. A partial dump beats none: every step records its failure and the others go on.
//
// Layout of DIR:
//   enclave/                   `kurtosis enclave dump`
//   logs/<service>.log         Kubernetes: `kubectl logs` (current container); Docker: `kurtosis service logs -a`
//   logs/<service>.previous.log  Kubernetes: the crashed container before a restart, when there is one
//   pods.json                  Kubernetes: the user-service pods (states, restart counts, exit codes)
//   args.yaml                  the ethereum-package args `up` ran with, redacted
//   summary.json               DumpSummary

import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DumpLogsInput } from '../backends/backend.js';
import { metaStore } from '../backends/metadata.js';
import { matchDevnet, refsFromMetas } from '../backends/resolve.js';
import { type Context, deriveContext } from '../context.js';
import { firstLine, InvalidInputError } from '../errors.js';
import { runCommand } from '../exec/command.js';
import { redact } from '../exec/redact.js';
import { getLogs, getPods } from '../kube/commands.js';
import { KURTOSIS } from '../kube/services.js';
import { dumpEnclaveCommand, serviceLogsCommand } from '../kurtosis/commands.js';
import type { Backend, LogLine } from '../models.js';

export interface DumpOptions {
  /** The args file `up` ran with; written redacted to `args.yaml`. */
  argsYaml?: string;
}

export interface DumpItem {
  /** `enclave dump`, `logs`, `previous logs`, `pods`, `args` */
  what: string;
  service?: string;
  /** Relative to the dump directory. */
  path: string;
  lines?: number;
}

export interface DumpFailure {
  what: string;
  service?: string;
  error: string;
}

export interface DumpSummary {
  devnet: string;
  backend: Backend;
  namespace?: string;
  /** Absolute path of the dump directory. */
  dir: string;
  /** ISO 8601 */
  createdAt: string;
  collected: DumpItem[];
  failed: DumpFailure[];
}

const LOGS_TIMEOUT_MS = 60_000;
const PARALLEL_LOGS = 4;

/**
 * Collects what there is to know about devnet `name` into `dir` (created if needed). Never throws for
 * a step that fails; only when `dir` itself cannot be written. Not tied to the context's signal: a
 * dump is most useful right after a failure or a Ctrl-C, and every call has its own timeout.
 */
export async function collectDump(
  ctx: Context,
  name: string,
  dir: string,
  options: DumpOptions = {},
): Promise<DumpSummary> {
  const root = resolve(ctx.cwd, dir);
  try {
    await mkdir(join(root, 'logs'), { recursive: true });
  } catch (error) {
    throw new InvalidInputError(
      'dumpOnFailure',
      `cannot write the dump directory '${root}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { cause: error },
    );
  }
  ctx.onEvent({
    type: 'phase',
    phase: 'dump',
    message: `collecting a failure dump of '${name}' into ${root}`,
  });
  const quiet: Context = deriveContext(ctx, { signal: undefined });
  const summary: DumpSummary = {
    devnet: name,
    backend: ctx.backend.kind,
    // Set once found (Kubernetes); declared here to keep the key order of summary.json.
    namespace: undefined,
    dir: root,
    createdAt: new Date().toISOString(),
    collected: [],
    failed: [],
  };
  const attempt = async (what: string, fn: () => Promise<void>, service?: string) => {
    try {
      await fn();
    } catch (error) {
      summary.failed.push({ what, ...(service ? { service } : {}), error: firstLine(error) });
    }
  };

  if (options.argsYaml !== undefined) {
    const text = options.argsYaml;
    await attempt('args', async () => {
      await writeFile(join(root, 'args.yaml'), redact(text), { mode: 0o600 });
      summary.collected.push({ what: 'args', path: 'args.yaml' });
    });
  }

  await Promise.all([
    attempt('enclave dump', async () => {
      await runCommand(quiet.runner, dumpEnclaveCommand(name, join(root, 'enclave')));
      await redactTree(join(root, 'enclave'));
      summary.collected.push({ what: 'enclave dump', path: 'enclave' });
    }),
    ctx.backend.dumpLogs(quiet, { name, root, summary, attempt }),
  ]);

  summary.collected.sort((a, b) => a.path.localeCompare(b.path));
  await writeFile(join(root, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  if (summary.failed.length > 0) {
    ctx.onEvent({
      type: 'warning',
      message: `the dump in ${root} is partial: ${summary.failed.length} item(s) could not be collected (see summary.json)`,
    });
  }
  return summary;
}

/** Kubernetes: the pods' logs (and the previous container's), read with kubectl. */
export async function kubeDumpLogs(ctx: Context, input: DumpLogsInput): Promise<void> {
  const { name, root, summary, attempt } = input;
  const kube = { context: ctx.kubeContext };
  let namespace: string | undefined;
  await attempt('logs', async () => {
    namespace = matchDevnet(refsFromMetas(ctx, (await metaStore(ctx).list()).values()), name)?.namespace;
    if (!namespace)
      throw new Error(`no namespace labelled as enclave '${name}' (kurtosistech.com/enclave-name)`);
  });
  if (!namespace) return;
  const ns = namespace;
  summary.namespace = ns;
  let pods: { name: string; service: string; restarted: boolean }[] = [];
  await attempt('pods', async () => {
    const list = await runCommand(
      ctx.runner,
      getPods(kube, ns, `${KURTOSIS.resourceType}=${KURTOSIS.userService}`),
    );
    await writeFile(
      join(root, 'pods.json'),
      redact(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: list }, null, 2)}\n`),
    );
    summary.collected.push({ what: 'pods', path: 'pods.json' });
    pods = list.map((p) => ({
      name: p.metadata?.name ?? '',
      service: p.metadata?.labels?.[KURTOSIS.id] ?? p.metadata?.name ?? '',
      restarted: (p.status?.containerStatuses ?? []).some((c) => c.restartCount > 0),
    }));
  });
  await mapLimit(pods, PARALLEL_LOGS, async (pod) => {
    const read = (previous: boolean) =>
      runCommand(ctx.runner, getLogs(kube, pod.service, { namespace: ns, pod: pod.name, previous }), {
        timeoutMs: LOGS_TIMEOUT_MS,
      });
    await attempt(
      'logs',
      async () => {
        const lines = await read(false);
        const path = `logs/${fileName(pod.service)}.log`;
        await writeFile(join(root, path), render(lines));
        summary.collected.push({ what: 'logs', service: pod.service, path, lines: lines.length });
      },
      pod.service,
    );
    // A container that never restarted has no previous logs: that answer is an error, and no news.
    try {
      const lines = await read(true);
      const path = `logs/${fileName(pod.service)}.previous.log`;
      await writeFile(join(root, path), render(lines));
      summary.collected.push({ what: 'previous logs', service: pod.service, path, lines: lines.length });
    } catch (error) {
      if (pod.restarted)
        summary.failed.push({ what: 'previous logs', service: pod.service, error: firstLine(error) });
    }
  });
}

/** Docker: one `kurtosis service logs --all`, split per service. */
export async function dockerDumpLogs(
  ctx: Context,
  name: string,
  root: string,
  summary: DumpSummary,
): Promise<void> {
  const lines = await runCommand(ctx.runner, serviceLogsCommand(name, { all: true }), {
    timeoutMs: LOGS_TIMEOUT_MS,
  });
  const byService = new Map<string, LogLine[]>();
  for (const line of lines) byService.set(line.service, [...(byService.get(line.service) ?? []), line]);
  for (const [service, serviceLines] of byService) {
    const path = `logs/${fileName(service)}.log`;
    await writeFile(join(root, path), render(serviceLines));
    summary.collected.push({ what: 'logs', service, path, lines: serviceLines.length });
  }
}

function render(lines: readonly LogLine[]): string {
  return redact(lines.map((l) => `${l.time ? `${l.time} ` : ''}${l.line}\n`).join(''));
}

/**
 * A dump is a CI artifact, often public: Kurtosis's own files (service specs with image names, which
 * carry docker_cache credentials when the user put them there) are redacted in place.
 */
async function redactTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const text = await readFile(file, 'utf8');
    const clean = redact(text);
    if (clean !== text) await writeFile(file, clean);
  }
}

function fileName(service: string): string {
  return service.replace(/[^\w.-]/g, '_') || '_';
}

async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
