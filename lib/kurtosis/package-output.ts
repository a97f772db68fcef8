// The value ethereum-package's main.star returns, as `kurtosis run` prints it after
// `Starlark code successfully run. Output was:` (reference/ethereum-package.md §3). Field names are the
// package's own (snake_case): they are its documented output contract, so they are kept as printed.
// All URLs inside are enclave-internal; host URLs come from enclave inspect / port print.

import * as z from 'zod/mini';
import { ParseError } from '../errors.js';
import '../input/zod-locale.js';
import { type JsonValue, parseJsonBigInt } from './bigint-json.js';

export type { JsonValue } from './bigint-json.js';

export interface MetricsInfo {
  name: string;
  path: string;
  /** `host:port`, enclave-internal */
  url: string;
  config: JsonValue;
  [key: string]: unknown;
}

export interface ElContext {
  client_name: string;
  service_name: string;
  dns_name: string;
  /** An IP address (unlike `cl_context.ip_addr`). */
  ip_addr: string;
  rpc_port_num: number;
  ws_port_num: number;
  engine_rpc_port_num: number;
  /** `http://<service>:8545` */
  rpc_http_url: string;
  ws_url: string;
  enode: string;
  enr: string;
  el_metrics_info: MetricsInfo[];
  [key: string]: unknown;
}

export interface ClContext {
  client_name: string;
  beacon_service_name: string;
  /** `http://<service>:<port>` */
  beacon_http_url: string;
  http_port: number;
  /** The service NAME, not an IP (see `ip_address`). */
  ip_addr: string;
  ip_address: string;
  enr: string;
  peer_id: string;
  multiaddr: string;
  beacon_grpc_url: string;
  supernode: boolean;
  snooper_enabled: boolean;
  cl_nodes_metrics_info: MetricsInfo[];
  [key: string]: unknown;
}

export interface VcContext {
  client_name: string;
  service_name: string;
  metrics_info: MetricsInfo | null;
  [key: string]: unknown;
}

export interface Participant {
  el_type: string | null;
  cl_type: string | null;
  vc_type: string | null;
  remote_signer_type: string | null;
  el_context: ElContext | null;
  cl_context: ClContext | null;
  vc_context: VcContext | null;
  remote_signer_context: JsonValue;
  snooper_el_engine_context: JsonValue;
  snooper_beacon_context: JsonValue;
  snooper_el_rpc_context: JsonValue;
  ethereum_metrics_exporter_context: JsonValue;
  xatu_sentry_context: JsonValue;
  [key: string]: unknown;
}

export interface PrefundedAccount {
  address: string;
  /** Hex without `0x`. */
  private_key: string;
}

export interface PackageOutput {
  all_participants: Participant[];
  pre_funded_accounts: PrefundedAccount[];
  /** About 84 keys; epochs such as FAR_FUTURE_EPOCH (2^64−1) arrive as bigint. */
  network_params: Record<string, JsonValue>;
  /** A decimal string, e.g. `"3151908"`. */
  network_id: string;
  /** Unix seconds as a decimal string. */
  final_genesis_timestamp: string;
  genesis_validators_root: string;
  grafana_info?: { dashboard_path: string; user: string; password: string };
  blockscout_sc_verif_url?: string | null;
  [key: string]: unknown;
}

const PARSER = 'parseRunOutputJson';

// The schema follows main.star's `output = struct(...)` and the context structs of ethereum-package 6.0.0,
// 6.1.0 and 0350d2e (reference/ethereum-package-src: src/el/el_context.star, src/cl/cl_context.star,
// src/vc/vc_context.star, src/participant.star, src/node_metrics_info.star): every field is always printed,
// a context is null when its node does not run. Objects stay loose, so that a field a newer package
// adds passes through. Typed against the interfaces above: the schema checks all that they promise.

// Built on first use, not when the module loads: every command loads this file (lib/kurtosis/commands.ts,
// the Kurtosis command table, imports it) and only `up` parses a run's output (issue #16: 3 ms a start).
let packageOutputSchema: z.ZodMiniType<PackageOutput> | undefined;

function buildPackageOutputSchema(): z.ZodMiniType<PackageOutput> {
  /** A value from parseJsonBigInt is JSON by construction; only its presence needs checking. */
  const json = z.custom<JsonValue>((value) => value !== undefined);

  const MetricsInfoSchema = z.looseObject({
    name: z.string(),
    path: z.string(),
    url: z.string(),
    config: json,
  });

  const ElContextSchema = z.looseObject({
    client_name: z.string(),
    service_name: z.string(),
    dns_name: z.string(),
    ip_addr: z.string(),
    rpc_port_num: z.number(),
    ws_port_num: z.number(),
    engine_rpc_port_num: z.number(),
    rpc_http_url: z.string(),
    ws_url: z.string(),
    enode: z.string(),
    enr: z.string(),
    el_metrics_info: z.array(MetricsInfoSchema),
  });

  const ClContextSchema = z.looseObject({
    client_name: z.string(),
    beacon_service_name: z.string(),
    beacon_http_url: z.string(),
    http_port: z.number(),
    ip_addr: z.string(),
    ip_address: z.string(),
    enr: z.string(),
    peer_id: z.string(),
    multiaddr: z.string(),
    beacon_grpc_url: z.string(),
    supernode: z.boolean(),
    snooper_enabled: z.boolean(),
    cl_nodes_metrics_info: z.array(MetricsInfoSchema),
  });

  const VcContextSchema = z.looseObject({
    client_name: z.string(),
    service_name: z.string(),
    metrics_info: z.nullable(MetricsInfoSchema),
  });

  const ParticipantSchema = z.looseObject({
    el_type: z.nullable(z.string()),
    cl_type: z.nullable(z.string()),
    vc_type: z.nullable(z.string()),
    remote_signer_type: z.nullable(z.string()),
    el_context: z.nullable(ElContextSchema),
    cl_context: z.nullable(ClContextSchema),
    vc_context: z.nullable(VcContextSchema),
    remote_signer_context: json,
    snooper_el_engine_context: json,
    snooper_beacon_context: json,
    snooper_el_rpc_context: json,
    ethereum_metrics_exporter_context: json,
    xatu_sentry_context: json,
  });

  return z.looseObject({
    all_participants: z.array(ParticipantSchema),
    pre_funded_accounts: z.array(z.looseObject({ address: z.string(), private_key: z.string() })),
    network_params: z.record(z.string(), json),
    network_id: z.string(),
    final_genesis_timestamp: z.string(),
    genesis_validators_root: z.string(),
    // Only when the package launched additional services (main.star's second `output = struct`).
    grafana_info: z.optional(
      z.looseObject({ dashboard_path: z.string(), user: z.string(), password: z.string() }),
    ),
    blockscout_sc_verif_url: z.optional(z.nullable(z.string())),
  });
}

/**
 * The JSON that follows `Output was:` → PackageOutput, keeping integers above 2^53 as bigint.
 * Every field the types promise is checked; a mismatch is a ParseError naming the field.
 */
export function parseRunOutputJson(text: string): PackageOutput {
  let value: JsonValue;
  try {
    value = parseJsonBigInt(text.trim());
  } catch (error) {
    // Kurtosis prints the Starlark repr instead when the value cannot be encoded as JSON.
    throw new ParseError(PARSER, `not JSON: ${(error as Error).message}`, text, { cause: error });
  }
  packageOutputSchema ??= buildPackageOutputSchema();
  const parsed = packageOutputSchema.safeParse(value);
  if (!parsed.success) throw new ParseError(PARSER, describeIssues(parsed.error.issues), text);
  return parsed.data;
}

/** `all_participants[0].el_context.rpc_port_num: expected number, received string` (and how many more). */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const at = fieldPath(issue.path);
    const message = issue.message.replace(/^Invalid input: /, '');
    return at ? `'${at}': ${message}` : message;
  });
  const more = issues.length > shown.length ? `; ${issues.length - shown.length} more` : '';
  return `${shown.join('; ')}${more}`;
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}
