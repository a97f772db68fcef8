// The args file of ethpandaops/ethereum-package: its types, and a validator that checks it against
// the schema of one package version (./schemas.ts, derived from that version's own sources). Strict
// mode rejects what that version rejects, with one line that names the file, the key path, the value
// and what is allowed; lenient mode turns what the schema does not know into warnings. Facts:
// reference/ethereum-package.md §1 and ../shared/reference/ethereum-package-src.

import { InvalidInputError } from '../errors.js';
import { isHostPort } from '../input/predicates.js';
import { NEWEST_RELEASE } from './releases.js';
import { type ArgsSchema, type SchemaMode, schemaByVersion } from './schemas.js';

const PINNED = schemaByVersion(NEWEST_RELEASE);

/** Client and option names of the newest known release; other versions know others (schemas/). */
export const EL_TYPES: readonly string[] = PINNED.el_types;
export const CL_TYPES: readonly string[] = PINNED.cl_types;
export const VC_TYPES: readonly string[] = PINNED.vc_types;
export const ADDITIONAL_SERVICES: readonly string[] = PINNED.additional_services;
export const MEV_TYPES: readonly string[] = PINNED.mev_types;

/** A client type name. Which names a version accepts is in its schema (`el_types`, …). */
export type ElType = string;
export type ClType = string;
export type VcType = string;
export type AdditionalService = string;
export type MevType = string;
export type Preset = 'mainnet' | 'minimal';
export type LogLevel = string;

/** Epochs may be FAR_FUTURE_EPOCH (2^64−1), which a JS number cannot hold: parsed files give a bigint. */
export type Epoch = number | bigint;

type StringMap = Record<string, string>;

export interface Participant {
  /** `None` (or null) runs a CL-only node. */
  el_type?: ElType | null;
  el_image?: string;
  el_binary_path?: string;
  el_log_level?: string;
  el_storage_type?: string;
  el_extra_env_vars?: StringMap;
  el_extra_labels?: StringMap;
  el_extra_params?: string[];
  el_extra_mounts?: Record<string, unknown>;
  el_devices?: unknown[];
  el_tolerations?: unknown[];
  el_volume_size?: number;
  el_min_cpu?: number;
  el_max_cpu?: number;
  el_min_mem?: number;
  el_max_mem?: number;
  el_force_restart?: boolean;

  cl_type?: ClType;
  cl_image?: string;
  cl_binary_path?: string;
  cl_log_level?: string;
  cl_extra_env_vars?: StringMap;
  cl_extra_labels?: StringMap;
  cl_extra_params?: string[];
  cl_extra_mounts?: Record<string, unknown>;
  cl_devices?: unknown[];
  cl_tolerations?: unknown[];
  cl_volume_size?: number;
  cl_min_cpu?: number;
  cl_max_cpu?: number;
  cl_min_mem?: number;
  cl_max_mem?: number;
  cl_force_restart?: boolean;
  supernode?: boolean;
  /** null: false for teku, nimbus and grandine with an empty vc_type, true otherwise. */
  use_separate_vc?: boolean | null;

  /** "" (default): the CL's own type; caplin gets lighthouse. */
  vc_type?: VcType | '';
  vc_image?: string;
  vc_binary_path?: string;
  vc_log_level?: string;
  vc_extra_env_vars?: StringMap;
  vc_extra_labels?: StringMap;
  vc_extra_params?: string[];
  vc_extra_mounts?: Record<string, unknown>;
  vc_devices?: unknown[];
  vc_tolerations?: unknown[];
  vc_min_cpu?: number;
  vc_max_cpu?: number;
  vc_min_mem?: number;
  vc_max_mem?: number;
  vc_force_restart?: boolean;
  /** null: network_params.num_validator_keys_per_node (128). 0 means no VC service. */
  validator_count?: number | null;

  use_remote_signer?: boolean;
  remote_signer_type?: string;
  remote_signer_image?: string;
  remote_signer_extra_env_vars?: StringMap;
  remote_signer_extra_labels?: StringMap;
  remote_signer_extra_params?: string[];
  remote_signer_tolerations?: unknown[];
  remote_signer_min_cpu?: number;
  remote_signer_max_cpu?: number;
  remote_signer_min_mem?: number;
  remote_signer_max_mem?: number;

  node_selectors?: StringMap;
  tolerations?: unknown[];
  /** Expands this entry into `count` participants with consecutive indexes. */
  count?: number;
  /** null (or absent): the global value. */
  snooper_enabled?: boolean | null;
  ethereum_metrics_exporter_enabled?: boolean | null;
  xatu_sentry_enabled?: boolean | null;
  keymanager_enabled?: boolean | null;
  checkpoint_sync_enabled?: boolean | null;
  prometheus_config?: Record<string, unknown>;
  blobber_enabled?: boolean;
  blobber_extra_params?: string[];
  blobber_image?: string;
  builder_network_params?: Record<string, unknown> | null;
  vc_beacon_node_indices?: number[];
  skip_start?: boolean;
}

export interface ParticipantsMatrix {
  el?: Participant[];
  cl?: Participant[];
  vc?: Participant[];
  remote_signer?: Participant[];
  /** Participants per el × cl × vc combination (default 1). */
  count?: number;
}

export interface NetworkParams {
  /** `kurtosis` (default: a fresh local chain), a public network, `*-shadowfork`, or a devnet name. */
  network?: string;
  /** A string in the package (`"3151908"`). */
  network_id?: string;
  preset?: Preset;
  seconds_per_slot?: number;
  slot_duration_ms?: number;
  num_validator_keys_per_node?: number;
  preregistered_validator_keys_mnemonic?: string;
  genesis_delay?: number;
  genesis_time?: number;
  altair_fork_epoch?: Epoch;
  bellatrix_fork_epoch?: Epoch;
  capella_fork_epoch?: Epoch;
  deneb_fork_epoch?: Epoch;
  electra_fork_epoch?: Epoch;
  fulu_fork_epoch?: Epoch;
  gloas_fork_epoch?: Epoch;
  heze_fork_epoch?: Epoch;
  /** A mapping of address → {balance, …}, or the same as a JSON string. */
  prefunded_accounts?: Record<string, unknown> | string;
  /** The package accepts ~80 more keys (checked against the version's schema, values passed through). */
  [key: string]: unknown;
}

export interface DockerCacheParams {
  enabled?: boolean;
  /** Bare registry host[:port]: no scheme, no trailing slash. */
  url?: string;
  dockerhub_prefix?: string;
  github_prefix?: string;
  google_prefix?: string;
}

export interface PortPublisherGroup {
  enabled?: boolean;
  public_port_start?: number;
  nat_exit_ip?: string;
}

export interface PortPublisher {
  nat_exit_ip?: string;
  el?: PortPublisherGroup;
  cl?: PortPublisherGroup;
  vc?: PortPublisherGroup;
  remote_signer?: PortPublisherGroup;
  additional_services?: PortPublisherGroup;
  mev?: PortPublisherGroup;
  other?: PortPublisherGroup;
}

/** A tool's `*_params` block; keys are the package's business. */
export type ToolParams = Record<string, unknown>;

export interface AssertoorParams extends ToolParams {
  image?: string;
  run_stability_check?: boolean;
  run_block_proposal_check?: boolean;
  run_transaction_test?: boolean;
  run_blob_transaction_test?: boolean;
  run_opcodes_transaction_test?: boolean;
  run_lifecycle_test?: boolean;
  tests?: unknown[];
}

/** A validated ethereum-package args file: in strict mode only keys its version accepts appear. */
export interface NetworkArgs {
  participants?: Participant[];
  participants_matrix?: ParticipantsMatrix;
  network_params?: NetworkParams;
  additional_services?: AdditionalService[];
  mev_type?: MevType | null;
  docker_cache_params?: DockerCacheParams;
  port_publisher?: PortPublisher;
  wait_for_finalization?: boolean;
  global_log_level?: LogLevel;
  persistent?: boolean;
  keymanager_enabled?: boolean;
  /** Deprecated by the package in favour of `snooper_params.enabled`. */
  snooper_enabled?: boolean;
  ethereum_metrics_exporter_enabled?: boolean;
  xatu_sentry_enabled?: boolean;
  parallel_keystore_generation?: boolean;
  disable_peer_scoring?: boolean;
  checkpoint_sync_enabled?: boolean;
  checkpoint_sync_url?: string;
  nginx_port?: number;
  apache_port?: number | null;
  global_tolerations?: unknown[];
  global_node_selectors?: StringMap;
  extra_files?: StringMap;
  assertoor_params?: AssertoorParams;
  snooper_params?: ToolParams;
  buildoor_params?: ToolParams;
  mev_params?: ToolParams;
  /** The other `*_params` blocks and whatever a newer package version accepts. */
  [key: string]: unknown;
}

// ---------------------------------------------------------------------------------------------------
// ---------------------------------------------------------------------------------------------------
// Validation

type Obj = Record<string, unknown>;

/** Thrown inside the checkers; validateArgs turns it into one InvalidInputError line. */
class ArgsProblem extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(problem);
  }
}

export interface ValidateOptions {
  /** The package version's schema (default: the newest known release). */
  schema?: ArgsSchema;
  /** strict (default): reject what that version rejects. lenient: warn about it instead. */
  mode?: SchemaMode;
  /** Lenient-mode warnings are appended here, one line each. */
  warnings?: string[];
}

interface Check {
  schema: ArgsSchema;
  mode: SchemaMode;
  source: string;
  warnings: string[];
}

/**
 * A problem with the args. Strict mode throws; lenient mode records a warning and goes on, unless
 * devnet-kit itself cannot use the value (`unusable`), which is an error in both modes.
 */
function problem(c: Check, path: string, message: string, unusable = false): void {
  if (c.mode === 'strict' || unusable) throw new ArgsProblem(path, message);
  c.warnings.push(`${c.source}: ${message}; passed to the package as is`);
}

/** Keeps user text on one short line inside a message. */
function clip(text: string): string {
  const flat = text.replace(/[\r\n\t]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${clip(value)}'`;
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  return String(value);
}

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

function suggestion(key: string, allowed: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of allowed) {
    const d = editDistance(key.toLowerCase(), candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 4))
    ? ` (did you mean '${best}'?)`
    : '';
}

/** The schema's name in messages: `ethereum-package 6.1.0`, `ethereum-package main`. */
function pkg(c: Check): string {
  return `ethereum-package ${c.schema.version}`;
}

function mapping(c: Check, value: unknown, path: string, unusable = false): Obj | undefined {
  if (isObj(value)) return value;
  problem(c, path, `${path} must be a mapping; got ${show(value)}`, unusable);
  return undefined;
}

function list(c: Check, value: unknown, path: string, unusable = false): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  problem(c, path, `${path} must be a list; got ${show(value)}`, unusable);
  return undefined;
}

function checkKeys(c: Check, obj: Obj, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const where = path ? `key '${clip(key)}' in ${path}` : `top-level key '${clip(key)}'`;
    problem(
      c,
      join(path, key),
      `unknown ${where} for ${pkg(c)}${suggestion(key, allowed)}; allowed: ${allowed.join(', ')}`,
    );
  }
}

function checkOneOf(
  c: Check,
  value: unknown,
  allowed: readonly string[],
  path: string,
  what: string,
  extra = '',
): void {
  if (typeof value === 'string' && allowed.includes(value)) return;
  const near = typeof value === 'string' ? suggestion(value, allowed) : '';
  // A non-string client or preset cannot even be named in a service: unusable in both modes.
  problem(
    c,
    path,
    `${path} ${show(value)} is not ${what} in ${pkg(c)}${near}; allowed: ${allowed.join(', ')}${extra}`,
    typeof value !== 'string' && value !== null,
  );
}

function checkBool(c: Check, value: unknown, path: string, nullable = false): void {
  if (typeof value === 'boolean' || (nullable && value === null)) return;
  problem(c, path, `${path} must be true or false${nullable ? ' (or null)' : ''}; got ${show(value)}`);
}

function checkString(c: Check, value: unknown, path: string): void {
  if (typeof value !== 'string') problem(c, path, `${path} must be a string; got ${show(value)}`);
}

function isInt(value: unknown): value is number | bigint {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
}

function checkInt(
  c: Check,
  value: unknown,
  path: string,
  min: number,
  opts: { nullable?: boolean; big?: boolean; unusable?: boolean } = {},
): void {
  if (opts.nullable && value === null) return;
  const what = min === 1 ? 'a positive integer' : min === 0 ? 'an integer ≥ 0' : `an integer ≥ ${min}`;
  if (!isInt(value)) {
    problem(c, path, `${path} must be ${what}; got ${show(value)}`, opts.unusable);
  } else if (value < min) {
    problem(c, path, `${path} must be ${what}; got ${show(value)}`);
  } else if (typeof value === 'bigint' && !opts.big && value > BigInt(Number.MAX_SAFE_INTEGER)) {
    problem(c, path, `${path} must be ${what} below 2^53; got ${show(value)}`, opts.unusable);
  }
}

function checkStringList(c: Check, value: unknown, path: string): void {
  list(c, value, path)?.forEach((item, i) => {
    checkString(c, item, join(path, i));
  });
}

function checkStringMap(c: Check, value: unknown, path: string): void {
  for (const [key, item] of Object.entries(mapping(c, value, path) ?? {}))
    checkString(c, item, join(path, key));
}

type FieldCheck = (c: Check, value: unknown, path: string) => void;

const bool: FieldCheck = (c, v, p) => checkBool(c, v, p);
const boolOrNull: FieldCheck = (c, v, p) => checkBool(c, v, p, true);
const str: FieldCheck = checkString;
const uint: FieldCheck = (c, v, p) => checkInt(c, v, p, 0);
const anyList: FieldCheck = (c, v, p) => {
  list(c, v, p);
};
const anyMapping: FieldCheck = (c, v, p) => {
  mapping(c, v, p);
};
const mappingOrString: FieldCheck = (c, v, p) => {
  if (typeof v !== 'string' && !isObj(v))
    problem(c, p, `${p} must be a mapping or a JSON string; got ${show(v)}`);
};

/** The el_type spellings that mean "no EL" in this version (main: none, None, null, Null, YAML null). */
function noElSpellings(schema: ArgsSchema): string[] {
  return schema.el_none ? [schema.el_none.type, ...schema.el_none.aliases] : [];
}

const PARTICIPANT_FIELDS: Record<string, FieldCheck> = {
  el_type: (c, v, p) => {
    const none = noElSpellings(c.schema);
    // input_parser.star: `if el_type == None or el_type in ("None", "null", "Null")` (main only).
    if (v === null && c.schema.el_none) return;
    const extra = none.length ? ` (${none[0]}: a CL-only node)` : '';
    checkOneOf(c, v, [...c.schema.el_types, ...none], p, 'a valid EL client', extra);
  },
  cl_type: (c, v, p) => checkOneOf(c, v, c.schema.cl_types, p, 'a valid CL client'),
  // "" (the default) is the CL's own type.
  vc_type: (c, v, p) => {
    if (v !== '') checkOneOf(c, v, c.schema.vc_types, p, 'a valid VC client');
  },
  remote_signer_type: (c, v, p) => checkOneOf(c, v, c.schema.remote_signer_types, p, 'a valid remote signer'),
  // The package only compares it with "archive" and "full"; '' is its default.
  el_storage_type: str,
  // The package expands `count` with range(0, count): 0 is no participant, a non-integer fails there.
  count: (c, v, p) => checkInt(c, v, p, 0, { unusable: true }),
  validator_count: (c, v, p) => checkInt(c, v, p, 0, { nullable: true, unusable: true }),
  use_separate_vc: boolOrNull,
  supernode: bool,
  use_remote_signer: boolOrNull,
  blobber_enabled: bool,
  skip_start: bool,
  el_force_restart: bool,
  cl_force_restart: bool,
  vc_force_restart: bool,
  snooper_enabled: boolOrNull,
  ethereum_metrics_exporter_enabled: boolOrNull,
  xatu_sentry_enabled: boolOrNull,
  keymanager_enabled: boolOrNull,
  checkpoint_sync_enabled: boolOrNull,
  vc_beacon_node_indices: (c, v, p) => {
    if (v === null) return;
    list(c, v, p)?.forEach((item, i) => {
      checkInt(c, item, join(p, i), 0);
    });
  },
  builder_network_params: (c, v, p) => {
    if (v !== null) mapping(c, v, p);
  },
  prometheus_config: anyMapping,
  node_selectors: checkStringMap,
  tolerations: anyList,
};
for (const layer of ['el', 'cl', 'vc', 'remote_signer'] as const) {
  PARTICIPANT_FIELDS[`${layer}_image`] = str;
  PARTICIPANT_FIELDS[`${layer}_extra_params`] = checkStringList;
  PARTICIPANT_FIELDS[`${layer}_extra_env_vars`] = checkStringMap;
  PARTICIPANT_FIELDS[`${layer}_extra_labels`] = checkStringMap;
  PARTICIPANT_FIELDS[`${layer}_tolerations`] = anyList;
  for (const r of ['min_cpu', 'max_cpu', 'min_mem', 'max_mem']) PARTICIPANT_FIELDS[`${layer}_${r}`] = uint;
  if (layer !== 'remote_signer') {
    PARTICIPANT_FIELDS[`${layer}_binary_path`] = str;
    PARTICIPANT_FIELDS[`${layer}_log_level`] = str;
    PARTICIPANT_FIELDS[`${layer}_extra_mounts`] = anyMapping;
    PARTICIPANT_FIELDS[`${layer}_devices`] = anyList;
  }
}
PARTICIPANT_FIELDS['el_volume_size'] = uint;
PARTICIPANT_FIELDS['cl_volume_size'] = uint;
PARTICIPANT_FIELDS['blobber_image'] = str;
PARTICIPANT_FIELDS['blobber_extra_params'] = checkStringList;

function checkFields(c: Check, obj: Obj, fields: Record<string, FieldCheck>, path: string): void {
  for (const [key, value] of Object.entries(obj)) fields[key]?.(c, value, join(path, key));
}

function checkParticipantEntry(c: Check, value: unknown, path: string, allowed: readonly string[]): void {
  const entry = mapping(c, value, path, true);
  if (!entry) return;
  checkKeys(c, entry, allowed, path);
  checkFields(c, entry, PARTICIPANT_FIELDS, path);
}

const epoch: FieldCheck = (c, v, p) => checkInt(c, v, p, 0, { big: true });

const NETWORK_PARAMS_FIELDS: Record<string, FieldCheck> = {
  network: (c, v, p) => {
    if (typeof v !== 'string') problem(c, p, `${p} must be a string; got ${show(v)}`, true);
  },
  network_id: (c, v, p) => {
    if (typeof v !== 'string')
      problem(c, p, `${p} must be a string (quote it, e.g. "3151908"); got ${show(v)}`);
  },
  preset: (c, v, p) => checkOneOf(c, v, c.schema.presets, p, 'a valid preset'),
  // Slot timing decides the nimbus rules below: a non-integer is unusable.
  seconds_per_slot: (c, v, p) => checkInt(c, v, p, 1, { unusable: true }),
  slot_duration_ms: (c, v, p) => checkInt(c, v, p, 1, { unusable: true }),
  num_validator_keys_per_node: (c, v, p) => checkInt(c, v, p, 0, { unusable: true }),
  preregistered_validator_count: uint,
  genesis_delay: uint,
  genesis_time: uint,
  preregistered_validator_keys_mnemonic: str,
  deposit_contract_address: str,
  // Both also come as a JSON string in the package's own CI files.
  prefunded_accounts: mappingOrString,
  additional_preloaded_contracts: mappingOrString,
  additional_mnemonics: anyList,
  builder_count: uint,
  force_snapshot_sync: bool,
  perfect_peerdas_enabled: bool,
};
for (const fork of ['altair', 'bellatrix', 'capella', 'deneb', 'electra', 'fulu', 'gloas', 'heze']) {
  NETWORK_PARAMS_FIELDS[`${fork}_fork_epoch`] = epoch;
}
for (let i = 1; i <= 5; i++) NETWORK_PARAMS_FIELDS[`bpo_${i}_epoch`] = epoch;

const TOP_LEVEL_FIELDS: Record<string, FieldCheck> = {
  wait_for_finalization: bool,
  persistent: bool,
  keymanager_enabled: bool,
  snooper_enabled: bool,
  ethereum_metrics_exporter_enabled: bool,
  xatu_sentry_enabled: bool,
  parallel_keystore_generation: bool,
  disable_peer_scoring: bool,
  checkpoint_sync_enabled: bool,
  checkpoint_sync_url: str,
  global_log_level: (c, v, p) => checkOneOf(c, v, c.schema.log_levels, p, 'a valid log level'),
  // input_parser.star: None, or one of the *_MEV_TYPE constants ("Unsupported MEV type").
  mev_type: (c, v, p) => {
    if (v !== null) checkOneOf(c, v, c.schema.mev_types, p, 'a valid MEV type', ' (or null for none)');
  },
  nginx_port: (c, v, p) => checkInt(c, v, p, 1, { nullable: true }),
  apache_port: (c, v, p) => checkInt(c, v, p, 1, { nullable: true }),
  global_tolerations: anyList,
  global_node_selectors: checkStringMap,
  extra_files: checkStringMap,
};

/** Bare registry host as the package wants it: `url + "/dh/" + image` must be an image reference. */
function checkCacheUrl(url: string, path: string): void {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new ArgsProblem(
      path,
      `${path} '${url}' must not have a scheme; give the bare registry host, e.g. '${url.replace(/^[^:]+:\/\//, '')}'`,
    );
  }
  if (url.endsWith('/')) {
    throw new ArgsProblem(
      path,
      `${path} '${url}' must not end with '/'; the prefixes (/dh/, /gh/, /gcr/) already start with one`,
    );
  }
}

/** devnet-kit writes docker_cache_params itself (devnet.docker_cache): what it cannot use is an error. */
function checkDockerCacheParams(params: Obj, path: string): void {
  if ('enabled' in params && typeof params['enabled'] !== 'boolean') {
    throw new ArgsProblem(
      join(path, 'enabled'),
      `${join(path, 'enabled')} must be true or false; got ${show(params['enabled'])}`,
    );
  }
  for (const key of ['url', 'dockerhub_prefix', 'github_prefix', 'google_prefix']) {
    if (key in params && typeof params[key] !== 'string') {
      throw new ArgsProblem(join(path, key), `${join(path, key)} must be a string; got ${show(params[key])}`);
    }
  }
  const url = params['url'];
  if (typeof url === 'string' && url !== '') checkCacheUrl(url, join(path, 'url'));
  // input_parser.star: "docker_cache_params.url is empty or spaces".
  if (params['enabled'] === true && !(typeof url === 'string' && url.trim())) {
    throw new ArgsProblem(
      join(path, 'url'),
      `${join(path, 'url')} is empty but ${join(path, 'enabled')} is true; set the registry host`,
    );
  }
}

/** port_publisher moves published p2p ports into the containers: devnet-kit plans with its numbers. */
function checkPortPublisherValues(c: Check, publisher: Obj, path: string): void {
  if ('nat_exit_ip' in publisher) checkString(c, publisher['nat_exit_ip'], join(path, 'nat_exit_ip'));
  for (const [group, settings] of Object.entries(publisher)) {
    if (group === 'nat_exit_ip' || !isObj(settings)) continue;
    const groupPath = join(path, group);
    if ('enabled' in settings && typeof settings['enabled'] !== 'boolean') {
      problem(
        c,
        join(groupPath, 'enabled'),
        `${join(groupPath, 'enabled')} must be true or false; got ${show(settings['enabled'])}`,
        true,
      );
    }
    if ('public_port_start' in settings) {
      checkInt(c, settings['public_port_start'], join(groupPath, 'public_port_start'), 1, { unusable: true });
    }
    if ('nat_exit_ip' in settings) checkString(c, settings['nat_exit_ip'], join(groupPath, 'nat_exit_ip'));
  }
}

/** validate_nested_params in sanity_check.star: the groups and special keys, then each group's keys. */
function checkNested(c: Check, value: unknown, path: string, unusable: boolean): void {
  const def = c.schema.nested[path]!;
  const obj = mapping(c, value, path, unusable);
  if (!obj) return;
  checkKeys(c, obj, [...Object.keys(def.groups), ...def.special], path);
  for (const [group, keys] of Object.entries(def.groups)) {
    if (!(group in obj)) continue;
    const inner = mapping(c, obj[group], join(path, group), unusable);
    if (inner) checkKeys(c, inner, keys, join(path, group));
  }
}

function checkAdditionalServices(c: Check, value: unknown, path: string): void {
  list(c, value, path, true)?.forEach((item, i) => {
    checkOneOf(c, item, c.schema.additional_services, join(path, i), 'a known additional service');
  });
}

const LAYERS = ['el', 'cl', 'vc', 'remote_signer'] as const;

/** A participant key in the wrong matrix list (cl_type under el) gets pointed at the right list. */
function checkMatrixLayer(c: Check, entry: Obj, layer: string, path: string): boolean {
  const allowed = c.schema.participants_matrix[layer] ?? [];
  for (const key of Object.keys(entry)) {
    if (allowed.includes(key)) continue;
    const home = LAYERS.find((l) => c.schema.participants_matrix[l]?.includes(key));
    if (home) {
      problem(
        c,
        join(path, key),
        `${key} is not allowed in ${path}: it belongs in participants_matrix.${home}; allowed here: ${allowed.join(', ')}`,
      );
      return false;
    }
  }
  return true;
}

function checkMatrix(c: Check, value: unknown, path: string): void {
  const matrix = mapping(c, value, path, true);
  if (!matrix) return;
  checkKeys(c, matrix, Object.keys(c.schema.participants_matrix), path);
  for (const layer of LAYERS) {
    if (!(layer in matrix)) continue;
    const layerPath = join(path, layer);
    list(c, matrix[layer], layerPath, true)?.forEach((entry, i) => {
      const entryPath = join(layerPath, i);
      if (isObj(entry) && !checkMatrixLayer(c, entry, layer, entryPath)) return;
      checkParticipantEntry(c, entry, entryPath, c.schema.participants_matrix[layer] ?? []);
    });
  }
  // sanity_check.star: "participants_matrix count must be an integer".
  if ('count' in matrix) checkInt(c, matrix['count'], join(path, 'count'), 0, { unusable: true });
}

function checkSections(c: Check, args: Obj): void {
  for (const [section, keys] of Object.entries(c.schema.sections)) {
    if (!(section in args)) continue;
    const unusable = section === 'network_params' || section === 'docker_cache_params';
    const obj = mapping(c, args[section], section, unusable);
    if (!obj) continue;
    checkKeys(c, obj, keys, section);
    if (section === 'network_params') checkFields(c, obj, NETWORK_PARAMS_FIELDS, section);
    if (section === 'docker_cache_params') checkDockerCacheParams(obj, section);
    if (section === 'snooper_params' && 'enabled' in obj)
      checkBool(c, obj['enabled'], 'snooper_params.enabled');
  }
  // Sections this version's sanity check does not list still have to be mappings for devnet-kit.
  for (const section of ['network_params', 'docker_cache_params', 'port_publisher']) {
    if (section in args && !c.schema.sections[section] && !c.schema.nested[section]) {
      mapping(c, args[section], section, true);
    }
  }
}

export function hasLocalValidators(network: string | undefined): boolean {
  return network === undefined || network === 'kurtosis' || network.includes('shadowfork');
}

/** main's spellings of "no EL" (input_parser.star); older versions reject them as unknown types. */
function isNoEl(type: unknown): boolean {
  return type === null || type === 'none' || type === 'None' || type === 'null' || type === 'Null';
}

/** The participant defaults that decide which services exist (input_parser.star). */
export interface ResolvedParticipant {
  el: ElType | null;
  cl: ClType;
  /** The VC client type after defaulting (cl_type; lighthouse for caplin). */
  vc: VcType | 'grandine';
  useSeparateVc: boolean;
  validatorCount: number;
  keymanager: boolean;
  snooper: boolean;
  metricsExporter: boolean;
  xatuSentry: boolean;
  remoteSigner: boolean;
  blobber: boolean;
}

export function resolveParticipant(p: Participant, args: NetworkArgs): ResolvedParticipant {
  const el = p.el_type === undefined ? 'geth' : isNoEl(p.el_type) ? null : p.el_type;
  const cl = p.cl_type ?? 'lighthouse';
  const rawVc = p.vc_type ?? '';
  const useSeparateVc =
    p.use_separate_vc ?? !((cl === 'teku' || cl === 'nimbus' || cl === 'grandine') && rawVc === '');
  const vc = rawVc !== '' ? rawVc : cl === 'caplin' ? 'lighthouse' : cl;
  const network = args.network_params?.network;
  const validatorCount = hasLocalValidators(network)
    ? (p.validator_count ?? args.network_params?.num_validator_keys_per_node ?? 128)
    : 0;
  return {
    el,
    cl,
    vc,
    useSeparateVc,
    validatorCount,
    keymanager: p.keymanager_enabled ?? args.keymanager_enabled ?? false,
    snooper:
      p.snooper_enabled ?? ((args.snooper_enabled ?? false) || args.snooper_params?.['enabled'] === true),
    metricsExporter: p.ethereum_metrics_exporter_enabled ?? args.ethereum_metrics_exporter_enabled ?? false,
    xatuSentry: p.xatu_sentry_enabled ?? args.xatu_sentry_enabled ?? false,
    remoteSigner: p.use_remote_signer ?? false,
    blobber: p.blobber_enabled ?? false,
  };
}

/** `participants` (each repeated `count` times) followed by the `participants_matrix` cross product
 * (el × cl × vc × remote_signer, each combination `count` times), as input_parser.star expands them.
 * `remoteSignerImplied` (main): a remote_signer matrix entry turns use_remote_signer on. */
export function expandParticipants(
  args: NetworkArgs,
  opts: { remoteSignerImplied?: boolean } = {},
): Participant[] {
  const listed: Participant[] = args.participants ?? (args.participants_matrix ? [] : [{}]);
  const expanded: Participant[] = [];
  const push = (p: Participant) => {
    for (let i = 0; i < (p.count ?? 1); i++) expanded.push(p);
  };
  for (const p of listed) push(p);
  const m = args.participants_matrix;
  if (m) {
    const vcs: Participant[] = m.vc?.length ? m.vc : [{}];
    const signers: Participant[] = m.remote_signer?.length ? m.remote_signer : [{}];
    for (const el of m.el ?? []) {
      for (const cl of m.cl ?? []) {
        for (const vc of vcs) {
          for (const signer of signers) {
            const implied = opts.remoteSignerImplied && Object.keys(signer).length > 0;
            const combined = {
              ...el,
              ...cl,
              ...vc,
              ...signer,
              ...(implied ? { use_remote_signer: true } : {}),
            };
            for (let i = 0; i < (m.count ?? 1); i++) push(combined);
          }
        }
      }
    }
  }
  return expanded;
}

/** More participants than this are refused in both modes: the plan holds every one of them in memory
 * (a `count: 100000000` of 30 bytes ran the CLI out of memory), and no enclave runs that many. */
const MAX_PARTICIPANTS = 1000;

/** How many participants the args expand to, counted without expanding them; stops once over `limit`. */
function countParticipants(args: NetworkArgs, limit: number): number {
  const countOf = (p: unknown) => {
    const n = isObj(p) ? p['count'] : undefined;
    return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 1;
  };
  const listed: unknown[] = Array.isArray(args.participants)
    ? args.participants
    : args.participants_matrix
      ? []
      : [{}];
  let total = 0;
  for (const p of listed) {
    total += countOf(p);
    if (total > limit) return total;
  }
  const m = args.participants_matrix;
  if (!isObj(m)) return total;
  const layer = (key: string, orNone: boolean): unknown[] => {
    const l = (m as Obj)[key];
    return Array.isArray(l) && l.length > 0 ? l : orNone ? [{}] : [];
  };
  const [els, cls, vcs, signers] = [
    layer('el', false),
    layer('cl', false),
    layer('vc', true),
    layer('remote_signer', true),
  ];
  const perCombination =
    typeof m.count === 'number' && Number.isInteger(m.count) && m.count >= 0 ? m.count : 1;
  if (perCombination === 0) return total;
  // Each combination gives at least one participant unless a count of 0 says otherwise; a matrix
  // with more combinations than the limit is refused without walking it.
  if (els.length * cls.length * vcs.length * signers.length > limit) return limit + 1;
  for (const el of els)
    for (const cl of cls)
      for (const vc of vcs)
        for (const signer of signers) {
          total +=
            perCombination * countOf({ ...(el as Obj), ...(cl as Obj), ...(vc as Obj), ...(signer as Obj) });
          if (total > limit) return total;
        }
  return total;
}

/** The cross-field rules of one listed participant, each as the package states it. */
function checkParticipantCombination(c: Check, p: Participant, args: NetworkArgs, path: string): void {
  const r = resolveParticipant(p, args);
  const s = c.schema;
  // input_parser.star: "`use_remote_signer` requires `use_separate_vc`".
  if (r.remoteSigner && !r.useSeparateVc) {
    problem(c, join(path, 'use_remote_signer'), `${path}.use_remote_signer needs use_separate_vc: true`);
  }
  // participant_network.star: _cls_that_need_separate_vc, "{cl} needs a separate validator client!".
  if (s.cl_types_needing_separate_vc.includes(r.cl) && !r.useSeparateVc) {
    problem(
      c,
      join(path, 'use_separate_vc'),
      `${path}.use_separate_vc is false but ${r.cl} needs a separate validator client`,
    );
  }
  // vc/vc_launcher.star runs a VC only with use_separate_vc; these are its fail() calls.
  if (r.useSeparateVc && r.validatorCount !== 0) {
    if (r.vc === 'grandine') {
      problem(
        c,
        join(path, 'vc_type'),
        `${path} runs a grandine validator client, which ${pkg(c)} does not support ("Grandine VC is not yet supported"); leave vc_type empty and use_separate_vc unset to run validators inside the grandine beacon node, or use one of: ${s.vc_types.filter((t) => t !== 'grandine').join(', ')}`,
      );
    }
    if (r.remoteSigner && r.vc === 'lighthouse') {
      problem(
        c,
        join(path, 'use_remote_signer'),
        `${path}.use_remote_signer is not supported with a lighthouse VC`,
      );
    }
    if (r.vc === 'vero' && !r.remoteSigner) {
      problem(c, join(path, 'vc_type'), `${path}.vc_type 'vero' needs use_remote_signer: true`);
    }
    if (r.vc === 'vero' && r.keymanager) {
      problem(c, join(path, 'vc_type'), `${path}.vc_type 'vero' does not support keymanager_enabled`);
    }
  }
  // input_parser.star: "blobber is not supported for {cl} client".
  if (r.blobber && !s.blobber_cl_types.includes(r.cl)) {
    problem(
      c,
      join(path, 'blobber_enabled'),
      `${path}.blobber_enabled is not supported with cl_type '${r.cl}'; allowed: ${s.blobber_cl_types.join(', ')}`,
    );
  }
  // input_parser.star: unsupported_archive_clients, and archive mode on a shadowfork.
  if (p.el_storage_type === 'archive') {
    const el = p.el_type ?? 'geth';
    if (typeof el === 'string' && s.no_archive_el_types.includes(el)) {
      problem(
        c,
        join(path, 'el_storage_type'),
        `${path}.el_storage_type 'archive' is not supported by el_type '${el}'`,
      );
    }
    if ((args.network_params?.network ?? '').includes('shadowfork')) {
      problem(
        c,
        join(path, 'el_storage_type'),
        `${path}.el_storage_type 'archive' is not supported on a shadowfork`,
      );
    }
  }
}

/** The preset's own slot time (input_parser.star compares with it to see which one was set). */
function presetSlot(preset: unknown): { seconds: number; ms: number } {
  return preset === 'minimal' ? { seconds: 6, ms: 6000 } : { seconds: 12, ms: 12000 };
}

function checkNetworkCombination(c: Check, args: NetworkArgs): void {
  const params = args.network_params ?? {};
  const network = typeof params.network === 'string' ? params.network : 'kurtosis';
  // input_parser.star: shadowforks and force_snapshot_sync keep a snapshot, so need persistent.
  if (
    (network.includes('shadowfork') || params['force_snapshot_sync'] === true) &&
    args.persistent !== true
  ) {
    problem(
      c,
      'persistent',
      `${network.includes('shadowfork') ? `network_params.network '${network}'` : 'network_params.force_snapshot_sync'} needs persistent: true`,
    );
  }
  // input_parser.star (main): "additional_services buildoor cannot be combined with a global mev_type".
  if (
    c.schema.additional_services.includes('buildoor') &&
    args.additional_services?.includes('buildoor') &&
    args.mev_type
  ) {
    problem(
      c,
      'mev_type',
      `the 'buildoor' additional service cannot be combined with mev_type '${args.mev_type}'; use one of them`,
    );
  }
  const preset = params.preset ?? 'mainnet';
  const base = presetSlot(preset);
  const seconds = typeof params.seconds_per_slot === 'number' ? params.seconds_per_slot : base.seconds;
  const ms = typeof params.slot_duration_ms === 'number' ? params.slot_duration_ms : base.ms;
  // input_parser.star "One set 8/12000 -> 8/8000; both set incorrectly -> fail": only when both
  // differ from the preset's default (or neither does) must they agree.
  if ((seconds !== base.seconds) === (ms !== base.ms) && seconds * 1000 !== ms) {
    problem(
      c,
      join('network_params', 'slot_duration_ms'),
      `network_params.seconds_per_slot (${seconds}) and network_params.slot_duration_ms (${ms}) are inconsistent: expected slot_duration_ms ${seconds * 1000}; set the same value for both, or only one of them`,
    );
  }
  if (countParticipants(args, MAX_PARTICIPANTS) > MAX_PARTICIPANTS) {
    problem(
      c,
      'participants',
      `participants and participants_matrix expand to more than ${MAX_PARTICIPANTS} participants (counts included); devnet-kit plans at most ${MAX_PARTICIPANTS}`,
      true,
    );
  }
  const participants = expandParticipants(args);
  // input_parser.star checks nimbus against seconds_per_slot as given (or the preset default),
  // before it derives one slot setting from the other.
  for (const [i, p] of participants.entries()) {
    if ((p.cl_type ?? 'lighthouse') !== 'nimbus') continue;
    if (preset === 'mainnet' ? seconds < 12 : preset === 'minimal' && seconds !== 6) {
      problem(
        c,
        'network_params.seconds_per_slot',
        `participant ${i + 1} runs a nimbus CL, which needs seconds_per_slot ${preset === 'mainnet' ? '≥ 12 with the mainnet preset' : '= 6 with the minimal preset'}; got ${seconds}`,
      );
      break;
    }
  }
  // input_parser.star: the first participant is the bootnode, so its EL must be a real one unless
  // bootnodoor runs (6.1.0: "dummy"; main: "none").
  const bootnodeEl = c.schema.first_el_type_needing_bootnodoor;
  const first = participants[0];
  if (bootnodeEl && first && !args.additional_services?.includes('bootnodoor')) {
    const el = first.el_type;
    const isIt =
      bootnodeEl === c.schema.el_none?.type ? resolveParticipant(first, args).el === null : el === bootnodeEl;
    if (isIt) {
      problem(
        c,
        'participants[0].el_type',
        `the first participant has el_type ${el === null ? 'null' : show(el)}, which needs the 'bootnodoor' additional service (it is the bootnode otherwise)`,
      );
    }
  }
  // participant_network.star: "No participants configured".
  if (participants.length === 0) {
    problem(
      c,
      'participants',
      'no participants: participants is empty and participants_matrix gives none',
      true,
    );
  }
}

/**
 * Checks an args object (parsed YAML/JSON or built in code) against what one ethereum-package
 * version accepts (default: the newest known release, strict) and returns it typed. Throws
 * InvalidInputError with one line: `<source>: <key path> <what is wrong>; allowed: …`. In lenient
 * mode what the schema does not know goes to `opts.warnings` instead.
 */
export function validateArgs(raw: unknown, source: string, opts: ValidateOptions = {}): NetworkArgs {
  const c: Check = {
    schema: opts.schema ?? PINNED,
    mode: opts.mode ?? 'strict',
    source,
    warnings: opts.warnings ?? [],
  };
  try {
    const args = raw === null || raw === undefined ? {} : raw;
    if (!isObj(args)) {
      throw new ArgsProblem('', `the args must be a mapping of ethereum-package keys; got ${show(args)}`);
    }
    checkKeys(c, args, c.schema.top_level_keys, '');
    checkFields(c, args, TOP_LEVEL_FIELDS, '');
    if ('participants' in args) {
      list(c, args['participants'], 'participants', true)?.forEach((entry, i) => {
        checkParticipantEntry(c, entry, join('participants', i), c.schema.participant_keys);
      });
    }
    if ('participants_matrix' in args) checkMatrix(c, args['participants_matrix'], 'participants_matrix');
    for (const section of Object.keys(c.schema.nested)) {
      if (section in args) checkNested(c, args[section], section, section === 'port_publisher');
    }
    if (isObj(args['port_publisher'])) checkPortPublisherValues(c, args['port_publisher'], 'port_publisher');
    checkSections(c, args);
    if ('additional_services' in args)
      checkAdditionalServices(c, args['additional_services'], 'additional_services');
    const typed = args as NetworkArgs;
    typed.participants?.forEach((p, i) => {
      checkParticipantCombination(c, p, typed, join('participants', i));
    });
    checkNetworkCombination(c, typed);
    return typed;
  } catch (error) {
    if (error instanceof ArgsProblem) {
      throw new InvalidInputError(error.path || source, `${source}: ${error.problem}`);
    }
    throw error;
  }
}

/**
 * devnet-kit's `devnet.docker_cache: <host>` → `docker_cache_params: { enabled: true, url: <host> }`,
 * keeping the user's other docker_cache_params keys (prefixes). Returns a new object.
 */
export function applyDockerCache(
  args: NetworkArgs,
  url: string,
  opts: { source?: string; key?: string } = {},
): NetworkArgs {
  const key = opts.key ?? 'devnet.docker_cache';
  if (!isHostPort(url)) {
    const bare = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '');
    const hint = bare && bare !== url && isHostPort(bare) ? ` — use '${bare}'` : '';
    throw new InvalidInputError(
      key,
      `${opts.source ?? 'config'}: ${key} '${url}' must be a bare registry host[:port] with no scheme, path or trailing slash, e.g. docker-cache.example.com or 10.0.0.5:5000${hint}`,
    );
  }
  return { ...args, docker_cache_params: { ...args.docker_cache_params, enabled: true, url } };
}
