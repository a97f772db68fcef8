// Public endpoints on Kubernetes: the devnet's own Ingresses, the owner's alias Ingresses that follow
// the default devnet, `endpoints`, and `use`.

import { runCommand } from './command.js';
import { type CommonOptions, type Context, createContext } from './context.js';
import type { Devnet } from './devnet.js';
import {
  defaultDevnet,
  type DevnetRef,
  dockerEndpoints,
  kubeServices,
  listDevnetsIn,
  resolveDevnet,
} from './enclaves.js';
import { InvalidInputError } from './errors.js';
import { buildIngresses, type IngressConfig, type IngressPlan, listEndpointsFromIngresses } from './ingress/manifests.js';
import { isExposedPort } from './ingress/hostnames.js';
import { applyList, deleteIngress, getIngresses } from './kube/commands.js';
import { DEVNET_KIT, MANAGED_SELECTOR } from './kube/services.js';
import { inspectEnclaveCommand } from './kurtosis/commands.js';
import { metaStore } from './metadata.js';
import type { Endpoint, Service } from './models.js';

export interface IngressTarget {
  enclave: string;
  namespace: string;
  services: readonly Service[];
}

function ingressConfig(ctx: Context, override?: Partial<IngressConfig>): IngressConfig {
  const s = ctx.config.devnet.ingress;
  const config: IngressConfig = {
    baseDomain: s.baseDomain,
    hostStyle: s.hostStyle,
    className: s.className,
    annotations: s.annotations,
    tls: s.tls,
    tlsSecret: s.tlsSecret,
    aliasTlsSecret: s.aliasTlsSecret,
    ...override,
  };
  if (!config.baseDomain) {
    throw new InvalidInputError('devnet.ingress.base_domain', 'Ingress needs devnet.ingress.base_domain in devnet-kit.yaml');
  }
  return config;
}

export function planIngress(ctx: Context, target: IngressTarget, alias = false): IngressPlan {
  return buildIngresses({
    enclave: target.enclave,
    namespace: target.namespace,
    owner: ctx.config.owner,
    services: target.services,
    config: ingressConfig(ctx),
    alias,
  });
}

/** All of a devnet's Ingresses in ONE server-side apply, whatever the number of services. */
export async function applyIngressIn(ctx: Context, target: IngressTarget, override?: Partial<IngressConfig>): Promise<Endpoint[]> {
  const plan = buildIngresses({
    enclave: target.enclave,
    namespace: target.namespace,
    owner: ctx.config.owner,
    services: target.services,
    config: ingressConfig(ctx, override),
  });
  if (plan.ingresses.length === 0) return [];
  await runCommand(ctx.runner, applyList({ context: ctx.kubeContext }, plan.ingresses), { signal: ctx.signal });
  return plan.endpoints;
}

/**
 * Points the owner's alias hosts at `target`: apply its alias Ingresses first, then delete the owner's
 * alias Ingresses elsewhere — so each host keeps answering, and ends with exactly one Ingress.
 * Only this owner's alias Ingresses are read or touched.
 */
export async function reconcileAliasIn(ctx: Context, target: IngressTarget): Promise<Endpoint[]> {
  const kube = { context: ctx.kubeContext };
  const plan = planIngress(ctx, target, true);
  if (plan.ingresses.length > 0) await runCommand(ctx.runner, applyList(kube, plan.ingresses), { signal: ctx.signal });
  const selector = `${MANAGED_SELECTOR},${DEVNET_KIT.alias}=true,${DEVNET_KIT.owner}=${ctx.config.owner}`;
  const existing = await runCommand(ctx.runner, getIngresses(kube, { allNamespaces: true, selector }), { signal: ctx.signal });
  const keep = new Set(plan.ingresses.map((i) => `${target.namespace}/${i.metadata?.name}`));
  const stale = new Map<string, string[]>();
  for (const ingress of existing) {
    const ns = ingress.metadata?.namespace ?? '';
    const name = ingress.metadata?.name ?? '';
    if (ingress.metadata?.labels?.[DEVNET_KIT.owner] !== ctx.config.owner) continue;
    if (keep.has(`${ns}/${name}`)) continue;
    stale.set(ns, [...(stale.get(ns) ?? []), name]);
  }
  for (const [ns, names] of stale) {
    await runCommand(ctx.runner, deleteIngress(kube, ns, names), { signal: ctx.signal });
  }
  return plan.endpoints;
}

/** Makes `ref` its owner's default: records it, and on Kubernetes with ingress moves the alias. */
export async function setDefaultIn(ctx: Context, ref: DevnetRef, _all: readonly DevnetRef[]): Promise<void> {
  await metaStore(ctx).write(
    { uuid: ref.uuid, name: ref.name, namespace: ref.namespace },
    { owner: ref.owner ?? ctx.config.owner, selectedAt: new Date().toISOString() },
  );
  if (ref.backend === 'kubernetes' && ref.namespace && ctx.config.devnet.ingress.enabled) {
    const { services } = await kubeServices(ctx, ref.namespace);
    await reconcileAliasIn(ctx, { enclave: ref.name, namespace: ref.namespace, services });
  }
}

/** `use <name>`: the owner's default devnet, which alias hostnames follow. */
export async function setDefault(name: string, options: CommonOptions = {}): Promise<{ name: string }> {
  const ctx = createContext(options);
  const refs = await listDevnetsIn(ctx);
  const ref = resolveDevnet(ctx, refs, name, { forWrite: true });
  await setDefaultIn(ctx, ref, refs);
  return { name: ref.name };
}

export interface ApplyIngressOptions extends CommonOptions {
  ingress?: Partial<IngressConfig>;
}

/** (Re)applies a devnet's Ingresses; returns its public endpoints. Kubernetes only. */
export async function applyIngress(devnet: Devnet | string, options: ApplyIngressOptions = {}): Promise<Endpoint[]> {
  const ctx = typeof devnet === 'string' || options.config || options.configPath ? createContext(options) : devnet.context;
  if (ctx.backend() !== 'kubernetes') {
    throw new InvalidInputError('backend', 'Ingresses need a Kubernetes cluster; on Docker the endpoints are host ports');
  }
  let target: IngressTarget;
  if (typeof devnet === 'string') {
    const refs = await listDevnetsIn(ctx);
    const ref = resolveDevnet(ctx, refs, devnet, { forWrite: true });
    if (!ref.namespace) throw new InvalidInputError('devnet', `devnet '${ref.name}' has no namespace`);
    target = { enclave: ref.name, namespace: ref.namespace, services: (await kubeServices(ctx, ref.namespace)).services };
  } else {
    if (!devnet.namespace) throw new InvalidInputError('devnet', `devnet '${devnet.name}' has no namespace`);
    target = { enclave: devnet.name, namespace: devnet.namespace, services: devnet.services };
  }
  return applyIngressIn(ctx, target, options.ingress);
}

export interface ListEndpointsOptions extends CommonOptions {}

/**
 * Public endpoints of a devnet (default: the owner's default devnet). Kubernetes: from our Ingress
 * objects, one `get ingress` for all of them; Docker: the published host ports.
 */
export async function listEndpoints(name?: string, options: ListEndpointsOptions = {}): Promise<Endpoint[]> {
  const ctx = createContext(options);
  const refs = await listDevnetsIn(ctx);
  const ref = name === undefined ? defaultDevnet(ctx, refs) : resolveDevnet(ctx, refs, name);
  if (ref.backend === 'kubernetes') {
    if (!ref.namespace) return [];
    const ingresses = await runCommand(
      ctx.runner,
      getIngresses({ context: ctx.kubeContext }, { namespace: ref.namespace, selector: MANAGED_SELECTOR }),
      { signal: ctx.signal },
    );
    return listEndpointsFromIngresses(ingresses).filter((e) => e.enclave === ref.name);
  }
  const inspection = await runCommand(ctx.runner, inspectEnclaveCommand(ref.name), { signal: ctx.signal });
  return dockerEndpoints(ref.name, inspection.services).filter((e) =>
    isExposedPort(e.service, { name: e.port }),
  );
}
