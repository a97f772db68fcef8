// The args file of ethpandaops/ethereum-package (6.1.0): its types, and a validator that rejects what the
// package would reject at its sanity check, with one line that names the file, the key path and what is
// allowed. Facts: reference/ethereum-package.md §1; key lists: ./args-keys.ts.

import { InvalidInputError } from '../errors.js';
import {
  DOCKER_CACHE_PARAMS_KEYS,
  MATRIX_KEYS,
  MATRIX_TOP_KEYS,
  NETWORK_PARAMS_KEYS,
  PARTICIPANT_KEYS,
  PORT_PUBLISHER_GROUP_KEYS,
  PORT_PUBLISHER_GROUPS,
  TOOL_PARAMS_KEYS,
  TOP_LEVEL_KEYS,
} from './args-keys.js';

export const EL_TYPES = [
  'geth',
  'erigon',
  'nethermind',
  'besu',
  'reth',
  'ethereumjs',
  'nimbus',
  'ethrex',
] as const;
export type ElType = (typeof EL_TYPES)[number];

export const CL_TYPES = [
  'lighthouse',
  'teku',
  'nimbus',
  'prysm',
  'lodestar',
  'grandine',
  'caplin',
  'consensoor',
] as const;
export type ClType = (typeof CL_TYPES)[number];

/** Separate validator clients the package can run. grandine is rejected (it fails in the package);
 * consensoor is accepted only next to a consensoor CL, where it means "no VC". */
export const VC_TYPES = ['lighthouse', 'lodestar', 'nimbus', 'prysm', 'teku', 'vero'] as const;
export type VcType = (typeof VC_TYPES)[number] | 'consensoor';

export const ADDITIONAL_SERVICES = [
  'assertoor',
  'blobscan',
  'blockscout',
  'bootnodoor',
  'broadcaster',
  'buildoor',
  'checkpointz',
  'disruptoor',
  'dora',
  'dugtrio',
  'erpc',
  'forkmon',
  'forky',
  'grafana',
  'mempool_bridge',
  'nginx',
  'otel',
  'prometheus',
  'rakoon',
  'slashoor',
  'spamoor',
  'tempo',
  'tracoor',
  'trueblocks',
  'tx_fuzz',
  'zkboost',
] as const;
/** Still accepted by the package: `apache` becomes `nginx`, `prometheus_grafana` both of them. */
export const DEPRECATED_ADDITIONAL_SERVICES = ['apache', 'prometheus_grafana'] as const;
export type AdditionalService =
  | (typeof ADDITIONAL_SERVICES)[number]
  | (typeof DEPRECATED_ADDITIONAL_SERVICES)[number];

export const MEV_TYPES = ['mock', 'flashbots', 'mev-rs', 'commit-boost', 'helix', 'buildoor'] as const;
export type MevType = (typeof MEV_TYPES)[number];

export const PRESETS = ['mainnet', 'minimal'] as const;
export type Preset = (typeof PRESETS)[number];

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Epochs may be FAR_FUTURE_EPOCH (2^64−1), which a JS number cannot hold: parsed files give a bigint. */
export type Epoch = number | bigint;

type StringMap = Record<string, string>;

export interface Participant {
  /** `None` (or null) runs a CL-only node. */
  el_type?: ElType | 'None' | null;
  el_image?: string;
  el_binary_path?: string;
  el_log_level?: string;
  el_storage_type?: 'full' | 'archive';
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

type ElMatrixKey = (typeof MATRIX_KEYS.el)[number];
type ClMatrixKey = (typeof MATRIX_KEYS.cl)[number];
type VcMatrixKey = (typeof MATRIX_KEYS.vc)[number];
type RemoteSignerMatrixKey = (typeof MATRIX_KEYS.remote_signer)[number];

export interface ParticipantsMatrix {
  el?: Pick<Participant, ElMatrixKey>[];
  cl?: Pick<Participant, ClMatrixKey>[];
  vc?: Pick<Participant, VcMatrixKey>[];
  remote_signer?: Pick<Participant, RemoteSignerMatrixKey>[];
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
  /** The package accepts ~80 more keys (checked against args-keys.ts, values passed through). */
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

type ToolParamsKey = (typeof TOOL_PARAMS_KEYS)[number];

/** A validated ethereum-package args file. Only the keys the package accepts can appear. */
export interface NetworkArgs extends Partial<Record<Exclude<ToolParamsKey, 'assertoor_params'>, ToolParams>> {
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
}

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

function fail(path: string, problem: string): never {
  throw new ArgsProblem(path, problem);
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

function expectMapping(value: unknown, path: string): Obj {
  if (!isObj(value)) fail(path, `${path} must be a mapping; got ${show(value)}`);
  return value;
}

function expectList(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `${path} must be a list; got ${show(value)}`);
  return value;
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

function checkKeys(obj: Obj, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const where = path ? `key '${clip(key)}' in ${path}` : `top-level key '${clip(key)}'`;
    fail(join(path, key), `unknown ${where}${suggestion(key, allowed)}; allowed: ${allowed.join(', ')}`);
  }
}

function checkOneOf(value: unknown, allowed: readonly string[], path: string, what: string): void {
  if (typeof value === 'string' && allowed.includes(value)) return;
  fail(path, `${path} ${show(value)} is not ${what}; allowed: ${allowed.join(', ')}`);
}

function checkBool(value: unknown, path: string, nullable = false): void {
  if (typeof value === 'boolean' || (nullable && value === null)) return;
  fail(path, `${path} must be true or false${nullable ? ' (or null)' : ''}; got ${show(value)}`);
}

function checkString(value: unknown, path: string): void {
  if (typeof value !== 'string') fail(path, `${path} must be a string; got ${show(value)}`);
}

function isInt(value: unknown): value is number | bigint {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
}

function checkInt(
  value: unknown,
  path: string,
  min: number,
  opts: { nullable?: boolean; big?: boolean } = {},
): void {
  if (opts.nullable && value === null) return;
  const what = min === 1 ? 'a positive integer' : min === 0 ? 'an integer ≥ 0' : `an integer ≥ ${min}`;
  if (!isInt(value) || value < min) fail(path, `${path} must be ${what}; got ${show(value)}`);
  if (typeof value === 'bigint' && !opts.big && value > BigInt(Number.MAX_SAFE_INTEGER)) {
    fail(path, `${path} must be ${what} below 2^53; got ${show(value)}`);
  }
}

function checkStringList(value: unknown, path: string): void {
  expectList(value, path).forEach((item, i) => {
    checkString(item, join(path, i));
  });
}

function checkStringMap(value: unknown, path: string): void {
  for (const [key, item] of Object.entries(expectMapping(value, path))) checkString(item, join(path, key));
}

type FieldCheck = (value: unknown, path: string) => void;

const bool: FieldCheck = (v, p) => checkBool(v, p);
const boolOrNull: FieldCheck = (v, p) => checkBool(v, p, true);
const str: FieldCheck = checkString;
const uint: FieldCheck = (v, p) => checkInt(v, p, 0);
const list: FieldCheck = (v, p) => {
  expectList(v, p);
};
const mapping: FieldCheck = (v, p) => {
  expectMapping(v, p);
};
const mappingOrString: FieldCheck = (v, p) => {
  if (typeof v !== 'string' && !isObj(v)) fail(p, `${p} must be a mapping or a JSON string; got ${show(v)}`);
};

const PARTICIPANT_FIELDS: Record<string, FieldCheck> = {
  el_type: (v, p) => {
    if (v === null || v === 'None') return;
    if (typeof v === 'string' && (EL_TYPES as readonly string[]).includes(v)) return;
    fail(p, `${p} ${show(v)} is not a valid EL client; allowed: ${EL_TYPES.join(', ')}, None (CL-only node)`);
  },
  cl_type: (v, p) => checkOneOf(v, CL_TYPES, p, 'a valid CL client'),
  vc_type: (v, p) => {
    if (v === '' || v === null) return;
    if (v === 'grandine') {
      fail(
        p,
        `${p} 'grandine' is not supported: ethereum-package has no working grandine validator client; ` +
          `leave vc_type empty to run validators inside the beacon node, or use one of: ${VC_TYPES.join(', ')}`,
      );
    }
    if (v === 'consensoor') return; // checked against cl_type in checkParticipantCombination
    checkOneOf(v, VC_TYPES, p, 'a valid VC client');
  },
  el_storage_type: (v, p) => checkOneOf(v, ['full', 'archive'], p, 'a valid EL storage type'),
  count: (v, p) => checkInt(v, p, 1),
  validator_count: (v, p) => checkInt(v, p, 0, { nullable: true }),
  use_separate_vc: boolOrNull,
  supernode: bool,
  use_remote_signer: bool,
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
  vc_beacon_node_indices: (v, p) => {
    expectList(v, p).forEach((item, i) => {
      checkInt(item, join(p, i), 0);
    });
  },
  builder_network_params: (v, p) => {
    if (v !== null) expectMapping(v, p);
  },
  prometheus_config: mapping,
  node_selectors: checkStringMap,
  tolerations: list,
};
for (const layer of ['el', 'cl', 'vc', 'remote_signer'] as const) {
  PARTICIPANT_FIELDS[`${layer}_image`] = str;
  PARTICIPANT_FIELDS[`${layer}_extra_params`] = checkStringList;
  PARTICIPANT_FIELDS[`${layer}_extra_env_vars`] = checkStringMap;
  PARTICIPANT_FIELDS[`${layer}_extra_labels`] = checkStringMap;
  PARTICIPANT_FIELDS[`${layer}_tolerations`] = list;
  for (const r of ['min_cpu', 'max_cpu', 'min_mem', 'max_mem']) PARTICIPANT_FIELDS[`${layer}_${r}`] = uint;
  if (layer !== 'remote_signer') {
    PARTICIPANT_FIELDS[`${layer}_binary_path`] = str;
    PARTICIPANT_FIELDS[`${layer}_log_level`] = str;
    PARTICIPANT_FIELDS[`${layer}_extra_mounts`] = mapping;
    PARTICIPANT_FIELDS[`${layer}_devices`] = list;
  }
}
PARTICIPANT_FIELDS['el_volume_size'] = uint;
PARTICIPANT_FIELDS['cl_volume_size'] = uint;
PARTICIPANT_FIELDS['remote_signer_type'] = str;
PARTICIPANT_FIELDS['blobber_image'] = str;
PARTICIPANT_FIELDS['blobber_extra_params'] = checkStringList;

function checkFields(obj: Obj, fields: Record<string, FieldCheck>, path: string): void {
  for (const [key, value] of Object.entries(obj)) fields[key]?.(value, join(path, key));
}

function checkParticipantEntry(value: unknown, path: string, allowed: readonly string[]): Obj {
  const entry = expectMapping(value, path);
  checkKeys(entry, allowed, path);
  checkFields(entry, PARTICIPANT_FIELDS, path);
  return entry;
}

const epoch: FieldCheck = (v, p) => checkInt(v, p, 0, { big: true });

const NETWORK_PARAMS_FIELDS: Record<string, FieldCheck> = {
  network: str,
  network_id: (v, p) => {
    if (typeof v !== 'string') fail(p, `${p} must be a string (quote it, e.g. "3151908"); got ${show(v)}`);
  },
  preset: (v, p) => checkOneOf(v, PRESETS, p, 'a valid preset'),
  seconds_per_slot: (v, p) => checkInt(v, p, 1),
  slot_duration_ms: (v, p) => checkInt(v, p, 1),
  num_validator_keys_per_node: uint,
  preregistered_validator_count: uint,
  genesis_delay: uint,
  genesis_time: uint,
  preregistered_validator_keys_mnemonic: str,
  deposit_contract_address: str,
  // Both also come as a JSON string in the package's own CI files.
  prefunded_accounts: mappingOrString,
  additional_preloaded_contracts: mappingOrString,
  additional_mnemonics: list,
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
  global_log_level: (v, p) => checkOneOf(v, LOG_LEVELS, p, 'a valid log level'),
  mev_type: (v, p) => {
    if (v !== null) checkOneOf(v, MEV_TYPES, p, 'a valid MEV type (or null for none)');
  },
  nginx_port: (v, p) => checkInt(v, p, 1),
  apache_port: (v, p) => checkInt(v, p, 1, { nullable: true }),
  global_tolerations: list,
  global_node_selectors: checkStringMap,
  extra_files: checkStringMap,
};
for (const key of TOOL_PARAMS_KEYS) TOP_LEVEL_FIELDS[key] = mapping;
TOP_LEVEL_FIELDS['snooper_params'] = (v, p) => {
  const params = expectMapping(v, p);
  if ('enabled' in params) checkBool(params['enabled'], join(p, 'enabled'));
};

/** Bare registry host as the package wants it: `url + "/dh/" + image` must be an image reference. */
function checkCacheUrl(url: string, path: string): void {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    fail(
      path,
      `${path} '${url}' must not have a scheme; give the bare registry host, e.g. '${url.replace(/^[^:]+:\/\//, '')}'`,
    );
  }
  if (url.endsWith('/')) {
    fail(
      path,
      `${path} '${url}' must not end with '/'; the prefixes (/dh/, /gh/, /gcr/) already start with one`,
    );
  }
}

function checkDockerCacheParams(value: unknown, path: string): void {
  const params = expectMapping(value, path);
  checkKeys(params, DOCKER_CACHE_PARAMS_KEYS, path);
  if ('enabled' in params) checkBool(params['enabled'], join(path, 'enabled'));
  for (const key of ['url', 'dockerhub_prefix', 'github_prefix', 'google_prefix']) {
    if (key in params) checkString(params[key], join(path, key));
  }
  const url = params['url'];
  if (typeof url === 'string' && url !== '') checkCacheUrl(url, join(path, 'url'));
  if (params['enabled'] === true && !url) {
    fail(
      join(path, 'url'),
      `${join(path, 'url')} is empty but ${join(path, 'enabled')} is true; set the registry host`,
    );
  }
}

function checkPortPublisher(value: unknown, path: string): void {
  const publisher = expectMapping(value, path);
  checkKeys(publisher, ['nat_exit_ip', ...PORT_PUBLISHER_GROUPS], path);
  if ('nat_exit_ip' in publisher) checkString(publisher['nat_exit_ip'], join(path, 'nat_exit_ip'));
  for (const group of PORT_PUBLISHER_GROUPS) {
    if (!(group in publisher)) continue;
    const groupPath = join(path, group);
    const settings = expectMapping(publisher[group], groupPath);
    checkKeys(settings, PORT_PUBLISHER_GROUP_KEYS, groupPath);
    if ('enabled' in settings) checkBool(settings['enabled'], join(groupPath, 'enabled'));
    if ('public_port_start' in settings) {
      checkInt(settings['public_port_start'], join(groupPath, 'public_port_start'), 1);
    }
    if ('nat_exit_ip' in settings) checkString(settings['nat_exit_ip'], join(groupPath, 'nat_exit_ip'));
  }
}

function checkAdditionalServices(value: unknown, path: string): void {
  const allowed = [...ADDITIONAL_SERVICES, ...DEPRECATED_ADDITIONAL_SERVICES];
  expectList(value, path).forEach((item, i) => {
    checkOneOf(item, allowed, join(path, i), 'a known additional service');
  });
}

/** A participant key in the wrong matrix list (cl_type under el) gets pointed at the right list. */
function checkMatrixLayer(entry: Obj, layer: keyof typeof MATRIX_KEYS, path: string): void {
  const allowed: readonly string[] = MATRIX_KEYS[layer];
  for (const key of Object.keys(entry)) {
    if (allowed.includes(key)) continue;
    const home = (['el', 'cl', 'vc', 'remote_signer'] as const).find((l) =>
      (MATRIX_KEYS[l] as readonly string[]).includes(key),
    );
    if (home) {
      fail(
        join(path, key),
        `${key} is not allowed in ${path}: it belongs in participants_matrix.${home}; allowed here: ${allowed.join(', ')}`,
      );
    }
  }
}

function checkMatrix(value: unknown, path: string): void {
  const matrix = expectMapping(value, path);
  checkKeys(matrix, MATRIX_TOP_KEYS, path);
  for (const layer of ['el', 'cl', 'vc', 'remote_signer'] as const) {
    if (!(layer in matrix)) continue;
    const layerPath = join(path, layer);
    expectList(matrix[layer], layerPath).forEach((entry, i) => {
      const entryPath = join(layerPath, i);
      if (isObj(entry)) checkMatrixLayer(entry, layer, entryPath);
      checkParticipantEntry(entry, entryPath, MATRIX_KEYS[layer]);
    });
  }
  if ('count' in matrix) checkInt(matrix['count'], join(path, 'count'), 1);
}

function checkNetworkParams(value: unknown, path: string): void {
  const params = expectMapping(value, path);
  checkKeys(params, NETWORK_PARAMS_KEYS, path);
  checkFields(params, NETWORK_PARAMS_FIELDS, path);
  // The package derives one from the other; two that disagree fail the run.
  const seconds = params['seconds_per_slot'];
  const ms = params['slot_duration_ms'];
  if (typeof seconds === 'number' && typeof ms === 'number' && seconds * 1000 !== ms) {
    fail(
      join(path, 'slot_duration_ms'),
      `${path}.seconds_per_slot (${seconds}) and ${path}.slot_duration_ms (${ms}) disagree; set only one of them`,
    );
  }
}

/** Whether the package runs validators at all: only on its own chain (`kurtosis`) or a shadowfork. */
export function hasLocalValidators(network: string | undefined): boolean {
  return network === undefined || network === 'kurtosis' || network.includes('shadowfork');
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
  const el = p.el_type === undefined ? 'geth' : p.el_type === null || p.el_type === 'None' ? null : p.el_type;
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
 * (el × cl × vc × remote_signer, each combination `count` times), as the package expands them. */
export function expandParticipants(args: NetworkArgs): Participant[] {
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
            for (let i = 0; i < (m.count ?? 1); i++) push({ ...el, ...cl, ...vc, ...signer });
          }
        }
      }
    }
  }
  return expanded;
}

const CLS_NEEDING_SEPARATE_VC: readonly ClType[] = ['lighthouse', 'lodestar', 'prysm'];
const BLOBBER_CLS: readonly ClType[] = ['lighthouse', 'lodestar', 'prysm', 'grandine'];
const NO_ARCHIVE_ELS: readonly ElType[] = ['ethrex', 'ethereumjs', 'nimbus'];

/** The cheap, certain combination rules of §1.4 for one listed participant. Rules that need the whole
 * network (Fulu custody, checkpoint sync, backend) are left to the package. */
function checkParticipantCombination(p: Participant, args: NetworkArgs, path: string): void {
  const r = resolveParticipant(p, args);
  if (p.vc_type === 'consensoor' && r.cl !== 'consensoor') {
    fail(
      join(path, 'vc_type'),
      `${path}.vc_type 'consensoor' is only valid with cl_type consensoor; allowed: ${VC_TYPES.join(', ')}`,
    );
  }
  if (r.vc === 'grandine' && r.useSeparateVc) {
    fail(
      join(path, 'use_separate_vc'),
      `${path} runs a separate VC for grandine but ethereum-package has no working grandine VC; set vc_type (${VC_TYPES.join(', ')}) or drop use_separate_vc`,
    );
  }
  if (CLS_NEEDING_SEPARATE_VC.includes(r.cl) && !r.useSeparateVc) {
    fail(
      join(path, 'use_separate_vc'),
      `${path}.use_separate_vc is false but ${r.cl} needs a separate validator client`,
    );
  }
  if (r.remoteSigner && !r.useSeparateVc) {
    fail(join(path, 'use_remote_signer'), `${path}.use_remote_signer needs use_separate_vc: true`);
  }
  if (r.remoteSigner && r.vc === 'lighthouse') {
    fail(join(path, 'use_remote_signer'), `${path}.use_remote_signer is not supported with a lighthouse VC`);
  }
  if (r.vc === 'vero' && r.useSeparateVc && !r.remoteSigner) {
    fail(join(path, 'vc_type'), `${path}.vc_type 'vero' needs use_remote_signer: true`);
  }
  if (r.vc === 'vero' && r.useSeparateVc && r.keymanager) {
    fail(join(path, 'vc_type'), `${path}.vc_type 'vero' does not support keymanager_enabled`);
  }
  if (r.blobber && !BLOBBER_CLS.includes(r.cl)) {
    fail(
      join(path, 'blobber_enabled'),
      `${path}.blobber_enabled is not supported with cl_type '${r.cl}'; allowed: ${BLOBBER_CLS.join(', ')}`,
    );
  }
  if (p.el_storage_type === 'archive' && r.el !== null && NO_ARCHIVE_ELS.includes(r.el)) {
    fail(
      join(path, 'el_storage_type'),
      `${path}.el_storage_type 'archive' is not supported by el_type '${r.el}'`,
    );
  }
}

function checkNetworkCombination(args: NetworkArgs, source: string): void {
  const params = args.network_params ?? {};
  const network = params.network ?? 'kurtosis';
  if (
    (network.includes('shadowfork') || params['force_snapshot_sync'] === true) &&
    args.persistent !== true
  ) {
    fail(
      'persistent',
      `${network.includes('shadowfork') ? `network_params.network '${network}'` : 'network_params.force_snapshot_sync'} needs persistent: true`,
    );
  }
  if (args.mev_type === 'buildoor' && args.additional_services?.includes('buildoor')) {
    fail(
      'mev_type',
      `mev_type 'buildoor' cannot be combined with the 'buildoor' additional service; use one of them`,
    );
  }
  const preset = params.preset ?? 'mainnet';
  const seconds =
    params.seconds_per_slot ??
    (params.slot_duration_ms !== undefined
      ? Math.floor(params.slot_duration_ms / 1000)
      : preset === 'minimal'
        ? 6
        : 12);
  const participants = expandParticipants(args);
  for (const [i, p] of participants.entries()) {
    if ((p.cl_type ?? 'lighthouse') !== 'nimbus') continue;
    if (preset === 'mainnet' ? seconds < 12 : seconds !== 6) {
      fail(
        'network_params.seconds_per_slot',
        `participant ${i + 1} runs a nimbus CL, which needs seconds_per_slot ${preset === 'mainnet' ? '≥ 12 with the mainnet preset' : '= 6 with the minimal preset'}; got ${seconds}`,
      );
    }
  }
  const first = participants[0];
  if (
    first &&
    resolveParticipant(first, args).el === null &&
    !args.additional_services?.includes('bootnodoor')
  ) {
    fail(
      'participants[0].el_type',
      `the first participant has el_type None, which needs the 'bootnodoor' additional service (it is the bootnode otherwise)`,
    );
  }
  if (participants.length === 0) {
    fail(
      'participants',
      `${source} defines no participants (participants is empty and participants_matrix gives none)`,
    );
  }
}

/**
 * Checks an args object (parsed YAML/JSON or built in code) against what ethereum-package 6.1.0
 * accepts and returns it typed. Throws InvalidInputError with one line:
 * `<source>: <key path> <what is wrong>; allowed: …`.
 */
export function validateArgs(raw: unknown, source: string): NetworkArgs {
  try {
    const args = raw === null || raw === undefined ? {} : raw;
    if (!isObj(args)) fail('', `the args must be a mapping of ethereum-package keys; got ${show(args)}`);
    checkKeys(args, TOP_LEVEL_KEYS, '');
    checkFields(args, TOP_LEVEL_FIELDS, '');
    if ('participants' in args) {
      expectList(args['participants'], 'participants').forEach((entry, i) => {
        checkParticipantEntry(entry, join('participants', i), PARTICIPANT_KEYS);
      });
    }
    if ('participants_matrix' in args) checkMatrix(args['participants_matrix'], 'participants_matrix');
    if ('network_params' in args) checkNetworkParams(args['network_params'], 'network_params');
    if ('additional_services' in args)
      checkAdditionalServices(args['additional_services'], 'additional_services');
    if ('docker_cache_params' in args)
      checkDockerCacheParams(args['docker_cache_params'], 'docker_cache_params');
    if ('port_publisher' in args) checkPortPublisher(args['port_publisher'], 'port_publisher');
    const typed = args as NetworkArgs;
    typed.participants?.forEach((p, i) => {
      checkParticipantCombination(p, typed, join('participants', i));
    });
    checkNetworkCombination(typed, source);
    return typed;
  } catch (error) {
    if (error instanceof ArgsProblem) {
      throw new InvalidInputError(error.path || source, `${source}: ${error.problem}`);
    }
    throw error;
  }
}

const HOST_PORT =
  /^(?:(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/i;

/** Whether `url` is a bare registry `host[:port]` (no scheme, path or trailing slash). */
export function isRegistryHost(url: string): boolean {
  const match = HOST_PORT.exec(url);
  if (!match) return false;
  const port = match[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
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
  if (!isRegistryHost(url)) {
    const bare = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '');
    const hint = bare && bare !== url && isRegistryHost(bare) ? ` — use '${bare}'` : '';
    throw new InvalidInputError(
      key,
      `${opts.source ?? 'config'}: ${key} '${url}' must be a bare registry host[:port] with no scheme, path or trailing slash, e.g. docker-cache.example.com or 10.0.0.5:5000${hint}`,
    );
  }
  return { ...args, docker_cache_params: { ...args.docker_cache_params, enabled: true, url } };
}
