// Secrets never leave the process in anything devnet-kit prints, throws or writes: credentials in a
// docker_cache URL, bearer tokens and kubeconfig contents. Each row feeds a secret in where a user (or
// a misbehaving tool) would, and searches every output for it: stdout, stderr, --json, --verbose argv
// and Kurtosis output, error messages and fields (also `util.inspect` with causes), events, dumps.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { redact } from '../lib/exec/redact.js';
import {
  CommandFailedError,
  type DevnetEvent,
  InterruptedError,
  InvalidInputError,
  loadConfig,
  StarlarkError,
  up,
} from '../lib/index.js';
import { argsYaml, ONE_PAIR } from './support/args-fixtures.js';
import { KUBE_CONFIG, useHarness } from './support/harness.js';
import { hasKubectl } from './support/kube-env.js';
import { orphans, until } from './support/reliability.js';

const skip = (await hasKubectl()) ? false : 'kubectl is not on PATH';
const PASSWORD = 'Sup3r-s3cret-pw';
const CACHE = `cacheuser:${PASSWORD}@cache.example.io`;
/** The token of the test kubeconfig (test/support/kube-env.ts). */
const TOKEN = 'fake-token';
const ARGS = `${argsYaml(ONE_PAIR)}docker_cache_params:\n  enabled: true\n  url: ${CACHE}\n`;

/** Every file under `dir` that contains `secret`. */
function filesContaining(dir: string, secret: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((file) => readFileSync(file, 'utf8').includes(secret));
}

function assertClean(what: string, text: string, secret: string): void {
  assert.ok(
    !text.includes(secret),
    `${what} contains the secret:\n${text
      .split('\n')
      .filter((l) => l.includes(secret))
      .join('\n')}`,
  );
}

describe('docker_cache credentials', () => {
  const h = useHarness('docker');
  const cli = (args: string[]) => h.cli(['--owner', 'alice', ...args]);
  before(async () => {
    writeFileSync(join(h.cwd, 'args.yaml'), ARGS);
    writeFileSync(join(h.cwd, 'creds.yaml'), `devnet:\n  docker_cache: ${CACHE}\n`);
  });

  it('devnet.docker_cache with credentials is rejected (exit 2) by an error that does not repeat the password', async () => {
    for (const args of [
      ['--config', 'creds.yaml', 'up', 'x'],
      ['--json', '--config', 'creds.yaml', 'ls'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /creds\.yaml: devnet\.docker_cache "\*\*\*@cache\.example\.io" has credentials: give a bare registry host/,
      );
      assertClean('stderr', r.stderr, PASSWORD);
      assertClean('stdout', r.stdout, PASSWORD);
    }
    const error = (() => {
      try {
        loadConfig({ config: { devnet: { docker_cache: CACHE } } });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof InvalidInputError);
    assertClean('the error', inspect(error, { depth: Infinity }), PASSWORD);
    assert.deepEqual(h.kurtosisCalls(), [], 'bad input: nothing spawned');
  });

  it('up --dry-run shows the args file with the credentials masked, as text and as --json', async () => {
    const text = await cli(['up', 'planned', '-f', 'args.yaml', '--dry-run']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ {2}url: \*\*\*@cache\.example\.io$/m);
    assertClean('dry-run output', text.stdout + text.stderr, PASSWORD);
    const json = await cli(['--json', 'up', 'planned', '-f', 'args.yaml', '--dry-run']);
    assert.equal(json.code, 0, json.stderr);
    assert.match(JSON.parse(json.stdout).argsYaml, /url: \*\*\*@cache\.example\.io/);
    assertClean('dry-run --json', json.stdout + json.stderr, PASSWORD);
  });

  it('up --verbose and --json hand Kurtosis the credentials but never print them (argv dumps, Kurtosis output, events)', async () => {
    const verbose = await cli(['--verbose', 'up', 'cached', '-f', 'args.yaml']);
    assert.equal(verbose.code, 0, verbose.stderr);
    assert.match(verbose.stderr, /^\$ kurtosis run --enclave cached /m, 'argv is shown');
    assert.match(
      verbose.stderr,
      /\*\*\*@cache\.example\.io\/dh\/ethereum\/client-go/,
      'Kurtosis output is shown, masked',
    );
    assertClean('up --verbose', verbose.stdout + verbose.stderr, PASSWORD);
    // Kurtosis really got them: the images it used carry the credentials.
    const images = h.fake
      .scope()
      .enclaves.find((e) => e.name === 'cached')!
      .services.map((s) => s.image);
    assert.ok(
      images.some((i) => i.startsWith(`${CACHE}/`)),
      images.join(', '),
    );

    const json = await cli(['--json', 'inspect', 'cached']);
    assert.equal(json.code, 0, json.stderr);
    assertClean('inspect --json', json.stdout, PASSWORD);
    assert.equal((await cli(['down', 'cached'])).code, 0);

    const events: DevnetEvent[] = [];
    const net = await up({
      ...h.options({ onEvent: (e) => events.push(e) }),
      name: 'cached-lib',
      argsFile: join(h.cwd, 'args.yaml'),
    });
    assert.ok(events.some((e) => e.type === 'output'));
    assertClean('library events', JSON.stringify(events), PASSWORD);
    assertClean('the Devnet handle', JSON.stringify(net), PASSWORD);
    await net.down();
  });

  it('a failed up: the error, its fields and causes, stderr and every file of --dump-on-failure are masked', async () => {
    h.fake.setFault('starlark-exec', true);
    try {
      const r = await cli(['--verbose', 'up', 'leaky', '-f', 'args.yaml', '--dump-on-failure', 'dump']);
      assert.equal(r.code, 1, r.stderr);
      assertClean('stderr', r.stderr, PASSWORD);
      assertClean('stdout', r.stdout, PASSWORD);
      const dump = join(h.cwd, 'dump');
      assert.match(readFileSync(join(dump, 'args.yaml'), 'utf8'), /url: \*\*\*@cache\.example\.io/);
      assert.ok(readdirSync(join(dump, 'enclave')).length > 0, 'the enclave dump is there');
      assert.deepEqual(filesContaining(dump, PASSWORD), [], 'no file of the dump has the password');
      // In any spelling: ethereum-package labels images as `user_password@host-…`.
      assert.deepEqual(filesContaining(dump, PASSWORD.slice(0, 8)), []);

      const error = await up({ ...h.options(), name: 'leaky', argsFile: join(h.cwd, 'args.yaml') }).catch(
        (e: unknown) => e,
      );
      assert.ok(error instanceof StarlarkError, String(error));
      assertClean('the StarlarkError', inspect(error, { depth: Infinity }) + JSON.stringify(error), PASSWORD);
      assertClean('its stdout', error.stdout, PASSWORD);
    } finally {
      h.fake.setFault('starlark-exec', false);
    }
    assert.deepEqual(h.fake.scope().enclaves, []);
  });

  it('an interrupted up: the InterruptedError and its cause are masked', async () => {
    h.fake.setFault('run-delay-ms', 150);
    try {
      const controller = new AbortController();
      const events: DevnetEvent[] = [];
      const pending = up({
        ...h.options({ onEvent: (e) => events.push(e) }),
        name: 'cut',
        argsFile: join(h.cwd, 'args.yaml'),
        signal: controller.signal,
      });
      // Cancelled once Kurtosis has printed the image lines (they carry the credentials).
      await until(
        'image lines',
        () => events.some((e) => e.type === 'output' && /cache\.example\.io/.test(e.line)),
        20_000,
      );
      controller.abort();
      const error = await pending.catch((e: unknown) => e);
      assert.ok(error instanceof InterruptedError, String(error));
      assertClean('the InterruptedError', inspect(error, { depth: Infinity }), PASSWORD);
      assertClean('events', JSON.stringify(events), PASSWORD);
    } finally {
      h.fake.setFault('run-delay-ms', false);
    }
    assert.deepEqual(h.fake.scope().enclaves, []);
    assert.deepEqual(await orphans(h.fake.dir), []);
  });
});

describe('bearer tokens and kubeconfig contents', { skip }, () => {
  const h = useHarness('kubernetes');
  const cli = (args: string[]) => h.cli(['--owner', 'alice', '--verbose', ...args]);
  before(async () => {
    writeFileSync(join(h.cwd, 'devnet-kit.yaml'), JSON.stringify(KUBE_CONFIG));
    writeFileSync(join(h.cwd, 'args.yaml'), ARGS);
  });

  it('the kubeconfig token never shows in any command’s output, --verbose or --json', async () => {
    assert.match(
      readFileSync(h.kube!.kubeconfig, 'utf8'),
      /"token":"fake-token"/,
      'the kubeconfig does hold a token',
    );
    const runs = [
      await cli(['up', 'tokened', '-f', 'args.yaml', '--ttl', '1h']),
      await cli(['ls']),
      await cli(['--json', 'ls', '--all-owners']),
      await cli(['inspect', 'tokened']),
      await cli(['--json', 'services', 'tokened']),
      await cli(['endpoints', 'tokened', '--format', 'env']),
      await cli(['use', 'tokened']),
      await cli(['--json', 'doctor']),
      await cli(['logs', 'tokened', '--tail', '2']),
      await cli(['down', 'tokened']),
    ];
    for (const r of runs) {
      assertClean('output', r.stdout + r.stderr, TOKEN);
      assertClean('output', r.stdout + r.stderr, PASSWORD);
    }
    assert.equal(runs[0]!.code, 0, runs[0]!.stderr);
    assert.match(runs[0]!.stderr, /^\$ kubectl /m, '--verbose shows the kubectl argv');
    assert.equal(runs.at(-1)!.code, 0);
  });

  it('a tool error that echoes the token (a proxy repeating the Authorization header) is masked in the message, the fields and --json', async () => {
    const server = h.kube!.server;
    server.faults.push({
      match: { method: 'GET', path: '/api/v1/namespaces', command: 'kubectl get' },
      status: 500,
      message: `upstream refused "Authorization: Bearer ${TOKEN}" (kubeconfig user token: ${TOKEN}, client-key-data: ${TOKEN})`,
    });
    try {
      const r = await cli(['--json', 'ls']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /Bearer \*\*\*/);
      assertClean('stderr', r.stderr, TOKEN);
      assertClean('--json error', r.stdout, TOKEN);
      const error = await import('../lib/index.js')
        .then((lib) => lib.listEnclaves(h.options()))
        .catch((e: unknown) => e);
      assert.ok(error instanceof CommandFailedError, String(error));
      assertClean('the error', inspect(error, { depth: Infinity }) + JSON.stringify(error), TOKEN);
      for (const field of [error.stderr, error.rootCause ?? '', ...error.stderrTail, ...error.argv])
        assertClean('a field', field, TOKEN);
    } finally {
      server.faults.length = 0;
    }
  });

  it('a failed up on Kubernetes writes a dump with neither the token nor the docker_cache password', async () => {
    h.fake.setFault('starlark-exec', true);
    try {
      const r = await cli(['up', 'dumped', '-f', 'args.yaml', '--dump-on-failure', 'kdump']);
      assert.equal(r.code, 1, r.stderr);
      assertClean('stderr', r.stderr, TOKEN);
      assertClean('stderr', r.stderr, PASSWORD);
      const dump = join(h.cwd, 'kdump');
      assert.ok(readdirSync(dump).includes('pods.json'));
      assert.deepEqual(filesContaining(dump, TOKEN), []);
      assert.deepEqual(filesContaining(dump, PASSWORD.slice(0, 8)), []);
    } finally {
      h.fake.setFault('starlark-exec', false);
    }
    assert.deepEqual(h.fake.scope().enclaves, []);
    assert.deepEqual(await orphans(h.fake.dir), []);
  });
});

describe('redact', () => {
  const cases: [string, string][] = [
    [`docker_cache_params:\n  url: ${CACHE}`, 'url: ***@cache.example.io'],
    [`https://${CACHE}/v2/`, 'https://***@cache.example.io/v2/'],
    [
      `image '${CACHE}/dh/ethereum/client-go:latest'`,
      "image '***@cache.example.io/dh/ethereum/client-go:latest'",
    ],
    [
      `"ethereum-package.client-image": "cacheuser_${PASSWORD}@cache.example.io-dh-x_latest"`,
      '"ethereum-package.client-image": "***@cache.example.io-dh-x_latest"',
    ],
    [`Authorization: Bearer ${TOKEN}`, 'Authorization: Bearer ***'],
    [`users:\n- user:\n    token: ${TOKEN}`, 'token: ***'],
    [`{"token":"${TOKEN}"}`, '{"token":"***"}'],
    [`kubectl --token=${TOKEN} get pods`, 'kubectl --token=*** get pods'],
    [`client-key-data: ${TOKEN}`, 'client-key-data: ***'],
  ];
  for (const [input, expected] of cases) {
    it(`masks ${JSON.stringify(input.split('\n').at(-1)!.slice(0, 40))}`, () => {
      const out = redact(input);
      assert.ok(out.includes(expected), out);
      assert.ok(!out.includes(PASSWORD) && !out.includes(TOKEN), out);
    });
  }

  it('leaves what is not a secret alone: digests, hosts, ports, log lines', () => {
    for (const text of [
      'image: ethereum/client-go@sha256:0123abcd',
      'docker.example.io:5000/ethpandaops/lighthouse:unstable',
      'http://127.0.0.1:32768',
      'INFO [10-02|12:00:00.000] Imported new chain segment number=12',
    ]) {
      assert.equal(redact(text), text);
    }
  });
});
