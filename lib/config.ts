// devnet-kit.yaml: found via --config, $DEVNET_KIT_CONFIG or ./devnet-kit.yaml; strict keys and types,
// with errors naming the file, the key and what is allowed; env overrides; owner resolution.

import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import * as z from 'zod';
import { InvalidInputError } from './errors.js';
import {
  parseDuration,
  sanitizeDnsLabel,
  validateDevnetName,
  validateOwner,
  validateRegistryHost,
} from './validate.js';

export const DEFAULT_PACKAGE = 'github.com/ethpandaops/ethereum-package';

const IngressSchema = z
  .strictObject({
    enabled: z.boolean(),
    base_domain: z.string(),
    host_style: z.enum(['dotted', 'flat']),
    class_name: z.string(),
    annotations: z.record(z.string(), z.string()),
    tls: z.boolean(),
    tls_secret: z.string(),
    alias_tls_secret: z.string(),
  })
  .partial();

const FileSchema = z
  .strictObject({
    owner: z.string(),
    cluster: z
      .strictObject({
        name: z.string().min(1),
        kubeconfig_context: z.string().min(1),
        gateway_idle_timeout: z.string(),
      })
      .partial(),
    devnet: z
      .strictObject({
        package: z.string().min(1),
        args_file: z.string().min(1),
        docker_cache: z.string(),
        ttl: z.string(),
        ingress: IngressSchema,
      })
      .partial(),
  })
  .partial();

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
    if (!/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(settings.baseDomain)) {
      throw new InvalidInputError(
        'devnet.ingress.base_domain',
        `${label}: devnet.ingress.base_domain ${JSON.stringify(settings.baseDomain)} is not a lowercase DNS name`,
      );
    }
  }
  for (const secret of [settings.tlsSecret, settings.aliasTlsSecret]) {
    if (secret !== undefined && !/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(secret)) {
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
  };
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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(label, `${label}: cannot read config file (${(error as Error).message})`);
  }
  try {
    return parseYaml(text) ?? {};
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const pos = error.linePos?.[0];
      const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
      throw new InvalidInputError(label, `${label}: invalid YAML${where}: ${error.message.split('\n')[0]}`);
    }
    throw error;
  }
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
  let schema: z.ZodType = FileSchema;
  for (const segment of path) {
    const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
    let next = shape?.[segment];
    while (next && 'unwrap' in next && typeof (next as { unwrap?: unknown }).unwrap === 'function') {
      next = (next as unknown as { unwrap(): z.ZodType }).unwrap();
    }
    if (!next) return [];
    schema = next;
  }
  return Object.keys((schema as unknown as { shape?: Record<string, unknown> }).shape ?? {});
}

export { validateDevnetName };
