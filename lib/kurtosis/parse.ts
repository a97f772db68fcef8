// Parsers for the short outputs of the Kurtosis CLI: text in, typed model out, ParseError on anything
// unrecognisable. Formats: reference/kurtosis-cli.md §2; samples in fixtures/kurtosis/<version>/.

import { ParseError } from '../errors.js';
import type { Enclave, EnclaveStatus, LogLine } from '../models.js';
import { columnsFromHeader, outputLines, sliceRow } from './table.js';
import { parseGoTime } from './time.js';

const LOGRUS_LINE = /^(INFO|WARN|ERRO|DEBU)\[[^\]]*\]/;
const ENCLAVE_STATUSES: readonly EnclaveStatus[] = ['RUNNING', 'STOPPED', 'EMPTY'];
/** 12 hex (short form) or 32 hex (`--full-uuids`). */
export const KURTOSIS_UUID = /^[0-9a-f]{12}(?:[0-9a-f]{20})?$/;

/** `kurtosis version` → `1.20.0`. */
export function parseVersion(stdout: string): string {
  const m = /^CLI Version:\s+(\S+)/m.exec(stdout);
  if (!m) throw new ParseError('parseVersion', "no 'CLI Version:' line", stdout);
  return m[1]!;
}

/**
 * `kurtosis cluster get` → the current cluster name. The setting file holds the bare name; a first-run
 * metrics notice may precede it on stdout, so the last non-empty line is taken.
 */
export function parseClusterGet(stdout: string): string {
  const lines = outputLines(stdout)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const name = lines[lines.length - 1];
  if (!name || /\s/.test(name))
    throw new ParseError('parseClusterGet', 'expected a single cluster name', stdout);
  return name;
}

export type EngineStatus =
  | { state: 'running'; version: string }
  | { state: 'stopped' }
  | { state: 'unreachable' };

/** `kurtosis engine status` (exits 0 in all three cases). */
export function parseEngineStatus(stdout: string): EngineStatus {
  if (/A Kurtosis engine is running with the following info/.test(stdout)) {
    const m = /^Version:\s+(\S+)/m.exec(stdout);
    if (!m) throw new ParseError('parseEngineStatus', "engine running but no 'Version:' line", stdout);
    return { state: 'running', version: m[1]! };
  }
  if (/No Kurtosis engine is running/.test(stdout)) return { state: 'stopped' };
  // Kubernetes without `kurtosis gateway`: the pod is up, its gRPC port is not reachable from here.
  if (/engine container is running, but the server inside couldn't be reached/.test(stdout)) {
    return { state: 'unreachable' };
  }
  throw new ParseError('parseEngineStatus', 'unknown engine status', stdout);
}

/** `kurtosis enclave ls [--full-uuids]` → enclaves (header-only table → []). */
export function parseEnclaveLs(stdout: string): Enclave[] {
  const lines = outputLines(stdout);
  const at = lines.findIndex((l) => /^UUID\s+Name\s+Status\s+Creation Time\s*$/.test(l));
  if (at < 0) throw new ParseError('parseEnclaveLs', "no 'UUID Name Status Creation Time' header", stdout);
  const columns = columnsFromHeader(lines[at]!);
  const out: Enclave[] = [];
  for (const line of lines.slice(at + 1)) {
    if (line.trim() === '' || LOGRUS_LINE.test(line)) continue;
    const [uuid = '', name = '', status = '', time = ''] = sliceRow(line, columns);
    if (!KURTOSIS_UUID.test(uuid)) throw new ParseError('parseEnclaveLs', `bad UUID '${uuid}'`, stdout);
    if (!name) throw new ParseError('parseEnclaveLs', `row without a name: '${line}'`, stdout);
    out.push({
      name,
      uuid,
      status: parseEnclaveStatus('parseEnclaveLs', status, stdout),
      createdAt: parseTime('parseEnclaveLs', time, stdout),
    });
  }
  return out;
}

export function parseEnclaveStatus(parser: string, status: string, input: string): EnclaveStatus {
  if ((ENCLAVE_STATUSES as readonly string[]).includes(status)) return status as EnclaveStatus;
  throw new ParseError(parser, `unknown enclave status '${status}'`, input);
}

export function parseTime(parser: string, text: string, input: string): string {
  const iso = parseGoTime(text);
  if (!iso) throw new ParseError(parser, `unrecognised time '${text}'`, input);
  return iso;
}

/**
 * One line of `kurtosis service logs` (`[<service>] <raw line>`, CLI ≥0.89.6) → LogLine, ANSI stripped.
 * Lines without the prefix (CLI <0.89.5, or a service's own multi-line output) belong to
 * `fallbackService`; undefined when there is none.
 */
export function parseServiceLogLine(line: string, fallbackService?: string): LogLine | undefined {
  const clean = outputLines(line)[0] ?? '';
  const m = /^\[([^\]\s]+)\] ?(.*)$/.exec(clean);
  if (m) return { service: m[1]!, line: m[2]! };
  if (fallbackService === undefined) return undefined;
  return { service: fallbackService, line: clean };
}

/** `kurtosis service logs` output → LogLine[] (empty output → []). */
export function parseServiceLogs(stdout: string, options: { defaultService?: string } = {}): LogLine[] {
  const out: LogLine[] = [];
  let previous = options.defaultService;
  for (const raw of outputLines(stdout)) {
    const parsed = parseServiceLogLine(raw, previous);
    if (!parsed) {
      if (raw.trim() === '') continue;
      throw new ParseError('parseServiceLogs', "line without a '[service]' prefix", stdout);
    }
    previous = parsed.service;
    out.push(parsed);
  }
  return out;
}
