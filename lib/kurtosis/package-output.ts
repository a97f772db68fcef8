// The value ethereum-package's main.star returns, as `kurtosis run` prints it after
// `Starlark code successfully run. Output was:` (reference/ethereum-package.md §3). Field names are the
// package's own (snake_case): they are its documented output contract, so they are kept as printed.
// All URLs inside are enclave-internal; host URLs come from enclave inspect / port print.

import { ParseError } from '../errors.js';
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

/**
 * The JSON that follows `Output was:` → PackageOutput, keeping integers above 2^53 as bigint.
 * Checks the fields devnet-kit relies on; everything else passes through untouched.
 */
export function parseRunOutputJson(text: string): PackageOutput {
  let value: JsonValue;
  try {
    value = parseJsonBigInt(text.trim());
  } catch (error) {
    // Kurtosis prints the Starlark repr instead when the value cannot be encoded as JSON.
    throw new ParseError(PARSER, `not JSON: ${(error as Error).message}`, text, { cause: error });
  }
  if (!isObject(value)) throw new ParseError(PARSER, 'expected a JSON object', text);
  if (!Array.isArray(value.all_participants))
    throw new ParseError(PARSER, "no 'all_participants' array", text);
  value.all_participants.forEach((p, i) => {
    if (!isObject(p)) throw new ParseError(PARSER, `all_participants[${i}] is not an object`, text);
    for (const key of ['el_context', 'cl_context', 'vc_context'] as const) {
      if (p[key] !== undefined && p[key] !== null && !isObject(p[key])) {
        throw new ParseError(PARSER, `all_participants[${i}].${key} is not an object`, text);
      }
    }
  });
  for (const key of ['network_id', 'final_genesis_timestamp', 'genesis_validators_root'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'string') {
      throw new ParseError(PARSER, `'${key}' is not a string`, text);
    }
  }
  if (value.network_params !== undefined && !isObject(value.network_params)) {
    throw new ParseError(PARSER, "'network_params' is not an object", text);
  }
  if (value.pre_funded_accounts !== undefined && !Array.isArray(value.pre_funded_accounts)) {
    throw new ParseError(PARSER, "'pre_funded_accounts' is not an array", text);
  }
  return value as unknown as PackageOutput;
}

function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
