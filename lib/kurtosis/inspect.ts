// `kurtosis enclave inspect [--full-uuids]`: a key/value block, then `====`-headed sections (Files
// Artifacts, omitted when the API container is down; User Services). There is no JSON form (#2694).
// A failing section logs ERRO lines (merged into stdout in some captures) and the rest still prints, so
// the parser keeps what it can read and reports the errors instead of giving up.

import { formatEndpoint, portScheme } from '../backends/ports.js';
import { ParseError } from '../errors.js';
import type { Enclave, Port, Service, ServiceStatus, Transport } from '../models.js';
import { KURTOSIS_UUID, parseEnclaveStatus, parseTime } from './parse.js';
import { columnsFromHeader, outputLines, sliceRow } from './table.js';

export interface FilesArtifact {
  uuid: string;
  name: string;
}

export interface EnclaveInspection {
  enclave: Omit<Enclave, 'owner'>;
  /** From `Flags:` (e.g. `production`); empty when none. */
  flags: string[];
  /** Absent when the section is (the API container is not running). */
  filesArtifacts?: FilesArtifact[];
  services: Service[];
  /** ERRO messages (with their root cause) printed when a section failed; the command then exits 1. */
  errors: string[];
}

const LOGRUS = /^(INFO|WARN|ERRO|DEBU)\[[^\]]*\] ?(.*?)\s*$/;
const SECTION = /^=+ (.+?) =+$/;
const SERVICE_STATUSES: readonly ServiceStatus[] = ['RUNNING', 'STOPPED', 'UNKNOWN'];
const PARSER = 'parseEnclaveInspect';

export function parseEnclaveInspect(stdout: string): EnclaveInspection {
  const lines = outputLines(stdout);
  const errors: { message: string; cause: string | undefined }[] = [];

  // 1. Key/value block, after any logrus banner (`run` prints the Created-enclave banner first).
  const start = lines.findIndex((l) => /^Name:\s/.test(l));
  if (start < 0) throw new ParseError(PARSER, "no 'Name:' line", stdout);
  const kv = new Map<string, string>();
  let i = start;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || SECTION.test(line)) break;
    const m = /^([A-Za-z][A-Za-z ]*):\s*(.*?)\s*$/.exec(line);
    if (m) kv.set(m[1]!, m[2]!);
  }
  const name = kv.get('Name');
  const uuid = kv.get('UUID');
  const status = kv.get('Status');
  const created = kv.get('Creation Time');
  if (!name || !uuid || !status || !created) {
    throw new ParseError(PARSER, 'missing Name, UUID, Status or Creation Time', stdout);
  }
  if (!KURTOSIS_UUID.test(uuid)) throw new ParseError(PARSER, `bad enclave UUID '${uuid}'`, stdout);
  const enclave: Omit<Enclave, 'owner'> = {
    name,
    uuid,
    status: parseEnclaveStatus(PARSER, status, stdout),
    createdAt: parseTime(PARSER, created, stdout),
  };
  const flags = (kv.get('Flags') ?? '').split(/[,\s]+/).filter((f) => f.length > 0);

  // 2. Sections.
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  let inError = false;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const header = SECTION.exec(line);
    if (header) {
      current = [];
      sections.set(header[1]!, current);
      inError = false;
      continue;
    }
    const log = LOGRUS.exec(line);
    if (log) {
      if (log[1] === 'ERRO') errors.push({ message: log[2]!, cause: undefined });
      inError = log[1] === 'ERRO' || log[1] === 'WARN';
      continue;
    }
    // A multi-line logrus message continues unprefixed (` --- at …`, `Caused by: …`) up to a blank line.
    if (inError) {
      if (line.trim() === '') inError = false;
      const cause = /^\s*Caused by:\s*(.*?)\s*$/.exec(line);
      const last = errors[errors.length - 1];
      if (cause && last) last.cause = cause[1];
      continue;
    }
    current?.push(line);
  }

  const artifacts = sections.get('Files Artifacts');
  const services = sections.get('User Services');
  return {
    enclave,
    flags,
    ...(artifacts ? { filesArtifacts: parseArtifacts(artifacts, stdout) } : {}),
    services: services ? parseServices(services, stdout) : [],
    errors: errors.map((e) => (e.cause ? `${e.message}: ${e.cause}` : e.message)),
  };
}

/** The rows of a section's table: from its header to the first blank line. */
function tableRows(lines: string[], header: RegExp): { header: string; rows: string[] } | undefined {
  const at = lines.findIndex((l) => header.test(l));
  if (at < 0) return undefined;
  const rows: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (line.trim() === '') break;
    rows.push(line);
  }
  return { header: lines[at]!, rows };
}

function parseArtifacts(lines: string[], input: string): FilesArtifact[] {
  const table = tableRows(lines, /^UUID\s+Name\s*$/);
  if (!table) return [];
  const columns = columnsFromHeader(table.header);
  return table.rows.map((row) => {
    const [uuid = '', name = ''] = sliceRow(row, columns);
    if (!KURTOSIS_UUID.test(uuid)) throw new ParseError(PARSER, `bad files artifact UUID '${uuid}'`, input);
    return { uuid, name };
  });
}

function parseServices(lines: string[], input: string): Service[] {
  const table = tableRows(lines, /^UUID\s+Name\s+Ports\s+Status\s*$/);
  if (!table) return [];
  const columns = columnsFromHeader(table.header);
  const services: Service[] = [];
  for (const row of table.rows) {
    const [uuid = '', name = '', portCell = '', status = ''] = sliceRow(row, columns);
    if (uuid === '' && name === '') {
      // Continuation row: one more port of the service above.
      const last = services[services.length - 1];
      if (!last) throw new ParseError(PARSER, `port row before any service: '${row}'`, input);
      const port = parsePortCell(last.name, portCell, input);
      if (port) last.ports.push(port);
      continue;
    }
    if (!KURTOSIS_UUID.test(uuid)) throw new ParseError(PARSER, `bad service UUID '${uuid}'`, input);
    if (!(SERVICE_STATUSES as readonly string[]).includes(status)) {
      throw new ParseError(PARSER, `unknown service status '${status}'`, input);
    }
    const port = parsePortCell(name, portCell, input);
    services.push({ name, uuid, status: status as ServiceStatus, ports: port ? [port] : [] });
  }
  return services;
}

const PORT_CELL =
  /^([^\s:/,]+): (\d{1,5})\/(tcp|udp|sctp)(?: -> (?:([A-Za-z][\w+.-]*):\/\/)?(\[[^\]]+\]|[^\s:]+):(\d{1,5}))?$/;

/**
 * One port cell: `<id>: <num>/<tcp|udp|sctp>[ -> [<appProto>://]<ip>:<hostPort>]`, or `<none>`
 * (→ undefined). The `->` part is missing for stopped services and on Kubernetes without a gateway.
 */
export function parsePortCell(serviceName: string, cell: string, input: string = cell): Port | undefined {
  if (cell === '<none>' || cell === '') return undefined;
  const m = PORT_CELL.exec(cell);
  if (!m) throw new ParseError(PARSER, `unrecognised port '${cell}' of service '${serviceName}'`, input);
  const [, id, num, transport, appProtocol, host, hostPort] = m;
  const scheme = portScheme(serviceName, id!, appProtocol);
  // Docker inspect shows no private IP; the service name resolves inside the enclave.
  return {
    name: id!,
    number: Number(num),
    transport: transport as Transport,
    ...(appProtocol ? { applicationProtocol: appProtocol } : {}),
    endpoint: formatEndpoint(scheme, serviceName, Number(num)),
    ...(host && hostPort
      ? { publicUrl: formatEndpoint(scheme, host.replace(/^\[|\]$/g, ''), Number(hostPort)) }
      : {}),
  };
}
