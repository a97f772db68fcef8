// `kurtosis service inspect <enclave> <service> -o json` (CLI ≥1.7.0) prints the service CONFIG, not its
// state: no name, UUID, status or IP. Transports are protobuf ints; public ports are host ports (Docker).

import * as z from 'zod/mini';
import { ParseError } from '../errors.js';
import '../input/zod-locale.js';
import type { Transport } from '../models.js';
import { outputLines } from './table.js';

export interface ServicePortSpec {
  number: number;
  transport: Transport;
  applicationProtocol?: string;
  /** Kurtosis wait timeout, e.g. `2m0s`. */
  wait?: string;
}

export interface ServiceInspectJson {
  image: string;
  ports: Record<string, ServicePortSpec>;
  /** Host-side ports (Docker); empty on Kubernetes. */
  publicPorts: Record<string, ServicePortSpec>;
  entrypoint: string[];
  cmd: string[];
  envVars: Record<string, string>;
  labels: Record<string, string>;
}

// 0=TCP, 1=SCTP, 2=UDP (the Kurtosis API's TransportProtocol enum).
const TRANSPORTS: Record<number, Transport> = { 0: 'tcp', 1: 'sctp', 2: 'udp' };

const PortSchema = z.looseObject({
  number: z.number().check(z.int(), z.gte(0), z.lte(65535)),
  transport: z.optional(z.number().check(z.int(), z.gte(0), z.lte(2))),
  maybe_application_protocol: z.optional(z.string()),
  wait: z.optional(z.string()),
});

const Schema = z.looseObject({
  image: z.string(),
  ports: z.optional(z.record(z.string(), PortSchema)),
  public_ports: z.optional(z.record(z.string(), PortSchema)),
  entrypoint: z.optional(z.array(z.string())),
  cmd: z.optional(z.array(z.string())),
  env_vars: z.optional(z.record(z.string(), z.string())),
  labels: z.optional(z.record(z.string(), z.string())),
});

export function parseServiceInspectJson(stdout: string): ServiceInspectJson {
  const lines = outputLines(stdout);
  // A first-run notice or logrus line could precede the document; start at the first `{` line.
  const at = lines.findIndex((l) => l.startsWith('{'));
  if (at < 0) throw new ParseError('parseServiceInspectJson', 'no JSON object', stdout);
  let raw: unknown;
  try {
    raw = JSON.parse(lines.slice(at).join('\n'));
  } catch (error) {
    throw new ParseError('parseServiceInspectJson', `not JSON: ${(error as Error).message}`, stdout, {
      cause: error,
    });
  }
  const parsed = Schema.safeParse(raw);
  if (!parsed.success) {
    throw new ParseError(
      'parseServiceInspectJson',
      z.prettifyError(parsed.error).replace(/\n/g, '; '),
      stdout,
    );
  }
  const data = parsed.data;
  return {
    image: data.image,
    ports: mapPorts(data.ports),
    publicPorts: mapPorts(data.public_ports),
    entrypoint: data.entrypoint ?? [],
    cmd: data.cmd ?? [],
    envVars: data.env_vars ?? {},
    labels: data.labels ?? {},
  };
}

function mapPorts(
  ports: Record<string, z.infer<typeof PortSchema>> | undefined,
): Record<string, ServicePortSpec> {
  const out: Record<string, ServicePortSpec> = {};
  for (const [id, p] of Object.entries(ports ?? {})) {
    out[id] = {
      number: p.number,
      // Go's omitempty drops a zero enum value, so a missing transport is TCP.
      transport: TRANSPORTS[p.transport ?? 0]!,
      ...(p.maybe_application_protocol ? { applicationProtocol: p.maybe_application_protocol } : {}),
      ...(p.wait ? { wait: p.wait } : {}),
    };
  }
  return out;
}
