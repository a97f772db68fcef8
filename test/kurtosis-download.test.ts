// The CLI on a machine with Node and Docker only: no kurtosis anywhere, so the first command that needs
// it downloads the pinned release (served on loopback) into devnet-kit's cache, and everything after
// uses the cache. Real processes (spawnCli), so concurrency, proxies and exit codes are real.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KURTOSIS_VERSION } from '../lib/index.js';
import { MINIMAL } from './support/args-fixtures.js';
import { FAKE_KURTOSIS_BIN } from './support/fake-kurtosis.js';
import { useHarness } from './support/harness.js';
import {
  buildRelease,
  hostAsset,
  type Release,
  type ReleaseServer,
  refusedUrl,
  startProxy,
  startReleaseServer,
  TLS_CERT,
} from './support/kurtosis-release.js';
import { assertBuilt, spawnCli } from './support/reliability.js';
import { tempDir } from './support/tmp.js';

const skip = hostAsset(KURTOSIS_VERSION)
  ? false
  : `Kurtosis publishes no CLI for ${process.platform}/${process.arch}`;

describe('the CLI provides kurtosis on a machine without it', { skip }, () => {
  const tmp = tempDir('devnet-kit-download-');
  const h = useHarness('docker');
  let release: Release;
  let server: ReleaseServer;
  let n = 0;

  before(async () => {
    release = await buildRelease(tmp.dir);
    server = await startReleaseServer(release);
  });
  after(async () => {
    await server.close();
    tmp.cleanup();
  });

  /** The harness's world without the fake kurtosis on PATH, and a cache of its own. */
  function machine(extra: NodeJS.ProcessEnv = {}): { env: NodeJS.ProcessEnv; cache: string } {
    n++;
    const fakeDir = dirname(FAKE_KURTOSIS_BIN);
    const nodeOnly = join(tmp.dir, `node-bin-${n}`);
    mkdirSync(nodeOnly, { recursive: true });
    symlinkSync(process.execPath, join(nodeOnly, 'node'));
    const path = [nodeOnly, ...(h.env.PATH ?? '').split(delimiter).filter((d) => d && d !== fakeDir)];
    const cacheHome = join(tmp.dir, `cache-${n}`);
    return {
      env: {
        ...h.env,
        PATH: path.join(delimiter),
        XDG_CACHE_HOME: cacheHome,
        DEVNET_KIT_KURTOSIS_DOWNLOAD_URL: server.url,
        ...extra,
      },
      cache: join(cacheHome, 'devnet-kit', 'kurtosis'),
    };
  }
  const run = async (args: string[], env: NodeJS.ProcessEnv) => {
    const cli = spawnCli(['--owner', 'alice', ...args], { env, cwd: h.cwd });
    const { code } = await cli.exit;
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  };
  /** In-process (no CLI start-up cost) where no signal, proxy CA or concurrency is involved. */
  const main = (args: string[], env: NodeJS.ProcessEnv) => h.cli(['--owner', 'alice', ...args], { env });
  const entries = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
  const archiveRequests = () => server.requests.filter((r) => r.endsWith(release.asset)).length;

  it('first `up` downloads, verifies and uses the pinned kurtosis; later commands use the cache with no request', async () => {
    server.requests.length = 0;
    const { env, cache } = machine();
    const calls = h.kurtosisCalls().length;
    // The README's command as it stands: no name, no args file.
    const up = await run(['up'], env);
    assert.equal(up.code, 0, up.stderr);
    const downloading = up.stderr.split('\n').filter((l) => l.includes('Kurtosis CLI'));
    assert.deepEqual(downloading, [
      `downloading Kurtosis CLI 1.20.0 (${release.archive.length} B) from ${server.url}/1.20.0/${release.asset}`,
    ]);
    assert.equal(server.requests.length, 2);
    assert.ok(
      h
        .kurtosisCalls()
        .slice(calls)
        .some((argv) => argv[0] === 'run'),
      'the downloaded kurtosis ran the package',
    );
    assert.deepEqual(entries(cache), ['1.20.0']);

    const ls = await main(['--json', 'ls'], env);
    assert.equal(ls.code, 0, ls.stderr);
    const names = JSON.parse(ls.stdout).map((e: { name: string }) => e.name);
    assert.equal(names.length, 1, ls.stdout);
    const doctor = await main(['--json', 'doctor'], env);
    const report = JSON.parse(doctor.stdout);
    assert.equal(report.kurtosis.source, 'cache');
    assert.equal(report.kurtosis.command, join(cache, '1.20.0', 'kurtosis'));
    assert.deepEqual(
      report.kurtosis.cached.map((c: { version: string }) => c.version),
      ['1.20.0'],
    );
    // Point 4: doctor lists the cached versions in its human report too.
    assert.deepEqual(
      report.checks.find((c: { name: string }) => c.name === 'kurtosis cache'),
      {
        name: 'kurtosis cache',
        status: 'ok',
        detail: `1.20.0 in ${cache} (\`devnet-kit cache clean\` removes them)`,
      },
    );
    assert.match(
      report.checks.find((c: { name: string }) => c.name === 'kurtosis').detail,
      /^CLI 1\.20\.0 at .*\/1\.20\.0\/kurtosis, devnet-kit's download of Kurtosis 1\.20\.0 \(no kurtosis on PATH\)$/,
    );
    assert.equal((await main(['down', names[0]], env)).code, 0);
    assert.equal(server.requests.length, 2, 'no request after the first download');

    const clean = await main(['cache', 'clean'], env);
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /^removed Kurtosis CLI 1\.20\.0 \(.*\/1\.20\.0\/kurtosis\)$/m);
    assert.deepEqual(entries(cache), []);
    const again = await main(['cache', 'clean'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, `nothing cached in ${cache}\n`);
    const empty = JSON.parse((await main(['--json', 'doctor'], env)).stdout);
    assert.deepEqual(
      empty.checks.find((c: { name: string }) => c.name === 'kurtosis cache'),
      { name: 'kurtosis cache', status: 'skip', detail: `nothing cached in ${cache}` },
    );

    const off = await main(['ls'], { ...env, DEVNET_KIT_NO_DOWNLOAD: '1' });
    assert.equal(off.code, 1);
    assert.match(
      off.stderr,
      /^devnet-kit: kurtosis not found \(looked for 'kurtosis'; not on PATH, and downloads are off \(DEVNET_KIT_NO_DOWNLOAD or kurtosis\.download: false\)\): install the Kurtosis CLI/,
    );
    assert.equal(server.requests.length, 2, 'DEVNET_KIT_NO_DOWNLOAD never touches the network');
  });

  it('two first runs at once download once, and both succeed', async () => {
    server.requests.length = 0;
    server.chunkDelayMs = 150;
    try {
      const { env, cache } = machine();
      const [a, b] = await Promise.all([run(['--json', 'ls'], env), run(['--json', 'ls'], env)]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      assert.equal(archiveRequests(), 1);
      assert.deepEqual(entries(cache), ['1.20.0']);
    } finally {
      server.chunkDelayMs = 0;
    }
  });

  // Issue #18 point 3, through the CLI: a checksum mismatch, a truncated archive, a 404 and a refused
  // connection each exit 1 with one line (URL, why, the way out) and an empty cache.
  for (const [fault, file, reason] of [
    [
      'not-found',
      'checksums\\.txt',
      'HTTP 404 Not Found \\(no such Kurtosis version or platform there\\?\\)',
    ],
    [
      'bad-checksum',
      'kurtosis-cli_\\S+\\.tar\\.gz',
      'sha256 mismatch: checksums\\.txt says 0{64}, the download is [0-9a-f]{64}',
    ],
    ['truncate', 'kurtosis-cli_\\S+\\.tar\\.gz', 'the connection closed after \\d+ of \\d+ bytes'],
    ['refused', 'checksums\\.txt', 'connection refused'],
  ] as const) {
    it(`a failed download (${fault}) exits 1 with one line and leaves the cache empty`, async () => {
      const refused = fault === 'refused' ? { DEVNET_KIT_KURTOSIS_DOWNLOAD_URL: await refusedUrl() } : {};
      if (fault !== 'refused') server.fault = fault;
      try {
        const { env, cache } = machine(refused);
        const r = await main(['ls'], env);
        assert.equal(r.code, 1, r.stderr);
        // Once the archive's transfer starts, CI's one progress line comes first; the error is one line.
        const lines = r.stderr.trimEnd().split('\n');
        const progress = lines.slice(0, -1);
        assert.ok(
          progress.length <= 1 && progress.every((l) => l.startsWith('downloading Kurtosis CLI 1.20.0 ')),
          r.stderr,
        );
        assert.match(
          lines.at(-1)!,
          new RegExp(
            `^devnet-kit: could not download http://127\\.0\\.0\\.1:\\d+/\\S*1\\.20\\.0/${file}: ${reason}; install Kurtosis 1\\.20\\.0 by hand \\(https://docs\\.kurtosis\\.com/install\\) or point DEVNET_KIT_KURTOSIS at a kurtosis binary$`,
          ),
        );
        assert.deepEqual(entries(cache), []);
      } finally {
        server.fault = 'none';
      }
    });
  }

  it('DEVNET_KIT_KURTOSIS_VERSION chooses the release it downloads: one the server lacks is a 404 naming it', async () => {
    server.requests.length = 0;
    const { env, cache } = machine({ DEVNET_KIT_KURTOSIS_VERSION: '1.19.4' });
    const r = await main(['ls'], env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /^devnet-kit: could not download http:\/\/127\.0\.0\.1:\d+\/\S+\/1\.19\.4\/checksums\.txt: HTTP 404 Not Found \(no such Kurtosis version or platform there\?\); install Kurtosis 1\.19\.4 by hand/,
    );
    assert.deepEqual(server.requests, [
      '/kurtosis-cli-release-artifacts/releases/download/1.19.4/checksums.txt',
    ]);
    assert.deepEqual(entries(cache), []);
  });

  it('doctor and `up --dry-run` never download; doctor says what will happen', async () => {
    server.requests.length = 0;
    const { env, cache } = machine();
    const plan = await main(['up', 'planned', '--dry-run', '-f', MINIMAL], env);
    assert.equal(plan.code, 0, plan.stderr);
    const doctor = await main(['--json', 'doctor'], env);
    const report = JSON.parse(doctor.stdout);
    assert.deepEqual(
      report.checks.find((c: { name: string }) => c.name === 'kurtosis'),
      {
        name: 'kurtosis',
        status: 'warn',
        detail: `not on PATH; devnet-kit downloads Kurtosis CLI 1.20.0 into ${cache} on first use`,
        fix: 'nothing to do (any command that needs kurtosis fetches it), or install it yourself',
      },
    );
    assert.equal(report.kurtosis.source, undefined);
    assert.deepEqual(server.requests, []);
    assert.deepEqual(entries(cache), []);
  });

  it('a kurtosis on PATH wins: nothing is downloaded', async () => {
    server.requests.length = 0;
    const r = await main(['--json', 'doctor'], { ...h.env, DEVNET_KIT_KURTOSIS_DOWNLOAD_URL: server.url });
    const report = JSON.parse(r.stdout);
    assert.equal(report.kurtosis.source, 'path');
    assert.equal(report.kurtosis.path, FAKE_KURTOSIS_BIN);
    assert.deepEqual(server.requests, []);
  });

  it('the shipped bundle (dist/cli.js, undici in its own chunk) downloads too', async () => {
    const dist = new URL('../dist/cli.js', import.meta.url).pathname;
    // A missing or stale bundle fails the test: a skip here would pass without testing what ships.
    assertBuilt();
    server.requests.length = 0;
    const { env, cache } = machine();
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [dist, '--owner', 'alice', 'ls'],
        { env, cwd: h.cwd },
        (error, _out, stderr) =>
          resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stderr }),
      );
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(archiveRequests(), 1);
    assert.deepEqual(entries(cache), ['1.20.0']);
  });

  it('doctor warns when the kurtosis on PATH is another minor version than the pinned one', async () => {
    const report = (version: string) =>
      main(['--json', 'doctor'], { ...h.env, FAKE_KURTOSIS_CLI_VERSION: version }).then((r) =>
        JSON.parse(r.stdout).checks.find((c: { name: string }) => c.name === 'kurtosis'),
      );
    const other = await report('1.19.4');
    assert.equal(other.status, 'warn');
    assert.match(
      other.detail,
      /^CLI 1\.19\.4 at .*\/kurtosis, found on PATH .*; devnet-kit follows 1\.20\.0$/,
    );
    assert.match(
      other.fix,
      /install Kurtosis 1\.20\.0, or take it off PATH so that devnet-kit downloads 1\.20\.0/,
    );
    assert.equal((await report('1.20.3')).status, 'ok');
  });

  it('downloads over HTTPS through HTTPS_PROXY', async () => {
    const tls = await startReleaseServer(release, { tls: true });
    const proxy = await startProxy();
    try {
      const { env, cache } = machine({
        DEVNET_KIT_KURTOSIS_DOWNLOAD_URL: tls.url,
        HTTPS_PROXY: proxy.url,
        NODE_EXTRA_CA_CERTS: TLS_CERT,
      });
      const r = await run(['--json', 'ls'], env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(tls.requests.length, 2);
      assert.ok(proxy.connects.length >= 1, 'the HTTPS download was tunnelled through the proxy');
      assert.ok(proxy.connects.every((c) => c === new URL(tls.url).host));
      assert.deepEqual(entries(cache), ['1.20.0']);
    } finally {
      await proxy.close();
      await tls.close();
    }
  });
});
