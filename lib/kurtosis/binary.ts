// Which `kurtosis` devnet-kit runs, and providing the pinned one when the machine has none: an explicit
// path (option, DEVNET_KIT_KURTOSIS) → `kurtosis` on PATH → devnet-kit's cache → a download into the
// cache. The download is the release archive Kurtosis publishes, checked against the release's own
// checksums.txt before anything is extracted. Never spawns (exec.ts does); never prints (onEvent).
//
// Release layout, from kurtosis-tech/kurtosis:
// - cli/cli/.goreleaser.yml: archives `kurtosis-cli_{{ .Version }}_{{ .Os }}_{{ .Arch }}` (tar.gz, the
//   `kurtosis` binary at the archive's root beside scripts/completions/…), goos linux/darwin/windows ×
//   goarch amd64/arm64, `checksum.name_template: 'checksums.txt'`, released as tag `{{ .Version }}` to
//   github.com/kurtosis-tech/kurtosis-cli-release-artifacts;
// - docs/docs/get-started/installing-the-cli.md: downloads from
//   https://github.com/kurtosis-tech/kurtosis-cli-release-artifacts/releases/download/<version>/<archive>.

import {
  accessSync,
  chmodSync,
  constants,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  BinaryNotFoundError,
  DownloadFailedError,
  firstLine,
  InterruptedError,
  InvalidInputError,
} from '../errors.js';
import { devnetKitCacheDir } from '../exec/cache-dir.js';
import { withDirLock } from '../exec/dir-lock.js';
import type { OnEvent } from '../models.js';

/** The Kurtosis CLI version devnet-kit's parsers and fakes follow (reference/kurtosis-cli.md). */
export const KURTOSIS_VERSION = '1.20.0';
export const DEFAULT_KURTOSIS_DOWNLOAD_URL =
  'https://github.com/kurtosis-tech/kurtosis-cli-release-artifacts/releases/download';

const INSTALL_DOCS = 'https://docs.kurtosis.com/install';

export interface KurtosisProvideOptions {
  /** The version to download when no kurtosis is found (default {@link KURTOSIS_VERSION}). */
  version?: string;
  /** false: never download; a missing kurtosis is a BinaryNotFoundError (default true). */
  download?: boolean;
  /** Where releases live: `<url>/<version>/checksums.txt` and `<url>/<version>/<archive>`. */
  downloadUrl?: string;
  /** Replaces `$XDG_CACHE_HOME/devnet-kit/kurtosis` (macOS: `~/Library/Caches/devnet-kit/kurtosis`). */
  cacheDir?: string;
}

export interface FindKurtosisOptions extends KurtosisProvideOptions {
  /** Environment for PATH, DEVNET_KIT_KURTOSIS, HOME and XDG_CACHE_HOME (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** An explicit binary (the `binaries.kurtosis` library option); wins over everything. */
  binary?: string;
}

export interface EnsureKurtosisOptions extends FindKurtosisOptions {
  onEvent?: OnEvent;
  signal?: AbortSignal;
  /** A download that receives nothing for this long fails (default 30 s). */
  stallTimeoutMs?: number;
  /** For tests of other platforms (default process.platform / process.arch). */
  platform?: string;
  arch?: string;
}

export type KurtosisSource = 'option' | 'env' | 'path' | 'cache' | 'download';

export interface KurtosisBinary {
  /** What to spawn: `kurtosis` when found on PATH (spawn looks it up the same way), else a path. */
  command: string;
  /** The file it is (for `path`: where on PATH), when known. */
  path: string;
  source: KurtosisSource;
  /** Why this one, for doctor. */
  reason: string;
}

export interface CachedKurtosis {
  version: string;
  path: string;
}

/** Without network: an explicit binary, `kurtosis` on PATH, or the cached pinned version. */
export function findKurtosis(options: FindKurtosisOptions = {}): KurtosisBinary | undefined {
  const env = options.env ?? process.env;
  if (options.binary)
    return {
      command: options.binary,
      path: options.binary,
      source: 'option',
      reason: 'the binaries.kurtosis option',
    };
  if (env.DEVNET_KIT_KURTOSIS) {
    const file = env.DEVNET_KIT_KURTOSIS;
    return { command: file, path: file, source: 'env', reason: 'DEVNET_KIT_KURTOSIS' };
  }
  const onPath = findOnPath('kurtosis', env.PATH ?? '');
  if (onPath) {
    return {
      command: 'kurtosis',
      path: onPath,
      source: 'path',
      reason: "found on PATH (a kurtosis on PATH wins over devnet-kit's download)",
    };
  }
  const version = kurtosisVersion(options.version);
  const cached = join(kurtosisCacheDir(options), version, 'kurtosis');
  if (isExecutableFile(cached)) {
    return {
      command: cached,
      path: cached,
      source: 'cache',
      reason: `devnet-kit's download of Kurtosis ${version} (no kurtosis on PATH)`,
    };
  }
  return undefined;
}

/**
 * The kurtosis to run; when there is none, downloads the pinned version into the cache (unless
 * `download: false`). Concurrent callers (other processes too) download once.
 */
export async function ensureKurtosis(options: EnsureKurtosisOptions = {}): Promise<KurtosisBinary> {
  const found = findKurtosis(options);
  if (found) return found;
  if (options.download === false) {
    throw new BinaryNotFoundError('kurtosis', 'kurtosis', {
      why: 'not on PATH, and downloads are off (DEVNET_KIT_NO_DOWNLOAD or kurtosis.download: false)',
    });
  }
  const version = kurtosisVersion(options.version);
  const baseUrl = kurtosisDownloadUrl(options.downloadUrl);
  const asset = releaseAsset(version, options.platform ?? process.platform, options.arch ?? process.arch);
  const root = kurtosisCacheDir(options);
  const target = join(root, version, 'kurtosis');
  const releaseUrl = `${baseUrl}/${encodeURIComponent(version)}`;
  const archiveUrl = `${releaseUrl}/${asset}`;
  const fail = (url: string, reason: string, cause?: unknown) =>
    new DownloadFailedError(
      url,
      reason,
      `install Kurtosis ${version} by hand (${INSTALL_DOCS}) or point DEVNET_KIT_KURTOSIS at a kurtosis binary`,
      { cause },
    );
  try {
    mkdirSync(root, { recursive: true });
  } catch (error) {
    throw fail(archiveUrl, `cannot create the cache folder ${root}: ${errnoText(error)}`, error);
  }

  // Held for a whole download: the holder touches it, so only a lock whose holder died goes stale.
  const lock = {
    staleMs: 30_000,
    retryMs: 100,
    signal: options.signal,
    what: 'waiting for the Kurtosis download lock',
    onWait: () =>
      options.onEvent?.({
        type: 'info',
        message: 'waiting for another devnet-kit that is downloading Kurtosis…',
      }),
  };
  await withDirLock(join(root, `.${version}.lock`), lock, async () => {
    // Another process may have finished while this one waited.
    if (isExecutableFile(target)) return;
    for (const entry of readdirSync(root)) {
      // Only a lock holder writes .tmp-* folders: any found now were left by a killed process.
      if (entry.startsWith(`.tmp-${version}-`)) rmSync(join(root, entry), { recursive: true, force: true });
    }
    const tmp = mkdtempSync(join(root, `.tmp-${version}-`));
    try {
      const checksums = await download(`${releaseUrl}/checksums.txt`, undefined, options, fail);
      const expected = parseChecksums(checksums.text ?? '').get(asset);
      if (!expected) throw fail(`${releaseUrl}/checksums.txt`, `checksums.txt lists no ${asset}`);
      const archive = join(tmp, asset);
      const got = await download(archiveUrl, archive, options, fail, version);
      if (got.sha256 !== expected) {
        throw fail(
          archiveUrl,
          `sha256 mismatch: checksums.txt says ${expected}, the download is ${got.sha256}`,
        );
      }
      const unpacked = join(tmp, version);
      mkdirSync(unpacked);
      await extractKurtosis(archive, unpacked, (reason, cause) => fail(archiveUrl, reason, cause));
      // One rename publishes the whole version folder: a crash before it leaves only .tmp-*.
      renameSync(unpacked, join(root, version));
      options.onEvent?.({
        type: 'download',
        phase: 'done',
        what: `Kurtosis CLI ${version}`,
        url: archiveUrl,
        receivedBytes: got.bytes,
        totalBytes: got.bytes,
        bytesPerSecond: got.bytesPerSecond,
        path: target,
      });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }).catch((error: unknown) => {
    if (error instanceof DownloadFailedError || error instanceof InterruptedError) throw error;
    throw fail(archiveUrl, errnoText(error), error);
  });
  return {
    command: target,
    path: target,
    source: 'download',
    reason: `downloaded Kurtosis ${version} into devnet-kit's cache (no kurtosis on PATH)`,
  };
}

/** Versions in devnet-kit's cache, oldest name first. */
export function listCachedKurtosis(options: FindKurtosisOptions = {}): CachedKurtosis[] {
  const root = kurtosisCacheDir(options);
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  return entries
    .filter((e) => !e.startsWith('.') && isExecutableFile(join(root, e, 'kurtosis')))
    .sort()
    .map((version) => ({ version, path: join(root, version, 'kurtosis') }));
}

export interface CleanCacheResult {
  dir: string;
  removed: CachedKurtosis[];
}

/** Removes every cached kurtosis (and what killed downloads left). */
export function cleanKurtosisCache(options: FindKurtosisOptions = {}): CleanCacheResult {
  const dir = kurtosisCacheDir(options);
  const removed = listCachedKurtosis(options);
  rmSync(dir, { recursive: true, force: true });
  return { dir, removed };
}

/** `kurtosis/` in devnet-kit's cache folder (lib/exec/cache-dir.ts). */
export function kurtosisCacheDir(options: Pick<FindKurtosisOptions, 'cacheDir' | 'env'> = {}): string {
  return options.cacheDir ?? join(devnetKitCacheDir(options.env ?? process.env), 'kurtosis');
}

/** A version goes into a URL and a folder name: digits and dots, an optional pre-release suffix. */
export function kurtosisVersion(version: string | undefined, label = 'kurtosis.version'): string {
  const v = version ?? KURTOSIS_VERSION;
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v)) {
    throw new InvalidInputError(
      label,
      `${label} ${JSON.stringify(v)} is not a Kurtosis version; use one like ${KURTOSIS_VERSION}`,
    );
  }
  return v;
}

export function kurtosisDownloadUrl(url: string | undefined, label = 'kurtosis.download_url'): string {
  const value = url ?? DEFAULT_KURTOSIS_DOWNLOAD_URL;
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new InvalidInputError(
      label,
      `${label} ${JSON.stringify(value)} is not an http(s) URL; use one like ${DEFAULT_KURTOSIS_DOWNLOAD_URL}`,
    );
  }
  return value.replace(/\/+$/, '');
}

const GOOS: Record<string, string> = { linux: 'linux', darwin: 'darwin' };
const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

/** The archive name Kurtosis publishes for this platform. */
export function releaseAsset(version: string, platform: string, arch: string): string {
  const os = GOOS[platform];
  const goarch = GOARCH[arch];
  if (!os || !goarch) {
    throw new BinaryNotFoundError('kurtosis', 'kurtosis', {
      why: `not on PATH, and devnet-kit downloads Kurtosis only for linux and darwin on amd64 and arm64, not ${platform}/${arch}`,
    });
  }
  return `kurtosis-cli_${version}_${os}_${goarch}.tar.gz`;
}

/** goreleaser's checksums.txt: `<sha256 hex>  <file name>` per line. */
export function parseChecksums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64})\s+\*?(\S+)\s*$/i.exec(line.trim());
    if (m) sums.set(m[2]!, m[1]!.toLowerCase());
  }
  return sums;
}

function findOnPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    if (isExecutableFile(file)) return file;
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function errnoText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC') return `the disk is full (${e.path ?? 'cache folder'})`;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return `permission denied (${e.path ?? ''})`;
  return firstLine(error);
}

type Fail = (url: string, reason: string, cause?: unknown) => DownloadFailedError;

interface Downloaded {
  text?: string;
  sha256: string;
  bytes: number;
  bytesPerSecond: number;
}

/**
 * GET `url` into `file` (or into memory), hashing as it goes. Proxies as curl and Node's fetch users
 * expect: HTTP(S)_PROXY / NO_PROXY from the caller's env, through undici's EnvHttpProxyAgent.
 */
async function download(
  url: string,
  file: string | undefined,
  options: EnsureKurtosisOptions,
  fail: Fail,
  version?: string,
): Promise<Downloaded> {
  const { createHash, fetch, EnvHttpProxyAgent } = await import('./download-deps.js');
  const env = options.env ?? process.env;
  const dispatcher = new EnvHttpProxyAgent({
    httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? '',
    httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? '',
    noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
  });
  const stallMs = options.stallTimeoutMs ?? 30_000;
  const stall = new AbortController();
  let timer = setTimeout(() => stall.abort(), stallMs);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(), stallMs);
  };
  const signal = options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal;
  const started = performance.now();
  let received = 0;
  let total: number | undefined;
  const whyFailed = (error: unknown): DownloadFailedError | InterruptedError => {
    if (options.signal?.aborted) return new InterruptedError(`download of ${url}`, { cause: error });
    if (stall.signal.aborted) return fail(url, `no data for ${Math.round(stallMs / 1000)}s`, error);
    if (total !== undefined && received < total)
      return fail(url, `the connection closed after ${received} of ${total} bytes`, error);
    return fail(url, networkReason(error), error);
  };
  try {
    let response: Awaited<ReturnType<typeof fetch>>;
    try {
      response = await fetch(url, { dispatcher, signal, redirect: 'follow' });
    } catch (error) {
      throw whyFailed(error);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => {});
      const hint = response.status === 404 ? ' (no such Kurtosis version or platform there?)' : '';
      throw fail(url, `HTTP ${response.status} ${response.statusText}${hint}`.trim());
    }
    const length = Number(response.headers.get('content-length'));
    total = Number.isFinite(length) && length > 0 ? length : undefined;
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let lastEvent = 0;
    const progress = (phase: 'start' | 'progress') => {
      if (!version) return;
      const seconds = (performance.now() - started) / 1000;
      options.onEvent?.({
        type: 'download',
        phase,
        what: `Kurtosis CLI ${version}`,
        url,
        receivedBytes: received,
        totalBytes: total,
        bytesPerSecond: seconds > 0 ? Math.round(received / seconds) : 0,
      });
    };
    progress('start');
    async function* tap(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      for await (const chunk of source) {
        touch();
        received += chunk.byteLength;
        hash.update(chunk);
        if (!file) chunks.push(Buffer.from(chunk));
        const now = performance.now();
        if (now - lastEvent > 200) {
          lastEvent = now;
          progress('progress');
        }
        yield chunk;
      }
    }
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    try {
      if (file) await pipeline(body, tap, createWriteStream(file), { signal });
      else
        await pipeline(
          body,
          tap,
          async (source: AsyncIterable<Uint8Array>) => {
            for await (const _ of source);
          },
          { signal },
        );
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
        throw fail(url, errnoText(error), error);
      throw whyFailed(error);
    }
    if (total !== undefined && received !== total)
      throw fail(url, `the connection closed after ${received} of ${total} bytes`);
    const seconds = (performance.now() - started) / 1000;
    return {
      text: file ? undefined : Buffer.concat(chunks).toString('utf8'),
      sha256: hash.digest('hex'),
      bytes: received,
      bytesPerSecond: seconds > 0 ? Math.round(received / seconds) : 0,
    };
  } finally {
    clearTimeout(timer);
    await dispatcher.close().catch(() => {});
  }
}

function networkReason(error: unknown): string {
  let e: unknown = error;
  // fetch wraps the socket error: TypeError('fetch failed') → cause (an AggregateError for dual-stack).
  for (let depth = 0; depth < 4 && e; depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found (is there a network?)';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection was reset';
    if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'the connection timed out';
    if (code && /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_)/.test(code))
      return `TLS: ${(e as Error).message}`;
    const inner =
      (e as { errors?: unknown[]; cause?: unknown }).errors?.[0] ?? (e as { cause?: unknown }).cause;
    if (!inner) break;
    e = inner;
  }
  return firstLine(error);
}

/** Only the `kurtosis` file at the archive's root leaves the archive; tar refuses `..` and absolute paths. */
async function extractKurtosis(
  archive: string,
  dest: string,
  fail: (reason: string, cause?: unknown) => DownloadFailedError,
): Promise<void> {
  const { extractTar: x } = await import('./download-deps.js');
  try {
    await x({
      file: archive,
      cwd: dest,
      strict: true,
      filter: (path, entry) =>
        (path === 'kurtosis' || path === './kurtosis') && (entry as { type?: string }).type === 'File',
    });
  } catch (error) {
    throw fail(`the archive is damaged (${errnoText(error)})`, error);
  }
  const bin = join(dest, 'kurtosis');
  try {
    if (!statSync(bin).isFile()) throw new Error('not a file');
  } catch (error) {
    throw fail('the archive has no kurtosis file at its root', error);
  }
  // tar keeps the archive's mode; make sure it runs whatever the packer did.
  chmodSync(bin, 0o755);
}
