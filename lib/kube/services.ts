// What Kurtosis created in an enclave namespace, read back as devnet-kit models. Pure: kubectl output in
// (lib/kube/commands.ts parses it), models out. Label and annotation names follow
// reference/kurtosis-cli.md §5.3.

import type { Service as KService, Namespace, Pod, ServicePort } from 'kubernetes-types/core/v1.js';
import { formatEndpoint, portScheme } from '../backends/ports.js';
import { matchDevnet } from '../backends/resolve.js';
import { ParseError } from '../errors.js';
import type { Port, Service, ServiceStatus, Transport } from '../models.js';

/** Kurtosis's labels and annotations (prefix `kurtosistech.com/`). */
export const KURTOSIS = {
  appId: 'kurtosistech.com/app-id',
  resourceType: 'kurtosistech.com/resource-type',
  enclaveId: 'kurtosistech.com/enclave-id',
  guid: 'kurtosistech.com/guid',
  id: 'kurtosistech.com/id',
  ports: 'kurtosistech.com/ports',
  enclaveName: 'kurtosistech.com/enclave-name',
  enclaveCreationTime: 'kurtosistech.com/enclave-creation-time',
  userService: 'user-service',
  enclave: 'enclave',
  /** The ServicePort Kurtosis puts on a registered-but-not-started service (k8s needs one port). */
  placeholderPort: 'nonexistent-port',
} as const;

/** What devnet-kit puts on the objects it owns (DESIGN.md "Kubernetes facts"). */
export const DEVNET_KIT = {
  managedBy: 'app.kubernetes.io/managed-by',
  managedByValue: 'devnet-kit',
  owner: 'devnet-kit/owner',
  enclave: 'devnet-kit/enclave',
  alias: 'devnet-kit/alias',
  expiresAt: 'devnet-kit/expires-at',
  /** Ingress annotations naming the Kurtosis service and port id an Ingress exposes. */
  service: 'devnet-kit/service',
  port: 'devnet-kit/port',
} as const;

export const MANAGED_SELECTOR = `${DEVNET_KIT.managedBy}=${DEVNET_KIT.managedByValue}`;

export function enclaveSelector(uuid: string): string {
  return `${KURTOSIS.enclaveId}=${uuid}`;
}

// ---------------------------------------------------------------------------------------------------
// The `kurtosistech.com/ports` annotation

export interface KurtosisPortSpec {
  id: string;
  number: number;
  transport: Transport;
  applicationProtocol?: string;
  /** Kurtosis's readiness wait, a Go duration (`2m0s`). */
  wait?: string;
}

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/**
 * `<id>:<num>/<TCP|UDP|SCTP>[/<appProto>[-<wait>]]`, comma-joined, e.g.
 * `rpc:8545/TCP/-2m0s,metrics:9001/TCP/http-2m0s,udp-discovery:30303/UDP`. Empty text = no ports.
 */
export function parsePortsAnnotation(text: string): KurtosisPortSpec[] {
  const fail = (reason: string): never => {
    throw new ParseError('parsePortsAnnotation', reason, text);
  };
  if (text.trim() === '') return [];
  const seen = new Set<string>();
  return text.split(',').map((entry) => {
    const colon = entry.indexOf(':');
    if (colon <= 0) fail(`entry ${JSON.stringify(entry)} has no '<id>:'`);
    const id = entry.slice(0, colon);
    const fragments = entry.slice(colon + 1).split('/');
    if (fragments.length < 2 || fragments.length > 3)
      fail(`entry ${JSON.stringify(entry)} is not <num>/<transport>[/…]`);
    const [numText, transportText, extra] = fragments as [string, string, string | undefined];
    const number = /^\d{1,5}$/.test(numText) ? Number(numText) : Number.NaN;
    if (!(number >= 1 && number <= 65_535))
      fail(`port number ${JSON.stringify(numText)} of '${id}' is out of range`);
    const transport = transportText.toLowerCase();
    if (transport !== 'tcp' && transport !== 'udp' && transport !== 'sctp') {
      fail(`transport ${JSON.stringify(transportText)} of '${id}' is not TCP, UDP or SCTP`);
    }
    if (seen.has(id)) fail(`port id '${id}' appears twice`);
    seen.add(id);
    const spec: KurtosisPortSpec = { id, number, transport: transport as Transport };
    if (extra !== undefined && extra !== '') {
      // The app protocol itself may contain '-' (`grpc-web`), so only a trailing Go duration is the wait.
      const dash = extra.lastIndexOf('-');
      const wait = dash >= 0 ? extra.slice(dash + 1) : '';
      if (dash >= 0 && (wait === '' || GO_DURATION.test(wait))) {
        if (dash > 0) spec.applicationProtocol = extra.slice(0, dash);
        if (wait !== '') spec.wait = wait;
      } else {
        spec.applicationProtocol = extra;
      }
    }
    return spec;
  });
}

function portsFromServicePorts(ports: readonly ServicePort[]): KurtosisPortSpec[] {
  const specs: KurtosisPortSpec[] = [];
  for (const p of ports) {
    if (!p.name || p.name === KURTOSIS.placeholderPort) continue;
    const spec: KurtosisPortSpec = {
      id: p.name,
      number: p.port,
      transport: (p.protocol ?? 'TCP').toLowerCase() as Transport,
    };
    if (p.appProtocol) spec.applicationProtocol = p.appProtocol;
    specs.push(spec);
  }
  return specs;
}

// ---------------------------------------------------------------------------------------------------
// Services

export function isUserService(object: KService | Pod): boolean {
  return object.metadata?.labels?.[KURTOSIS.resourceType] === KURTOSIS.userService;
}

/**
 * Status from the pod, the way a user reads it:
 * - main container ready in a Running pod → RUNNING;
 * - Succeeded/Failed pod, terminating pod, or main container terminated → STOPPED;
 * - no pod: STOPPED when the service had started (Kurtosis deletes the pod on `service stop` and
 *   keeps the Service), UNKNOWN when it was only registered;
 * - anything else (Pending, image pull, crash-loop back-off) → UNKNOWN.
 */
export function serviceStatus(pod: Pod | undefined, started: boolean): ServiceStatus {
  if (!pod) return started ? 'STOPPED' : 'UNKNOWN';
  if (pod.metadata?.deletionTimestamp) return 'STOPPED';
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 'STOPPED';
  if (phase !== 'Running') return 'UNKNOWN';
  const statuses = pod.status?.containerStatuses ?? [];
  const main = statuses.find((c) => c.name === 'user-service-container') ?? statuses[0];
  if (!main) return 'UNKNOWN';
  if (main.ready) return 'RUNNING';
  if (main.state?.terminated) return 'STOPPED';
  return 'UNKNOWN';
}

export interface ServicesFromKubeOptions {
  /**
   * Which IP is `privateIp` and the host of every `endpoint`: the pod's IP (default), or the Service's
   * ClusterIP, which is what Kurtosis itself reports as a service's IP on Kubernetes and which
   * survives pod restarts. Without an IP the endpoint uses the service's DNS name.
   */
  address?: 'pod' | 'cluster';
}

/**
 * One Service model per Kurtosis user service (Kubernetes Services labelled
 * `kurtosistech.com/resource-type=user-service`; the API container and anything else are skipped),
 * sorted by name, ports sorted by id.
 */
export function servicesFromKube(
  services: readonly KService[],
  pods: readonly Pod[],
  options: ServicesFromKubeOptions = {},
): Service[] {
  const userPods = pods.filter(isUserService);
  const result: Service[] = [];
  for (const svc of services) {
    if (!isUserService(svc)) continue;
    const name = svc.metadata?.name;
    const labels = svc.metadata?.labels ?? {};
    const uuid = labels[KURTOSIS.guid];
    if (!name || !uuid) {
      throw new ParseError(
        'servicesFromKube',
        `user service ${JSON.stringify(name ?? '?')} has no name or ${KURTOSIS.guid} label`,
        JSON.stringify(svc.metadata ?? {}),
      );
    }
    const pod =
      userPods.find((p) => p.metadata?.labels?.[KURTOSIS.guid] === uuid) ??
      userPods.find((p) => p.metadata?.name === name);

    const annotation =
      svc.metadata?.annotations?.[KURTOSIS.ports] ?? pod?.metadata?.annotations?.[KURTOSIS.ports];
    const started = annotation !== undefined;
    const specs = mergePorts(annotation, svc.spec?.ports ?? []);

    const ip =
      options.address === 'cluster'
        ? svc.spec?.clusterIP && svc.spec.clusterIP !== 'None'
          ? svc.spec.clusterIP
          : undefined
        : pod?.status?.podIP || undefined;
    const host = ip ?? name;
    const ports: Port[] = specs
      .map((spec) => {
        const port: Port = {
          name: spec.id,
          number: spec.number,
          transport: spec.transport,
          endpoint: formatEndpoint(portScheme(name, spec.id, spec.applicationProtocol), host, spec.number),
        };
        if (spec.applicationProtocol) port.applicationProtocol = spec.applicationProtocol;
        return port;
      })
      .sort((a, b) => compare(a.name, b.name));

    const model: Service = { name, uuid, status: serviceStatus(pod, started), ports };
    if (ip) model.privateIp = ip;
    result.push(model);
  }
  return result.sort((a, b) => compare(a.name, b.name));
}

/** The annotation is the source of truth; named ServicePorts fill gaps (or everything, without one). */
function mergePorts(
  annotation: string | undefined,
  servicePorts: readonly ServicePort[],
): KurtosisPortSpec[] {
  const named = portsFromServicePorts(servicePorts);
  if (annotation === undefined) return named;
  const specs = parsePortsAnnotation(annotation);
  const byId = new Map(specs.map((s) => [s.id, s]));
  for (const p of named) {
    const spec = byId.get(p.id);
    if (!spec) specs.push(p);
    else if (!spec.applicationProtocol && p.applicationProtocol && p.number === spec.number) {
      spec.applicationProtocol = p.applicationProtocol;
    }
  }
  return specs;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------
// Enclave namespaces

/**
 * The namespace of an enclave given its name, full UUID or 12-character short UUID (the one rule,
 * lib/backends/resolve.ts). Look-up is by label, never by the `kt-<name>` namespace name
 * (pooled enclaves keep `kt-idle-enclave-…` after being renamed).
 */
export function namespaceForEnclave(
  namespaces: readonly Namespace[],
  idOrName: string,
): Namespace | undefined {
  const enclaves = namespaces.flatMap((ns) => {
    const uuid = ns.metadata?.labels?.[KURTOSIS.enclaveId];
    const name = ns.metadata?.annotations?.[KURTOSIS.enclaveName] ?? '';
    return uuid ? [{ name, uuid, ns }] : [];
  });
  return matchDevnet(enclaves, idOrName)?.ns;
}

export interface EnclaveMeta {
  namespace: string;
  /** `kurtosistech.com/enclave-id`; undefined when the namespace is not a Kurtosis enclave. */
  enclaveUuid?: string;
  /** Kurtosis's `enclave-name` annotation, else our `devnet-kit/enclave` label, else the namespace minus `kt-`. */
  enclaveName: string;
  /** ISO 8601, from `enclave-creation-time`, else the namespace's creationTimestamp. */
  createdAt?: string;
  owner?: string;
  /** ISO 8601, from the `devnet-kit/expires-at` annotation (ignored when not a time). */
  expiresAt?: string;
  /** Labelled `app.kubernetes.io/managed-by=devnet-kit`. */
  managed: boolean;
  /** Labelled `devnet-kit/alias=true`: the owner's default devnet, which the alias hosts point at. */
  isAlias: boolean;
}

export function enclaveMetaFromNamespace(ns: Namespace): EnclaveMeta {
  const metadata = ns.metadata ?? {};
  const labels = metadata.labels ?? {};
  const annotations = metadata.annotations ?? {};
  const namespace = metadata.name ?? '';
  const meta: EnclaveMeta = {
    namespace,
    enclaveName:
      annotations[KURTOSIS.enclaveName] || labels[DEVNET_KIT.enclave] || namespace.replace(/^kt-/, ''),
    managed: labels[DEVNET_KIT.managedBy] === DEVNET_KIT.managedByValue,
    isAlias: labels[DEVNET_KIT.alias] === 'true',
  };
  const uuid = labels[KURTOSIS.enclaveId];
  if (uuid) meta.enclaveUuid = uuid;
  const createdAt = isoTime(annotations[KURTOSIS.enclaveCreationTime]) ?? isoTime(metadata.creationTimestamp);
  if (createdAt) meta.createdAt = createdAt;
  if (labels[DEVNET_KIT.owner]) meta.owner = labels[DEVNET_KIT.owner];
  const expiresAt = isoTime(annotations[DEVNET_KIT.expiresAt]);
  if (expiresAt) meta.expiresAt = expiresAt;
  return meta;
}

function isoTime(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
