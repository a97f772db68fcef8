// Parsers for what kubectl prints: text in, typed model out, ParseError on anything else. Nothing here
// spawns; the builders that pair an argv with one of these are in ./commands.ts.
//
// Two kubectl habits shape them (reference/kubectl-fake-apiserver.md):
// - `get -o json` prints an empty List even when it fails, so the runner's exit-code check must come
//   first (it does: Command parsers only ever see successful results);
// - `get` always wraps what it prints in `{"kind":"List","items":[…]}`, whatever the resource.

import type { Service as KService, Pod } from 'kubernetes-types/core/v1.js';
import type { Ingress } from 'kubernetes-types/networking/v1.js';
import { ParseError } from '../errors.js';
import type { LogLine } from '../models.js';

export type KubeObject = { apiVersion?: string; kind?: string; metadata?: { name?: string } };

function parseJson(parser: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ParseError(parser, 'not JSON', text, { cause: error });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkObject(parser: string, value: unknown, kinds: readonly string[], text: string): KubeObject {
  if (!isRecord(value)) throw new ParseError(parser, 'an item is not an object', text);
  const kind = value.kind;
  if (kind !== undefined && (typeof kind !== 'string' || !kinds.includes(kind))) {
    throw new ParseError(
      parser,
      `unexpected kind ${JSON.stringify(kind)} (wanted ${kinds.join(' or ')})`,
      text,
    );
  }
  const metadata = value.metadata;
  if (!isRecord(metadata) || typeof metadata.name !== 'string') {
    throw new ParseError(parser, 'an object has no metadata.name', text);
  }
  return value as KubeObject;
}

/** The items of what `kubectl get … -o json` printed, each checked to be one of `kinds`. */
export function parseKubeList<T>(parser: string, text: string, kinds: readonly string[]): T[] {
  const doc = parseJson(parser, text);
  if (!isRecord(doc) || !Array.isArray(doc.items)) {
    throw new ParseError(parser, 'expected a List with an items array', text);
  }
  const kind = doc.kind;
  if (typeof kind !== 'string' || !(kind === 'List' || kind.endsWith('List'))) {
    throw new ParseError(parser, `expected kind List, got ${JSON.stringify(kind)}`, text);
  }
  return doc.items.map((item) => checkObject(parser, item, kinds, text) as T);
}

/** One object, as `patch … -o json` prints it, checked to be one of `kinds`. */
export function parseKubeObject<T>(parser: string, text: string, kinds: readonly string[]): T {
  return checkObject(parser, parseJson(parser, text), kinds, text) as T;
}

// ---------------------------------------------------------------------------------------------------
// Enclave contents

export interface ServicesAndPods {
  services: KService[];
  pods: Pod[];
}

export function parseServicesAndPods(text: string): ServicesAndPods {
  const { services, pods } = splitByKind('getServicesAndPods', text, ['Service', 'Pod']);
  return { services, pods };
}

export interface EnclaveObjects extends ServicesAndPods {
  ingresses: Ingress[];
}

export function parseEnclaveObjects(text: string): EnclaveObjects {
  return splitByKind('getEnclaveObjects', text, ['Service', 'Pod', 'Ingress']);
}

function splitByKind(parser: string, text: string, kinds: readonly string[]): EnclaveObjects {
  const items = parseKubeList<KService | Pod | Ingress>(parser, text, kinds);
  const out: EnclaveObjects = { services: [], pods: [], ingresses: [] };
  for (const item of items) {
    if (item.kind === 'Service') out.services.push(item as KService);
    else if (item.kind === 'Pod') out.pods.push(item as Pod);
    else if (item.kind === 'Ingress') out.ingresses.push(item as Ingress);
    // kubectl sets kind on every item of a multi-resource get; without it we cannot tell them apart.
    else throw new ParseError(parser, 'an item has no kind', text);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Writes

/** `apply -o json` prints the one object it applied, or a List when there were several. */
export function parseApplied(text: string): KubeObject[] {
  const doc = parseJson('applyList', text);
  if (isRecord(doc) && doc.kind === 'List') {
    if (!Array.isArray(doc.items)) throw new ParseError('applyList', 'a List without items', text);
    return doc.items.map((item) => checkAny('applyList', item, text));
  }
  return [checkAny('applyList', doc, text)];
}

function checkAny(parser: string, value: unknown, text: string): KubeObject {
  if (!isRecord(value) || typeof value.kind !== 'string')
    throw new ParseError(parser, 'an item has no kind', text);
  return checkObject(parser, value, [value.kind], text);
}

/** Names from `delete -o name` (`ingress.networking.k8s.io/x`), tolerating the human `"x" deleted` form. */
export function parseDeleted(text: string): string[] {
  const names: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || /^No resources found/.test(line)) continue;
    const m = /^[a-z0-9.-]+\/([^\s/]+)$/.exec(line) ?? /^[a-z0-9.-]+ "([^"]+)" deleted$/.exec(line);
    if (!m) throw new ParseError('delete', `unexpected line ${JSON.stringify(line)}`, text);
    names.push(m[1]!);
  }
  return names;
}

/** `config get-contexts -o name`: one context name a line. */
export function parseContextNames(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** `version --client -o json` → the client's gitVersion. */
export function parseKubectlClientVersion(text: string): string {
  const doc = parseJson('kubectlClientVersion', text);
  const version = isRecord(doc) && isRecord(doc.clientVersion) ? doc.clientVersion.gitVersion : undefined;
  if (typeof version !== 'string')
    throw new ParseError('kubectlClientVersion', 'no clientVersion.gitVersion', text);
  return version;
}

/** `get --raw /version` → the API server's gitVersion. */
export function parseServerVersion(text: string): string {
  const doc = parseJson('serverVersion', text);
  const version = isRecord(doc) ? doc.gitVersion : undefined;
  if (typeof version !== 'string') throw new ParseError('serverVersion', 'no gitVersion', text);
  return version;
}

/** `get persistentvolumeclaims,ingress,pods -o json` → what is left, as kind/name. */
export function parseLeftovers(text: string): { kind: string; name: string }[] {
  return parseKubeList<KubeObject>('getEnclaveLeftovers', text, [
    'PersistentVolumeClaim',
    'Ingress',
    'Pod',
  ]).map((o) => ({ kind: o.kind ?? '?', name: o.metadata?.name ?? '?' }));
}

// ---------------------------------------------------------------------------------------------------
// Logs and `kubectl proxy`

const TIMESTAMPED = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) ?(.*)$/s;

/** One `--timestamps` line → LogLine; a line without the prefix is kept whole. */
export function parseLogLine(service: string, raw: string): LogLine {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const m = TIMESTAMPED.exec(line);
  return m ? { service, time: m[1]!, line: m[2]! } : { service, line };
}

/** Non-follow `logs --timestamps` of one pod → its lines, attributed to `service`. */
export function parseLogLines(service: string, text: string): LogLine[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((l) => parseLogLine(service, l));
}

/** `Starting to serve on 127.0.0.1:43521` → the base URL; undefined for any other line. */
export function parseProxyServing(line: string): string | undefined {
  const m = /^Starting to serve on (\[[0-9a-fA-F:.]+\]|[^\s:]+):(\d{1,5})\s*$/.exec(line.trim());
  if (!m) return undefined;
  const port = Number(m[2]);
  if (!(port >= 1 && port <= 65_535)) return undefined;
  return `http://${m[1]}:${port}`;
}

export interface PodLogLine {
  pod: string;
  container: string;
  /** RFC 3339 (from `--timestamps`) */
  time?: string;
  line: string;
}

export interface PrefixedLogs {
  lines: PodLogLine[];
  /** kubectl's own `error: …` lines (pods it could not read). */
  errors: string[];
}

const POD_PREFIX = /^\[pod\/([^/\]\s]+)\/([^\]\s]+)\] (.*)$/s;

/** `[pod/<pod>/<container>] <rest>` (kubectl `--prefix`) → its parts; undefined for any other line. */
export function parsePodPrefix(raw: string): { pod: string; container: string; rest: string } | undefined {
  const m = POD_PREFIX.exec(raw);
  return m ? { pod: m[1]!, container: m[2]!, rest: m[3]! } : undefined;
}

/** What `kubectl logs -l … --prefix --timestamps --ignore-errors` printed; unprefixed lines are kubectl's errors. */
export function parsePrefixedLogs(text: string): PrefixedLogs {
  const out: PrefixedLogs = { lines: [], errors: [] };
  const raws = text.split('\n');
  if (raws.at(-1) === '') raws.pop();
  for (const raw of raws) {
    const prefixed = parsePodPrefix(raw);
    if (prefixed) {
      const { time, line } = parseLogLine('', prefixed.rest);
      const entry: PodLogLine = { pod: prefixed.pod, container: prefixed.container, line };
      if (time !== undefined) entry.time = time;
      out.lines.push(entry);
    } else if (raw.trim() !== '') {
      // Only kubectl's own messages come without a prefix (`error: …`, possibly on several lines).
      out.errors.push(raw.replace(/^error: /, ''));
    }
  }
  return out;
}
