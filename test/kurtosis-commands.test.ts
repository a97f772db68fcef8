import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CommandFailedError, InvalidInputError, ParseError, StarlarkError } from '../lib/errors.js';
import { runCommand } from '../lib/exec/command.js';
import type { FollowHandle, Runner, RunRequest, RunResult } from '../lib/exec/exec.js';
import { classifyKurtosisError } from '../lib/kurtosis/classify-error.js';
import {
  dumpEnclaveCommand,
  ENGINE_TIMEOUT_MS,
  engineStatusCommand,
  getClusterCommand,
  inspectEnclaveCommand,
  listEnclavesCommand,
  RUN_TIMEOUT_MS,
  removeEnclavesCommand,
  restartEngineCommand,
  runPackageCommand,
  serviceLogsCommand,
  setClusterCommand,
  startEngineCommand,
  versionCommand,
} from '../lib/kurtosis/commands.js';

const FIXTURES = new URL('../fixtures/kurtosis/', import.meta.url);
const fixture = (path: string) => readFileSync(new URL(path, FIXTURES), 'utf8');

function result(stdout: string, extra: Partial<RunResult> = {}): RunResult {
  return { argv: ['kurtosis'], stdout, stderr: '', exitCode: 0, durationMs: 1, ...extra };
}

/** Replays one canned result per argv (joined by spaces); records the requests. */
function fakeRunner(rows: Record<string, RunResult | Error>): Runner & { requests: RunRequest[] } {
  const requests: RunRequest[] = [];
  return {
    requests,
    async run(request) {
      requests.push(request);
      const row = rows[request.args.join(' ')];
      if (!row) throw new Error(`unexpected argv: ${request.args.join(' ')}`);
      if (row instanceof Error) throw row;
      return { ...row, argv: ['kurtosis', ...request.args] };
    },
    follow(): FollowHandle {
      throw new Error('not used');
    },
  };
}

const RUN_ARGV = [
  'run',
  '--enclave',
  'my-devnet',
  'github.com/ethpandaops/ethereum-package@6.1.0',
  '--args-file',
  '/tmp/devnet-kit/args.yaml',
  '--show-enclave-inspect=false',
];

describe('Kurtosis argv builders', () => {
  it('builds the read commands, all idempotent', () => {
    const cases: [{ args: string[]; idempotent?: boolean; tool: string }, string[]][] = [
      [versionCommand(), ['version']],
      [getClusterCommand(), ['cluster', 'get']],
      [engineStatusCommand(), ['engine', 'status']],
      [listEnclavesCommand(), ['enclave', 'ls', '--full-uuids']],
      [inspectEnclaveCommand('my-devnet'), ['enclave', 'inspect', 'my-devnet', '--full-uuids']],
      [serviceLogsCommand('my-devnet'), ['service', 'logs', 'my-devnet']],
    ];
    for (const [command, argv] of cases) {
      assert.deepEqual(command.args, argv);
      assert.equal(command.tool, 'kurtosis');
      assert.equal(command.idempotent, true, argv.join(' '));
    }
  });

  it('builds the write commands, none idempotent', () => {
    const cases: [{ args: string[]; idempotent?: boolean; timeoutMs?: number }, string[]][] = [
      [setClusterCommand('bruno'), ['cluster', 'set', 'bruno']],
      [startEngineCommand(), ['engine', 'start']],
      [startEngineCommand({ version: '1.20.0' }), ['engine', 'start', '--version', '1.20.0']],
      [restartEngineCommand(), ['engine', 'restart']],
      [restartEngineCommand({ version: '1.20.0' }), ['engine', 'restart', '--version', '1.20.0']],
      [removeEnclavesCommand(['a', 'b-2']), ['enclave', 'rm', '-f', 'a', 'b-2']],
      [dumpEnclaveCommand('my-devnet', '/tmp/dump'), ['enclave', 'dump', 'my-devnet', '/tmp/dump']],
      [dumpEnclaveCommand('my-devnet', '-out'), ['enclave', 'dump', 'my-devnet', './-out']],
    ];
    for (const [command, argv] of cases) {
      assert.deepEqual(command.args, argv);
      assert.notEqual(command.idempotent, true, argv.join(' '));
      assert.ok(command.timeoutMs !== undefined && command.timeoutMs >= 60_000, argv.join(' '));
    }
    assert.equal(restartEngineCommand().timeoutMs, ENGINE_TIMEOUT_MS);
  });

  it('builds `run` with --flag=false and nothing positional after the package', () => {
    const plain = runPackageCommand({
      enclave: 'my-devnet',
      packageRef: 'github.com/ethpandaops/ethereum-package@6.1.0',
      argsFile: '/tmp/devnet-kit/args.yaml',
    });
    assert.deepEqual(plain.args, RUN_ARGV);
    assert.deepEqual(plain.okExitCodes, [0, 1]);
    assert.equal(plain.timeoutMs, RUN_TIMEOUT_MS);
    assert.notEqual(plain.idempotent, true);
    assert.ok(!plain.args.includes('false'));

    const full = runPackageCommand({
      enclave: 'my-devnet',
      packageRef: 'github.com/ethpandaops/ethereum-package@6.1.0',
      argsFile: '/tmp/devnet-kit/args.yaml',
      imageDownload: 'always',
      verbosity: 'description',
      timeoutMs: 600_000,
    });
    assert.deepEqual(full.args, [...RUN_ARGV, '--image-download', 'always', '--verbosity', 'description']);
    assert.equal(full.timeoutMs, 600_000);
  });

  it('builds `service logs` with services, -n, -a and -f', () => {
    assert.deepEqual(
      serviceLogsCommand('my-devnet', { services: ['el-1-geth-lighthouse', 'dora'], tail: 50 }).args,
      ['service', 'logs', 'my-devnet', 'el-1-geth-lighthouse', 'dora', '-n', '50'],
    );
    assert.deepEqual(serviceLogsCommand('my-devnet', { all: true }).args, [
      'service',
      'logs',
      'my-devnet',
      '-a',
    ]);
    const follow = serviceLogsCommand('my-devnet', { services: ['dora'], tail: 0, follow: true });
    assert.deepEqual(follow.args, ['service', 'logs', 'my-devnet', 'dora', '-n', '0', '-f']);
    assert.notEqual(follow.idempotent, true);
  });

  it('refuses identifiers that would read as flags, and contradictory options', () => {
    assert.throws(() => inspectEnclaveCommand('--help'), InvalidInputError);
    assert.throws(() => inspectEnclaveCommand(''), InvalidInputError);
    assert.throws(() => serviceLogsCommand('my-devnet', { services: ['a b'] }), InvalidInputError);
    assert.throws(() => removeEnclavesCommand([]), InvalidInputError);
    assert.throws(() => removeEnclavesCommand(['ok', '-f']), InvalidInputError);
    assert.throws(() => serviceLogsCommand('my-devnet', { services: ['-x'] }), InvalidInputError);
    assert.throws(() => serviceLogsCommand('my-devnet', { all: true, tail: 5 }), InvalidInputError);
    assert.throws(() => serviceLogsCommand('my-devnet', { tail: -1 }), InvalidInputError);
    assert.throws(() => startEngineCommand({ version: '--x' }), InvalidInputError);
    assert.throws(
      () => runPackageCommand({ enclave: 'my-devnet', packageRef: '-p', argsFile: '/tmp/a.yaml' }),
      InvalidInputError,
    );
    assert.throws(
      () => runPackageCommand({ enclave: 'my-devnet', packageRef: 'pkg', argsFile: '' }),
      InvalidInputError,
    );
  });
});

describe('Kurtosis command parsers through a fake runner', () => {
  it('reads the version, engine status and enclaves', async () => {
    const runner = fakeRunner({
      version: result(fixture('0.84.3/version.txt')),
      'engine status': result(fixture('1.20.0/engine-status-running.txt')),
      'enclave ls --full-uuids': result(fixture('1.20.0/enclave-ls-full-uuids.txt')),
      'enclave inspect my-devnet --full-uuids': result(fixture('1.20.0/enclave-inspect-reconstructed.txt')),
    });
    assert.equal(await runCommand(runner, versionCommand()), '0.84.3');
    assert.deepEqual(await runCommand(runner, engineStatusCommand()), {
      state: 'running',
      version: '1.20.0',
    });
    const [enclave] = await runCommand(runner, listEnclavesCommand());
    assert.equal(enclave?.uuid, '5ee2705f03884b218af992ef69d8f098');
    const inspect = await runCommand(runner, inspectEnclaveCommand('my-devnet'));
    assert.equal(inspect.services.length, 5);
    assert.ok(runner.requests.every((r) => r.tool === 'kurtosis' && r.idempotent === true));
  });

  it('lets `cluster get` fail when never set; the caller maps it to docker', async () => {
    const stderr = fixture('1.20.0/error-cluster-get-never-set.stderr.txt');
    const failure = new CommandFailedError({
      argv: ['kurtosis', 'cluster', 'get'],
      exitCode: 1,
      stdout: '',
      stderr,
      stderrTail: [],
      rootCause: 'open /home/runner/.local/share/kurtosis/cluster-setting: no such file or directory',
    });
    const runner = fakeRunner({ 'cluster get': failure });
    const cluster = await runCommand(runner, getClusterCommand()).catch((error: CommandFailedError) =>
      classifyKurtosisError(error.rootCause) === 'cluster-never-set' ? 'docker' : Promise.reject(error),
    );
    assert.equal(cluster, 'docker');
  });

  it('returns the run events and the typed output, 2^64-1 included', async () => {
    const command = runPackageCommand({ enclave: 'my-devnet', packageRef: 'pkg', argsFile: '/tmp/a.yaml' });
    const ok = command.parse(result(fixture('1.20.0/run-success.txt')));
    assert.equal(ok.events.filter((e) => e.type === 'service-added').length, 4);
    assert.equal(ok.output?.network_id, '3151908');
    assert.equal(ok.output?.all_participants[0]?.el_context?.ws_url, 'ws://el-1-geth-lighthouse:8546');
    assert.equal(ok.dryRun, false);

    // The fixture's output is trimmed to the fields at issue; the others main.star always returns.
    const rest =
      '"all_participants": [], "pre_funded_accounts": [], "final_genesis_timestamp": "1787220403", "genesis_validators_root": "0x00",';
    const brief = command.parse(result(fixture('1.20.0/run-success-brief.txt').replace('{', `{\n\t${rest}`)));
    assert.equal(brief.output?.network_params.gloas_fork_epoch, 18446744073709551615n);

    const none = command.parse(result(fixture('1.3.1/run-success-minimal.txt')));
    assert.equal(none.output, undefined);
    assert.equal(none.rawOutput, undefined);
  });

  it('turns a Starlark failure (exit 1, error on stdout) into a StarlarkError', () => {
    const command = runPackageCommand({ enclave: 'my-devnet', packageRef: 'pkg', argsFile: '/tmp/a.yaml' });
    const run = () =>
      command.parse(
        result(fixture('1.20.0/run-failure.txt'), { exitCode: 1, argv: ['kurtosis', ...command.args] }),
      );
    assert.throws(run, (error: unknown) => {
      assert.ok(error instanceof StarlarkError);
      assert.equal(error.phase, 'executing');
      assert.equal(error.rootCause, 'dial tcp 172.16.0.13:9000: i/o timeout');
      assert.equal(error.exitCode, 1);
      assert.match(
        error.message,
        /^ethereum-package failed while executing Starlark: dial tcp 172\.16\.0\.13:9000/,
      );
      assert.match(error.details[0]!, /instruction \(number 27\)/);
      return true;
    });
    assert.throws(
      () => command.parse(result(fixture('2.1.0/run-interpretation-error.txt'), { exitCode: 1 })),
      (error: unknown) =>
        error instanceof StarlarkError &&
        error.phase === 'interpreting' &&
        error.rootCause === 'Evaluation error: module has no .get_cluster_type field or method',
    );
  });

  it('turns an infrastructure failure (exit 1, Error: block on stderr) into a CommandFailedError', () => {
    const command = runPackageCommand({ enclave: 'quickstart', packageRef: 'pkg', argsFile: '/tmp/a.yaml' });
    assert.throws(
      () =>
        command.parse(
          result('', { exitCode: 1, stderr: fixture('1.6.0/error-run-existing-empty-enclave.stderr.txt') }),
        ),
      (error: unknown) =>
        error instanceof CommandFailedError &&
        !(error instanceof StarlarkError) &&
        classifyKurtosisError(error.rootCause) === 'enclave-not-running',
    );
  });

  it('rejects a zero exit without a result line', () => {
    const command = runPackageCommand({ enclave: 'my-devnet', packageRef: 'pkg', argsFile: '/tmp/a.yaml' });
    assert.throws(() => command.parse(result('\nPrinting a message\n')), ParseError);
  });

  it('reads service logs', () => {
    const logs = serviceLogsCommand('my-devnet').parse(result(fixture('1.20.0/service-logs-multi.txt')));
    assert.equal(logs.length, 4);
  });

  it('ignores the stderr-only output of write commands', () => {
    assert.equal(
      restartEngineCommand().parse(result('', { stderr: fixture('1.20.0/engine-restart.stderr.txt') })),
      undefined,
    );
    assert.equal(removeEnclavesCommand(['my-devnet']).parse(result('')), undefined);
  });
});
