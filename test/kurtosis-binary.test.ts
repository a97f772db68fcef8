// The library's provision of kurtosis: resolution order, download + sha256 check + atomic placement,
// every failure leaving an empty cache, the opt-out, proxies — against a release served on loopback.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createUi } from '../bin/io.js';
import { progressPrinter } from '../bin/shared.js';
import { loadConfig } from '../lib/config.js';
import { createRunner } from '../lib/exec/exec.js';
import {
  BinaryNotFoundError,
  cleanKurtosisCache,
  type DevnetEvent,
  DownloadFailedError,
  ensureKurtosis,
  findKurtosis,
  InterruptedError,
  InvalidInputError,
  KURTOSIS_VERSION,
  listCachedKurtosis,
} from '../lib/index.js';
import { createFakeKurtosis, type FakeKurtosis } from './support/fake-kurtosis.js';
import {
  buildRelease,
  hostAsset,
  type Release,
  type ReleaseServer,
  refusedUrl,
  startProxy,
  startReleaseServer,
  type TestProxy,
} from './support/kurtosis-release.js';
import { assertBuilt } from './support/reliability.js';
import { tempDir, writeExecutable } from './support/tmp.js';

const skip = hostAsset(KURTOSIS_VERSION)
  ? false
  : `Kurtosis publishes no CLI for ${process.platform}/${process.arch}`;

describe('devnet-kit provides the pinned kurtosis', { skip }, () => {
  const tmp = tempDir('devnet-kit-provide-');
  let release: Release;
  let server: ReleaseServer;
  let fake: FakeKurtosis;
  let n = 0;
  /** A fresh machine: only node on PATH, its own cache. */
  let env: NodeJS.ProcessEnv;
  let cacheRoot: string;

  before(async () => {
    release = await buildRelease(tmp.dir);
    server = await startReleaseServer(release);
    fake = createFakeKurtosis({ backend: 'docker' });
  });
  beforeEach(() => {
    n++;
    server.fault = 'none';
    server.requests.length = 0;
    const home = join(tmp.dir, `home-${n}`);
    const empty = join(tmp.dir, `bin-${n}`);
    mkdirSync(empty, { recursive: true });
    // Node (the fake kurtosis is a node script) and nothing else.
    symlinkSync(process.execPath, join(empty, 'node'));
    env = { HOME: home, XDG_CACHE_HOME: join(home, 'cache'), PATH: empty };
    cacheRoot = join(home, 'cache', 'devnet-kit', 'kurtosis');
  });
  after(async () => {
    await server.close();
    fake.cleanup();
    tmp.cleanup();
  });

  const cacheEntries = () => (existsSync(cacheRoot) ? readdirSync(cacheRoot) : []);

  it('downloads the pinned release, checks its sha256, and places a runnable kurtosis in the cache', async () => {
    const events: DevnetEvent[] = [];
    const found = await ensureKurtosis({ env, downloadUrl: server.url, onEvent: (e) => events.push(e) });
    const path = join(cacheRoot, KURTOSIS_VERSION, 'kurtosis');
    assert.deepEqual(found, {
      command: path,
      path,
      source: 'download',
      reason: `downloaded Kurtosis ${KURTOSIS_VERSION} into devnet-kit's cache (no kurtosis on PATH)`,
    });
    assert.deepEqual(server.requests, [
      `/kurtosis-cli-release-artifacts/releases/download/${KURTOSIS_VERSION}/checksums.txt`,
      `/kurtosis-cli-release-artifacts/releases/download/${KURTOSIS_VERSION}/${release.asset}`,
    ]);
    // Only the binary leaves the archive (not its completion scripts), and nothing temporary stays.
    assert.deepEqual(readdirSync(join(cacheRoot, KURTOSIS_VERSION)), ['kurtosis']);
    assert.deepEqual(cacheEntries(), [KURTOSIS_VERSION]);
    const version = execFileSync(path, ['version'], {
      env: { ...process.env, ...fake.env },
      encoding: 'utf8',
    });
    assert.match(version, /CLI Version: +1\.20\.0/);
    const downloads = events.filter((e) => e.type === 'download');
    assert.equal(downloads[0]?.phase, 'start');
    assert.equal(downloads[0]?.totalBytes, release.archive.length);
    assert.equal(downloads.at(-1)?.phase, 'done');
    assert.equal(downloads.at(-1)?.receivedBytes, release.archive.length);

    const again = await ensureKurtosis({ env, downloadUrl: server.url });
    assert.equal(again.source, 'cache');
    assert.equal(server.requests.length, 2, 'the cached kurtosis needs no request');
    assert.deepEqual(listCachedKurtosis({ env }), [{ version: KURTOSIS_VERSION, path }]);
  });

  for (const [fault, reason] of [
    ['bad-checksum', /sha256 mismatch: checksums\.txt says 0{64}, the download is [0-9a-f]{64}/],
    ['truncate', /the connection closed after \d+ of \d+ bytes/],
    ['not-found', /HTTP 404 Not Found \(no such Kurtosis version or platform there\?\)/],
  ] as const) {
    it(`a ${fault} download fails with one line naming the URL, the reason and the way out; the cache stays empty`, async () => {
      server.fault = fault;
      const error = await ensureKurtosis({ env, downloadUrl: server.url }).catch((e: unknown) => e);
      assert.ok(error instanceof DownloadFailedError, String(error));
      assert.equal(error.message.split('\n').length, 1, error.message);
      assert.match(
        error.message,
        /^could not download http:\/\/127\.0\.0\.1:\d+\/kurtosis-cli-release-artifacts\/releases\/download\/1\.20\.0\//,
      );
      assert.match(error.message, reason);
      assert.match(
        error.message,
        /; install Kurtosis 1\.20\.0 by hand \(https:\/\/docs\.kurtosis\.com\/install\) or point DEVNET_KIT_KURTOSIS at a kurtosis binary$/,
      );
      assert.deepEqual(cacheEntries(), []);
    });
  }

  it('a refused connection fails the same way, with an empty cache', async () => {
    const url = await refusedUrl();
    const error = await ensureKurtosis({ env, downloadUrl: url }).catch((e: unknown) => e);
    assert.ok(error instanceof DownloadFailedError, String(error));
    assert.match(
      error.message,
      /^could not download http:\/\/127\.0\.0\.1:\d+\/releases\/download\/1\.20\.0\/checksums\.txt: connection refused; install Kurtosis/,
    );
    assert.deepEqual(cacheEntries(), []);
  });

  it('a download that stalls fails after the stall timeout instead of hanging', async () => {
    server.chunkDelayMs = 2000;
    try {
      const error = await ensureKurtosis({ env, downloadUrl: server.url, stallTimeoutMs: 300 }).catch(
        (e: unknown) => e,
      );
      assert.ok(error instanceof DownloadFailedError, String(error));
      assert.match(error.message, /: no data for 0s;|: no data for \d+s;/);
      assert.deepEqual(cacheEntries(), []);
    } finally {
      server.chunkDelayMs = 0;
    }
  });

  it('an aborted download (Ctrl-C) is an InterruptedError and leaves nothing behind', async () => {
    server.chunkDelayMs = 200;
    const controller = new AbortController();
    try {
      const pending = ensureKurtosis({
        env,
        downloadUrl: server.url,
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'download' && e.phase === 'start') controller.abort();
        },
      }).catch((e: unknown) => e);
      const error = await pending;
      assert.ok(error instanceof InterruptedError, String(error));
      assert.deepEqual(cacheEntries(), []);
    } finally {
      server.chunkDelayMs = 0;
    }
  });

  it('with downloads off, a missing kurtosis is a BinaryNotFoundError and nothing is requested', async () => {
    const error = await ensureKurtosis({ env, downloadUrl: server.url, download: false }).catch(
      (e: unknown) => e,
    );
    assert.ok(error instanceof BinaryNotFoundError, String(error));
    assert.match(error.message, /downloads are off \(DEVNET_KIT_NO_DOWNLOAD or kurtosis\.download: false\)/);
    assert.deepEqual(server.requests, []);
  });

  it('a kurtosis on PATH wins over the cache and the download', async () => {
    await ensureKurtosis({ env, downloadUrl: server.url });
    const requests = server.requests.length;
    const onPath = writeExecutable(env.PATH!, 'kurtosis', 'console.log("on path")');
    const found = await ensureKurtosis({ env, downloadUrl: server.url });
    assert.deepEqual(
      { command: found.command, path: found.path, source: found.source },
      { command: 'kurtosis', path: onPath, source: 'path' },
    );
    assert.equal(server.requests.length, requests);
    // And an explicit binary wins over PATH.
    assert.equal(findKurtosis({ env: { ...env, DEVNET_KIT_KURTOSIS: '/opt/k' } })?.source, 'env');
    assert.equal(findKurtosis({ env, binary: '/opt/k2' })?.command, '/opt/k2');
  });

  it('says so on a platform Kurtosis publishes no CLI for, without a request', async () => {
    const error = await ensureKurtosis({
      env,
      downloadUrl: server.url,
      platform: 'win32',
      arch: 'ia32',
    }).catch((e: unknown) => e);
    assert.ok(error instanceof BinaryNotFoundError, String(error));
    assert.match(
      error.message,
      /downloads Kurtosis only for linux and darwin on amd64 and arm64, not win32\/ia32/,
    );
    assert.deepEqual(server.requests, []);
  });

  it('goes through HTTP_PROXY for an http:// URL, and around it for a NO_PROXY host', async () => {
    const proxy: TestProxy = await startProxy();
    const target = new URL(server.url).host;
    const through = () => [...proxy.connects, ...proxy.forwards.map((u) => new URL(u).host)];
    try {
      await ensureKurtosis({ env: { ...env, HTTP_PROXY: proxy.url }, downloadUrl: server.url });
      // undici tunnels (CONNECT) even for http:// targets; either way the traffic went through the proxy.
      assert.ok(through().length >= 1, 'the download went through the proxy');
      assert.ok(
        through().every((host) => host === target),
        through().join(', '),
      );
      assert.equal(listCachedKurtosis({ env }).length, 1);
      cleanKurtosisCache({ env });
      const before = through().length;
      await ensureKurtosis({
        env: { ...env, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' },
        downloadUrl: server.url,
      });
      assert.equal(through().length, before, 'NO_PROXY bypasses the proxy');
      assert.equal(listCachedKurtosis({ env }).length, 1);
    } finally {
      await proxy.close();
    }
  });

  it('the built library (dist/index.mjs, undici and tar as real imports) downloads the same way', async () => {
    const dist = new URL('../dist/index.mjs', import.meta.url);
    // A missing or stale bundle fails the test: a skip here would pass without testing what ships.
    assertBuilt();
    const lib = (await import(dist.href)) as typeof import('../lib/index.js');
    const found = await lib.ensureKurtosis({ env, downloadUrl: server.url });
    assert.equal(found.source, 'download');
    assert.deepEqual(cacheEntries(), [KURTOSIS_VERSION]);
  });

  it('a process killed mid-download leaves no kurtosis in the cache; the next download clears its leftovers', async () => {
    // The built library in a process of its own, SIGKILLed once the archive's transfer has started.
    assertBuilt();
    const dist = new URL('../dist/index.mjs', import.meta.url).href;
    server.chunkDelayMs = 500;
    try {
      const child = spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const l = await import(${JSON.stringify(dist)});
           await l.ensureKurtosis({ env: JSON.parse(process.env.CHILD_ENV), downloadUrl: ${JSON.stringify(server.url)},
             onEvent: (e) => { if (e.type === 'download' && e.phase === 'start') console.log('started'); } });`,
        ],
        { env: { ...process.env, CHILD_ENV: JSON.stringify(env) }, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('started')) resolve();
        });
        child.on('exit', (code) =>
          reject(new Error(`the child ended (${code}) before the download started`)),
        );
      });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('exit', resolve));
    } finally {
      server.chunkDelayMs = 0;
    }
    // Only the lock and the temporary folder: nothing that findKurtosis would take for a kurtosis.
    assert.deepEqual(
      cacheEntries()
        .map((e) => e.replace(/^\.tmp-1\.20\.0-.*/, '.tmp-1.20.0-*'))
        .sort(),
      ['.1.20.0.lock', '.tmp-1.20.0-*'],
    );
    assert.equal(findKurtosis({ env }), undefined);
    assert.deepEqual(listCachedKurtosis({ env }), []);
    // Its lock would go stale after 30 s untouched; take it now, as a later run would then.
    rmSync(join(cacheRoot, '.1.20.0.lock'), { recursive: true });
    const found = await ensureKurtosis({ env, downloadUrl: server.url });
    assert.equal(found.source, 'download');
    assert.deepEqual(cacheEntries(), [KURTOSIS_VERSION]);
  });

  it('cleanKurtosisCache removes the cached versions', async () => {
    await ensureKurtosis({ env, downloadUrl: server.url });
    const result = cleanKurtosisCache({ env });
    assert.deepEqual(
      result.removed.map((c) => c.version),
      [KURTOSIS_VERSION],
    );
    assert.deepEqual(listCachedKurtosis({ env }), []);
    assert.equal(existsSync(cacheRoot), false);
  });

  it('the runner downloads before its first kurtosis spawn only, and spawns the cached binary', async () => {
    const events: DevnetEvent[] = [];
    const runner = createRunner({
      env: { ...process.env, ...fake.env, ...env },
      kurtosis: { downloadUrl: server.url },
      onEvent: (e) => events.push(e),
    });
    const first = await runner.run({ tool: 'kurtosis', args: ['version'] });
    assert.match(first.stdout, /CLI Version: +1\.20\.0/);
    assert.equal(first.argv[0], join(cacheRoot, KURTOSIS_VERSION, 'kurtosis'));
    await runner.run({ tool: 'kurtosis', args: ['version'] });
    assert.equal(server.requests.length, 2);
    assert.equal(events.filter((e) => e.type === 'download' && e.phase === 'done').length, 1);
    const spawn = events.find((e) => e.type === 'spawn');
    const start = events.findIndex((e) => e.type === 'download');
    assert.ok(start >= 0 && events.indexOf(spawn!) > start, 'the download came before the first spawn');
  });
});

describe('download progress in the CLI', () => {
  const event = (phase: 'start' | 'progress' | 'done', receivedBytes: number): DevnetEvent => ({
    type: 'download',
    phase,
    what: 'Kurtosis CLI 1.20.0',
    url: 'https://example.invalid/k.tar.gz',
    receivedBytes,
    totalBytes: 4 * 1024 * 1024,
    bytesPerSecond: 2 * 1024 * 1024,
    path: phase === 'done' ? '/cache/1.20.0/kurtosis' : undefined,
  });
  const render = (isTTY: boolean, env: NodeJS.ProcessEnv) => {
    let stderr = '';
    const io = {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
      env,
      cwd: '/',
      isTTY,
    };
    const print = progressPrinter(createUi(io, { json: false, color: false, verbose: false }), false);
    for (const e of [
      event('start', 0),
      event('progress', 1024 * 1024),
      event('progress', 2 * 1024 * 1024),
      event('done', 4 * 1024 * 1024),
    ])
      print(e);
    return stderr;
  };

  it('draws a bar with bytes and speed on a TTY, ending in one summary line', () => {
    const out = render(true, {});
    assert.match(out, /Kurtosis CLI 1\.20\.0 \[#####---------------\] 1\.0 MiB\/4\.0 MiB 2\.0 MiB\/s/);
    assert.match(
      out,
      /\r\x1b\[K {2}Kurtosis CLI 1\.20\.0: 4\.0 MiB, sha256 verified → \/cache\/1\.20\.0\/kurtosis\n$/,
    );
  });

  it('prints one line in CI', () => {
    assert.equal(
      render(false, { CI: 'true' }),
      'downloading Kurtosis CLI 1.20.0 (4.0 MiB) from https://example.invalid/k.tar.gz\n',
    );
  });
});

describe('kurtosis settings in devnet-kit.yaml and the environment', () => {
  it('defaults to the pinned version, downloads on, and Kurtosis’s release artifacts', () => {
    assert.deepEqual(loadConfig({ config: {}, env: {} }).kurtosis, {
      version: '1.20.0',
      download: true,
      downloadUrl: 'https://github.com/kurtosis-tech/kurtosis-cli-release-artifacts/releases/download',
    });
  });

  it('reads kurtosis.version / download / download_url, with the env on top', () => {
    const config = {
      kurtosis: { version: '1.19.3', download: true, download_url: 'https://mirror.example/k/' },
    };
    assert.deepEqual(loadConfig({ config, env: {} }).kurtosis, {
      version: '1.19.3',
      download: true,
      downloadUrl: 'https://mirror.example/k',
    });
    assert.deepEqual(
      loadConfig({
        config,
        env: {
          DEVNET_KIT_KURTOSIS_VERSION: '1.20.0',
          DEVNET_KIT_NO_DOWNLOAD: '1',
          DEVNET_KIT_KURTOSIS_DOWNLOAD_URL: 'http://127.0.0.1:1/x',
        },
      }).kurtosis,
      { version: '1.20.0', download: false, downloadUrl: 'http://127.0.0.1:1/x' },
    );
    assert.equal(loadConfig({ config: { kurtosis: { download: false } }, env: {} }).kurtosis.download, false);
  });

  it('refuses a version or URL that is not one, naming the key', () => {
    for (const [config, env, pattern] of [
      [
        { kurtosis: { version: '../1' } },
        {},
        /config: kurtosis\.version "\.\.\/1" is not a Kurtosis version; use one like 1\.20\.0/,
      ],
      [
        {},
        { DEVNET_KIT_KURTOSIS_VERSION: 'latest' },
        /DEVNET_KIT_KURTOSIS_VERSION "latest" is not a Kurtosis version/,
      ],
      [
        { kurtosis: { download_url: 'ftp://x' } },
        {},
        /kurtosis\.download_url "ftp:\/\/x" is not an http\(s\) URL/,
      ],
      [{ kurtosis: { download: 'no' } }, {}, /kurtosis\.download must be a boolean/],
      [
        { kurtosis: { versoin: '1' } },
        {},
        /unknown key 'kurtosis\.versoin'; allowed under kurtosis: version, download, download_url/,
      ],
    ] as const) {
      assert.throws(
        () => loadConfig({ config, env }),
        (e: unknown) => e instanceof InvalidInputError && pattern.test(e.message),
      );
    }
  });
});
