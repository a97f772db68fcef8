// A Kurtosis release on loopback, laid out as kurtosis-tech/kurtosis's cli/cli/.goreleaser.yml publishes
// it (`<base>/<version>/kurtosis-cli_<version>_<os>_<arch>.tar.gz` with `kurtosis` at the archive's root
// beside scripts/completions/scripts/*, and `<base>/<version>/checksums.txt`, `<sha256>  <name>` lines).
// Its `kurtosis` is a two-line script that execs the fake kurtosis, so a downloaded CLI behaves like
// the harness's. Plus a forward/CONNECT proxy that records what went through it.

import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { c as createTar } from 'tar';
import { FAKE_KURTOSIS_BIN } from './fake-kurtosis.js';

export const TLS_CERT = new URL('../../fixtures/tls/loopback.crt', import.meta.url).pathname;
const TLS_KEY = new URL('../../fixtures/tls/loopback.key', import.meta.url).pathname;

const GOOS: Record<string, string> = { linux: 'linux', darwin: 'darwin' };
const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

/** This machine's archive name, or undefined where Kurtosis publishes none. */
export function hostAsset(version: string): string | undefined {
  const os = GOOS[process.platform];
  const arch = GOARCH[process.arch];
  return os && arch ? `kurtosis-cli_${version}_${os}_${arch}.tar.gz` : undefined;
}

export interface Release {
  version: string;
  asset: string;
  archive: Buffer;
  sha256: string;
  checksums: string;
}

/** Builds the release archive for this machine in `dir`. */
export async function buildRelease(dir: string, version = '1.20.0'): Promise<Release> {
  const asset = hostAsset(version);
  if (!asset) throw new Error(`no Kurtosis release for ${process.platform}/${process.arch}`);
  const root = join(dir, 'release-src');
  mkdirSync(join(root, 'scripts', 'completions', 'scripts'), { recursive: true });
  writeFileSync(join(root, 'kurtosis'), `#!/bin/sh\nexec '${FAKE_KURTOSIS_BIN}' "$@"\n`);
  chmodSync(join(root, 'kurtosis'), 0o755);
  writeFileSync(join(root, 'scripts', 'completions', 'scripts', 'kurtosis.bash'), '# completion\n');
  const file = join(dir, asset);
  await createTar({ gzip: true, file, cwd: root, portable: true }, ['kurtosis', 'scripts']);
  const archive = readFileSync(file);
  const sha256 = createHash('sha256').update(archive).digest('hex');
  const other = (name: string) => createHash('sha256').update(name).digest('hex');
  const names = ['darwin_amd64', 'darwin_arm64', 'linux_amd64', 'linux_arm64', 'windows_amd64'].map(
    (p) => `kurtosis-cli_${version}_${p}.tar.gz`,
  );
  const checksums = names
    .map((n) => `${n === asset ? sha256 : other(n)}  ${n}`)
    .concat(asset && !names.includes(asset) ? [`${sha256}  ${asset}`] : [])
    .join('\n');
  return { version, asset, archive, sha256, checksums: `${checksums}\n` };
}

export type ReleaseFault = 'none' | 'not-found' | 'bad-checksum' | 'truncate';

export interface ReleaseServer {
  /** The download base URL: `<url>/<version>/<file>`. */
  url: string;
  /** Paths requested, in order. */
  requests: string[];
  fault: ReleaseFault;
  /** Pause between the archive's chunks (so that concurrent downloads overlap). */
  chunkDelayMs: number;
  close(): Promise<void>;
}

export async function startReleaseServer(
  release: Release,
  opts: { tls?: boolean } = {},
): Promise<ReleaseServer> {
  const prefix = '/kurtosis-cli-release-artifacts/releases/download';
  const state: ReleaseServer = {
    url: '',
    requests: [],
    fault: 'none',
    chunkDelayMs: 0,
    close: async () => {},
  };
  const handler = async (
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
  ) => {
    state.requests.push(req.url ?? '');
    const base = `${prefix}/${release.version}/`;
    const name = req.url?.startsWith(base) ? req.url.slice(base.length) : undefined;
    if (state.fault === 'not-found' || (name !== 'checksums.txt' && name !== release.asset)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    if (name === 'checksums.txt') {
      const text =
        state.fault === 'bad-checksum'
          ? release.checksums.replace(release.sha256, '0'.repeat(64))
          : release.checksums;
      res
        .writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) })
        .end(text);
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': release.archive.length,
    });
    if (state.fault === 'truncate') {
      res.write(release.archive.subarray(0, Math.floor(release.archive.length / 2)));
      setTimeout(() => res.socket?.destroy(), 50);
      return;
    }
    const parts = 8;
    const size = Math.ceil(release.archive.length / parts);
    for (let i = 0; i < parts; i++) {
      res.write(release.archive.subarray(i * size, (i + 1) * size));
      if (state.chunkDelayMs) await new Promise((r) => setTimeout(r, state.chunkDelayMs));
    }
    res.end();
  };
  const server: Server = opts.tls
    ? createHttpsServer({ cert: readFileSync(TLS_CERT), key: readFileSync(TLS_KEY) }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}${prefix}`;
  state.close = () => closeServer(server);
  return state;
}

export interface TestProxy {
  url: string;
  /** `CONNECT host:port` targets (HTTPS through the proxy). */
  connects: string[];
  /** Absolute URLs forwarded (plain HTTP through the proxy). */
  forwards: string[];
  close(): Promise<void>;
}

/** A forward proxy that only reaches loopback (it is test equipment, never a way out). */
export async function startProxy(): Promise<TestProxy> {
  const proxy: TestProxy = { url: '', connects: [], forwards: [], close: async () => {} };
  const sockets = new Set<Socket>();
  const server = createHttpServer((req, res) => {
    proxy.forwards.push(req.url ?? '');
    const target = new URL(req.url ?? '');
    if (target.hostname !== '127.0.0.1') {
      res.writeHead(403).end('loopback only');
      return;
    }
    const upstream = request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: target.pathname,
        method: req.method,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    proxy.connects.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    if (host !== '127.0.0.1' && host !== 'localhost') {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(Number(port), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream).add(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    for (const s of sockets) s.destroy();
    await closeServer(server);
  };
  return proxy;
}

/** A loopback port where nothing listens (connection refused). */
export async function refusedUrl(): Promise<string> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await closeServer(server);
  return `http://127.0.0.1:${port}/releases/download`;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}
