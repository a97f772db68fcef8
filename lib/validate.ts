// Validation of the small values users type: devnet names, owners, durations, counts. Every failure is
// one InvalidInputError line naming the input and what is allowed, raised before anything is spawned.

import { InvalidInputError } from './errors.js';
import { durationMs, isDnsLabel, isHostPort, isTail, MAX_TAIL } from './input/predicates.js';

/** A devnet name becomes the namespace `kt-<name>` and a hostname label, hence 60 and not 63. */
const MAX_DEVNET_NAME = 60;

function show(value: string): string {
  return JSON.stringify(value);
}

export function validateDevnetName(name: string, input = 'devnet name'): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidInputError(
      input,
      `${input} is empty; use lowercase letters, digits and '-' (at most ${MAX_DEVNET_NAME})`,
    );
  }
  if (!isDnsLabel(name, MAX_DEVNET_NAME)) {
    const why =
      name.length > MAX_DEVNET_NAME
        ? `is ${name.length} characters long`
        : /[A-Z]/.test(name) && isDnsLabel(name.toLowerCase(), MAX_DEVNET_NAME)
          ? 'has uppercase letters'
          : /^-|-$/.test(name)
            ? 'starts or ends with a hyphen'
            : 'has characters that are not allowed';
    throw new InvalidInputError(
      input,
      `${input} ${show(name)} ${why}: use lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${MAX_DEVNET_NAME} characters`,
    );
  }
  return name;
}

export function validateOwner(owner: string, input = 'owner'): string {
  if (!isDnsLabel(owner)) {
    throw new InvalidInputError(
      input,
      `${input} ${show(owner)} is not a valid DNS label: use lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters`,
    );
  }
  return owner;
}

/** For owners we infer (GITHUB_ACTOR, the OS user): `Alice_Smith` → `alice-smith`. */
export function sanitizeDnsLabel(value: string, max = 63): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, max)
    .replace(/^-+|-+$/g, '');
}

/** `90s`, `30m`, `4h`, `1h30m`, `2d` → milliseconds. */
export function parseDuration(value: string, input: string): number {
  const ms = typeof value === 'string' ? durationMs(value) : undefined;
  if (ms === undefined) {
    throw new InvalidInputError(
      input,
      `${input} ${show(String(value))} is not a duration: use a positive number with units d, h, m or s (e.g. 90s, 30m, 4h, 1h30m), at most 366d`,
    );
  }
  return ms;
}

/** A duration given as milliseconds or as text (`10m`); undefined stays undefined. */
export function durationToMs(value: number | string | undefined, input: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new InvalidInputError(input, `${input} must be a positive number of milliseconds`);
    }
    return value;
  }
  return parseDuration(value, input);
}

export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let s = Math.round(ms / 1000);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  if (s > 0 || parts.length === 0) parts.push(`${s}s`);
  return parts.join('');
}

export function parseTail(value: unknown, input = '--tail'): number {
  const text = String(value);
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!isTail(n)) {
    throw new InvalidInputError(
      input,
      `${input} ${show(text)} is not allowed: use a whole number from 0 to ${MAX_TAIL}`,
    );
  }
  return n;
}

/** docker_cache: a bare registry host with an optional port, as ethereum-package wants it. */
export function validateRegistryHost(value: string, input: string): string {
  if (!isHostPort(value)) {
    const why = /^[a-z][a-z0-9+.-]*:\/\//i.test(value)
      ? 'has a scheme'
      : value.includes('/')
        ? 'has a path or trailing slash'
        : value.includes('@')
          ? 'has credentials'
          : 'is not a host name';
    throw new InvalidInputError(
      input,
      `${input} ${show(value)} ${why}: give a bare registry host with an optional port, e.g. docker.example.io or cache.local:5000`,
    );
  }
  return value;
}
