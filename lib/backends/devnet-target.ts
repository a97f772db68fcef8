// A running devnet as `status` and `forward` see it: which one a user means (a name, UUID, short UUID,
// or the owner's default), and a way to read its services again (pods too on Kubernetes) while a
// long-running call goes on.
//
// Kubernetes needs no kurtosis call: the enclave namespaces carry the names, owners and default marks
// (one `kubectl get namespaces`), and one `kubectl get services,pods,ingress` reads a devnet. Docker:
// `kurtosis enclave inspect` resolves a name itself; the default needs `enclave ls` first.

import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Context } from '../context.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { runCommand } from '../exec/command.js';
import { getEnclaveObjects } from '../kube/commands.js';
import { servicesFromKube } from '../kube/services.js';
import { isEnclaveNotFound } from '../kurtosis/classify-error.js';
import { inspectEnclaveCommand } from '../kurtosis/commands.js';
import type { Backend, Service } from '../models.js';
import { type DevnetRef, defaultDevnet, listDevnetsIn } from './enclaves.js';
import type { DevnetMeta } from './metadata.js';
import { metaStore } from './metadata.js';

export interface DevnetView {
  name: string;
  backend: Backend;
  namespace?: string;
  services: Service[];
  /** Kubernetes: the user-service pods, for crash reasons. */
  pods?: Pod[];
}

export interface DevnetTarget {
  name: string;
  backend: Backend;
  namespace?: string;
  /** Reads the services (and pods) as they are now. */
  read(signal?: AbortSignal): Promise<DevnetView>;
}

/** Which devnet `ref` means (default: the owner's default devnet). Throws NotFoundError. */
export async function findDevnet(ctx: Context, ref?: string): Promise<DevnetTarget> {
  const backend = ctx.backend();
  if (backend === 'kubernetes') {
    const metas = [...(await metaStore(ctx).list()).values()].filter((m) => !m.terminating && m.namespace);
    const meta = ref === undefined ? defaultMeta(ctx, metas) : namedMeta(ctx, metas, ref);
    const namespace = meta.namespace!;
    return {
      name: meta.enclaveName,
      backend,
      namespace,
      async read(signal) {
        const objects = await runCommand(
          ctx.runner,
          getEnclaveObjects({ context: ctx.kubeContext }, namespace),
          { signal: signal ?? ctx.signal },
        );
        return {
          name: meta.enclaveName,
          backend,
          namespace,
          services: servicesFromKube(objects.services, objects.pods),
          pods: objects.pods,
        };
      },
    };
  }
  const name = ref ?? defaultDevnet(ctx, await listDevnetsIn(ctx)).name;
  const read = async (signal?: AbortSignal): Promise<DevnetView> => {
    const inspection = await runCommand(ctx.runner, inspectEnclaveCommand(name), {
      signal: signal ?? ctx.signal,
    });
    return { name: inspection.enclave.name, backend, services: inspection.services };
  };
  // The first read finds out whether the devnet exists; a view is what every caller needs first anyway.
  let first: DevnetView;
  try {
    first = await read();
  } catch (error) {
    if (ref !== undefined && isNoSuchEnclave(error)) {
      const refs = await listDevnetsIn(ctx);
      throw new NotFoundError(
        'devnet',
        ref,
        refs.filter((r) => r.owner === ctx.config.owner).map((r) => r.name),
      );
    }
    throw error;
  }
  let pending: DevnetView | undefined = first;
  return {
    name: first.name,
    backend,
    async read(signal) {
      if (pending) {
        const view = pending;
        pending = undefined;
        return view;
      }
      return read(signal);
    },
  };
}

function isNoSuchEnclave(error: unknown): boolean {
  return error instanceof InvalidInputError || isEnclaveNotFound(error);
}

function namedMeta(ctx: Context, metas: readonly DevnetMeta[], name: string): DevnetMeta {
  const meta = metas.find(
    (m) => m.enclaveName === name || m.uuid === name || (name.length === 12 && m.uuid.startsWith(name)),
  );
  if (!meta) {
    throw new NotFoundError(
      'devnet',
      name,
      metas.filter((m) => m.owner === ctx.config.owner).map((m) => m.enclaveName),
    );
  }
  return meta;
}

function defaultMeta(ctx: Context, metas: readonly DevnetMeta[]): DevnetMeta {
  // The same choice as `defaultDevnet`, from the namespaces alone.
  const refs: DevnetRef[] = metas.map((meta) => ({
    name: meta.enclaveName,
    uuid: meta.uuid,
    owner: meta.owner,
    backend: 'kubernetes',
    namespace: meta.namespace,
    enclave: { name: meta.enclaveName, uuid: meta.uuid, status: 'RUNNING', createdAt: meta.createdAt ?? '' },
    meta,
  }));
  return defaultDevnet(ctx, refs).meta!;
}
