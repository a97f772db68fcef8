// Failure dumps (`up --dump-on-failure DIR`): Kurtosis's enclave dump, every service's logs, the args
// with secrets redacted and a summary — on Docker through the fake kurtosis, on Kubernetes also through
// the real kubectl against the fake API server.

import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createContext } from '../lib/context.js';
import { StarlarkError, up } from '../lib/index.js';
import { collectDump, type DumpSummary } from '../lib/lifecycle/dump.js';
import { argsYaml, ONE_PAIR } from './support/args-fixtures.js';
import { type Harness, useHarness } from './support/harness.js';
import { hasKubectl } from './support/kube-env.js';

const ARGS_WITH_SECRET = [
  argsYaml(ONE_PAIR).trimEnd(),
  'docker_cache_params:',
  '  enabled: true',
  '  url: "ci-bot:s3cr3t-t0ken@cache.example.io"',
  '',
].join('\n');

const tmp = mkdtempSync(join(tmpdir(), 'devnet-kit-dump-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function readSummary(dir: string): DumpSummary {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as DumpSummary;
}

const collected = (s: DumpSummary) =>
  s.collected.map((c) => `${c.what}${c.service ? ` ${c.service}` : ''}: ${c.path}`);

function argsFile(h: Harness): string {
  const file = join(h.cwd, 'args.yaml');
  writeFileSync(file, ARGS_WITH_SECRET);
  return file;
}

describe('failure dumps on Docker', () => {
  const h = useHarness('docker');

  it('collects the enclave dump, service logs, redacted args and a summary before removing a failed devnet', async () => {
    const dir = join(tmp, 'docker-up');
    h.fake.setFault('starlark-exec', true);
    try {
      const error = await up({
        ...h.options(),
        name: 'dumpy',
        argsFile: argsFile(h),
        dumpOnFailure: dir,
      }).catch((e: unknown) => e);
      assert.ok(error instanceof StarlarkError, String(error));
    } finally {
      h.fake.setFault('starlark-exec', false);
    }
    const summary = readSummary(dir);
    assert.equal(summary.devnet, 'dumpy');
    assert.equal(summary.backend, 'docker');
    assert.deepEqual(summary.failed, []);
    assert.deepEqual(collected(summary), [
      'args: args.yaml',
      'enclave dump: enclave',
      'logs cl-1-lighthouse-geth: logs/cl-1-lighthouse-geth.log',
      'logs el-1-geth-lighthouse: logs/el-1-geth-lighthouse.log',
      'logs validator-key-generation-cl-validator-keystore: logs/validator-key-generation-cl-validator-keystore.log',
    ]);
    const enclave = readdirSync(join(dir, 'enclave'));
    assert.ok(
      enclave.some((d) => d.startsWith('el-1-geth-lighthouse--')),
      enclave.join(' '),
    );
    const log = readFileSync(join(dir, 'logs', 'el-1-geth-lighthouse.log'), 'utf8');
    assert.match(log, /^INFO \[/m);
    assert.equal(
      summary.collected.find((c) => c.service === 'el-1-geth-lighthouse')?.lines,
      log.trimEnd().split('\n').length,
    );

    const args = readFileSync(join(dir, 'args.yaml'), 'utf8');
    assert.doesNotMatch(args, /s3cr3t/);
    assert.match(args, /url: "?\*\*\*@cache\.example\.io"?/);
    assert.match(args, /el_type: geth/);

    // The dump was taken while the enclave still existed, and the enclave went afterwards.
    const calls = h.kurtosisCalls().map((a) => a.slice(0, 2).join(' '));
    assert.ok(calls.indexOf('enclave dump') < calls.lastIndexOf('enclave rm'));
    assert.ok(h.kurtosisCalls().some((a) => a.join(' ') === 'service logs dumpy -a'));
    assert.equal(
      h.fake.scope().enclaves.some((e) => e.name === 'dumpy'),
      false,
    );
  });

  it('records what it could not collect instead of throwing, and still writes the rest', async () => {
    const dir = join(tmp, 'docker-partial');
    mkdirSync(join(dir, 'enclave'), { recursive: true });
    const ctx = createContext(h.options());
    const summary = await collectDump(ctx, 'no-such-devnet', dir, { argsYaml: 'participants: []\n' });
    assert.deepEqual(collected(summary), ['args: args.yaml']);
    assert.deepEqual(
      summary.failed.map((f) => f.what).sort(),
      ['enclave dump', 'logs'],
      JSON.stringify(summary.failed),
    );
    assert.match(
      summary.failed.find((f) => f.what === 'logs')!.error,
      /No enclave found with identifier 'no-such-devnet'/,
    );
    assert.deepEqual(readSummary(dir), JSON.parse(JSON.stringify(summary)));
  });

  it('works from the CLI: `up --dump-on-failure DIR` exits 1 and leaves DIR behind', async () => {
    const dir = join(tmp, 'docker-cli');
    h.fake.setFault('starlark-exec', true);
    try {
      const r = await h.cli([
        '--owner',
        'alice',
        'up',
        'cli-dump',
        '-f',
        argsFile(h),
        '--dump-on-failure',
        dir,
      ]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^devnet-kit: ethereum-package failed while executing Starlark/m);
    } finally {
      h.fake.setFault('starlark-exec', false);
    }
    assert.equal(readSummary(dir).devnet, 'cli-dump');
    assert.ok(existsSync(join(dir, 'logs', 'el-1-geth-lighthouse.log')));
    assert.doesNotMatch(readFileSync(join(dir, 'args.yaml'), 'utf8'), /s3cr3t/);
  });
});

describe('failure dumps on Kubernetes (real kubectl, fake API server)', {
  skip: !(await hasKubectl()) && 'kubectl is not installed',
}, () => {
  const h = useHarness('kubernetes');

  it('collects the enclave dump, kubectl logs of every pod, the pods and redacted args when up fails', async () => {
    const dir = join(tmp, 'kube-up');
    h.fake.setFault('starlark-exec', true);
    try {
      const error = await up({
        ...h.options(),
        name: 'kdump',
        argsFile: argsFile(h),
        dumpOnFailure: dir,
      }).catch((e: unknown) => e);
      assert.ok(error instanceof StarlarkError, String(error));
    } finally {
      h.fake.setFault('starlark-exec', false);
    }
    const summary = readSummary(dir);
    assert.equal(summary.backend, 'kubernetes');
    assert.equal(summary.namespace, 'kt-kdump');
    // Containers that never restarted have no previous logs; that is not a failure.
    assert.deepEqual(summary.failed, []);
    assert.deepEqual(collected(summary), [
      'args: args.yaml',
      'enclave dump: enclave',
      'logs cl-1-lighthouse-geth: logs/cl-1-lighthouse-geth.log',
      'logs el-1-geth-lighthouse: logs/el-1-geth-lighthouse.log',
      'logs validator-key-generation-cl-validator-keystore: logs/validator-key-generation-cl-validator-keystore.log',
      'pods: pods.json',
    ]);
    // kubectl logs --timestamps: each line keeps its RFC 3339 time.
    const el = readFileSync(join(dir, 'logs', 'el-1-geth-lighthouse.log'), 'utf8');
    assert.match(el, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z INFO \[/m);
    const pods = JSON.parse(readFileSync(join(dir, 'pods.json'), 'utf8')) as {
      items: { metadata: { name: string } }[];
    };
    assert.equal(pods.items.length, 3);
    assert.doesNotMatch(readFileSync(join(dir, 'args.yaml'), 'utf8'), /s3cr3t/);
    const server = h.kube!.server;
    assert.ok(
      server.requests.some(
        (r) =>
          r.path === '/api/v1/namespaces/kt-kdump/pods/el-1-geth-lighthouse/log' &&
          r.query.previous === 'true',
      ),
    );
    assert.equal(server.get('namespaces', 'kt-kdump'), undefined, 'removed after the dump');
  });

  it('keeps the logs of a crashed container from before its restart', async () => {
    const net = await up({ ...h.options(), name: 'kcrash', argsFile: argsFile(h), ingress: false });
    const server = h.kube!.server;
    server.appendLogs('kt-kcrash', 'el-1-geth-lighthouse', 'user-service-container', ['Fatal: out of disk']);
    server.crashPod('kt-kcrash', 'el-1-geth-lighthouse');
    server.appendLogs('kt-kcrash', 'el-1-geth-lighthouse', 'user-service-container', ['starting again']);
    const dir = join(tmp, 'kube-crash');
    const summary = await collectDump(createContext(h.options()), 'kcrash', dir);
    assert.deepEqual(summary.failed, []);
    assert.match(
      readFileSync(join(dir, 'logs', 'el-1-geth-lighthouse.previous.log'), 'utf8'),
      /Z Fatal: out of disk\n$/,
    );
    assert.match(
      readFileSync(join(dir, 'logs', 'el-1-geth-lighthouse.log'), 'utf8'),
      /^\S+ starting again\n$/,
    );
    assert.ok(!existsSync(join(dir, 'args.yaml')), 'no args given, none written');
    await net.down();
  });
});
