// Public endpoints on Kubernetes: the devnet's own Ingresses, the owner's alias Ingresses that follow
// the default devnet, `endpoints`, and `use`.

import { attachPublicUrls, type DevnetRef, kubeServices, listDevnetsIn } from '../backends/enclaves.js';
import { metaStore } from '../backends/metadata.js';
import { resolveDevnet } from '../backends/resolve.js';
import { type CommonOptions, type Context, createContext, getDevnetContext } from '../context.js';
import type { Devnet } from '../devnet.js';
import { InvalidInputError } from '../errors.js';
import { runCommand } from '../exec/command.js';
import { applyList, deleteIngressesByName, getIngresses } from '../kube/commands.js';
import { DEVNET_KIT, MANAGED_SELECTOR } from '../kube/services.js';
import type { RunPackageResult } from '../lifecycle/run-package.js';
import type { Endpoint, Service } from '../models.js';
import { buildIngresses, type IngressConfig, type IngressPlan } from './manifests.js';

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
    throw new InvalidInputError(
      'devnet.ingress.base_domain',
      'Ingress needs devnet.ingress.base_domain in devnet-kit.yaml',
    );
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
export async function applyIngressIn(
  ctx: Context,
  target: IngressTarget,
  override?: Partial<IngressConfig>,
): Promise<Endpoint[]> {
  const plan = buildIngresses({
    enclave: target.enclave,
    namespace: target.namespace,
    owner: ctx.config.owner,
    services: target.services,
    config: ingressConfig(ctx, override),
  });
  if (plan.ingresses.length === 0) return [];
  await runCommand(ctx.runner, applyList({ context: ctx.kubeContext }, plan.ingresses), {
    signal: ctx.signal,
  });
  return plan.endpoints;
}

/**
 * Points the owner's alias hosts at `target`: apply its alias Ingresses first, then delete the owner's
 * alias Ingresses elsewhere — so each host keeps answering, and ends with exactly one Ingress.
 * Only this owner's alias Ingresses are read or touched.
 */
export async function reconcileAliasIn(
  ctx: Context,
  target: IngressTarget,
  options: { withOwn?: boolean } = {},
): Promise<Endpoint[]> {
  const kube = { context: ctx.kubeContext };
  const plan = planIngress(ctx, target, true);
  // `use` re-applies the devnet's own Ingresses in the same List (they may have failed during `up`):
  // server-side apply makes that a no-op when they are already there, and costs no extra call.
  const own = options.withOwn ? planIngress(ctx, target).ingresses : [];
  const selector = `${MANAGED_SELECTOR},${DEVNET_KIT.alias}=true,${DEVNET_KIT.owner}=${ctx.config.owner}`;
  // The listing runs alongside the apply: what it may miss or see of the new alias Ingresses is in
  // `keep` either way, so the stale set is the same. Deleting waits for the apply.
  const [, existing] = await Promise.all([
    plan.ingresses.length + own.length > 0
      ? runCommand(ctx.runner, applyList(kube, [...own, ...plan.ingresses]), { signal: ctx.signal })
      : undefined,
    runCommand(ctx.runner, getIngresses(kube, { allNamespaces: true, selector }), { signal: ctx.signal }),
  ]);
  const keep = new Set(plan.ingresses.map((i) => `${target.namespace}/${i.metadata?.name}`));
  const stale: { namespace: string; name: string }[] = [];
  for (const ingress of existing) {
    const ns = ingress.metadata?.namespace ?? '';
    const name = ingress.metadata?.name ?? '';
    if (ingress.metadata?.labels?.[DEVNET_KIT.owner] !== ctx.config.owner) continue;
    if (keep.has(`${ns}/${name}`)) continue;
    stale.push({ namespace: ns, name });
  }
  // One kubectl call for all of them, whatever the number of namespaces and Ingresses.
  if (stale.length > 0) {
    await runCommand(ctx.runner, deleteIngressesByName(kube, stale), { signal: ctx.signal });
  }
  return plan.endpoints;
}

/**
 * What `applyIngress` applies: the devnet's Ingresses, whose URLs become its services' `publicUrl`,
 * then with `alias` the owner's alias hosts, moved to this devnet. Returns the endpoints, alias last.
 */
export async function exposeIn(
  ctx: Context,
  target: IngressTarget,
  options: { alias?: boolean; override?: Partial<IngressConfig> } = {},
): Promise<Endpoint[]> {
  ctx.onEvent({ type: 'phase', phase: 'ingress', message: 'applying Ingresses' });
  const own = await applyIngressIn(ctx, target, options.override);
  attachPublicUrls(target.services, own);
  if (!options.alias) return own;
  return [...own, ...(await reconcileAliasIn(ctx, target))];
}

/** Makes `ref` its owner's default: records it, and on Kubernetes with ingress moves the alias. */
export async function setDefaultIn(ctx: Context, ref: DevnetRef, _all: readonly DevnetRef[]): Promise<void> {
  const moveAlias = ctx.backend.ingresses && ref.namespace && ctx.config.devnet.ingress.enabled;
  // Recording the default and reading the devnet's services are independent: one round trip, not two.
  const [, objects] = await Promise.all([
    metaStore(ctx).write(
      { uuid: ref.uuid, name: ref.name, namespace: ref.namespace },
      { owner: ref.owner ?? ctx.config.owner, selectedAt: new Date().toISOString() },
    ),
    moveAlias && ref.namespace ? kubeServices(ctx, ref.namespace) : undefined,
  ]);
  if (objects && ref.namespace) {
    await reconcileAliasIn(
      ctx,
      { enclave: ref.name, namespace: ref.namespace, services: objects.services },
      { withOwn: true },
    );
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
  /**
   * Also point the owner's alias hosts at this devnet (what `up` does; the alias follows the owner's
   * default devnet, which `runPackage` made this one).
   */
  alias?: boolean;
}

/**
 * (Re)applies a devnet's Ingresses; returns its public endpoints. Given a Devnet or a `runPackage`
 * result, sets `publicUrl` on its services' exposed ports. Kubernetes only.
 */
export async function applyIngress(
  devnet: Devnet | RunPackageResult | string,
  options: ApplyIngressOptions = {},
): Promise<Endpoint[]> {
  const ctx =
    typeof devnet === 'string' || 'enclave' in devnet || options.config || options.configPath
      ? createContext(options)
      : getDevnetContext(devnet, 'applyIngress');
  if (!ctx.backend.ingresses) {
    throw new InvalidInputError(
      'backend',
      'Ingresses need a Kubernetes cluster; on Docker the endpoints are host ports',
    );
  }
  let target: IngressTarget;
  if (typeof devnet === 'string') {
    const refs = await listDevnetsIn(ctx);
    const ref = resolveDevnet(ctx, refs, devnet, { forWrite: true });
    if (!ref.namespace) throw new InvalidInputError('devnet', `devnet '${ref.name}' has no namespace`);
    target = {
      enclave: ref.name,
      namespace: ref.namespace,
      services: (await kubeServices(ctx, ref.namespace)).services,
    };
  } else {
    const { name, namespace } = 'enclave' in devnet ? devnet.enclave : devnet;
    if (!namespace) throw new InvalidInputError('devnet', `devnet '${name}' has no namespace`);
    target = { enclave: name, namespace, services: devnet.services };
  }
  return exposeIn(ctx, target, { alias: options.alias, override: options.ingress });
}

export interface ListEndpointsOptions extends CommonOptions {}

/**
 * Public endpoints of a devnet (default: the owner's default devnet). Kubernetes: from our Ingress
 * objects, one `get ingress` for all of them; Docker: the published host ports.
 */
export async function listEndpoints(name?: string, options: ListEndpointsOptions = {}): Promise<Endpoint[]> {
  const ctx = createContext(options);
  return ctx.backend.listEndpoints(ctx, name);
}
