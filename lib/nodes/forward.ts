// `forward`: local URLs for a devnet's HTTP and WebSocket ports, for clusters where nothing else is
// reachable from here (no Ingress controller, a locked-down cluster, a CI runner).
//
// Kubernetes: ONE `kubectl proxy` (the access the readiness waits use) and a small local listener per
// target that relays each request — and WebSocket upgrades — to the API server's service proxy path.
// Not `kubectl port-forward`: that is one process per target, goes to a pod rather than the Service,
// and needs the exec-style streaming that many clusters lock down; the service proxy works wherever
// the waits work. A relay whose upstream fails answers 502 with the reason; a proxy that drops out is
// started again.
// Docker: the host ports Kurtosis published already are local URLs; nothing runs.

import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { findDevnet } from '../backends/devnet-target.js';
import { isConsensusClientService, isExecutionClientService, portScheme } from '../backends/ports.js';
import { type CommonOptions, createContext } from '../context.js';
import { InvalidInputError } from '../errors.js';
import { isExposedPort } from '../ingress/hostnames.js';
import { isDnsLabel } from '../input/predicates.js';
import { proxyPath } from '../kube/commands.js';
import { KubeProxy } from '../kube/proxy.js';
import type { Port, Service } from '../models.js';

export interface Forward {
  service: string;
  port: string;
  /** `http://127.0.0.1:<port>` (`ws://` for WebSocket ports). */
  url: string;
}

export interface Forwarding extends AsyncDisposable {
  devnet: string;
  forwards: Forward[];
  /** Closes the listeners and the proxy; idempotent. */
  stop(): Promise<void>;
}

export interface ForwardOptions extends CommonOptions {
  /** Local address to listen on (default 127.0.0.1). */
  host?: string;
}

/** Ports forwarded when no target is named: the APIs a user reaches a node through. */
const DEFAULT_PORTS = { execution: ['rpc', 'ws', 'ws-rpc'], consensus: ['http'] };

interface TargetSpec {
  service: string;
  port?: string;
}

/** `service` or `service:port`; throws InvalidInputError before anything runs. */
export function parseForwardTargets(targets: readonly string[]): TargetSpec[] {
  return targets.map((t) => {
    const [service = '', port, ...rest] = t.split(':');
    if (rest.length > 0 || !isDnsLabel(service) || (port !== undefined && !isDnsLabel(port))) {
      throw new InvalidInputError(
        'target',
        `forward target ${JSON.stringify(t)} is not service or service:port (lowercase letters, digits and '-')`,
      );
    }
    return port === undefined ? { service } : { service, port };
  });
}

/**
 * Local URLs for `targets` of devnet `ref` (default: the owner's default devnet; targets default to
 * every EL `rpc`/`ws` and CL `http`). Resolves once every listener is up; runs until `stop()`, the
 * handle's disposal, or the signal.
 */
export async function forward(
  ref?: string,
  targets: readonly string[] = [],
  options: ForwardOptions = {},
): Promise<Forwarding> {
  const specs = parseForwardTargets(targets);
  const ctx = createContext(options);
  const signal = ctx.signal ?? new AbortController().signal;
  const target = await findDevnet(ctx, ref);
  const view = await target.read();
  const chosen = choosePorts(view.name, view.services, specs);

  if (ctx.backend.nodesOnHostPorts) {
    const forwards = chosen.map(({ service, port }) => ({
      service: service.name,
      port: port.name,
      url: hostPortUrl(service, port),
    }));
    const stop = async () => {};
    return { devnet: view.name, forwards, stop, [Symbol.asyncDispose]: stop };
  }

  const namespace = view.namespace ?? '';
  const proxy = await KubeProxy.start(ctx, signal);
  const relays: Relay[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      signal.removeEventListener('abort', onAbort);
      await Promise.all(relays.map((r) => r.close()));
      await proxy.close();
    })();
    return stopping;
  };
  const onAbort = () => void stop();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (const { service, port } of chosen) {
      relays.push(
        await startRelay({
          host: options.host ?? '127.0.0.1',
          proxy,
          upstreamPath: (path) => proxyPath({ namespace, service: service.name, port: port.name, path }),
          label: `${service.name}:${port.name}`,
          scheme: portScheme(service.name, port.name, port.applicationProtocol) === 'ws' ? 'ws' : 'http',
        }),
      );
    }
    // Keeps the proxy up between requests too, so the first request after a drop does not wait.
    proxy.keepAlive = true;
  } catch (error) {
    await stop();
    throw error;
  }
  if (signal.aborted) await stop();
  return {
    devnet: view.name,
    forwards: chosen.map(({ service, port }, i) => ({
      service: service.name,
      port: port.name,
      url: relays[i]!.url,
    })),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

function isWebPort(service: Service, port: Port): boolean {
  if (port.transport !== 'tcp') return false;
  return (
    isExposedPort(service.name, port) ||
    portScheme(service.name, port.name, port.applicationProtocol) !== undefined
  );
}

function choosePorts(
  devnet: string,
  services: readonly Service[],
  specs: readonly TargetSpec[],
): { service: Service; port: Port }[] {
  if (specs.length === 0) {
    const chosen = services.flatMap((service) => {
      const names = isExecutionClientService(service.name)
        ? DEFAULT_PORTS.execution
        : isConsensusClientService(service.name)
          ? DEFAULT_PORTS.consensus
          : [];
      return service.ports.filter((p) => names.includes(p.name)).map((port) => ({ service, port }));
    });
    if (chosen.length === 0) {
      throw new InvalidInputError(
        'target',
        `devnet '${devnet}' has no EL rpc/ws or CL http ports; name service[:port] targets (services: ${services.map((s) => s.name).join(', ') || 'none'})`,
      );
    }
    return chosen;
  }
  const chosen: { service: Service; port: Port }[] = [];
  for (const spec of specs) {
    const service = services.find((s) => s.name === spec.service);
    if (!service) {
      throw new InvalidInputError(
        'target',
        `devnet '${devnet}' has no service '${spec.service}'; services: ${services.map((s) => s.name).join(', ') || 'none'}`,
      );
    }
    const web = service.ports.filter((p) => isWebPort(service, p));
    if (spec.port === undefined) {
      if (web.length === 0) {
        throw new InvalidInputError(
          'target',
          `service '${service.name}' has no HTTP or WebSocket port; ports: ${service.ports.map((p) => p.name).join(', ') || 'none'}`,
        );
      }
      for (const port of web) chosen.push({ service, port });
      continue;
    }
    const port = web.find((p) => p.name === spec.port || String(p.number) === spec.port);
    if (!port) {
      throw new InvalidInputError(
        'target',
        `service '${service.name}' has no HTTP or WebSocket port '${spec.port}'; ports: ${web.map((p) => p.name).join(', ') || 'none'}`,
      );
    }
    chosen.push({ service, port });
  }
  // `el-1 el-1:rpc` names rpc twice: one listener is enough.
  return chosen.filter((c, i) => chosen.findIndex((d) => d.service === c.service && d.port === c.port) === i);
}

function hostPortUrl(service: Service, port: Port): string {
  const url = port.publicUrl;
  if (!url) {
    throw new InvalidInputError(
      'target',
      `port '${port.name}' of '${service.name}' has no host port; is it published?`,
    );
  }
  return /^[a-z]+:\/\//i.test(url) ? url : `http://${url}`;
}

// ---------------------------------------------------------------------------------------------------
// The relay: one local HTTP server per target, to `<proxy>/api/v1/namespaces/…/services/…/proxy/…`

export interface Relay {
  url: string;
  close(): Promise<void>;
}

export interface RelayOptions {
  host: string;
  /** Where the proxy serves now (started again when it dropped out). */
  proxy: Pick<KubeProxy, 'ensure'>;
  upstreamPath(path: string): string;
  label: string;
  scheme: 'http' | 'ws';
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) are the relay's own; the rest pass through. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
]);

function forwardedHeaders(headers: IncomingHttpHeaders, upgrade: boolean): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (!HOP_BY_HOP.has(k)) out[k] = v;
  if (upgrade) {
    out.connection = 'Upgrade';
    out.upgrade = headers.upgrade;
  }
  return out;
}

/** @internal exported for tests: one listener relaying to `proxy`. */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => void relayRequest(options, req, res));
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    void relayUpgrade(options, req, socket, head, sockets);
  });
  server.listen(0, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `${options.scheme}://${host}:${port}`,
    async close() {
      for (const s of sockets) s.destroy();
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

async function upstreamUrl(options: RelayOptions, path: string): Promise<URL> {
  const base = await options.proxy.ensure();
  return new URL(base + options.upstreamPath(path));
}

function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message}` : e.message;
}

async function relayRequest(options: RelayOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const fail = (reason: string) => {
    if (res.headersSent) return void res.destroy();
    const body = `devnet-kit forward: ${options.label}: ${reason}\n`;
    res.writeHead(502, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  };
  let url: URL;
  try {
    url = await upstreamUrl(options, req.url ?? '/');
  } catch (error) {
    return fail(`kubectl proxy is not running: ${reasonOf(error)}`);
  }
  const upstream = request(url, { method: req.method, headers: forwardedHeaders(req.headers, false) });
  upstream.on('response', (up) => {
    const headers = forwardedHeaders(up.headers, false);
    res.writeHead(up.statusCode ?? 502, headers);
    up.pipe(res);
    up.on('error', () => res.destroy());
  });
  upstream.on('error', (error) => fail(`upstream failed: ${reasonOf(error)}`));
  req.on('aborted', () => upstream.destroy());
  req.pipe(upstream);
}

async function relayUpgrade(
  options: RelayOptions,
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
  sockets: Set<Socket>,
): Promise<void> {
  const fail = (reason: string) => {
    const body = `devnet-kit forward: ${options.label}: ${reason}\n`;
    socket.end(
      `HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
  socket.on('error', () => socket.destroy());
  let url: URL;
  try {
    url = await upstreamUrl(options, req.url ?? '/');
  } catch (error) {
    return fail(`kubectl proxy is not running: ${reasonOf(error)}`);
  }
  const upstream = request(url, { method: req.method, headers: forwardedHeaders(req.headers, true) });
  upstream.on('upgrade', (up, upSocket, upHead) => {
    sockets.add(upSocket);
    upSocket.on('close', () => sockets.delete(upSocket));
    const lines = [`HTTP/1.1 ${up.statusCode ?? 101} ${up.statusMessage ?? 'Switching Protocols'}`];
    for (let i = 0; i < up.rawHeaders.length; i += 2)
      lines.push(`${up.rawHeaders[i]}: ${up.rawHeaders[i + 1]}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (upHead.length > 0) socket.write(upHead);
    if (head.length > 0) upSocket.write(head);
    upSocket.on('error', () => socket.destroy());
    socket.on('close', () => upSocket.destroy());
    upSocket.on('close', () => socket.destroy());
    upSocket.pipe(socket);
    socket.pipe(upSocket);
  });
  // The upstream refused the upgrade: pass its answer on as it is.
  upstream.on('response', (up) => {
    const lines = [`HTTP/1.1 ${up.statusCode ?? 502} ${up.statusMessage ?? ''}`];
    for (let i = 0; i < up.rawHeaders.length; i += 2) {
      const name = up.rawHeaders[i] ?? '';
      if (!HOP_BY_HOP.has(name.toLowerCase())) lines.push(`${name}: ${up.rawHeaders[i + 1]}`);
    }
    lines.push('Connection: close');
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    up.pipe(socket);
  });
  upstream.on('error', (error) => fail(`upstream failed: ${reasonOf(error)}`));
  upstream.end();
}
