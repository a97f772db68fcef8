// Reading devnets: Kurtosis's enclaves joined with devnet-kit's metadata (owner, expiry, default),
// and the services of one devnet (which devnet a name means: resolve.ts).

import { type CommonOptions, type Context, createContext } from '../context.js';
import { runCommand } from '../exec/command.js';
import { listEndpointsFromIngresses } from '../ingress/manifests.js';
import { getEnclaveObjects } from '../kube/commands.js';
import { servicesFromKube } from '../kube/services.js';
import { inspectEnclaveCommand, listEnclavesCommand } from '../kurtosis/commands.js';
import type { EnclaveInspection } from '../kurtosis/inspect.js';
import type { Backend, Enclave, Endpoint, Service } from '../models.js';
import { type DevnetMeta, metaStore } from './metadata.js';
import { markDefaults, resolveDevnet } from './resolve.js';

export interface DevnetRef {
  name: string;
  uuid: string;
  owner?: string;
  backend: Backend;
  /** Kubernetes only */
  namespace?: string;
  enclave: Enclave;
  meta?: DevnetMeta;
}

export interface ListEnclavesOptions extends CommonOptions {
  /** Every devnet on the cluster, not only this owner's (and enclaves devnet-kit did not create). */
  allOwners?: boolean;
}

/** The owner's devnets (or all with `allOwners`), with owner, expiry and the default marked. */
export async function listEnclaves(options: ListEnclavesOptions = {}): Promise<Enclave[]> {
  const ctx = createContext(options);
  const refs = await listDevnetsIn(ctx);
  return refs.filter((r) => options.allOwners || r.owner === ctx.config.owner).map((r) => r.enclave);
}

/** One `enclave ls` and, on Kubernetes, one `get namespaces`, in parallel, whatever the count. */
export async function listDevnetsIn(ctx: Context): Promise<DevnetRef[]> {
  const [enclaves, metas] = await Promise.all([
    runCommand(ctx.runner, listEnclavesCommand(), { signal: ctx.signal }),
    metaStore(ctx).list(),
  ]);
  const backend = ctx.backend.kind;
  const refs = enclaves.map((enclave): DevnetRef => {
    const meta = metas.get(enclave.uuid);
    const joined: Enclave = { ...enclave };
    if (meta?.owner) joined.owner = meta.owner;
    if (meta?.expiresAt) joined.expiresAt = meta.expiresAt;
    return {
      name: enclave.name,
      uuid: enclave.uuid,
      owner: meta?.owner,
      backend,
      namespace: meta?.namespace,
      enclave: joined,
      meta,
    };
  });
  markDefaults(refs);
  return refs;
}

export interface DevnetDetails {
  enclave: Enclave;
  services: Service[];
  endpoints: Endpoint[];
  filesArtifacts?: { uuid: string; name: string }[];
}

export interface InspectOptions extends CommonOptions {}

/** One devnet: the enclave, its services with ports, and its public endpoints. */
export async function inspectEnclave(name: string, options: InspectOptions = {}): Promise<DevnetDetails> {
  const ctx = createContext(options);
  return inspectIn(ctx, name);
}

export async function inspectIn(ctx: Context, name: string): Promise<DevnetDetails> {
  // `enclave inspect` starts alongside the list instead of after it (one round trip less); the list
  // still decides which devnet `name` is, and what is thrown when there is none.
  const early = startInspect(ctx, name);
  const refs = await listDevnetsIn(ctx);
  const ref = resolveDevnet(ctx, refs, name);
  const inspecting = inspectionOf(ctx, ref, name, early);
  const [inspection, { services, endpoints }] = await Promise.all([
    inspecting,
    ctx.backend.inspectDetails(ctx, ref, inspecting),
  ]);
  const enclave = { ...inspection.enclave, ...pick(ref.enclave, ['owner', 'expiresAt', 'isDefault']) };
  return { enclave, services, endpoints, filesArtifacts: inspection.filesArtifacts };
}

type Settled<T> = { ok: T } | { error: unknown };

/** `enclave inspect <name>` started early; settles, never rejects (nobody may be waiting for it). */
function startInspect(ctx: Context, name: string): Promise<Settled<EnclaveInspection>> | undefined {
  let command: ReturnType<typeof inspectEnclaveCommand>;
  try {
    command = inspectEnclaveCommand(name);
  } catch {
    return undefined; // not an identifier Kurtosis takes: resolving the name will say so
  }
  return runCommand(ctx.runner, command, { signal: ctx.signal }).then(
    (ok) => ({ ok }),
    (error: unknown) => ({ error }),
  );
}

/**
 * The inspection of `ref`: the early one when it is of that enclave (or failed for the very argv the
 * sequential code would run), else `enclave inspect <ref.name>` now.
 */
async function inspectionOf(
  ctx: Context,
  ref: DevnetRef,
  name: string,
  early: Promise<Settled<EnclaveInspection>> | undefined,
): Promise<EnclaveInspection> {
  const got = await early;
  if (got && 'ok' in got && got.ok.enclave.uuid === ref.uuid) return got.ok;
  if (got && 'error' in got && ref.name === name) throw got.error;
  return runCommand(ctx.runner, inspectEnclaveCommand(ref.name), { signal: ctx.signal });
}

/** Services with ports and IPs: on Kubernetes two kubectl calls, on Docker one `enclave inspect`. */
export async function listServices(name: string, options: CommonOptions = {}): Promise<Service[]> {
  const ctx = createContext(options);
  return listServicesIn(ctx, name);
}

export function listServicesIn(ctx: Context, name: string): Promise<Service[]> {
  return ctx.backend.listServices(ctx, name);
}

/** Services, pods and our Ingresses of an enclave namespace in ONE kubectl call. */
export async function kubeServices(
  ctx: Context,
  namespace: string,
): Promise<{ services: Service[]; endpoints: Endpoint[] }> {
  const objects = await runCommand(ctx.runner, getEnclaveObjects({ context: ctx.kubeContext }, namespace), {
    signal: ctx.signal,
  });
  const services = servicesFromKube(objects.services, objects.pods);
  const endpoints = listEndpointsFromIngresses(objects.ingresses);
  attachPublicUrls(services, endpoints);
  return { services, endpoints };
}

/** Sets `publicUrl` on the ports our (non-alias) Ingresses expose. */
export function attachPublicUrls(services: readonly Service[], endpoints: readonly Endpoint[]): void {
  for (const ep of endpoints) {
    if (ep.alias) continue;
    const port = services.find((s) => s.name === ep.service)?.ports.find((p) => p.name === ep.port);
    if (port) port.publicUrl = ep.url;
  }
}

/** On Docker the public endpoints are the host ports Kurtosis published. */
export function dockerEndpoints(enclave: string, services: readonly Service[]): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const service of services) {
    for (const port of service.ports) {
      if (!port.publicUrl) continue;
      const host = port.publicUrl.replace(/^[a-z]+:\/\//, '');
      endpoints.push({
        enclave,
        service: service.name,
        port: port.name,
        url: port.publicUrl,
        host,
        alias: false,
      });
    }
  }
  return endpoints;
}

function pick<T extends object, K extends keyof T>(obj: T, keys: K[]): Partial<T> {
  const out: Partial<T> = {};
  for (const key of keys) if (obj[key] !== undefined) out[key] = obj[key];
  return out;
}
