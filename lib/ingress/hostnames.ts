// Public hostnames of a devnet's HTTP/WS ports (DESIGN.md "Hostnames (Ingress)").
//
//   dotted  <service>.<enclave>.<owner>.<base>         <port>-<service>.<enclave>.<owner>.<base>
//           alias <service>.<owner>.<base>             <port>-<service>.<owner>.<base>
//   flat    <service>--<enclave>--<owner>.<base>       <port>-<service>--<enclave>--<owner>.<base>
//           alias <service>--<owner>.<base>            <port>-<service>--<owner>.<base>
//
// The bare `<service>` form is for the service's primary port. Every label is a valid DNS label: a
// component that is not one is sanitised (and marked with a hash, so two inputs never meet), and a
// label longer than 63 characters is cut and suffixed with a hash of the whole label. Flat style is
// where that happens: `metrics-el-1-geth-lighthouse--<enclave>--<owner>` outgrows 63 quickly.

import { isExecutionClientService, portScheme } from '../backends/ports.js';
import { InvalidInputError } from '../errors.js';
import { isDnsLabel, MAX_DNS_LABEL } from '../input/predicates.js';
import type { Transport } from '../models.js';

export type HostStyle = 'dotted' | 'flat';

/** Port ids that get an Ingress: HTTP/WS APIs and UIs. Never engine-* (JWT), p2p or discovery. */
export const EXPOSED_PORT_IDS: readonly string[] = ['rpc', 'ws', 'ws-rpc', 'http', 'api', 'metrics'];

export const MAX_HOSTNAME = 253;
const HASH_LENGTH = 6;

/** First `length` hex characters of sha256(text). */
export function shortHash(text: string, length = HASH_LENGTH): string {
  // Loaded on first use: every command loads this module, few hash, and loading node:crypto costs a
  // read command's start-up more than the rest of this module (issue #16).
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * `name` unchanged when it fits in `max`; otherwise a stable prefix, '-', and a short hash of the whole
 * name, `max` characters at most. Equal inputs give equal outputs; different inputs differ by the hash.
 */
export function shortenName(name: string, max: number): string {
  if (name.length <= max) return name;
  const keep = max - HASH_LENGTH - 1;
  const prefix = name.slice(0, keep).replace(/[-.]+$/, '');
  return `${prefix}-${shortHash(name)}`;
}

/**
 * One hostname component as a DNS-label-safe string: lowercase letters, digits and single hyphens
 * (so the flat style's `--` separator stays unambiguous). Anything changed gets `-<hash>` of the
 * original so that `Foo` and `foo`, or `a--b` and `a-b`, stay distinct.
 */
export function hostComponent(text: string): string {
  const clean = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  if (clean === text) return text;
  return `${clean || 'x'}-${shortHash(text)}`;
}

/** The base domain, lowercased and without a trailing dot; every label must already be valid. */
export function normalizeBaseDomain(baseDomain: string): string {
  const base = baseDomain.trim().toLowerCase().replace(/\.$/, '');
  const labels = base.split('.');
  if (base === '' || !labels.every((label) => isDnsLabel(label))) {
    throw new InvalidInputError(
      'ingress.base_domain',
      `ingress base_domain ${JSON.stringify(baseDomain)} is not a DNS name: use dot-separated labels of lowercase letters, digits and '-' (e.g. k3s.example.org)`,
    );
  }
  return base;
}

export interface PortLike {
  name: string;
  transport?: Transport;
  applicationProtocol?: string;
}

/**
 * Whether a port gets an Ingress. Beyond the id list: only TCP, and only when it speaks HTTP/WS —
 * prysm's CL `rpc` is gRPC (no app protocol, not an EL service) and must not be exposed.
 */
export function isExposedPort(serviceName: string, port: PortLike): boolean {
  if (port.transport !== undefined && port.transport !== 'tcp') return false;
  if (!EXPOSED_PORT_IDS.includes(port.name)) return false;
  if (portScheme(serviceName, port.name, port.applicationProtocol) !== undefined) return true;
  // `http`, `api` and `metrics` speak HTTP even when a package forgets to declare it.
  return port.applicationProtocol === undefined && ['http', 'api', 'metrics'].includes(port.name);
}

/** The port that gets the bare `<service>` host: `rpc`, else `ws-rpc`, for EL services; `http` otherwise. */
export function primaryPortId(serviceName: string, portIds: readonly string[]): string | undefined {
  const preferred = isExecutionClientService(serviceName) ? ['rpc', 'ws-rpc'] : ['http'];
  return preferred.find((id) => portIds.includes(id));
}

export interface HostnameInput {
  service: string;
  port: string;
  enclave: string;
  owner: string;
  baseDomain: string;
  style: HostStyle;
  /** The service's primary port: the host has no `<port>-` prefix. */
  primary: boolean;
  /** The owner's alias host (no `<enclave>` part). */
  alias?: boolean;
  /** Adds a hash of service/port to the first part; used only to break a host collision. */
  disambiguate?: boolean;
}

export function hostnameFor(input: HostnameInput): string {
  const service = hostComponent(input.service);
  let first = input.primary ? service : `${hostComponent(input.port)}-${service}`;
  if (input.disambiguate) first = `${first}-${shortHash(`${input.service}/${input.port}`)}`;
  const enclave = hostComponent(input.enclave);
  const owner = hostComponent(input.owner);
  const parts = input.alias ? [first, owner] : [first, enclave, owner];
  const labels =
    input.style === 'flat'
      ? [shortenName(parts.join('--'), MAX_DNS_LABEL)]
      : parts.map((p) => shortenName(p, MAX_DNS_LABEL));
  const host = [...labels, normalizeBaseDomain(input.baseDomain)].join('.');
  if (host.length > MAX_HOSTNAME) {
    throw new InvalidInputError(
      'ingress.base_domain',
      `hostname ${host} is ${host.length} characters long (the limit is ${MAX_HOSTNAME}): use a shorter base_domain or host_style: flat`,
    );
  }
  return host;
}
