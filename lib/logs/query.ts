// What `getLogs`/`followLogs` were asked for, checked before anything is spawned, and the matching of
// requested service names against the services a devnet has (shared by both backends).

import { InvalidInputError, NotFoundError } from '../errors.js';
import { isPlainArg } from '../input/predicates.js';
import { parseDuration, parseTail } from '../validate.js';

export interface LogQueryOptions {
  /** Service names (or UUIDs); default every service. Unknown names → NotFoundError listing the real ones. */
  services?: readonly string[];
  /** The last N lines of each service (0–100000); default every line. */
  tail?: number;
  /**
   * Only lines newer than this: milliseconds, a duration (`90s`, `10m`, `1h30m`) or a Date. Kubernetes
   * only: Kurtosis's `service logs` on Docker has no time filter (InvalidInputError there).
   */
  since?: number | string | Date;
}

export interface LogQuery {
  /** Devnet name or enclave UUID. */
  name: string;
  services?: string[];
  tail?: number;
  since?: { seconds: number } | { time: string };
}

function identifier(input: string, value: unknown): string {
  if (typeof value !== 'string' || !isPlainArg(value)) {
    throw new InvalidInputError(
      input,
      `${input} ${JSON.stringify(value)} is not allowed: give a non-empty name without spaces that does not start with '-'`,
    );
  }
  return value;
}

export function toLogQuery(name: string, options: LogQueryOptions): LogQuery {
  const query: LogQuery = { name: identifier('devnet', name) };
  if (options.services !== undefined && options.services.length > 0) {
    query.services = [...new Set(options.services.map((s) => identifier('service', s)))];
  }
  if (options.tail !== undefined) query.tail = parseTail(options.tail, 'tail');
  const since = options.since;
  if (since instanceof Date) {
    if (Number.isNaN(since.getTime())) throw new InvalidInputError('since', 'since is an invalid Date');
    query.since = { time: since.toISOString() };
  } else if (typeof since === 'number') {
    if (!(Number.isFinite(since) && since > 0)) {
      throw new InvalidInputError(
        'since',
        `since ${since} is not allowed: give a positive number of milliseconds`,
      );
    }
    query.since = { seconds: Math.ceil(since / 1000) };
  } else if (since !== undefined) {
    query.since = { seconds: Math.ceil(parseDuration(since, 'since') / 1000) };
  }
  return query;
}

export interface KnownService {
  name: string;
  uuid?: string;
}

/** The requested services by name (a UUID selects its service); any unknown one → NotFoundError. */
export function matchServices(requested: readonly string[], known: readonly KnownService[]): string[] {
  const names: string[] = [];
  const unknown: string[] = [];
  for (const wanted of requested) {
    const hit =
      known.find((s) => s.name === wanted) ?? known.find((s) => s.uuid !== undefined && s.uuid === wanted);
    if (!hit) unknown.push(wanted);
    else if (!names.includes(hit.name)) names.push(hit.name);
  }
  if (unknown.length > 0) {
    const existing = [...new Set(known.map((s) => s.name))].sort();
    throw new NotFoundError(unknown.length > 1 ? 'services' : 'service', unknown.join("', '"), existing);
  }
  return names;
}
