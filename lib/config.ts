// devnet-kit.yaml: found via --config, $DEVNET_KIT_CONFIG or ./devnet-kit.yaml; strict keys and types,
// with errors naming the file, the key and what is allowed; env overrides; owner resolution.

import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { firstLine, InvalidInputError } from './errors.js';
import { DEFAULT_PACKAGE_REF } from './ethereum-package/releases.js';
import { isDnsSubdomain } from './input/predicates.js';
import { documentToJs, readInputFile } from './input/yaml-file.js';
import { kurtosisDownloadUrl, kurtosisVersion } from './kurtosis/binary.js';
import { parseDuration, sanitizeDnsLabel, validateOwner, validateRegistryHost } from './validate.js';

/** Pinned to the newest release devnet-kit has a schema for, so `up` without config is reproducible. */
export const DEFAULT_PACKAGE = DEFAULT_PACKAGE_REF;

// The file's keys and what each takes, checked by hand as the args file is (lib/ethereum-package): zod's
// schemas cost 4 ms to build at every start of every command, more than reading the file (issue #16).
interface ConfigFile {
  owner?: string;
  cluster?: { name?: string; kubeconfig_context?: string; gateway_idle_timeout?: string };
  devnet?: {
    package?: string;
    args_file?: string;
    docker_cache?: string;
    ttl?: string;
    ingress?: {
      enabled?: boolean;
      base_domain?: string;
      host_style?: 'dotted' | 'flat';
      class_name?: string;
      annotations?: Record<string, string>;
      tls?: boolean;
      tls_secret?: string;
      alias_tls_secret?: string;
    };
  };
  kurtosis?: { version?: string; download?: boolean; download_url?: string };
}

/** A key's kind: a string (`nonEmpty`: of one character or more), one of some words, a map of strings... */
type Kind<T> = [T] extends [string]
  ? string extends T
    ? 'string' | 'nonEmpty'
    : readonly T[]
  : [T] extends [boolean]
    ? 'boolean'
    : string extends keyof T
      ? 'stringMap'
      : Shape<T>;
/** ...or a mapping with keys of its own: every key of the type has its kind, and no other key. */
type Shape<T> = { readonly [K in keyof T]-?: Kind<NonNullable<T[K]>> };

const FILE_SHAPE: Shape<ConfigFile> = {
  owner: 'string',
  cluster: { name: 'nonEmpty', kubeconfig_context: 'nonEmpty', gateway_idle_timeout: 'string' },
  devnet: {
    package: 'nonEmpty',
    args_file: 'nonEmpty',
    docker_cache: 'string',
    ttl: 'string',
    ingress: {
      enabled: 'boolean',
      base_domain: 'string',
      host_style: ['dotted', 'flat'],
      class_name: 'string',
      annotations: 'stringMap',
      tls: 'boolean',
      tls_secret: 'string',
      alias_tls_secret: 'string',
    },
  },
  kurtosis: { version: 'nonEmpty', download: 'boolean', download_url: 'nonEmpty' },
};

export interface IngressSettings {
  enabled: boolean;
  baseDomain: string;
  hostStyle: 'dotted' | 'flat';
  className?: string;
  annotations: Record<string, string>;
  tls: boolean;
  tlsSecret?: string;
  aliasTlsSecret?: string;
}

export interface Config {
  /** The config file read, if any. */
  path?: string;
  owner: string;
  ownerSource: 'option' | 'env' | 'config' | 'github' | 'os';
  /** Unset: Kurtosis's current cluster (Docker by default). */
  cluster?: { name?: string; kubeconfigContext?: string };
  /** Kubernetes: stop the `kurtosis gateway` devnet-kit started after this long unused (default 5 min). */
  gatewayIdleTimeoutMs?: number;
  devnet: {
    package: string;
    /** Absolute path (relative paths are resolved against the config file's folder). */
    argsFile?: string;
    dockerCache?: string;
    ttl?: string;
    ttlMs?: number;
    ingress: IngressSettings;
  };
  /** The Kurtosis CLI devnet-kit downloads when none is on PATH (kurtosis-binary.ts). */
  kurtosis: { version: string; download: boolean; downloadUrl: string };
}

export interface LoadConfigOptions {
  /** An explicit config file (like --config); a missing file is an error. */
  configPath?: string;
  /** A config object instead of a file (validated the same way). */
  config?: unknown;
  owner?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Resolves the configuration: file (or object) + env + options, validated. Reads, never spawns. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let raw: unknown = {};
  let path: string | undefined;
  let label = 'config';

  if (options.config !== undefined) {
    raw = options.config;
  } else {
    const explicit = options.configPath ?? env.DEVNET_KIT_CONFIG;
    const candidate = explicit ? resolve(cwd, explicit) : resolve(cwd, 'devnet-kit.yaml');
    if (existsSync(candidate)) {
      path = candidate;
      label = explicit ?? 'devnet-kit.yaml';
      raw = readYamlFile(candidate, label);
    } else if (explicit) {
      const source = options.configPath ? '--config' : 'DEVNET_KIT_CONFIG';
      throw new InvalidInputError(
        source,
        `${source}: config file ${JSON.stringify(explicit)} does not exist`,
      );
    }
  }

  const file = checkConfigFile(raw ?? {}, label);

  const ingress = file.devnet?.ingress ?? {};
  const settings: IngressSettings = {
    enabled: ingress.enabled ?? false,
    baseDomain: ingress.base_domain ?? '',
    hostStyle: ingress.host_style ?? 'dotted',
    className: ingress.class_name || undefined,
    annotations: ingress.annotations ?? {},
    tls: ingress.tls ?? false,
    tlsSecret: ingress.tls_secret || undefined,
    aliasTlsSecret: ingress.alias_tls_secret || undefined,
  };
  if (settings.enabled) {
    if (!settings.baseDomain) {
      throw new InvalidInputError(
        'devnet.ingress.base_domain',
        `${label}: devnet.ingress.base_domain is required when devnet.ingress.enabled is true (e.g. k3s.example.org)`,
      );
    }
    if (!isDnsSubdomain(settings.baseDomain)) {
      throw new InvalidInputError(
        'devnet.ingress.base_domain',
        `${label}: devnet.ingress.base_domain ${JSON.stringify(settings.baseDomain)} is not a lowercase DNS name`,
      );
    }
  }
  for (const secret of [settings.tlsSecret, settings.aliasTlsSecret]) {
    if (secret !== undefined && !isDnsSubdomain(secret)) {
      throw new InvalidInputError(
        'devnet.ingress.tls_secret',
        `${label}: TLS secret name ${JSON.stringify(secret)} is not a valid Kubernetes object name`,
      );
    }
  }

  const clusterName = env.DEVNET_KIT_CLUSTER || file.cluster?.name;
  const kubeContext = env.DEVNET_KIT_KUBE_CONTEXT || file.cluster?.kubeconfig_context;
  const cluster =
    clusterName || kubeContext ? { name: clusterName, kubeconfigContext: kubeContext } : undefined;

  const gatewayIdle = env.DEVNET_KIT_GATEWAY_IDLE_TIMEOUT || file.cluster?.gateway_idle_timeout;
  const gatewayIdleTimeoutMs = gatewayIdle
    ? parseDuration(
        gatewayIdle,
        env.DEVNET_KIT_GATEWAY_IDLE_TIMEOUT
          ? 'DEVNET_KIT_GATEWAY_IDLE_TIMEOUT'
          : `${label}: cluster.gateway_idle_timeout`,
      )
    : undefined;

  const ttl = env.DEVNET_KIT_TTL || file.devnet?.ttl;
  const ttlMs = ttl
    ? parseDuration(ttl, env.DEVNET_KIT_TTL ? 'DEVNET_KIT_TTL' : `${label}: devnet.ttl`)
    : undefined;
  const dockerCache = file.devnet?.docker_cache || undefined;
  if (dockerCache) validateRegistryHost(dockerCache, `${label}: devnet.docker_cache`);

  const argsFile = file.devnet?.args_file;
  const base = path ? dirname(path) : cwd;
  const { owner, ownerSource } = resolveOwner(options.owner, env, file.owner, label);

  return {
    path,
    owner,
    ownerSource,
    cluster,
    ...(gatewayIdleTimeoutMs !== undefined ? { gatewayIdleTimeoutMs } : {}),
    devnet: {
      package: env.DEVNET_KIT_PACKAGE || file.devnet?.package || DEFAULT_PACKAGE,
      argsFile: argsFile ? (isAbsolute(argsFile) ? argsFile : resolve(base, argsFile)) : undefined,
      dockerCache,
      ttl,
      ttlMs,
      ingress: settings,
    },
    kurtosis: resolveKurtosis(env, file.kurtosis ?? {}, label),
  };
}

function resolveKurtosis(
  env: NodeJS.ProcessEnv,
  file: { version?: string; download?: boolean; download_url?: string },
  label: string,
): Config['kurtosis'] {
  const version = env.DEVNET_KIT_KURTOSIS_VERSION
    ? kurtosisVersion(env.DEVNET_KIT_KURTOSIS_VERSION, 'DEVNET_KIT_KURTOSIS_VERSION')
    : kurtosisVersion(file.version, `${label}: kurtosis.version`);
  const downloadUrl = env.DEVNET_KIT_KURTOSIS_DOWNLOAD_URL
    ? kurtosisDownloadUrl(env.DEVNET_KIT_KURTOSIS_DOWNLOAD_URL, 'DEVNET_KIT_KURTOSIS_DOWNLOAD_URL')
    : kurtosisDownloadUrl(file.download_url, `${label}: kurtosis.download_url`);
  const off = /^(1|true|yes)$/i.test(env.DEVNET_KIT_NO_DOWNLOAD ?? '');
  return { version, download: !off && file.download !== false, downloadUrl };
}

function resolveOwner(
  option: string | undefined,
  env: NodeJS.ProcessEnv,
  fromFile: string | undefined,
  label: string,
): { owner: string; ownerSource: Config['ownerSource'] } {
  if (option !== undefined) return { owner: validateOwner(option, '--owner'), ownerSource: 'option' };
  if (env.DEVNET_KIT_OWNER !== undefined && env.DEVNET_KIT_OWNER !== '') {
    return { owner: validateOwner(env.DEVNET_KIT_OWNER, 'DEVNET_KIT_OWNER'), ownerSource: 'env' };
  }
  if (fromFile !== undefined)
    return { owner: validateOwner(fromFile, `${label}: owner`), ownerSource: 'config' };
  // Inferred names are people's logins, not DNS labels: sanitize them instead of refusing them.
  const github = env.GITHUB_ACTOR ? sanitizeDnsLabel(env.GITHUB_ACTOR) : '';
  if (github) return { owner: github, ownerSource: 'github' };
  let user = env.USER || env.USERNAME || '';
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = '';
    }
  }
  const os = sanitizeDnsLabel(user);
  if (!os) {
    throw new InvalidInputError(
      'owner',
      'could not infer an owner: pass --owner, set DEVNET_KIT_OWNER or `owner:` in devnet-kit.yaml',
    );
  }
  return { owner: os, ownerSource: 'os' };
}

function readYamlFile(path: string, label: string): unknown {
  const text = readInputFile(path, label);
  const doc = parseDocument(text);
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    throw new InvalidInputError(label, `${label}: invalid YAML${where}: ${firstLine(error)}`);
  }
  const value = documentToJs(doc, label) ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'a list' : `${JSON.stringify(value)}`;
    throw new InvalidInputError(
      label,
      `${label}: must be a mapping of devnet-kit settings (owner, cluster, devnet); got ${got}`,
    );
  }
  return value;
}

/** `raw` as a ConfigFile, or the first thing wrong with it: a key's type first, then an unknown key. */
function checkConfigFile(raw: unknown, label: string): ConfigFile {
  checkValue(raw, FILE_SHAPE as Shape<unknown> | Kind<unknown>, [], label);
  return raw as ConfigFile;
}

function checkValue(
  value: unknown,
  kind: Shape<unknown> | Kind<unknown>,
  path: string[],
  label: string,
): void {
  const key = path.join('.');
  const wrong = (message: string) => new InvalidInputError(key, `${label}: ${key} ${message}`);
  if (Array.isArray(kind)) {
    if (!kind.includes(value)) throw wrong(`must be one of ${kind.join(', ')}`);
  } else if (kind === 'string' || kind === 'nonEmpty') {
    if (typeof value !== 'string') throw wrong('must be a string');
    if (kind === 'nonEmpty' && value === '') throw wrong('must not be empty');
  } else if (kind === 'boolean') {
    if (typeof value !== 'boolean') throw wrong('must be a boolean');
  } else if (!isMapping(value)) {
    throw wrong(kind === 'stringMap' ? 'must be a record (a map of strings)' : 'must be a map');
  } else if (kind === 'stringMap') {
    for (const [k, v] of Object.entries(value)) checkValue(v, 'string', [...path, k], label);
  } else {
    const shape = kind as Record<string, Shape<unknown> | Kind<unknown>>;
    for (const [k, inner] of Object.entries(shape)) {
      if (value[k] !== undefined) checkValue(value[k], inner, [...path, k], label);
    }
    const unknown = Object.keys(value).find((k) => !Object.hasOwn(shape, k));
    if (unknown !== undefined) {
      const at = key ? `${key}.` : '';
      const allowed = Object.keys(shape).join(', ');
      throw new InvalidInputError(
        `${at}${unknown}`,
        `${label}: unknown key '${at}${unknown}'; allowed${key ? ` under ${key}` : ''}: ${allowed}`,
      );
    }
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
