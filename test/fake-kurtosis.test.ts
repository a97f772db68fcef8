// The fake `kurtosis` is test equipment: these tests hold it to the recorded Kurtosis 1.20.0 output
// (fixtures/kurtosis/, copied from reference/kurtosis-samples) byte for byte where the situation matches.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../fixtures/kube/apiserver.js';
import { argsYaml, ONE_PAIR } from './support/args-fixtures.js';
import {
  createFakeKurtosis,
  FAKE_KURTOSIS_BIN,
  type FakeGateway,
  type FakeKurtosis,
  type FakeKurtosisIds,
  type FakeKurtosisOptions,
} from './support/fake-kurtosis.js';

const SAMPLES = new URL('../fixtures/kurtosis/', import.meta.url);
const sample = (path: string) => readFileSync(new URL(path, SAMPLES), 'utf8');

const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
/** logrus lines with the timestamp blanked, ANSI removed. */
const logrus = (s: string) => stripAnsi(s).replace(/^(INFO|WARN|ERRO|DEBU)\[[^\]]+\]/gm, '$1[T]');
const LOGRUS_RAW =
  /^\x1b\[(36mINFO|33mWARN|31mERRO|37mDEBU)\x1b\[0m\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\] .{44,} $/;
/** stderr split into lines, the trailing spaces kept. */
const rawLines = (stderr: string) => stderr.split('\n').slice(0, -1);
/** The messages of the logrus lines, in order. */
const messages = (stderr: string) =>
  stripAnsi(stderr)
    .split('\n')
    .filter((l) => /^(INFO|WARN|ERRO)\[/.test(l))
    .map((l) => l.replace(/^\w+\[[^\]]+\] /, '').trimEnd());

const ENGINE_START_LINES = [
  'No Kurtosis engine was found; attempting to start one...',
  'Starting the centralized logs components...',
  'Centralized logs components started.',
  'Reverse proxy started.',
  'Successfully started Kurtosis engine',
];

const ARGS_GETH_LIGHTHOUSE_DORA = argsYaml({
  ...ONE_PAIR,
  network_params: { num_validator_keys_per_node: 64 },
  additional_services: ['dora'],
});

/** The UUIDs and host ports of enclave-inspect-reconstructed.txt / run-success.txt (short ones padded). */
const SAMPLE_IDS: FakeKurtosisIds = {
  enclaves: { 'my-devnet': '1a33b911bfa44b5c9e8d7f6a5b4c3d2e' },
  services: {
    'cl-1-lighthouse-geth': {
      uuid: '35dbe5e289864f7e8a1b2c3d4e5f6a7b',
      hostPorts: {
        http: 32942,
        metrics: 32943,
        'quic-discovery': 32812,
        'tcp-discovery': 32944,
        'udp-discovery': 32811,
      },
    },
    dora: { uuid: '1f961bcf0ef74a5b8c9d0e1f2a3b4c5d', hostPorts: { http: 32950 } },
    'el-1-geth-lighthouse': {
      uuid: 'f8a7764be2454b5c9a3c2c3e1b8d9f01',
      hostPorts: {
        'engine-rpc': 32936,
        metrics: 32937,
        rpc: 32939,
        'tcp-discovery': 32938,
        'udp-discovery': 32810,
        ws: 32940,
      },
    },
    'validator-key-generation-cl-validator-keystore': { uuid: 'c4655f3e76da4e1f8a9b0c1d2e3f4a5b' },
    'vc-1-geth-lighthouse': { uuid: '349a3759d6c84e2f9a0b1c2d3e4f5a6b', hostPorts: { metrics: 32946 } },
  },
  artifacts: {
    '1-lighthouse-geth-0-63': '48ecd031ac604b7e9f0a1b2c3d4e5f60',
    'dora-config': '760206ace8ae4c1d8e9f0a1b2c3d4e5f',
    el_cl_genesis_data: '61bcf0e4a1824d5e9f0a1b2c3d4e5f6a',
    'final-genesis-timestamp': '72fa0877e1f04a5b8c9d0e1f2a3b4c5d',
    'genesis-el-cl-env-file': 'c30d6e459e5d4a1b8c2d3e4f5a6b7c8d',
    genesis_validators_root: '3e1aa28cadf34b5c9d0e1f2a3b4c5d6e',
    jwt_file: '41e32b09194d4c0e9b1fa7c2d3e4f5a6',
    keymanager_file: '3a555e3e12384c5d8e9f0a1b2c3d4e5f',
    'prysm-password': '1ffd63ba783c4d5e9f0a1b2c3d4e5f6a',
    'validator-ranges': 'a9eabb55db424e5f8a9b0c1d2e3f4a5b',
  },
};

const fakes: FakeKurtosis[] = [];
function newFake(opts: FakeKurtosisOptions = {}): FakeKurtosis {
  const fake = createFakeKurtosis(opts);
  fakes.push(fake);
  return fake;
}
after(() => {
  for (const f of fakes) f.cleanup();
});

function argsFile(fake: FakeKurtosis, text = ARGS_GETH_LIGHTHOUSE_DORA, name = 'args.yaml'): string {
  const file = join(fake.dir, name);
  writeFileSync(file, text);
  return file;
}

/** Splits merged sample output into (stderr-ish logrus lines, stdout lines). */
function splitSample(text: string) {
  const lines = text.split('\n');
  return {
    stderr: lines
      .filter((l) => /^(INFO|WARN|ERRO)\[/.test(l))
      .map((l) => l.replace(/^\w+\[[^\]]+\] /, '').trimEnd()),
    stdout: lines.filter((l) => !/^(INFO|WARN|ERRO)\[/.test(l)).join('\n'),
  };
}

const DESCRIPTION_HEADER =
  /^(Printing a message|Uploading file '[^']+' to files artifact '[^']+'|Rendering a template to a files artifact with name '[^']+'|Storing files from service '[^']+' at path '[^']+' to files artifact with name '[^']+'|Running sh script: `.+`|Adding service with name '[^']+' and image '[^']+')$/;

/** The line structure of a `run` stdout: instruction pairs and image lines collapsed, JSON folded. */
function runShape(stdout: string): string {
  const tokens: string[] = [];
  let json = false;
  for (const line of stdout.split('\n')) {
    if (json) {
      if (line === '}') {
        json = false;
        tokens.push('JSON');
      }
      continue;
    }
    if (line === '{') json = true;
    else if (line === '') tokens.push('_');
    else if (line === 'Container images used in this run:') tokens.push('IMAGES');
    else if (/^> \S+ - (locally cached|remotely downloaded|locally built)$/.test(line)) tokens.push('>');
    else if (line === 'Starlark code successfully run. Output was:') tokens.push('ANCHOR');
    else if (line === '⭐ us on GitHub - https://github.com/kurtosis-tech/kurtosis') tokens.push('STAR');
    else if (line.startsWith('Name:')) {
      tokens.push('INSPECT');
      break;
    } else tokens.push(DESCRIPTION_HEADER.test(line) ? 'H' : 'R');
  }
  return tokens
    .join(' ')
    .replace(/( >)+/g, ' >+')
    .replace(/( _ H R)+/g, ' (_ H R)+');
}

/** Spawns the fake and returns once it printed `marker` on stdout. */
function spawnUntil(fake: FakeKurtosis, args: string[], marker: RegExp) {
  const child = spawn(FAKE_KURTOSIS_BIN, args, {
    env: { CI: 'true', TZ: 'UTC', ...fake.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  const seen = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${marker} within 5 s; stdout: ${stdout}; stderr: ${stderr}`)),
      5000,
    );
    child.stdout.on('data', (d: string) => {
      stdout += d;
      if (marker.test(stdout)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.stderr.on('data', (d: string) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>(
    (resolve) => {
      let sentAt = 0;
      const origKill = child.kill.bind(child);
      child.kill = (signal?: NodeJS.Signals | number) => {
        sentAt = performance.now();
        return origKill(signal);
      };
      child.on('close', (code, signal) => resolve({ code, signal, ms: performance.now() - sentAt }));
    },
  );
  return { child, seen, exited, output: () => ({ stdout, stderr }) };
}

describe('fake kurtosis', { concurrency: 4 }, () => {
  describe('version, config and clusters', () => {
    it('prints the version like `kurtosis version`, with 1.20.0 or FAKE_KURTOSIS_CLI_VERSION', async () => {
      const fake = newFake();
      const r = await fake.exec(['version']);
      assert.equal(r.exitCode, 0);
      assert.equal(r.stdout, sample('0.84.3/version.txt').replace('0.84.3', '1.20.0'));
      const custom = await fake.exec(['version'], { extraEnv: { FAKE_KURTOSIS_CLI_VERSION: '1.21.3' } });
      assert.match(custom.stdout, /^CLI Version: {3}1\.21\.3\n/);
    });

    it('fails loudly without FAKE_KURTOSIS_STATE and logs every call otherwise', async () => {
      const fake = newFake();
      const { FAKE_KURTOSIS_STATE: _s, ...rest } = fake.env;
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(FAKE_KURTOSIS_BIN, ['version'], {
          env: rest,
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (d: string) => {
          stderr += d;
        });
        child.on('close', (code) => resolve({ code, stderr }));
      });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /FAKE_KURTOSIS_STATE is not set/);
      assert.deepEqual(fake.calls(), []);
      await fake.exec(['version']);
      await fake.exec(['enclave', 'ls', '--full-uuids']);
      assert.deepEqual(fake.calls(), [['version'], ['enclave', 'ls', '--full-uuids']]);
    });

    it('fails `cluster get` like a never-set cluster until `cluster set`, then prints the bare name', async () => {
      const fake = newFake();
      const r = await fake.exec(['cluster', 'get']);
      assert.equal(r.exitCode, 1);
      const settingPath = join(fake.env.XDG_DATA_HOME!, 'kurtosis', 'cluster-setting');
      assert.equal(
        r.stderr,
        sample('1.20.0/error-cluster-get-never-set.stderr.txt').replace(
          '/home/runner/.local/share/kurtosis/cluster-setting',
          settingPath,
        ),
      );
      const set = await fake.exec(['cluster', 'set', 'docker']);
      assert.equal(set.exitCode, 0);
      assert.ok(messages(set.stderr).includes("Cluster set to 'docker'"));
      for (const line of rawLines(set.stderr)) assert.match(line, LOGRUS_RAW);
      assert.equal(readFileSync(settingPath, 'utf8'), 'docker');
      assert.equal((await fake.exec(['cluster', 'get'])).stdout, sample('1.20.0/cluster-get.txt'));
      const again = await fake.exec(['cluster', 'set', 'docker']);
      assert.deepEqual(messages(again.stderr), ["Kurtosis cluster already set to 'docker'"]);
      const unknown = await fake.exec(['cluster', 'set', 'nope']);
      assert.equal(unknown.exitCode, 1);
      assert.match(unknown.stderr, /Caused by: Cluster 'nope' isn't defined in the Kurtosis config file\n$/);
    });

    it('lists clusters like cluster-ls.txt and prints the config path', async () => {
      const fake = newFake();
      const config = join(fake.env.XDG_CONFIG_HOME!, 'kurtosis', 'kurtosis-config.yml');
      writeFileSync(config, sample('unversioned/kurtosis-config-k8s.yml.txt'));
      const ls = await fake.exec(['cluster', 'ls']);
      assert.equal(ls.stdout, sample('1.20.0/cluster-ls.txt'));
      const path = await fake.exec(['config', 'path']);
      assert.equal(path.stdout, `${config}\n`);
    });

    it('rejects unknown flags and commands with the CLI error texts', async () => {
      const fake = newFake();
      const flag = await fake.exec(['enclave', 'ls', '--output-json']);
      assert.equal(flag.exitCode, 1);
      assert.equal(flag.stderr, sample('1.20.0/error-unknown-flag.stderr.txt'));
      const command = await fake.exec(['frobnicate']);
      assert.equal(
        command.stderr,
        `Error:  unknown command "frobnicate" for "kurtosis"\nRun 'kurtosis --help' for usage.\n`,
      );
      assert.equal(
        (await fake.exec(['enclave', 'inspect'])).stderr,
        "Error:  Missing required arg 'enclave'\n",
      );
    });
  });

  describe('engine', () => {
    it('reports, starts, restarts and stops the engine like the samples', async () => {
      const fake = newFake();
      assert.equal(
        (await fake.exec(['engine', 'status'])).stdout,
        sample('1.20.0/engine-status-stopped.txt'),
      );
      const start = await fake.exec(['engine', 'start']);
      assert.equal(start.exitCode, 0);
      assert.equal(logrus(start.stderr), logrus(sample('1.20.0/engine-start.stderr.txt')));
      for (const line of rawLines(start.stderr)) assert.match(line, LOGRUS_RAW);
      assert.equal(
        (await fake.exec(['engine', 'status'])).stdout,
        sample('1.20.0/engine-status-running.txt'),
      );
      const restart = await fake.exec(['engine', 'restart']);
      assert.equal(logrus(restart.stderr), logrus(sample('1.20.0/engine-restart.stderr.txt')));
      const stop = await fake.exec(['engine', 'stop']);
      assert.deepEqual(messages(stop.stderr), [
        'Stopping Kurtosis engine...',
        'Kurtosis engine successfully stopped',
      ]);
      assert.equal(fake.scope().engine.running, false);
    });

    it('auto-starts a stopped engine before an engine-consuming command', async () => {
      const fake = newFake({ faults: ['engine-stopped'] });
      const ls = await fake.exec(['enclave', 'ls']);
      assert.equal(ls.exitCode, 0);
      assert.equal(ls.stdout, sample('0.84.3/enclave-ls-empty.txt'));
      assert.deepEqual(messages(ls.stderr), ENGINE_START_LINES);
      const again = await fake.exec(['enclave', 'ls']);
      assert.equal(again.stderr, '', 'the engine-stopped fault applies once; the started engine stays up');
      assert.deepEqual(fake.scope().engine, { ...fake.scope().engine, running: true, version: '1.20.0' });
    });

    it('refuses on a major.minor mismatch until `engine restart`', async () => {
      const fake = newFake({ faults: ['version-mismatch'] });
      const ls = await fake.exec(['enclave', 'ls']);
      assert.equal(ls.exitCode, 1);
      assert.equal(ls.stdout, '');
      assert.equal(logrus(ls.stderr), logrus(sample('1.20.0/error-api-version-mismatch.stderr.txt')));
      assert.match(ls.stderr, /^\x1b\[31mERRO\x1b\[0m\[/);
      assert.match((await fake.exec(['engine', 'status'])).stdout, /Version: {3}1\.19\.0\n$/);
      assert.equal((await fake.exec(['engine', 'restart'])).exitCode, 0);
      const after = await fake.exec(['enclave', 'ls']);
      assert.equal(after.exitCode, 0);
      assert.equal(after.stderr, '');
    });

    it('refuses a CLI newer than the engine by a patch, and only warns for an engine newer than the CLI', async () => {
      const fake = newFake({ faults: ['cli-newer'] });
      assert.match((await fake.exec(['version'])).stdout, /^CLI Version: {3}1\.20\.1\n/);
      const ls = await fake.exec(['enclave', 'ls']);
      assert.equal(ls.exitCode, 1);
      assert.equal(
        ls.stderr,
        sample('0.85.21/error-engine-cli-newer-than-engine.stderr.txt')
          .replace("'0.85.21'", "'1.20.1'")
          .replace("'0.85.16'", "'1.20.0'"),
      );
      fake.setFault('cli-newer', false);
      fake.updateState((s) => {
        s.scopes.docker!.engine.version = '1.20.5';
      });
      const newer = await fake.exec(['enclave', 'ls']);
      assert.equal(newer.exitCode, 0);
      assert.deepEqual(messages(newer.stderr), [
        "The version of the current running engine '1.20.5' is greater than the version of the CLI '1.20.0'. Please upgrade the CLI by following the steps here https://docs.kurtosis.com/upgrade",
      ]);
      assert.match(newer.stderr, /^\x1b\[33mWARN\x1b\[0m/);
    });

    it('reports an engine whose server is unreachable', async () => {
      const fake = newFake({ faults: ['engine-unreachable'] });
      const status = await fake.exec(['engine', 'status']);
      assert.equal(status.exitCode, 0);
      assert.equal(status.stdout, sample('1.20.0/engine-status-not-reachable.txt'));
      const ls = await fake.exec(['enclave', 'ls']);
      assert.equal(ls.exitCode, 1);
      assert.equal(ls.stderr, sample('1.20.0/error-engine-not-responding.stderr.txt'));
    });
  });

  // Tests of one shared fake must run in order (the suite above runs its children concurrently).
  describe('run on docker', { concurrency: 1 }, () => {
    let fake: FakeKurtosis;
    let result: Awaited<ReturnType<FakeKurtosis['exec']>>;
    before(async () => {
      fake = newFake({ ids: SAMPLE_IDS, now: '2026-08-20T10:04:43Z' });
      await fake.exec(['engine', 'start']);
      result = await fake.exec([
        'run',
        '--enclave',
        'my-devnet',
        'github.com/ethpandaops/ethereum-package',
        '--args-file',
        argsFile(fake),
        '--image-download',
        'missing',
      ]);
    });

    it('streams like run-success.txt: same stderr lines, same stdout line structure, same inspect', () => {
      assert.equal(result.exitCode, 0, result.stderr);
      const expected = splitSample(sample('1.20.0/run-success.txt'));
      assert.deepEqual(messages(result.stderr), expected.stderr);
      for (const line of rawLines(result.stderr)) assert.match(line, LOGRUS_RAW);
      assert.equal(runShape(result.stdout), runShape(expected.stdout));
      assert.equal(runShape(result.stdout), '_ IMAGES >+ (_ H R)+ _ ANCHOR JSON _ STAR INSPECT');
      const inspectAt = (s: string) => s.slice(s.indexOf('Name:  '));
      assert.equal(inspectAt(result.stdout), inspectAt(expected.stdout));
      assert.equal(inspectAt(result.stdout), sample('1.20.0/enclave-inspect-reconstructed.txt'));
    });

    it('prints the package output as tab-indented sorted JSON with FAR_FUTURE_EPOCH as a bare number', () => {
      const start = result.stdout.indexOf('Starlark code successfully run. Output was:\n') + 44;
      const text = result.stdout.slice(start, result.stdout.indexOf('\n}\n', start) + 2);
      assert.match(text, /\n\t\t"gloas_fork_epoch": 18446744073709551615,\n/);
      const output = JSON.parse(text) as Record<string, unknown>;
      assert.deepEqual(Object.keys(output), Object.keys(output).sort());
      const [participant] = output['all_participants'] as Record<string, Record<string, unknown>>[];
      const el = fake.scope().enclaves[0]!.services.find((s) => s.name === 'el-1-geth-lighthouse')!;
      const cl = fake.scope().enclaves[0]!.services.find((s) => s.name === 'cl-1-lighthouse-geth')!;
      assert.equal(participant!['el_context']!['ip_addr'], el.ip);
      assert.equal(participant!['cl_context']!['ip_address'], cl.ip);
      assert.equal(participant!['vc_context']!['service_name'], 'vc-1-geth-lighthouse');
      assert.equal((output['network_params'] as Record<string, unknown>)['num_validator_keys_per_node'], 64);
      assert.equal((output['pre_funded_accounts'] as unknown[]).length, 21);
      // the same keys as the reference output
      const reference = JSON.parse(sample('1.20.0/run-output.json')) as Record<string, unknown>;
      assert.deepEqual(Object.keys(output), Object.keys(reference));
    });

    it('records the enclave, its services, artifacts and logs in the state', () => {
      const [enclave] = fake.scope().enclaves;
      assert.equal(enclave!.name, 'my-devnet');
      assert.equal(enclave!.status, 'RUNNING');
      assert.deepEqual(enclave!.services.map((s) => s.name).sort(), [
        'cl-1-lighthouse-geth',
        'dora',
        'el-1-geth-lighthouse',
        'validator-key-generation-cl-validator-keystore',
        'vc-1-geth-lighthouse',
      ]);
      for (const svc of enclave!.services) {
        assert.equal(svc.status, 'RUNNING');
        assert.match(svc.uuid, /^[0-9a-f]{32}$/);
        assert.match(svc.ip, /^172\.16\.0\.\d+$/);
        assert.ok(svc.logs.length > 0);
      }
      assert.equal(enclave!.artifacts.length, 10);
    });

    it('prints ports like port-print-*.txt and fails like error-port-not-found', async () => {
      assert.equal(
        (await fake.exec(['port', 'print', 'my-devnet', 'dora', 'http'])).stdout,
        sample('1.20.0/port-print-default.txt'),
      );
      assert.equal(
        (await fake.exec(['port', 'print', 'my-devnet', 'dora', 'http', '--format', 'number'])).stdout,
        sample('1.20.0/port-print-format-number.txt'),
      );
      assert.equal(
        (await fake.exec(['port', 'print', 'my-devnet', 'el-1-geth-lighthouse', 'rpc'])).stdout,
        sample('1.20.0/port-print-no-app-protocol.txt'),
      );
      const missing = await fake.exec(['port', 'print', 'my-devnet', 'el-1-geth-lighthouse', 'grpc']);
      assert.equal(missing.exitCode, 1);
      assert.equal(missing.stderr, sample('1.20.0/error-port-not-found.stderr.txt'));
    });

    it('inspects a service like service-inspect.txt and service-inspect-json.txt', async () => {
      const text = await fake.exec(['service', 'inspect', 'my-devnet', 'el-1-geth-lighthouse']);
      assert.equal(text.stdout, sample('1.20.0/service-inspect.txt'));
      const json = await fake.exec(['service', 'inspect', 'my-devnet', 'el-1-geth-lighthouse', '-o', 'json']);
      assert.equal(json.stdout, sample('1.20.0/service-inspect-json.txt'));
    });

    it('prints service logs as `[svc] line`, with -n, several services and the unknown-service warning', async () => {
      const two = await fake.exec([
        'service',
        'logs',
        'my-devnet',
        'el-1-geth-lighthouse',
        'dora',
        '-n',
        '1',
      ]);
      assert.equal(two.exitCode, 0);
      const lines = two.stdout.trimEnd().split('\n');
      assert.equal(lines.length, 2);
      assert.match(lines[0]!, /^\[el-1-geth-lighthouse\] INFO \[08-20\|10:04:43\.000\] /);
      assert.match(lines[1]!, /^\[dora\] /);
      const all = await fake.exec(['service', 'logs', 'my-devnet', '-x', '-a']);
      assert.equal(
        new Set(
          all.stdout
            .trimEnd()
            .split('\n')
            .map((l) => /^\[([^\]]+)\]/.exec(l)![1]),
        ).size,
        5,
      );
      const unknown = await fake.exec(['service', 'logs', 'my-devnet', 'nope']);
      assert.equal(unknown.exitCode, 0);
      assert.equal(unknown.stdout, '');
      assert.match(
        stripAnsi(unknown.stderr),
        /^WARN\[[^\]]+\] The Kurtosis centralized logs system does not contains any logs for the requested service UUID 'nope'\. /,
      );
    });

    it('follows logs until SIGINT and exits 0 within a second', async () => {
      const run = spawnUntil(
        fake,
        ['service', 'logs', 'my-devnet', 'el-1-geth-lighthouse', '-f', '-n', '1'],
        /number=1 /,
      );
      await run.seen;
      run.child.kill('SIGINT');
      const { code, ms } = await run.exited;
      assert.equal(code, 0);
      assert.ok(ms < 1000, `exited after ${ms} ms`);
      assert.match(
        run.output().stdout,
        /^\[el-1-geth-lighthouse\] .*number=0 .*\n\[el-1-geth-lighthouse\] .*number=1 /,
      );
    });

    it('dies by SIGTERM on `service logs -f` and records the leaked engine stream', async () => {
      const run = spawnUntil(fake, ['service', 'logs', 'my-devnet', 'dora', '-f'], /\[dora\]/);
      await run.seen;
      run.child.kill('SIGTERM');
      const { code, signal } = await run.exited;
      assert.notEqual(code, 0);
      assert.equal(signal, 'SIGTERM');
      assert.equal(fake.state().engineLogStreamLeaks, 1);
    });

    it('refuses to remove a running enclave without -f and inspects a stopped one like the samples', async () => {
      const rm = await fake.exec(['enclave', 'rm', 'my-devnet']);
      assert.equal(rm.exitCode, 1);
      assert.equal(logrus(rm.stderr), logrus(sample('1.20.0/error-enclave-rm-running.stderr.txt')));
      const dumpDir = join(fake.dir, 'dump');
      assert.equal((await fake.exec(['enclave', 'dump', 'my-devnet', dumpDir])).exitCode, 0);
      const el = fake.scope().enclaves[0]!.services.find((s) => s.name === 'el-1-geth-lighthouse')!;
      assert.ok(existsSync(join(dumpDir, `el-1-geth-lighthouse--${el.uuid}`, 'output.log')));
      assert.ok(existsSync(join(dumpDir, `el-1-geth-lighthouse--${el.uuid}`, 'spec.json')));
      const stop = await fake.exec(['enclave', 'stop', 'my-devnet']);
      assert.equal(logrus(stop.stderr), logrus(sample('1.20.0/enclave-stop.stderr.txt')));
      assert.equal(
        (await fake.exec(['enclave', 'inspect', 'my-devnet'])).stdout,
        sample('1.20.0/enclave-inspect-stopped.txt'),
      );
      const again = await fake.exec([
        'run',
        '--enclave',
        'my-devnet',
        'github.com/ethpandaops/ethereum-package',
      ]);
      assert.equal(again.exitCode, 1);
      assert.match(
        again.stderr,
        /Caused by: Enclave containers status was 'EnclaveContainersStatus_STOPPED', but we can't/,
      );
      const rmf = await fake.exec(['enclave', 'rm', '-f', 'my-devnet']);
      assert.equal(logrus(rmf.stderr), logrus(sample('1.20.0/enclave-rm.stderr.txt')));
      assert.deepEqual(fake.scope().enclaves, []);
      const gone = await fake.exec(['enclave', 'inspect', 'my-devnet']);
      assert.equal(
        gone.stderr,
        sample('1.20.0/error-enclave-not-found.stderr.txt').replaceAll('no-such-enclave', 'my-devnet'),
      );
    });
  });

  describe('enclave tables', () => {
    it('lists enclaves like enclave-ls-full-uuids.txt and enclave-ls-mixed-status.txt', async () => {
      const fake = newFake({
        ids: {
          enclaves: {
            'devnet-ci-1812': '5ee2705f03884b218af992ef69d8f098',
            'dry-geyser': '8a9886d102904c5d8e7f6a5b4c3d2e1f',
            'icy-hill': '0a3065d658b04e1f9a8b7c6d5e4f3a2b',
          },
        },
      });
      const add = async (name: string, time: string) =>
        fake.exec(['enclave', 'add', '-n', name], { extraEnv: { FAKE_KURTOSIS_NOW: time } });
      await add('devnet-ci-1812', '2026-08-20T09:41:07Z');
      assert.equal(
        (await fake.exec(['enclave', 'ls', '--full-uuids'])).stdout,
        sample('1.20.0/enclave-ls-full-uuids.txt'),
      );
      await add('icy-hill', '2026-08-20T10:03:12Z');
      await add('dry-geyser', '2026-08-20T09:52:30Z');
      await fake.exec(['enclave', 'stop', 'dry-geyser']);
      fake.updateState((s) => {
        s.scopes.docker!.enclaves.find((e) => e.name === 'icy-hill')!.status = 'EMPTY';
      });
      assert.equal((await fake.exec(['enclave', 'ls'])).stdout, sample('1.20.0/enclave-ls-mixed-status.txt'));
      const rm = await fake.exec(['enclave', 'rm', 'no-such-enclave']);
      assert.equal(rm.stderr, sample('1.20.0/error-enclave-rm-not-found.stderr.txt'));
      const empty = await fake.exec([
        'run',
        '--enclave',
        'icy-hill',
        'github.com/ethpandaops/ethereum-package',
      ]);
      assert.match(empty.stderr, /Caused by: Enclave containers status was 'EnclaveContainersStatus_EMPTY'/);
    });

    it('adds an enclave like enclave-add.stderr.txt', async () => {
      const fake = newFake();
      await fake.exec(['engine', 'start']);
      const add = await fake.exec(['enclave', 'add', '--name', 'my-devnet']);
      assert.equal(add.exitCode, 0);
      assert.equal(add.stdout, '');
      assert.equal(logrus(add.stderr), logrus(sample('1.20.0/enclave-add.stderr.txt')));
    });

    it('fails `port print` on an EMPTY enclave like error-port-print-empty-enclave', async () => {
      const fake = newFake();
      await fake.exec(['enclave', 'add', '-n', 'luban']);
      fake.updateState((s) => {
        s.scopes.docker!.enclaves[0]!.status = 'EMPTY';
      });
      const r = await fake.exec(['port', 'print', 'luban', 'x', 'http']);
      assert.equal(r.stderr, sample('unversioned/error-port-print-empty-enclave.stderr.txt'));
    });
  });

  describe('run failures and interrupts', () => {
    it('fails mid-run on starlark-exec: error on stdout, exit 1, no Error block, partial enclave kept', async () => {
      const fake = newFake({ faults: ['starlark-exec'] });
      const r = await fake.exec([
        'run',
        '--enclave',
        'dry-geyser',
        'github.com/ethpandaops/ethereum-package',
        '--args-file',
        argsFile(fake),
      ]);
      assert.equal(r.exitCode, 1);
      assert.doesNotMatch(r.stderr, /Error:/);
      const lines = r.stdout.split('\n');
      const at = lines.indexOf('There was an error executing Starlark code ');
      assert.ok(at > 0, r.stdout);
      assert.equal(
        lines[at - 1],
        "Adding service with name 'cl-1-lighthouse-geth' and image 'sigp/lighthouse:latest'",
      );
      assert.match(
        lines[at + 1]!,
        /^An error occurred executing instruction \(number \d+\) at github\.com\/ethpandaops\/ethereum-package\/src\/cl\/lighthouse\/lighthouse_launcher\.star\[86:38\]:$/,
      );
      assert.match(
        r.stdout,
        /\n\nError encountered running Starlark code\.\n\n⭐ us on GitHub - https:\/\/github\.com\/kurtosis-tech\/kurtosis\nName: {12}dry-geyser\n/,
      );
      assert.match(
        r.stdout,
        /\n[0-9a-f]{12} {3}cl-1-lighthouse-geth +http: 4000\/tcp +STOPPED\n/,
        'no host ports when stopped',
      );
      const banner = '||          Created enclave: dry-geyser          ||';
      assert.deepEqual(messages(r.stderr).slice(-3), [
        '='.repeat(banner.length),
        banner,
        '='.repeat(banner.length),
      ]);
      const [enclave] = fake.scope().enclaves;
      assert.equal(enclave!.services.find((s) => s.name === 'el-1-geth-lighthouse')!.status, 'RUNNING');
      assert.equal(enclave!.services.find((s) => s.name === 'cl-1-lighthouse-geth')!.status, 'STOPPED');
      assert.equal(
        enclave!.services.some((s) => s.name === 'dora'),
        false,
      );
    });

    it('fails on interpretation like run-interpretation-error.txt, and treats a positional `false` as the args', async () => {
      const fake = newFake({ faults: ['interpretation'], now: '2026-08-20T10:04:43Z' });
      const r = await fake.exec([
        'run',
        '--enclave',
        'my-testnet',
        'github.com/ethpandaops/ethereum-package',
      ]);
      assert.equal(r.exitCode, 1);
      const expected = sample('2.1.0/run-interpretation-error.txt');
      const upToStar = (s: string) => s.slice(0, s.indexOf('kurtosis\n') + 9);
      assert.equal(upToStar(r.stdout), upToStar(expected));
      assert.doesNotMatch(r.stderr, /Error:/);
      fake.setFault('interpretation', false);
      const file = argsFile(fake);
      const misuse = await fake.exec([
        'run',
        '--enclave',
        'misuse',
        'github.com/ethpandaops/ethereum-package',
        '--args-file',
        file,
        '--show-enclave-inspect',
        'false',
      ]);
      assert.equal(misuse.exitCode, 1);
      assert.match(
        misuse.stdout,
        /^There was an error interpreting Starlark code \nEvaluation error: unknown binary op: string in bool\n/,
      );
      assert.match(
        misuse.stdout,
        /\nName: {12}misuse\n/,
        'the inspect is still shown: `false` did not reach the flag',
      );
    });

    it('is interrupted by SIGINT during a slow run: exit 1 with the notice, enclave kept', async () => {
      const fake = newFake({ runDelayMs: 150 });
      const run = spawnUntil(
        fake,
        [
          'run',
          '--enclave',
          'slow',
          'github.com/ethpandaops/ethereum-package',
          '--show-enclave-inspect=false',
        ],
        /Adding service with name 'validator-key-generation/,
      );
      await run.seen;
      run.child.kill('SIGINT');
      const { code, ms } = await run.exited;
      assert.equal(code, 1);
      assert.ok(ms < 1000, `exited after ${ms} ms`);
      assert.match(
        run.output().stderr,
        /Error: {2}An error occurred running command 'run'\n {2}Caused by: An error occurred calling the run function for command 'run'\n {2}Caused by: User manually interrupted the execution, returning\. Note that the execution will continue in the Kurtosis enclave\n$/,
      );
      assert.deepEqual(
        fake.scope().enclaves.map((e) => e.name),
        ['slow'],
      );
      const ls = await fake.exec(['enclave', 'ls']);
      assert.match(ls.stdout, /\n[0-9a-f]{12} {3}slow {3}RUNNING {4}/);
    });

    it('fails lookups on enclave-not-found', async () => {
      const fake = newFake({ faults: ['enclave-not-found'] });
      await fake.exec(['enclave', 'add', '-n', 'real']);
      const r = await fake.exec(['enclave', 'inspect', 'real']);
      assert.equal(
        r.stderr,
        sample('1.20.0/error-enclave-not-found.stderr.txt').replaceAll('no-such-enclave', 'real'),
      );
    });

    it('derives zero-padded names, matrix participants and VC rules from the args', async () => {
      const fake = newFake();
      const args = [
        'participants:',
        '  - {el_type: geth, cl_type: teku, count: 9}',
        '  - {el_type: reth, cl_type: prysm, validator_count: 0}',
        'participants_matrix:',
        '  el: [{el_type: besu}]',
        '  cl: [{cl_type: lodestar}]',
        'network_params: {preset: minimal}',
        'additional_services: [dora, blockscout]',
        '',
      ].join('\n');
      const r = await fake.exec([
        'run',
        '--enclave',
        'matrix',
        'github.com/ethpandaops/ethereum-package',
        '--args-file',
        argsFile(fake, args, 'matrix.yaml'),
        '--show-enclave-inspect=false',
      ]);
      assert.equal(r.exitCode, 0, r.stdout);
      const names = fake.scope().enclaves[0]!.services.map((s) => s.name);
      assert.ok(names.includes('el-01-geth-teku') && names.includes('cl-09-teku-geth'));
      assert.ok(!names.some((n) => n.startsWith('vc-01')), 'teku runs its validators in the beacon node');
      assert.ok(
        names.includes('cl-10-prysm-reth') && !names.includes('vc-10-reth-prysm'),
        'validator_count 0: no VC',
      );
      assert.ok(names.includes('vc-11-besu-lodestar'));
      assert.ok(names.includes('blockscout') && names.includes('blockscout-postgres'));
      assert.match(
        r.stdout,
        /Adding service with name 'cl-11-lodestar-besu' and image 'ethpandaops\/lodestar:unstable'/,
      );
    });
  });

  describe('concurrency', () => {
    it('keeps state consistent when two runs write at once', async () => {
      const fake = newFake();
      await fake.exec(['engine', 'start']);
      const [a, b] = await Promise.all([
        fake.exec([
          'run',
          '--enclave',
          'one',
          'github.com/ethpandaops/ethereum-package',
          '--show-enclave-inspect=false',
        ]),
        fake.exec([
          'run',
          '--enclave',
          'two',
          'github.com/ethpandaops/ethereum-package',
          '--show-enclave-inspect=false',
        ]),
      ]);
      assert.equal(a.exitCode, 0);
      assert.equal(b.exitCode, 0);
      const enclaves = fake.scope().enclaves;
      assert.deepEqual(enclaves.map((e) => e.name).sort(), ['one', 'two']);
      const hostPorts = enclaves.flatMap((e) => e.services.flatMap((s) => s.ports.map((p) => p.hostPort)));
      assert.equal(new Set(hostPorts).size, hostPorts.length);
      assert.ok(hostPorts.every((p) => typeof p === 'number' && p >= 32768));
    });
    it('lets only one of two concurrent `enclave add`s of one name win', async () => {
      const fake = newFake();
      await fake.exec(['engine', 'start']);
      const adds = await Promise.all([1, 2].map(() => fake.exec(['enclave', 'add', '-n', 'same'])));
      assert.deepEqual(adds.map((r) => r.exitCode).sort(), [0, 1]);
      const loser = adds.find((r) => r.exitCode === 1)!;
      assert.match(
        loser.stderr,
        /Caused by: Cannot create enclave with name 'same' because an enclave with that name already exists\n$/,
      );
      assert.equal(fake.scope().enclaves.length, 1);
    });
  });

  describe('kubernetes backend', { concurrency: 1 }, () => {
    let server: FakeApiServer;
    let fake: FakeKurtosis;
    let run: Awaited<ReturnType<FakeKurtosis['exec']>>;
    let gateway: FakeGateway;
    before(async () => {
      server = await startFakeApiServer({ version: { major: '1', minor: '32', gitVersion: 'v1.32.4' } });
      fake = newFake({ backend: 'kubernetes', kubeServer: server.url });
      gateway = await fake.startGateway();
      run = await fake.exec([
        'run',
        '--enclave',
        'k8s-devnet',
        'github.com/ethpandaops/ethereum-package',
        '--args-file',
        argsFile(fake),
      ]);
    });
    after(async () => {
      await gateway.stop();
      await server.close();
    });

    it('creates the enclave namespace, API container, PVC and a Pod + Service per user service', () => {
      assert.equal(run.exitCode, 0, run.stderr);
      const enclave = fake.scope().enclaves[0]!;
      const ns = server.get('namespace', 'kt-k8s-devnet')!;
      const { 'kubernetes.io/metadata.name': _set_by_the_api_server, ...labels } = ns.metadata.labels ?? {};
      assert.deepEqual(labels, {
        'kurtosistech.com/app-id': 'kurtosis',
        'kurtosistech.com/resource-type': 'enclave',
        'kurtosistech.com/enclave-id': enclave.uuid,
        'kurtosistech.com/guid': enclave.uuid,
        'kurtosistech.com/id': enclave.uuid,
        'kurtosistech.com/kurtosis_enclave_uuid': enclave.uuid,
      });
      assert.equal(ns.metadata.annotations?.['kurtosistech.com/enclave-name'], 'k8s-devnet');
      assert.match(
        ns.metadata.annotations?.['kurtosistech.com/enclave-creation-time'] ?? '',
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );
      assert.ok(server.get('pod', 'kt-k8s-devnet', 'kurtosis-api'));
      assert.ok(server.get('service', 'kt-k8s-devnet', 'kurtosis-api'));
      const pvc = server.get('pvc', 'kt-k8s-devnet', 'enclave-data') as {
        spec?: { storageClassName?: string };
      };
      assert.equal(pvc.spec?.storageClassName, 'standard');

      const el = enclave.services.find((s) => s.name === 'el-1-geth-lighthouse')!;
      const pod = server.get('pod', 'kt-k8s-devnet', 'el-1-geth-lighthouse') as unknown as {
        metadata: { labels: Record<string, string>; annotations: Record<string, string> };
        spec: { containers: { name: string }[] };
        status: { phase: string; podIP: string };
      };
      assert.equal(pod.metadata.labels['kurtosistech.com/resource-type'], 'user-service');
      assert.equal(pod.metadata.labels['kurtosistech.com/id'], 'el-1-geth-lighthouse');
      assert.equal(pod.metadata.labels['kurtosistech.com/guid'], el.uuid);
      assert.equal(pod.metadata.labels['kurtosistech.com/kurtosis_service_uuid'], el.uuid);
      assert.equal(pod.metadata.labels['kurtosistech.com/enclave-id'], enclave.uuid);
      assert.equal(pod.metadata.labels['kurtosistech.com.custom/ethereum-package.client'], 'geth');
      assert.equal(
        pod.metadata.annotations['kurtosistech.com/ports'],
        'engine-rpc:8551/TCP/-2m0s,metrics:9001/TCP/http-2m0s,rpc:8545/TCP/-2m0s,tcp-discovery:30303/TCP/-2m0s,udp-discovery:30303/UDP,ws:8546/TCP/-2m0s',
      );
      assert.equal(pod.spec.containers[0]!.name, 'user-service-container');
      assert.equal(pod.status.phase, 'Running');
      assert.equal(pod.status.podIP, el.ip);
      const svc = server.get('service', 'kt-k8s-devnet', 'el-1-geth-lighthouse') as unknown as {
        spec: { selector: Record<string, string>; ports: { name: string; appProtocol?: string }[] };
      };
      assert.deepEqual(svc.spec.selector, {
        'kurtosistech.com/app-id': 'kurtosis',
        'kurtosistech.com/enclave-id': enclave.uuid,
        'kurtosistech.com/guid': el.uuid,
      });
      assert.deepEqual(
        svc.spec.ports.find((p) => p.name === 'metrics'),
        { name: 'metrics', port: 9001, targetPort: 9001, protocol: 'TCP', appProtocol: 'http' },
      );
      assert.equal(server.list('pod', 'kt-k8s-devnet').length, 6, 'kurtosis-api + 5 user services');
    });

    it('logs the gateway notice and shows no host ports in inspect', async () => {
      assert.ok(
        messages(run.stderr).includes(
          "Engine running in Kubernetes cluster, to connect to the engine from outside the cluster run 'kurtosis gateway' to open a local gateway to the engine",
        ),
      );
      const inspect = await fake.exec(['enclave', 'inspect', 'k8s-devnet']);
      assert.match(
        inspect.stdout,
        /\n[0-9a-f]{12} {3}el-1-geth-lighthouse +engine-rpc: 8551\/tcp +RUNNING\n/,
      );
      assert.doesNotMatch(inspect.stdout, /->/);
      const port = await fake.exec(['port', 'print', 'k8s-devnet', 'dora', 'http']);
      assert.equal(port.exitCode, 1);
    });

    it('pushes each service’s first log lines to the API server', async () => {
      const res = await fetch(
        `${server.url}/api/v1/namespaces/kt-k8s-devnet/pods/el-1-geth-lighthouse/log?container=user-service-container`,
      );
      assert.equal(res.status, 200);
      const text = await res.text();
      const el = fake.scope().enclaves[0]!.services.find((s) => s.name === 'el-1-geth-lighthouse')!;
      assert.equal(text, el.logs.map((l) => `${l}\n`).join(''));
    });

    it('switches from docker with `cluster set kubernetes` and starts an engine in the cluster', async () => {
      const local = newFake({ backend: 'docker', kubeServer: server.url });
      const engines = () =>
        server
          .list('namespace')
          .filter((n) => n.metadata.labels?.['kurtosistech.com/resource-type'] === 'kurtosis-engine').length;
      const before = engines();
      const set = await local.exec(['cluster', 'set', 'kubernetes']);
      assert.equal(set.exitCode, 0, set.stderr);
      assert.deepEqual(messages(set.stderr), [
        "Current cluster seems to be a local cluster of type 'docker'; will stop the engine if its running so that it doesn't interfere with the updated cluster",
        "Cluster set to 'kubernetes'",
        ...ENGINE_START_LINES,
      ]);
      assert.equal(engines(), before + 1, 'an engine namespace was created in the cluster');
      assert.equal((await local.exec(['cluster', 'get'])).stdout, 'kubernetes\n');
      assert.equal(local.scope(`kubernetes:${server.url}`).engine.running, true);
    });

    it('deletes the namespace on `enclave rm -f` and fails when the API server is down', async () => {
      const rm = await fake.exec(['enclave', 'rm', '-f', 'k8s-devnet']);
      assert.equal(rm.exitCode, 0, rm.stderr);
      assert.ok(
        server.requests.some((r) => r.method === 'DELETE' && r.path === '/api/v1/namespaces/kt-k8s-devnet'),
      );
      assert.equal(server.get('namespace', 'kt-k8s-devnet'), undefined);
      const down = newFake({ backend: 'kubernetes', kubeServer: 'http://127.0.0.1:9' });
      const ls = await down.exec(['enclave', 'ls']);
      assert.equal(ls.exitCode, 1);
      assert.match(
        ls.stderr,
        /Caused by: Get "http:\/\/127\.0\.0\.1:9\/api\/v1\/namespaces\?labelSelector=[^"]+": dial tcp 127\.0\.0\.1:9: connect: connection refused\n$/,
      );
    });
  });

  // kurtosis-cli.md §2 `gateway`: on Kubernetes the engine answers only through `kurtosis gateway`.
  describe('kubernetes without and with a gateway', { concurrency: 1 }, () => {
    let server: FakeApiServer;
    before(async () => {
      server = await startFakeApiServer({ version: { major: '1', minor: '32', gitVersion: 'v1.32.4' } });
    });
    after(() => server.close());

    it('fails engine-consuming commands with the guarantor error while no gateway serves', async () => {
      const fake = newFake({ backend: 'kubernetes', kubeServer: server.url });
      const start = await fake.exec(['engine', 'start']);
      assert.equal(start.exitCode, 0, 'a stopped engine starts without a gateway (no health check on k8s)');
      const status = await fake.exec(['engine', 'status']);
      assert.equal(status.exitCode, 0);
      assert.equal(status.stdout, sample('1.20.0/engine-status-not-reachable.txt'));
      for (const args of [['enclave', 'ls'], ['enclave', 'add', '-n', 'x'], ['clean']]) {
        const r = await fake.exec(args);
        assert.equal(r.exitCode, 1, args.join(' '));
        assert.equal(r.stderr, sample('1.20.0/error-engine-not-responding.stderr.txt'), args.join(' '));
      }
      assert.equal(fake.scope().enclaves.length, 0);
    });

    it('serves through `kurtosis gateway` until SIGINT, with the three INFO lines and exit 0', async () => {
      const fake = newFake({ backend: 'kubernetes', kubeServer: server.url });
      await fake.exec(['engine', 'start']);
      const gateway = await fake.startGateway();
      const port = fake.gatewayPort!;
      assert.deepEqual(messages(gateway.stderr()), [
        `Starting Kurtosis gateway on local port '${port}'`,
        `You can use this gateway as a drop-in replacement for Kurtosis engine. To connect to the gateway, send a request to '127.0.0.1:${port}'`,
        'To kill the running gateway, press CTRL+C',
      ]);
      const status = await fake.exec(['engine', 'status']);
      assert.equal(
        status.stdout,
        'A Kurtosis engine is running with the following info:\nVersion:   1.20.0\n',
      );
      const add = await fake.exec(['enclave', 'add', '-n', 'through-gw']);
      assert.equal(add.exitCode, 0, add.stderr);
      assert.ok(server.get('namespace', 'kt-through-gw'));

      const second = await fake.exec(['gateway']);
      assert.equal(second.exitCode, 1);
      assert.match(
        second.stderr,
        new RegExp(`Caused by: listen tcp :${port}: bind: address already in use\\n$`),
      );

      assert.equal(await gateway.stop(), 0);
      const after = await fake.exec(['enclave', 'ls']);
      assert.equal(after.exitCode, 1);
      assert.match(after.stderr, /whose server isn't responding/);
    });

    it('auto-starts a stopped engine, then needs the gateway for the call itself', async () => {
      const fake = newFake({ backend: 'kubernetes', kubeServer: server.url });
      const ls = await fake.exec(['enclave', 'ls']);
      assert.equal(ls.exitCode, 1);
      assert.ok(messages(ls.stderr).includes('Successfully started Kurtosis engine'));
      assert.match(ls.stderr, /connect: connection refused"\n$/);
      assert.equal(fake.scope().engine.running, true);
    });

    it('talks to the gateway’s cluster, not the caller’s kubeconfig one', async () => {
      const other = await startFakeApiServer({ version: { major: '1', minor: '32', gitVersion: 'v1.32.4' } });
      try {
        const fake = newFake({ backend: 'kubernetes', kubeServer: server.url });
        await fake.exec(['engine', 'start']);
        const gateway = await fake.startGateway();
        const elsewhere = join(fake.dir, 'other.kubeconfig');
        writeFileSync(
          elsewhere,
          JSON.stringify({
            apiVersion: 'v1',
            kind: 'Config',
            'current-context': 'other',
            clusters: [{ name: 'other', cluster: { server: other.url } }],
            contexts: [{ name: 'other', context: { cluster: 'other', user: 'u' } }],
            users: [{ name: 'u', user: {} }],
          }),
        );
        const env = { KUBECONFIG: elsewhere };
        assert.equal((await fake.exec(['engine', 'start'], { extraEnv: env })).exitCode, 0);
        const add = await fake.exec(['enclave', 'add', '-n', 'misrouted'], { extraEnv: env });
        assert.equal(add.exitCode, 0, add.stderr);
        assert.ok(server.get('namespace', 'kt-misrouted'), 'created in the gateway’s cluster');
        assert.equal(other.get('namespace', 'kt-misrouted'), undefined);
        await gateway.stop();
      } finally {
        await other.close();
      }
    });

    it('needs no gateway on Docker', async () => {
      const fake = newFake();
      const ls = await fake.exec(['enclave', 'ls']);
      assert.equal(ls.exitCode, 0, ls.stderr);
      const gw = await fake.exec(['gateway']);
      assert.equal(gw.exitCode, 1);
    });
  });
});
