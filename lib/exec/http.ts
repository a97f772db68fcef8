// Plain HTTP to devnet nodes (JSON-RPC, beacon API) with Node's global fetch. Not a spawn, so it may
// live outside lib/exec/exec.ts. Every request has a timeout; a caller's AbortSignal cancels it at once.

import { InterruptedError } from '../errors.js';

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST';
  /** Sent as `application/json` (geth and reth answer 415 to a JSON-RPC POST without it). */
  json?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  text: string;
}

/** The request got no HTTP answer: refused, reset, timed out. `reason` is one short line. */
export class HttpUnreachableError extends Error {
  readonly reason: string;
  constructor(url: string, reason: string, options?: { cause?: unknown }) {
    super(`${url}: ${reason}`, options);
    this.name = 'HttpUnreachableError';
    this.reason = reason;
  }
}

/** An HTTP answer that was not what the caller needs (status, body shape). */
export class HttpAnswerError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'HttpAnswerError';
    this.status = status;
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Error bodies can be pages of HTML; a line of it is enough to explain a failure. */
const SNIPPET = 200;

export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  const init: RequestInit = { method: req.method ?? (req.json === undefined ? 'GET' : 'POST'), signal };
  if (req.json !== undefined) {
    init.headers = { 'content-type': 'application/json', accept: 'application/json' };
    init.body = JSON.stringify(req.json);
  }
  try {
    const res = await fetch(req.url, init);
    return { status: res.status, text: await res.text() };
  } catch (error) {
    if (req.signal?.aborted)
      throw new InterruptedError(`request to ${req.url} was cancelled`, { cause: error });
    if (timeout.aborted)
      throw new HttpUnreachableError(req.url, `no answer within ${timeoutMs} ms`, { cause: error });
    throw new HttpUnreachableError(req.url, networkReason(error), { cause: error });
  }
}

/** `fetch failed` says nothing; the cause (`connect ECONNREFUSED 127.0.0.1:8545`) does. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.message) return cause.message;
  if (cause?.code) return cause.code;
  return (error as Error).message;
}

export function snippet(text: string): string {
  const line = text.trim().replace(/\s+/g, ' ');
  return line.length > SNIPPET ? `${line.slice(0, SNIPPET)}…` : line;
}

/**
 * The `message` of a Kubernetes `Status` body: what the API server's service proxy answers itself
 * (503 no endpoints, 404 no service) instead of the node behind it. Undefined for anything else.
 */
export function kubeStatusMessage(text: string): string | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const doc = JSON.parse(text) as { kind?: unknown; message?: unknown };
    return doc.kind === 'Status' && typeof doc.message === 'string' ? doc.message : undefined;
  } catch {
    return undefined;
  }
}

function failure(res: HttpResponse): HttpAnswerError {
  const body = kubeStatusMessage(res.text) ?? snippet(res.text);
  return new HttpAnswerError(`HTTP ${res.status}${body ? `: ${body}` : ''}`, res.status);
}

/** GET a JSON body (beacon API); non-2xx or non-JSON → HttpAnswerError. */
export async function getJson(
  url: string,
  options: Omit<HttpRequest, 'url' | 'json' | 'method'> = {},
): Promise<unknown> {
  const res = await httpRequest({ ...options, url });
  if (res.status < 200 || res.status > 299) throw failure(res);
  try {
    return JSON.parse(res.text) as unknown;
  } catch {
    throw new HttpAnswerError(`not JSON: ${snippet(res.text)}`, res.status);
  }
}

/** One JSON-RPC 2.0 call; returns `result`, throws HttpAnswerError on an HTTP or JSON-RPC error. */
export async function jsonRpc(
  url: string,
  method: string,
  params: unknown[] = [],
  options: Omit<HttpRequest, 'url' | 'json' | 'method'> = {},
): Promise<unknown> {
  const res = await httpRequest({ ...options, url, json: { jsonrpc: '2.0', id: 1, method, params } });
  if (res.status < 200 || res.status > 299) throw failure(res);
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    throw new HttpAnswerError(`not JSON-RPC: ${snippet(res.text)}`, res.status);
  }
  const doc = body as { result?: unknown; error?: { code?: unknown; message?: unknown } } | null;
  if (doc && typeof doc === 'object' && doc.error) {
    throw new HttpAnswerError(
      `JSON-RPC error ${String(doc.error.code)}: ${String(doc.error.message)}`,
      res.status,
    );
  }
  if (!doc || typeof doc !== 'object' || !('result' in doc)) {
    throw new HttpAnswerError(`not JSON-RPC: ${snippet(res.text)}`, res.status);
  }
  return doc.result;
}
