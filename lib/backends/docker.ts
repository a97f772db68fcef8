// The Docker backend: Kurtosis resolves a devnet itself (`enclave inspect` takes a name, UUID or short
// UUID), nodes answer on the host ports Kurtosis published, logs come from `kurtosis service logs`, and
// devnet-kit's metadata lives in a state file of this user's (enclaves carry no labels on Docker).

import type { Context } from '../context.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { runCommand } from '../exec/command.js';
import { isExposedPort } from '../ingress/hostnames.js';
import { isEnclaveNotFound } from '../kurtosis/classify-error.js';
import { inspectEnclaveCommand } from '../kurtosis/commands.js';
import type { EnclaveInspection } from '../kurtosis/inspect.js';
import type { Endpoint } from '../models.js';
import { type Backend, lazySession } from './backend.js';
import type { DevnetTarget, DevnetView } from './devnet-target.js';
import { dockerEndpoints, listDevnetsIn } from './enclaves.js';
import { localMetaStore } from './metadata.js';
import { defaultDevnet, devnetNotFound } from './resolve.js';

/** Kurtosis said there is no such enclave (or the identifier is not one it takes). */
function isNoSuchEnclave(error: unknown): boolean {
  return error instanceof InvalidInputError || isEnclaveNotFound(error);
}

/**
 * Kurtosis's "no such enclave" as the one NotFoundError, naming the owner's devnets; any other error as
 * it is. The devnets are looked up only then, and a lookup that fails too leaves the list out.
 */
export async function asDevnetNotFound(ctx: Context, id: string, error: unknown): Promise<unknown> {
  if (!isNoSuchEnclave(error)) return error;
  const refs = await listDevnetsIn(ctx).catch(() => undefined);
  return refs ? devnetNotFound(ctx, id, refs) : new NotFoundError('devnet', id, []);
}

/** `enclave inspect <id>`; Kurtosis's "no such enclave" → the one NotFoundError (with the owner's devnets). */
async function inspect(ctx: Context, id: string, signal = ctx.signal): Promise<EnclaveInspection> {
  try {
    return await runCommand(ctx.runner, inspectEnclaveCommand(id), { signal });
  } catch (error) {
    throw await asDevnetNotFound(ctx, id, error);
  }
}

/** `id`, else the owner's default devnet: a named one needs no list, `enclave inspect` resolves it. */
async function nameOrDefault(ctx: Context, id: string | undefined): Promise<string> {
  return id ?? defaultDevnet(ctx, await listDevnetsIn(ctx)).name;
}

/** The published host ports that are public endpoints. */
function publishedEndpoints(inspection: EnclaveInspection): Endpoint[] {
  return dockerEndpoints(inspection.enclave.name, inspection.services).filter((e) =>
    isExposedPort(e.service, { name: e.port }),
  );
}

export const dockerBackend: Backend = {
  kind: 'docker',
  engineViaGateway: false,
  needsKubectl: false,
  ingresses: false,
  logsSince: false,
  nodesOnHostPorts: true,

  metaStore: (ctx) => localMetaStore(ctx),

  async findDevnet(ctx, id): Promise<DevnetTarget> {
    const name = await nameOrDefault(ctx, id);
    const view = (inspection: EnclaveInspection): DevnetView => ({
      name: inspection.enclave.name,
      backend: 'docker',
      services: inspection.services,
    });
    const read = async (signal?: AbortSignal): Promise<DevnetView> =>
      view(await runCommand(ctx.runner, inspectEnclaveCommand(name), { signal: signal ?? ctx.signal }));
    // The first read finds out whether the devnet exists; a view is what every caller needs first anyway.
    let pending: DevnetView | undefined = view(await inspect(ctx, name));
    return {
      name: pending.name,
      backend: 'docker',
      async read(signal) {
        if (pending) {
          const view = pending;
          pending = undefined;
          return view;
        }
        return read(signal);
      },
    };
  },

  async listServices(ctx, id) {
    return (await inspect(ctx, id)).services;
  },

  async inspectDetails(_ctx, ref, inspection) {
    const services = (await inspection).services;
    return { services, endpoints: dockerEndpoints(ref.name, services) };
  },

  async listEndpoints(ctx, id) {
    return publishedEndpoints(await inspect(ctx, await nameOrDefault(ctx, id)));
  },

  async getLogs(ctx, query) {
    return (await import('../logs/docker.js')).getDockerLogs(ctx, query);
  },

  followLogs(ctx, query, queue) {
    return lazySession(queue, async () => {
      const { DockerFollower } = await import('../logs/docker.js');
      return new DockerFollower(ctx, query, queue);
    });
  },

  async readinessAccess(ctx, devnet, nodes, what) {
    return (await import('../nodes/wait.js')).dockerAccess(ctx, devnet, nodes, what);
  },

  startNodeProxy: () => undefined,

  async dumpLogs(ctx, input) {
    const { dockerDumpLogs } = await import('../lifecycle/dump.js');
    await input.attempt('logs', () => dockerDumpLogs(ctx, input.name, input.root, input.summary));
  },

  async awaitRemoval() {
    // Nothing outlives `kurtosis enclave rm` on Docker.
  },

  async preflight() {
    // The state file needs nothing running.
  },

  async discover(ctx, name, expiresAt) {
    const inspection = await runCommand(ctx.runner, inspectEnclaveCommand(name), { signal: ctx.signal });
    const uuid = inspection.enclave.uuid;
    const services = inspection.services;
    await localMetaStore(ctx).write(
      { uuid, name },
      { owner: ctx.config.owner, expiresAt: expiresAt ?? null, selectedAt: new Date().toISOString() },
    );
    return { uuid, services, endpoints: dockerEndpoints(name, services) };
  },

  planPreflight: () => [],
  planDiscover: (_ctx, name) => [inspectEnclaveCommand(name)],
};
