// Every failure is a typed error, and a failed command carries its argv, exit code and stderr tail:
// the throws that used to be bare DevnetKitErrors, the one reader of Kurtosis's error texts, and the
// one `firstLine` for warnings and summaries.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createContext } from '../lib/context.js';
import {
  CommandFailedError,
  CommandTimeoutError,
  commandFailed,
  DevnetKitError,
  firstLine,
  InvalidInputError,
} from '../lib/errors.js';
import type { FollowHandle, RunResult } from '../lib/exec/exec.js';
import { ensureCluster, listEnclaves, listServices, NotFoundError, up } from '../lib/index.js';
import { proxyBaseUrl } from '../lib/kube/proxy.js';
import { isEnclaveNotFound, kurtosisFailure } from '../lib/kurtosis/classify-error.js';
import { collectDump } from '../lib/lifecycle/dump.js';
import { createHarness, type Harness } from './support/harness.js';
import { hasKubectl } from './support/kube-env.js';

const MINIMAL = new URL('../fixtures/ethereum-package/samples/minimal.yaml', import.meta.url).pathname;
const recorded = (file: string) =>
  readFileSync(new URL(`../fixtures/kurtosis/1.20.0/${file}`, import.meta.url), 'utf8');
const failure = (stderr: string, argv = ['kurtosis', 'enclave', 'inspect', 'x']) =>
  commandFailed({ argv, exitCode: 1, stdout: '', stderr });

describe('the Kurtosis failure classifier', () => {
  it('reads "no such enclave" from one id (inspect) and from several (rm), as recorded', () => {
    for (const file of ['error-enclave-not-found.stderr.txt', 'error-enclave-rm-not-found.stderr.txt']) {
      const error = failure(recorded(file));
      assert.equal(kurtosisFailure(error), 'enclave-not-found', file);
      assert.equal(isEnclaveNotFound(error), true, file);
    }
    const several = failure(
      "Error:  An error occurred removing enclaves\n  Caused by: No enclave found for identifier 'a'\n",
    );
    assert.equal(isEnclaveNotFound(several), true);
  });

  it("tells a name clash apart (Kurtosis's CreateEnclave text)", () => {
    const clash = failure(
      "Error:  An error occurred creating an enclave with name 'x'\n  Caused by: Cannot create enclave 'x' because an enclave with that name already exists\n",
    );
    assert.equal(kurtosisFailure(clash), 'enclave-exists');
    assert.equal(isEnclaveNotFound(clash), false);
  });

  it('classifies only failed commands: the same text in another error is unknown', () => {
    assert.equal(kurtosisFailure(new Error("No enclave found with identifier 'x'")), 'unknown');
    assert.equal(kurtosisFailure(undefined), 'unknown');
    assert.equal(
      kurtosisFailure(failure(recorded('error-engine-not-responding.stderr.txt'))),
      'engine-not-responding',
    );
  });
});

describe('firstLine', () => {
  it('is the first line of an error message or of any value, secrets masked', () => {
    assert.equal(firstLine(new Error('one\ntwo')), 'one');
    assert.equal(firstLine('plain'), 'plain');
    assert.equal(firstLine(42), '42');
    assert.equal(
      firstLine(new Error('pull from https://user:hunter2@cache.example/x failed\nmore')),
      'pull from https://***@cache.example/x failed',
    );
  });
});

describe('kubectl proxy that does not serve', () => {
  // A FollowHandle as exec.ts makes one: `done` resolves with the child's argv and stderr once it ended.
  function handle(lines: string[], ends: boolean): FollowHandle & { stopped: boolean } {
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const result: RunResult = {
      argv: ['/usr/bin/kubectl', 'proxy', '--port=0'],
      stdout: '',
      stderr: 'error: unable to listen on any of the requested ports\n',
      exitCode: 0,
      durationMs: 1,
    };
    const h = {
      stopped: false,
      lines: (async function* () {
        yield* lines;
        if (!ends) await stopped;
      })(),
      stop() {
        h.stopped = true;
        stop();
      },
      done: (ends ? Promise.resolve() : stopped).then(() => result),
    };
    return h;
  }

  it('that ends without saying where → CommandFailedError with its argv, exit code and stderr', async () => {
    const error = await proxyBaseUrl(handle(['hello'], true), new AbortController().signal).catch((e) => e);
    assert.ok(error instanceof CommandFailedError, String(error));
    assert.equal(error.code, 'COMMAND_FAILED');
    assert.deepEqual(error.argv, ['/usr/bin/kubectl', 'proxy', '--port=0']);
    assert.equal(error.exitCode, 0);
    assert.deepEqual(error.stderrTail, ['error: unable to listen on any of the requested ports']);
    assert.match(
      firstLine(error),
      /^`kubectl proxy` did not say where it serves; check that kubectl can reach/,
    );
  });

  it('that is silent past the timeout → stopped, CommandTimeoutError with its argv', async () => {
    const h = handle([], false);
    const error = await proxyBaseUrl(h, new AbortController().signal, 50).catch((e) => e);
    assert.ok(error instanceof CommandTimeoutError, String(error));
    assert.ok(error instanceof CommandFailedError);
    assert.equal(error.timeoutMs, 50);
    assert.deepEqual(error.argv, ['/usr/bin/kubectl', 'proxy', '--port=0']);
    assert.equal(h.stopped, true, 'the proxy was stopped');
    assert.match(firstLine(error), /^`kubectl proxy` did not start within 50ms; check that kubectl/);
  });
});

describe('typed errors on the Docker fakes', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness('docker', { faults: ['engine-unreachable'] });
  });
  after(() => h.cleanup());

  it('an engine that does not answer → CommandFailedError naming `engine status`', async () => {
    const error = await ensureCluster(undefined, h.options()).catch((e) => e);
    assert.ok(error instanceof CommandFailedError, String(error));
    assert.deepEqual(error.argv.slice(1), ['engine', 'status']);
    assert.equal(error.exitCode, 0, 'Kurtosis says so on stdout and exits 0');
    assert.match(firstLine(error), /^the Kurtosis engine container of cluster 'docker' runs but its server/);
  });

  it('a dump directory that cannot be written → InvalidInputError naming dumpOnFailure', async () => {
    const file = join(h.cwd, 'not-a-dir');
    writeFileSync(file, '');
    const error = await collectDump(createContext(h.options()), 'x', join(file, 'dump')).catch((e) => e);
    assert.ok(error instanceof InvalidInputError, String(error));
    assert.equal(error.input, 'dumpOnFailure');
    assert.match(error.message, /^cannot write the dump directory '.*not-a-dir\/dump': ENOTDIR$/);
  });

  it('services of a devnet Kurtosis does not know → NotFoundError (classified, not matched by hand)', async () => {
    h.fake.setFault('engine-unreachable', false);
    const error = await listServices('nope', h.options()).catch((e) => e);
    assert.ok(error instanceof NotFoundError, String(error));
    assert.ok(error instanceof DevnetKitError);
  });
});

describe('typed errors on the Kubernetes fakes', async () => {
  const skip = (await hasKubectl()) ? false : 'kubectl is not on PATH';
  let h: Harness;
  before(async () => {
    if (!skip) h = await createHarness('kubernetes');
  });
  after(() => h?.cleanup());

  it('kubectl not seeing the namespace Kurtosis made → CommandFailedError with the kubectl argv; the enclave is removed', {
    skip,
  }, async () => {
    // The second `kubectl get namespaces` of `up` (after the run) answers from a cluster without it.
    let reads = 0;
    h.kube!.server.faults.push({
      match: (r) =>
        r.method === 'GET' &&
        r.path === '/api/v1/namespaces' &&
        Boolean(r.command?.startsWith('kubectl get')) &&
        ++reads === 2,
      status: 200,
      body: { kind: 'NamespaceList', apiVersion: 'v1', metadata: {}, items: [] },
      once: true,
    });
    const error = await up({ ...h.options(), name: 'elsewhere', argsFile: MINIMAL, ingress: false }).catch(
      (e) => e,
    );
    assert.ok(error instanceof CommandFailedError, String(error));
    assert.equal(error.argv[0], 'kubectl');
    assert.deepEqual(error.argv.slice(1, 5), [
      'get',
      'namespaces',
      '-l',
      'kurtosistech.com/resource-type=enclave',
    ]);
    assert.match(
      firstLine(error),
      /^enclave 'elsewhere' has no namespace labelled kurtosistech\.com\/enclave-id; is the Kurtosis cluster 'kubernetes' the one kubectl points at\?$/,
    );
    assert.deepEqual(await listEnclaves({ ...h.options(), allOwners: true }), [], 'up removed the enclave');
  });
});
