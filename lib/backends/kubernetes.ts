// The Kubernetes backend: every enclave is a namespace that carries its name, UUID and devnet-kit's
// metadata (labels and annotations), so a devnet is found and read with kubectl alone (one `get
// namespaces`, one `get services,pods,ingress`); nodes are reached through `kubectl proxy`, logs come
// from the pods, public endpoints are Ingresses, and the engine answers only through `kurtosis gateway`.

import type { Context } from '../context.js';
import { commandFailed } from '../errors.js';
import { runCommand } from '../exec/command.js';
import { listEndpointsFromIngresses } from '../ingress/manifests.js';
import { getEnclaveObjects, getIngresses, getNamespacesByLabel, patchNamespace } from '../kube/commands.js';
import { DEVNET_KIT, KURTOSIS, MANAGED_SELECTOR, servicesFromKube } from '../kube/services.js';
import type { Endpoint } from '../models.js';
import { type Backend, lazySession } from './backend.js';
import type { DevnetTarget } from './devnet-target.js';
import { dockerEndpoints, kubeServices, listDevnetsIn } from './enclaves.js';
import { kubeMetaStore } from './metadata.js';
import { matchDevnet, refsFromMetas, resolveDevnet, resolveOrDefault } from './resolve.js';

/** The devnets as their namespaces tell (one kubectl call, no kurtosis call). */
async function namespaceRefs(ctx: Context) {
  return refsFromMetas(ctx, (await kubeMetaStore(ctx).list()).values());
}

/** Our Ingresses of the devnet's namespace: its public endpoints. */
async function ingressEndpoints(ctx: Context, enclave: string, namespace: string): Promise<Endpoint[]> {
  const ingresses = await runCommand(
    ctx.runner,
    getIngresses({ context: ctx.kubeContext }, { namespace, selector: MANAGED_SELECTOR }),
    { signal: ctx.signal },
  );
  return listEndpointsFromIngresses(ingresses).filter((e) => e.enclave === enclave);
}

const enclaveNamespaces = (ctx: Context) =>
  getNamespacesByLabel({ context: ctx.kubeContext }, `${KURTOSIS.resourceType}=${KURTOSIS.enclave}`);

export const kubernetesBackend: Backend = {
  kind: 'kubernetes',
  engineViaGateway: true,
  needsKubectl: true,
  ingresses: true,
  logsSince: true,
  nodesOnHostPorts: false,

  metaStore: (ctx) => kubeMetaStore(ctx),

  async findDevnet(ctx, id): Promise<DevnetTarget> {
    const ref = resolveOrDefault(ctx, await namespaceRefs(ctx), id);
    const name = ref.name;
    const namespace = ref.namespace!;
    return {
      name,
      backend: 'kubernetes',
      namespace,
      async read(signal) {
        const objects = await runCommand(
          ctx.runner,
          getEnclaveObjects({ context: ctx.kubeContext }, namespace),
          { signal: signal ?? ctx.signal },
        );
        return {
          name,
          backend: 'kubernetes',
          namespace,
          services: servicesFromKube(objects.services, objects.pods),
          pods: objects.pods,
        };
      },
    };
  },

  async listServices(ctx, id) {
    const ref = resolveDevnet(ctx, await namespaceRefs(ctx), id);
    return (await kubeServices(ctx, ref.namespace!)).services;
  },

  async inspectDetails(ctx, ref, inspection) {
    if (ref.namespace) return kubeServices(ctx, ref.namespace);
    // An enclave without a namespace of its own (never seen): what Kurtosis tells.
    const services = (await inspection).services;
    return { services, endpoints: dockerEndpoints(ref.name, services) };
  },

  async listEndpoints(ctx, id) {
    if (id !== undefined) {
      // A named devnet needs no list of Kurtosis's enclaves: its namespace says where its Ingresses are.
      const ref = matchDevnet(await namespaceRefs(ctx), id);
      if (ref) return ingressEndpoints(ctx, ref.name, ref.namespace!);
    }
    // The default (or no such namespace: the list decides what is thrown).
    const ref = resolveOrDefault(ctx, await listDevnetsIn(ctx), id);
    return ref.namespace ? ingressEndpoints(ctx, ref.name, ref.namespace) : [];
  },

  async getLogs(ctx, query) {
    return (await import('../logs/kube.js')).getKubeLogs(ctx, query);
  },

  followLogs(ctx, query, queue, options) {
    return lazySession(queue, async () => {
      const { KubeFollower } = await import('../logs/kube.js');
      return new KubeFollower(ctx, query, queue, options);
    });
  },

  async readinessAccess(ctx, devnet, _nodes, what, signal) {
    return (await import('../nodes/wait.js')).kubeAccess(ctx, devnet, what, signal);
  },

  startNodeProxy: (ctx, signal) => import('../kube/proxy.js').then((m) => m.KubeProxy.start(ctx, signal)),

  async dumpLogs(ctx, input) {
    const { kubeDumpLogs } = await import('../lifecycle/dump.js');
    await kubeDumpLogs(ctx, input);
  },

  async awaitRemoval(ctx, targets, options) {
    // `enclave rm` returns while the namespaces are still terminating; a new devnet of the same name
    // would collide with them.
    const { waitForNamespacesGone } = await import('../lifecycle/down.js');
    await waitForNamespacesGone(ctx, targets, options);
  },

  async preflight(ctx) {
    // kubectl labels and removes what `up` creates: make sure it runs and reaches the API server
    // before anything exists that we could not clean up.
    await kubeMetaStore(ctx).list();
  },

  async discover(ctx, name, expiresAt) {
    const store = kubeMetaStore(ctx);
    const metas = await store.list();
    const meta = [...metas.values()].find((m) => m.enclaveName === name && !m.terminating);
    if (!meta?.namespace) {
      // kubectl answered, without the namespace Kurtosis made: the two tools look at different clusters.
      // The error names the read (as the store ran it), for the user to run it again.
      const list = enclaveNamespaces(ctx);
      throw commandFailed(
        { argv: [list.tool, ...list.args], exitCode: 0, stdout: '', stderr: '' },
        {
          headline: `enclave '${name}' has no namespace labelled kurtosistech.com/enclave-id; is the Kurtosis cluster '${ctx.clusterName()}' the one kubectl points at?`,
        },
      );
    }
    const { uuid, namespace } = meta;
    // Labelling the namespace and reading its services are independent: one round trip, not two.
    const [, objects] = await Promise.all([
      store.write(
        { uuid, name, namespace },
        { owner: ctx.config.owner, expiresAt: expiresAt ?? null, selectedAt: new Date().toISOString() },
      ),
      kubeServices(ctx, namespace),
    ]);
    return { uuid, namespace, services: objects.services, endpoints: [] };
  },

  planPreflight: (ctx) => [enclaveNamespaces(ctx)],
  planDiscover: (ctx, name, expiresAt) => [
    enclaveNamespaces(ctx),
    patchNamespace({ context: ctx.kubeContext }, `kt-${name}`, {
      labels: { [DEVNET_KIT.owner]: ctx.config.owner },
      annotations: expiresAt ? { [DEVNET_KIT.expiresAt]: expiresAt } : {},
    }),
    getEnclaveObjects({ context: ctx.kubeContext }, `kt-${name}`),
  ],
};
