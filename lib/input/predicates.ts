// The rules for the small values devnet-kit checks, each written once: config, package args, CLI flags,
// library options and the argv builders all ask here. Answers only (a boolean, or the value read);
// each caller words its own InvalidInputError, naming the input and what is allowed.

import { isIPv6 } from 'node:net';

export const MAX_DNS_LABEL = 63;
const MAX_DNS_SUBDOMAIN = 253;
const LABEL = '[a-z0-9](?:[-a-z0-9]*[a-z0-9])?';
const DNS_LABEL = new RegExp(`^${LABEL}$`);
const DNS_SUBDOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
// Host names in a registry reference are case-insensitive, and each label is a DNS label.
const HOST_NAME = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)*$/i;
const LABEL_VALUE = /^(?:(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * An RFC 1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at
 * most `max` characters. Namespaces, owners, devnet names, hostname parts, service and port names.
 */
export function isDnsLabel(value: string, max = MAX_DNS_LABEL): boolean {
  return value.length <= max && DNS_LABEL.test(value);
}

/**
 * A name that can stand as one argv word without being read as something else: not empty, no white
 * space or control characters, not starting with '-' (a flag). Enclave, service and package names.
 */
export function isPlainArg(value: string): boolean {
  return value.length > 0 && !value.startsWith('-') && !/[\s\u0000-\u001f]/.test(value);
}

/** Dot-separated DNS labels, at most 253 characters: Kubernetes object names, base domains. */
export function isDnsSubdomain(value: string): boolean {
  return value.length <= MAX_DNS_SUBDOMAIN && DNS_SUBDOMAIN.test(value);
}

/** A Kubernetes label value: empty, or at most 63 letters, digits, '-', '_' and '.', alphanumeric at both ends. */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/**
 * `host[:port]` with nothing else (no scheme, path or credentials): a host name or IPv4 address, or an
 * IPv6 address in brackets (`[::1]:5000`), the port 1–65535. A Docker registry host (docker_cache):
 * ethereum-package prepends it to image names as written (shared_utils.star docker_cache_image_calc).
 */
export function isHostPort(value: string): boolean {
  const m = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value);
  if (!m) return false;
  const host = m[1]!;
  const port = m[2];
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65_535)) return false;
  return host.startsWith('[') ? isIPv6(host.slice(1, -1)) : HOST_NAME.test(host);
}

/** A Go duration as kubectl (`--since`) and Kurtosis (port waits) read it: `90s`, `1h30m`, `2m0s`, `500ms`. */
export function isGoDuration(value: string): boolean {
  return GO_DURATION.test(value);
}

export const MAX_DURATION_MS = 366 * 24 * 3600_000;

/**
 * A devnet-kit duration (`90s`, `30m`, `4h`, `1h30m`, `2d`) in milliseconds; undefined when the text is
 * not one, is zero, or is longer than 366 days.
 */
export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const seconds =
    Number(m[1] ?? 0) * 86_400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  const ms = seconds * 1000;
  return ms > 0 && ms <= MAX_DURATION_MS ? ms : undefined;
}

/** The most log lines a tail asks for, per service. */
export const MAX_TAIL = 100_000;

/** A log tail: a whole number of lines from 0 to MAX_TAIL. */
export function isTail(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= MAX_TAIL;
}
