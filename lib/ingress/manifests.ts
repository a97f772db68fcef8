// The Ingress objects devnet-kit applies for a devnet, and the endpoints they make reachable. Pure:
// services in, manifests out; applying them is lib/kube/commands.ts `applyList`.
//
// One Ingress per exposed port, in the enclave namespace, backed by the Kurtosis Service of the same
// name (by port NAME, so a renumbered port keeps working). Object names start with `dk-` so they never
// collide with the Ingress Kurtosis itself may create, which is named exactly after the service.

import type { Ingress } from 'kubernetes-types/networking/v1.js';
import { portScheme } from '../backends/ports.js';
import { InvalidInputError } from '../errors.js';
import { isDnsLabel, isLabelValue } from '../input/predicates.js';
import { DEVNET_KIT } from '../kube/services.js';
import type { Endpoint, Service } from '../models.js';
import { type HostStyle, hostnameFor, isExposedPort, primaryPortId, shortenName } from './hostnames.js';

/** The `devnet.ingress` settings of devnet-kit.yaml (lib/config.ts IngressSettings fits). */
export interface IngressConfig {
  baseDomain: string;
  hostStyle: HostStyle;
  className?: string;
  /** Copied verbatim onto every Ingress (cert-manager issuer, Traefik entrypoints, …). */
  annotations: Record<string, string>;
  tls: boolean;
  /** One secret for every host (a wildcard certificate); empty + tls → `<ingress-name>-tls` per Ingress. */
  tlsSecret?: string;
  aliasTlsSecret?: string;
}

export interface BuildIngressesOptions {
  enclave: string;
  namespace: string;
  owner: string;
  services: readonly Service[];
  config: IngressConfig;
  /** Build the owner's alias set (hosts without the enclave) instead of the devnet's own. */
  alias?: boolean;
}

export interface IngressPlan {
  ingresses: Ingress[];
  endpoints: Endpoint[];
}

const MAX_OBJECT_NAME = 253;

/** `dk-<port>-<service>`, or `dk-alias-<port>-<service>`; shortened with a hash past 253 characters. */
export function ingressName(service: string, port: string, alias = false): string {
  const raw = `dk-${alias ? 'alias-' : ''}${port}-${service}`
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/-+$/, '');
  return shortenName(raw, MAX_OBJECT_NAME);
}

/** `http(s)://host`, or `ws(s)://host` for WebSocket ports. */
export function endpointUrl(service: string, port: string, host: string, tls: boolean): string {
  const scheme = portScheme(service, port);
  const ws = scheme === 'ws' || scheme === 'wss';
  return `${ws ? 'ws' : 'http'}${tls ? 's' : ''}://${host}`;
}

function labelValue(input: string, value: string): string {
  if (!isLabelValue(value)) {
    throw new InvalidInputError(
      input,
      `${input} ${JSON.stringify(value)} cannot be a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
    );
  }
  return value;
}

export function buildIngresses(options: BuildIngressesOptions): IngressPlan {
  const { enclave, namespace, owner, config } = options;
  const alias = options.alias === true;
  if (!isDnsLabel(namespace)) {
    throw new InvalidInputError(
      'namespace',
      `namespace ${JSON.stringify(namespace)} is not a valid namespace name`,
    );
  }
  const labels: Record<string, string> = {
    [DEVNET_KIT.managedBy]: DEVNET_KIT.managedByValue,
    [DEVNET_KIT.owner]: labelValue('owner', owner),
    [DEVNET_KIT.enclave]: labelValue('enclave name', enclave),
  };
  if (alias) labels[DEVNET_KIT.alias] = 'true';

  type Entry = { service: string; port: string; primary: boolean; host: string };
  const entries: Entry[] = [];
  for (const service of [...options.services].sort((a, b) => compare(a.name, b.name))) {
    const exposed = service.ports.filter((p) => isExposedPort(service.name, p)).map((p) => p.name);
    const primary = primaryPortId(service.name, exposed);
    for (const port of [...new Set(exposed)].sort(compare)) {
      const input = {
        service: service.name,
        port,
        enclave,
        owner,
        baseDomain: config.baseDomain,
        style: config.hostStyle,
        primary: port === primary,
        alias,
      };
      entries.push({ service: service.name, port, primary: port === primary, host: hostnameFor(input) });
    }
  }
  // `metrics-foo` (a service) and `foo`'s metrics port would share a host; the port-prefixed one yields.
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.host, (counts.get(e.host) ?? 0) + 1);
  for (const e of entries) {
    if ((counts.get(e.host) ?? 0) > 1 && !e.primary) {
      e.host = hostnameFor({
        service: e.service,
        port: e.port,
        enclave,
        owner,
        baseDomain: config.baseDomain,
        style: config.hostStyle,
        primary: false,
        alias,
        disambiguate: true,
      });
    }
  }

  const ingresses: Ingress[] = [];
  const endpoints: Endpoint[] = [];
  for (const e of entries) {
    const name = ingressName(e.service, e.port, alias);
    const ingress: Ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name,
        namespace,
        labels: { ...labels },
        annotations: { ...config.annotations, [DEVNET_KIT.service]: e.service, [DEVNET_KIT.port]: e.port },
      },
      spec: {
        ...(config.className ? { ingressClassName: config.className } : {}),
        ...(config.tls
          ? {
              tls: [
                {
                  hosts: [e.host],
                  secretName:
                    (alias ? config.aliasTlsSecret : config.tlsSecret) ||
                    shortenName(`${name}-tls`, MAX_OBJECT_NAME),
                },
              ],
            }
          : {}),
        rules: [
          {
            host: e.host,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: e.service, port: { name: e.port } } },
                },
              ],
            },
          },
        ],
      },
    };
    ingresses.push(ingress);
    endpoints.push({
      enclave,
      service: e.service,
      port: e.port,
      url: endpointUrl(e.service, e.port, e.host, config.tls),
      host: e.host,
      alias,
    });
  }
  return { ingresses, endpoints };
}

/**
 * Endpoints from the Ingresses devnet-kit created (one `get ingress -A -l managed-by` answers
 * `endpoints` for every devnet). Ingresses without our managed-by label — Kurtosis's own, other
 * tools' — and ones missing a host, service or port (hand-edited) are skipped.
 */
export function listEndpointsFromIngresses(ingresses: readonly Ingress[]): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const ingress of ingresses) {
    const labels = ingress.metadata?.labels ?? {};
    if (labels[DEVNET_KIT.managedBy] !== DEVNET_KIT.managedByValue) continue;
    const annotations = ingress.metadata?.annotations ?? {};
    const rule = ingress.spec?.rules?.find((r) => r.host);
    const backend = rule?.http?.paths?.[0]?.backend?.service;
    const host = rule?.host;
    const service = annotations[DEVNET_KIT.service] || backend?.name;
    const port = annotations[DEVNET_KIT.port] || backend?.port?.name;
    const enclave = labels[DEVNET_KIT.enclave];
    if (!host || !service || !port || !enclave) continue;
    const tls = (ingress.spec?.tls ?? []).some((t) => t.hosts?.includes(host));
    endpoints.push({
      enclave,
      service,
      port,
      url: endpointUrl(service, port, host, tls),
      host,
      alias: labels[DEVNET_KIT.alias] === 'true',
    });
  }
  return endpoints.sort(
    (a, b) =>
      compare(a.enclave, b.enclave) ||
      Number(a.alias) - Number(b.alias) ||
      compare(a.service, b.service) ||
      compare(a.port, b.port),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
