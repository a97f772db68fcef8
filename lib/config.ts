// devnet-kit.yaml: found via --config, $DEVNET_KIT_CONFIG or ./devnet-kit.yaml; strict keys and types,
// with errors naming the file, the key and what is allowed; env overrides; owner resolution.

import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import * as z from 'zod/mini';
import { firstLine, InvalidInputError } from './errors.js';
import { DEFAULT_PACKAGE_REF } from './ethereum-package/releases.js';
import { isDnsSubdomain } from './input/predicates.js';
import { documentToJs, readInputFile } from './input/yaml-file.js';
import { kurtosisDownloadUrl, kurtosisVersion } from './kurtosis/binary.js';
import './input/zod-locale.js';
import { parseDuration, sanitizeDnsLabel, validateOwner, validateRegistryHost } from './validate.js';

/** Pinned to the newest release devnet-kit has a schema for, so `up` without config is reproducible. */
export const DEFAULT_PACKAGE = DEFAULT_PACKAGE_REF;

const IngressSchema = z.partial(
  z.strictObject({
    enabled: z.boolean(),
    base_domain: z.string(),
    host_style: z.enum(['dotted', 'flat']),
    class_name: z.string(),
    annotations: z.record(z.string(), z.string()),
    tls: z.boolean(),
    tls_secret: z.string(),
    alias_tls_secret: z.string(),
  }),
);

const nonEmpty = () => z.string().check(z.minLength(1));

const FileSchema = z.partial(
  z.strictObject({
    owner: z.string(),
    cluster: z.partial(
      z.strictObject({ name: nonEmpty(), kubeconfig_context: nonEmpty(), gateway_idle_timeout: z.string() }),
    ),
    devnet: z.partial(
      z.strictObject({
        package: nonEmpty(),
        args_file: nonEmpty(),
        docker_cache: z.string(),
        ttl: z.string(),
        ingress: IngressSchema,
      }),
    ),
    kurtosis: z.partial(
      z.strictObject({
        version: z.string().check(z.minLength(1)),
        download: z.boolean(),
        download_url: z.string().check(z.minLength(1)),
      }),
    ),
  }),
);

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

  const parsed = FileSchema.safeParse(raw ?? {});
  if (!parsed.success) throw configError(label, parsed.error.issues);
  const file = parsed.data;

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

type Issue = z.core.$ZodIssue;

function configError(label: string, issues: readonly Issue[]): InvalidInputError {
  const issue = issues[0]!;
  const key = issue.path.map(String).join('.');
  let message: string;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const at = key ? `${key}.` : '';
      const allowed = allowedKeys(issue.path.map(String));
      message = `unknown key '${at}${issue.keys[0]}'; allowed${key ? ` under ${key}` : ''}: ${allowed.join(', ')}`;
      return new InvalidInputError(`${at}${issue.keys[0]}`, `${label}: ${message}`);
    }
    case 'invalid_type':
      message = `${key} must be ${article(issue.expected)}${issue.expected === 'record' ? ' (a map of strings)' : ''}`;
      break;
    case 'invalid_value':
      message = `${key} must be one of ${issue.values.map((v) => String(v)).join(', ')}`;
      break;
    case 'too_small':
      message = `${key} must not be empty`;
      break;
    default:
      message = `${key}: ${issue.message}`;
  }
  return new InvalidInputError(key, `${label}: ${message}`);
}

function article(type: string): string {
  return type === 'object' ? 'a map' : `a ${type}`;
}

function allowedKeys(path: string[]): string[] {
  // Walks the schema's definitions: objects have a shape; .partial() wraps each field in an optional.
  type Def = {
    type: string;
    shape?: Record<string, { _zod: { def: Def } }>;
    innerType?: { _zod: { def: Def } };
  };
  let def: Def | undefined = (FileSchema as unknown as { _zod: { def: Def } })._zod.def;
  for (const segment of path) {
    let next: Def | undefined = def?.shape?.[segment]?._zod.def;
    while (next?.type === 'optional') next = next.innerType?._zod.def;
    if (!next) return [];
    def = next;
  }
  return Object.keys(def?.shape ?? {});
}
