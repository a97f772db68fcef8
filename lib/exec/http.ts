// Plain HTTP to devnet nodes (JSON-RPC, beacon API) with node:http. Not a spawn, so it may live outside
// lib/exec/exec.ts. Every request has a timeout; a caller's AbortSignal cancels it at once. Not the
// global fetch: its first use loads Node's bundled undici, +12 MB of RSS against +3.6 MB for node:http,
// and `status --watch` is a process that stays (issue #15). Connections are kept alive by Node's
// global agent, as fetch's pool did.

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

export function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const body = req.json === undefined ? undefined : JSON.stringify(req.json);
  const method = req.method ?? (body === undefined ? 'GET' : 'POST');
  return new Promise((resolve, reject) => {
    if (req.signal?.aborted) {
      reject(new InterruptedError(`request to ${req.url} was cancelled`));
      return;
    }
    let timedOut = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    // A signal of its own that follows the caller's: a listener per request on the caller's signal
    // itself would pass Node's limit of 10 when a status probes every node at once (a warning on stderr).
    let signal: AbortSignal | undefined;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (error: Error) =>
      finish(() => {
        if (req.signal?.aborted) {
          reject(new InterruptedError(`request to ${req.url} was cancelled`, { cause: error }));
        } else if (timedOut) {
          reject(new HttpUnreachableError(req.url, `no answer within ${timeoutMs} ms`, { cause: error }));
        } else {
          // `connect ECONNREFUSED 127.0.0.1:8545`, `socket hang up`, …
          reject(new HttpUnreachableError(req.url, error.message || String(error), { cause: error }));
        }
      });
    let url: URL;
    try {
      url = new URL(req.url);
    } catch (error) {
      fail(error as Error);
      return;
    }
    // Taken on the first request, not imported: every command loads this module and few send one, and
    // node:http costs a read command's start-up more than all of it (issue #16). https only where a URL
    // asks for it (none of the nodes' own does): node:https loads TLS and crypto.
    const send = process.getBuiltinModule(url.protocol === 'https:' ? 'node:https' : 'node:http').request;
    const outgoing = send(
      url,
      {
        method,
        headers:
          body === undefined
            ? undefined
            : {
                'content-type': 'application/json',
                accept: 'application/json',
                'content-length': Buffer.byteLength(body),
              },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => finish(() => resolve({ status: res.statusCode ?? 0, text })));
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(new Error('the connection closed before the whole answer'));
        });
      },
    );
    timer = setTimeout(() => {
      timedOut = true;
      outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onAbort = () => outgoing.destroy(new Error('cancelled'));
    signal = req.signal && AbortSignal.any([req.signal]);
    signal?.addEventListener('abort', onAbort, { once: true });
    outgoing.on('error', fail);
    outgoing.end(body);
  });
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
