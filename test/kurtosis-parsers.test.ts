import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { formatEndpoint, portScheme } from '../lib/backends/ports.js';
import { ParseError } from '../lib/errors.js';
import { summarizeStderr } from '../lib/exec/stderr.js';
import { parseJsonBigInt } from '../lib/kurtosis/bigint-json.js';
import { classifyKurtosisError } from '../lib/kurtosis/classify-error.js';
import { parseEnclaveInspect, parsePortCell } from '../lib/kurtosis/inspect.js';
import { parseRunOutputJson } from '../lib/kurtosis/package-output.js';
import {
  parseClusterGet,
  parseEnclaveLs,
  parseEngineStatus,
  parseServiceLogLine,
  parseServiceLogs,
  parseVersion,
} from '../lib/kurtosis/parse.js';
import { parseRunOutput, type RunEvent, RunStreamParser } from '../lib/kurtosis/run-stream.js';
import { parseGoTime } from '../lib/kurtosis/time.js';
import type { Service } from '../lib/models.js';

const FIXTURES = new URL('../fixtures/kurtosis/', import.meta.url);
const fixture = (path: string) => readFileSync(new URL(path, FIXTURES), 'utf8');

function service(services: Service[], name: string): Service {
  const found = services.find((s) => s.name === name);
  assert.ok(found, `service ${name}`);
  return found;
}

function port(s: Service, name: string) {
  const found = s.ports.find((p) => p.name === name);
  assert.ok(found, `port ${name} of ${s.name}`);
  return found;
}

describe('fixtures/kurtosis', () => {
  it('holds every reference sample, byte for byte, in exactly one version folder', (t) => {
    const samples = new URL('../../shared/reference/kurtosis-samples/', import.meta.url);
    if (!existsSync(samples)) {
      t.skip('the shared reference samples are not on this machine');
      return;
    }
    const names = readdirSync(samples);
    assert.ok(names.length >= 50);
    const versions = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory());
    for (const name of names) {
      const homes = versions.filter((v) => readdirSync(new URL(`${v.name}/`, FIXTURES)).includes(name));
      assert.equal(homes.length, 1, `${name} is filed once`);
      assert.equal(fixture(`${homes[0]!.name}/${name}`), readFileSync(new URL(name, samples), 'utf8'), name);
    }
  });
});

describe('parseVersion', () => {
  it('reads the CLI version of 0.84.3', () => {
    assert.equal(parseVersion(fixture('0.84.3/version.txt')), '0.84.3');
  });
  it('rejects output without a CLI Version line', () => {
    assert.throws(() => parseVersion('kurtosis: command not found\n'), ParseError);
  });
});

describe('cluster and config parsers', () => {
  it('reads the current cluster from cluster get', () => {
    assert.equal(parseClusterGet(fixture('1.20.0/cluster-get.txt')), 'docker');
  });
  it('reads a cluster setting written without a trailing newline', () => {
    assert.equal(parseClusterGet('bruno'), 'bruno');
  });
  it('rejects an empty cluster setting', () => {
    assert.throws(() => parseClusterGet(''), ParseError);
  });
});

describe('parseEngineStatus', () => {
  it('reads a running engine and its version', () => {
    assert.deepEqual(parseEngineStatus(fixture('1.20.0/engine-status-running.txt')), {
      state: 'running',
      version: '1.20.0',
    });
  });
  it('reads a stopped engine', () => {
    assert.deepEqual(parseEngineStatus(fixture('1.20.0/engine-status-stopped.txt')), { state: 'stopped' });
  });
  it('reads an engine whose server cannot be reached (Kubernetes without a gateway)', () => {
    assert.deepEqual(parseEngineStatus(fixture('1.20.0/engine-status-not-reachable.txt')), {
      state: 'unreachable',
    });
  });
  it('rejects unknown text', () => {
    assert.throws(() => parseEngineStatus('Engine is sleeping\n'), ParseError);
  });
});

describe('parseGoTime', () => {
  it('converts UTC, numeric zones and common abbreviations to ISO 8601 UTC', () => {
    assert.equal(parseGoTime('Thu, 20 Aug 2026 09:41:07 UTC'), '2026-08-20T09:41:07Z');
    assert.equal(parseGoTime('Mon, 17 Jul 2023 13:27:02 -03'), '2023-07-17T16:27:02Z');
    assert.equal(parseGoTime('Mon, 17 Jul 2023 13:27:02 +0530'), '2023-07-17T07:57:02Z');
    assert.equal(parseGoTime('Mon, 03 Jun 2024 18:04:43 CEST'), '2024-06-03T16:04:43Z');
    assert.equal(parseGoTime('Fri, 19 Sep 2025 10:17:43 PDT'), '2025-09-19T17:17:43Z');
    assert.equal(parseGoTime('Wed, 01 Oct 2025 14:37:05 WAT'), '2025-10-01T13:37:05Z');
    assert.equal(parseGoTime('Mon, 17 Jul 2023 13:27:02 GMT'), '2023-07-17T13:27:02Z');
  });
  it('treats an ambiguous abbreviation (CST) as UTC', () => {
    assert.equal(parseGoTime('Thu, 27 Jun 2024 07:36:57 CST'), '2024-06-27T07:36:57Z');
  });
  it('returns undefined for text that is not a time', () => {
    assert.equal(parseGoTime('yesterday'), undefined);
    assert.equal(parseGoTime('2026-08-20T09:41:07Z'), undefined);
  });
});

describe('parseEnclaveLs', () => {
  it('reads the verbatim 2023 table with a -03 zone (TTY spacing)', () => {
    const enclaves = parseEnclaveLs(fixture('unversioned/enclave-ls.txt'));
    assert.equal(enclaves.length, 5);
    assert.deepEqual(enclaves[0], {
      name: 'gloomy-steppe',
      uuid: '79813f61cdf7',
      status: 'RUNNING',
      createdAt: '2023-07-17T16:27:02Z',
    });
    assert.deepEqual(
      enclaves.map((e) => e.name),
      ['gloomy-steppe', 'calm-orchard', 'dull-marsh', 'lazy-sea', 'stunning-atoll'],
    );
    assert.equal(enclaves[4]!.createdAt, '2023-07-17T17:33:53Z');
  });
  it('reads full UUIDs and the leading-space time cell of piped output', () => {
    assert.deepEqual(parseEnclaveLs(fixture('1.20.0/enclave-ls-full-uuids.txt')), [
      {
        name: 'devnet-ci-1812',
        uuid: '5ee2705f03884b218af992ef69d8f098',
        status: 'RUNNING',
        createdAt: '2026-08-20T09:41:07Z',
      },
    ]);
  });
  it('reads RUNNING, STOPPED and EMPTY enclaves', () => {
    const enclaves = parseEnclaveLs(fixture('1.20.0/enclave-ls-mixed-status.txt'));
    assert.deepEqual(
      enclaves.map((e) => [e.name, e.uuid, e.status, e.createdAt]),
      [
        ['devnet-ci-1812', '5ee2705f0388', 'RUNNING', '2026-08-20T09:41:07Z'],
        ['dry-geyser', '8a9886d10290', 'STOPPED', '2026-08-20T09:52:30Z'],
        ['icy-hill', '0a3065d658b0', 'EMPTY', '2026-08-20T10:03:12Z'],
      ],
    );
  });
  it('keeps enclaves whose names repeat', () => {
    const enclaves = parseEnclaveLs(fixture('1.20.0/enclave-ls-repeated-names.txt'));
    assert.deepEqual(
      enclaves.map((e) => [e.name, e.uuid, e.status]),
      [
        ['devnet-ci', '94d9233d65f9', 'STOPPED'],
        ['devnet-ci', 'a8f26c192927', 'RUNNING'],
        ['alice-devnet', '282857727e79', 'EMPTY'],
      ],
    );
  });
  it('returns [] for the header-only table', () => {
    assert.deepEqual(parseEnclaveLs(fixture('0.84.3/enclave-ls-empty.txt')), []);
  });
  it('rejects output without the header', () => {
    assert.throws(() => parseEnclaveLs('No enclaves\n'), /parseEnclaveLs could not parse/);
  });
  it('rejects an unknown status', () => {
    const text =
      'UUID           Name   Status    Creation Time\n5ee2705f0388   a      PAUSED     Thu, 20 Aug 2026 09:41:07 UTC\n';
    assert.throws(() => parseEnclaveLs(text), /unknown enclave status 'PAUSED'/);
  });
});

describe('parseEnclaveInspect', () => {
  it('reads the verbatim geth-docs inspect after the Created-enclave banner', () => {
    const inspect = parseEnclaveInspect(fixture('unversioned/enclave-inspect.txt'));
    assert.deepEqual(inspect.enclave, {
      name: 'dusty-soil',
      uuid: '1a33b911bfa4',
      status: 'RUNNING',
      createdAt: '2024-06-03T16:04:43Z',
    });
    assert.deepEqual(inspect.flags, []);
    assert.equal(inspect.filesArtifacts?.length, 12);
    assert.deepEqual(inspect.filesArtifacts?.[0], { uuid: '48ecd031ac60', name: '1-lighthouse-geth-0-63-0' });
    assert.equal(inspect.services.length, 10);
    assert.deepEqual(inspect.errors, []);

    const el1 = service(inspect.services, 'el-1-geth-lighthouse');
    assert.equal(el1.uuid, 'f8a7764be245');
    assert.deepEqual(
      el1.ports.map((p) => p.name),
      ['engine-rpc', 'metrics', 'rpc', 'tcp-discovery', 'udp-discovery', 'ws'],
    );
    // This package version declared `rpc` with the http application protocol.
    assert.deepEqual(port(el1, 'rpc'), {
      name: 'rpc',
      number: 8545,
      transport: 'tcp',
      applicationProtocol: 'http',
      endpoint: 'http://el-1-geth-lighthouse:8545',
      publicUrl: 'http://127.0.0.1:54589',
    });
    assert.equal(port(el1, 'ws').publicUrl, 'ws://127.0.0.1:54590');
    assert.equal(port(el1, 'engine-rpc').publicUrl, '127.0.0.1:54586');
    assert.equal(port(el1, 'udp-discovery').transport, 'udp');
    assert.equal(port(service(inspect.services, 'cl-3-teku-geth'), 'metrics').publicUrl, '127.0.0.1:54611');
    assert.deepEqual(service(inspect.services, 'validator-key-generation-cl-validator-keystore').ports, []);
    assert.equal(port(service(inspect.services, 'dora'), 'http').publicUrl, 'http://127.0.0.1:54628');
  });

  it('reads current ethereum-package ports (EL rpc without app protocol is still HTTP)', () => {
    const inspect = parseEnclaveInspect(fixture('1.20.0/enclave-inspect-reconstructed.txt'));
    assert.equal(inspect.enclave.createdAt, '2026-08-20T10:04:43Z');
    assert.equal(inspect.filesArtifacts?.length, 10);
    assert.deepEqual(
      inspect.services.map((s) => s.name),
      [
        'cl-1-lighthouse-geth',
        'dora',
        'el-1-geth-lighthouse',
        'validator-key-generation-cl-validator-keystore',
        'vc-1-geth-lighthouse',
      ],
    );
    const el = service(inspect.services, 'el-1-geth-lighthouse');
    assert.deepEqual(port(el, 'rpc'), {
      name: 'rpc',
      number: 8545,
      transport: 'tcp',
      endpoint: 'http://el-1-geth-lighthouse:8545',
      publicUrl: 'http://127.0.0.1:32939',
    });
    assert.deepEqual(port(el, 'ws'), {
      name: 'ws',
      number: 8546,
      transport: 'tcp',
      endpoint: 'ws://el-1-geth-lighthouse:8546',
      publicUrl: 'ws://127.0.0.1:32940',
    });
    assert.deepEqual(port(el, 'metrics'), {
      name: 'metrics',
      number: 9001,
      transport: 'tcp',
      applicationProtocol: 'http',
      endpoint: 'http://el-1-geth-lighthouse:9001',
      publicUrl: 'http://127.0.0.1:32937',
    });
    assert.equal(port(el, 'engine-rpc').endpoint, 'el-1-geth-lighthouse:8551');
    const cl = service(inspect.services, 'cl-1-lighthouse-geth');
    assert.equal(cl.uuid, '35dbe5e28986');
    assert.deepEqual(port(cl, 'quic-discovery'), {
      name: 'quic-discovery',
      number: 9001,
      transport: 'udp',
      endpoint: 'cl-1-lighthouse-geth:9001',
      publicUrl: '127.0.0.1:32812',
    });
    assert.equal(port(cl, 'http').publicUrl, 'http://127.0.0.1:32942');
    assert.equal(
      port(service(inspect.services, 'vc-1-geth-lighthouse'), 'metrics').publicUrl,
      'http://127.0.0.1:32946',
    );
  });

  it('reads a stopped enclave: no Files Artifacts section, header-only services', () => {
    const inspect = parseEnclaveInspect(fixture('1.20.0/enclave-inspect-stopped.txt'));
    assert.equal(inspect.enclave.status, 'STOPPED');
    assert.equal('filesArtifacts' in inspect, false);
    assert.deepEqual(inspect.services, []);
  });

  it('keeps what it can read when a section failed with ERRO lines in the output', () => {
    const inspect = parseEnclaveInspect(fixture('unversioned/enclave-inspect-partial-error.txt'));
    assert.deepEqual(inspect.enclave, {
      name: 'slender-creek',
      uuid: '5ee2705f0388',
      status: 'RUNNING',
      createdAt: '2025-09-19T17:17:43Z',
    });
    assert.deepEqual(inspect.filesArtifacts, []);
    assert.deepEqual(inspect.services, []);
    assert.equal(inspect.errors.length, 1);
    assert.match(inspect.errors[0]!, /^An error occurred while fetching files artifacts name and uuids/);
    assert.match(inspect.errors[0]!, /use of closed network connection"$/);
  });

  it('keeps services whose names repeat, with and without host ports', () => {
    const inspect = parseEnclaveInspect(fixture('1.20.0/enclave-inspect-duplicate-names.txt'));
    const nginx = inspect.services.filter((s) => s.name === 'nginx');
    assert.deepEqual(
      nginx.map((s) => [s.uuid, s.status, s.ports.length]),
      [
        ['0a1b2c3d4e5f', 'STOPPED', 2],
        ['6f5e4d3c2b1a', 'RUNNING', 4],
      ],
    );
    assert.deepEqual(nginx[0]!.ports[0], {
      name: 'http',
      number: 80,
      transport: 'tcp',
      endpoint: 'nginx:80',
    });
    assert.equal(nginx[1]!.ports[0]!.endpoint, 'http://nginx:80');
    assert.equal(nginx[1]!.ports[0]!.publicUrl, 'http://127.0.0.1:33001');
    assert.equal(port(nginx[1]!, 'sctp-probe').transport, 'sctp');
    assert.deepEqual(service(inspect.services, 'sleeper'), {
      name: 'sleeper',
      uuid: '1122aabbccdd',
      status: 'UNKNOWN',
      ports: [],
    });
  });

  it('reads full UUIDs and zero-padded participant names of a 10-node devnet', () => {
    const inspect = parseEnclaveInspect(fixture('1.20.0/enclave-inspect-full-uuids-multi.txt'));
    assert.equal(inspect.enclave.uuid, '1eab53dbef3dd60dd6520ea904f9cfa2');
    assert.equal(inspect.filesArtifacts?.length, 14);
    assert.equal(inspect.services.length, 31);
    assert.ok(inspect.services.every((s) => /^[0-9a-f]{32}$/.test(s.uuid)));
    const el10 = service(inspect.services, 'el-10-erigon-lighthouse');
    assert.deepEqual(port(el10, 'ws-rpc'), {
      name: 'ws-rpc',
      number: 8545,
      transport: 'tcp',
      endpoint: 'http://el-10-erigon-lighthouse:8545',
      publicUrl: 'http://127.0.0.1:40114',
    });
    const el01 = service(inspect.services, 'el-01-geth-lighthouse');
    assert.equal(port(el01, 'rpc').publicUrl, 'http://127.0.0.1:40008');
    assert.equal(port(service(inspect.services, 'cl-10-lighthouse-erigon'), 'http').number, 4000);
  });

  it('reads the inspect printed at the end of a run', () => {
    const inspect = parseEnclaveInspect(fixture('1.20.0/run-success.txt'));
    assert.equal(inspect.enclave.name, 'my-devnet');
    assert.equal(inspect.services.length, 5);
  });

  it('reads ports of a stopped service that have no host side (run-failure.txt)', () => {
    const inspect = parseEnclaveInspect(fixture('1.20.0/run-failure.txt'));
    const cl = service(inspect.services, 'cl-1-lighthouse-geth');
    assert.equal(cl.status, 'STOPPED');
    assert.deepEqual(
      cl.ports.map((p) => [p.name, p.number, p.transport, p.publicUrl]),
      [
        ['http', 4000, 'tcp', undefined],
        ['metrics', 5054, 'tcp', undefined],
        ['tcp-discovery', 9000, 'tcp', undefined],
        ['udp-discovery', 9000, 'udp', undefined],
      ],
    );
    assert.equal(inspect.enclave.createdAt, '2024-06-27T07:36:57Z');
  });

  it('rejects output without the key/value block', () => {
    assert.throws(() => parseEnclaveInspect('nothing to see\n'), ParseError);
  });

  it('rejects an unrecognisable port cell', () => {
    assert.throws(() => parsePortCell('x', 'http 4000'), /unrecognised port 'http 4000'/);
  });
});

describe('portScheme and formatEndpoint', () => {
  it('follows the ethereum-package port table', () => {
    assert.equal(portScheme('el-1-geth-lighthouse', 'rpc', undefined), 'http');
    assert.equal(portScheme('el-2-erigon-teku', 'ws-rpc', undefined), 'http');
    assert.equal(portScheme('el-1-geth-lighthouse', 'ws', undefined), 'ws');
    assert.equal(portScheme('el-1-geth-lighthouse', 'engine-rpc', undefined), undefined);
    assert.equal(portScheme('cl-1-prysm-geth', 'rpc', undefined), undefined); // prysm gRPC
    assert.equal(portScheme('cl-1-lighthouse-geth', 'http', 'http'), 'http');
    assert.equal(portScheme('dora', 'http', 'http'), 'http');
    assert.equal(portScheme('cl-1-lighthouse-geth', 'tcp-discovery', undefined), undefined);
  });
  it('formats with and without a scheme', () => {
    assert.equal(formatEndpoint('http', '127.0.0.1', 32939), 'http://127.0.0.1:32939');
    assert.equal(formatEndpoint(undefined, 'el-1-geth-lighthouse', 30303), 'el-1-geth-lighthouse:30303');
    assert.equal(formatEndpoint('ws', '::1', 8546), 'ws://[::1]:8546');
  });
});

describe('RunStreamParser', () => {
  it('turns run-success.txt into 8 instructions and 4 services, then the output', () => {
    const { events, outcome } = parseRunOutput(fixture('1.20.0/run-success.txt'));
    const instructions = events.filter((e) => e.type === 'instruction');
    assert.equal(instructions.length, 8);
    assert.deepEqual(
      instructions.map((e) => e.index),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.deepEqual(instructions[0], { type: 'instruction', index: 1, text: 'Printing a message' });
    assert.deepEqual(instructions[1], {
      type: 'instruction',
      index: 2,
      text: "Uploading file 'static_files/jwt/jwtsecret' to files artifact 'jwt_file'",
    });
    assert.equal(
      instructions[3]!.type === 'instruction' && instructions[3]!.text,
      "Adding service with name 'el-1-geth-lighthouse' and image 'ethereum/client-go:latest'",
    );
    assert.deepEqual(
      events.filter((e) => e.type === 'service-added'),
      [
        { type: 'service-added', name: 'el-1-geth-lighthouse', uuid: 'f8a7764be2454b5c9a3c2c3e1b8d9f01' },
        { type: 'service-added', name: 'cl-1-lighthouse-geth', uuid: '35dbe5e289864f7e8a1b2c3d4e5f6a7b' },
        { type: 'service-added', name: 'vc-1-geth-lighthouse', uuid: '349a3759d6c84e2f9a0b1c2d3e4f5a6b' },
        { type: 'service-added', name: 'dora', uuid: '1f961bcf0ef74a5b8c9d0e1f2a3b4c5d' },
      ],
    );
    // Each service-added follows its own instruction header.
    const order = events.map((e) => (e.type === 'instruction' ? `i${e.index}` : `s:${e.name}`));
    assert.deepEqual(order.slice(3, 5), ['i4', 's:el-1-geth-lighthouse']);
    assert.equal(outcome.status, 'success');
    assert.ok(outcome.status === 'success' && outcome.output);
    assert.equal(outcome.output, fixture('1.20.0/run-output.json').trimEnd());
    assert.equal(outcome.dryRun, false);
  });

  it('emits events line by line as they arrive', () => {
    const parser = new RunStreamParser();
    const seen: RunEvent[] = [];
    for (const line of fixture('1.20.0/run-success.txt').split('\n')) {
      seen.push(...parser.push(line));
      if (line.startsWith("Service 'dora' added")) {
        assert.equal(parser.outcome, undefined);
        assert.equal(parser.instructionCount, 8);
      }
      if (line.startsWith('⭐')) assert.equal(parser.outcome?.status, 'success');
    }
    assert.equal(seen.length, 12);
    assert.equal(parser.finish().status, 'success');
  });

  it('reads an execution failure: phase, instruction 27 and the root cause', () => {
    const { events, outcome } = parseRunOutput(fixture('1.20.0/run-failure.txt'));
    assert.equal(events.filter((e) => e.type === 'instruction').length, 4);
    assert.deepEqual(
      events.filter((e) => e.type === 'service-added').map((e) => e.type === 'service-added' && e.name),
      ['el-1-geth-lighthouse'],
    );
    assert.equal(outcome.status, 'failure');
    if (outcome.status !== 'failure') return;
    assert.equal(outcome.phase, 'executing');
    assert.equal(outcome.rootCause, 'dial tcp 172.16.0.13:9000: i/o timeout');
    assert.deepEqual(outcome.instruction, {
      number: 27,
      location: 'github.com/ethpandaops/ethereum-package/src/cl/lighthouse/lighthouse_launcher.star[86:38]',
    });
    assert.match(outcome.details[0]!, /^An error occurred executing instruction \(number 27\)/);
    assert.ok(!outcome.details.some((l) => l.includes('Blob DB initialized')));
    assert.deepEqual(
      outcome.serviceLogs.map((l) => [l.service, l.lines.length]),
      [['cl-1-lighthouse-geth', 2]],
    );
    assert.match(outcome.serviceLogs[0]!.lines[1]!, /Starting from known genesis state/);
  });

  it('reads an interpretation error of ethereum-package#1206', () => {
    const { events, outcome } = parseRunOutput(fixture('2.1.0/run-interpretation-error.txt'));
    assert.deepEqual(events, []);
    assert.deepEqual(outcome, {
      status: 'failure',
      phase: 'interpreting',
      rootCause: 'Evaluation error: module has no .get_cluster_type field or method',
      details: [
        'Evaluation error: module has no .get_cluster_type field or method',
        '        at [github.com/ethpandaops/ethereum-package/main.star:105:28]: run',
      ],
      serviceLogs: [],
      dryRun: false,
    });
  });

  it('reads a success with no output (kurtosis#2576)', () => {
    const { events, outcome } = parseRunOutput(fixture('1.3.1/run-success-minimal.txt'));
    assert.deepEqual(events, [{ type: 'instruction', index: 1, text: 'Running sh script: `exit 1`' }]);
    assert.deepEqual(outcome, { status: 'success', output: undefined, dryRun: false });
  });

  it('reads brief-verbosity `> instruction` headers', () => {
    const { events, outcome } = parseRunOutput(fixture('1.20.0/run-success-brief.txt'));
    assert.deepEqual(
      events.map((e) => (e.type === 'instruction' ? e.text.split(' ')[0] : `+${e.name}`)),
      [
        'print',
        'upload_files',
        'add_service',
        '+el-1-geth-lighthouse',
        'add_service',
        '+cl-1-lighthouse-geth',
      ],
    );
    assert.equal(outcome.status, 'success');
  });

  it('reads the detailed-verbosity and dry-run success line', () => {
    const { outcome } = parseRunOutput(
      '\nPrinting a message\nhi\n\nStarlark code successfully run in dry-run mode. Total instruction execution time: 1.2s. Output was:\n{\n\t"a": 1\n}\n\n',
    );
    assert.deepEqual(outcome, { status: 'success', output: '{\n\t"a": 1\n}', dryRun: true });
  });

  it('reports an incomplete stream, noting a Ctrl-C', () => {
    assert.deepEqual(parseRunOutput('\nPrinting a message\n').outcome, {
      status: 'incomplete',
      interrupted: false,
    });
    assert.deepEqual(
      parseRunOutput(
        '\nPrinting a message\nUser manually interrupted the execution, returning. Note that the execution will continue in the Kurtosis enclave\n',
      ).outcome,
      { status: 'incomplete', interrupted: true },
    );
  });
});

describe('parseJsonBigInt and parseRunOutputJson', () => {
  it('keeps 2^64-1 exactly as a bigint and small integers as numbers', () => {
    const v = parseJsonBigInt('{"far": 18446744073709551615, "n": 12, "neg": -9007199254740993, "f": 1.5e3}');
    assert.deepEqual(v, { far: 18446744073709551615n, n: 12, neg: -9007199254740993n, f: 1500 });
  });
  it('parses like JSON.parse otherwise', () => {
    const text = '[true, false, null, "a\\"b\\u00e9\\ud83d\\ude00", {"": []}, -0.5, 0]';
    assert.deepEqual(parseJsonBigInt(text), JSON.parse(text));
  });
  it('rejects malformed JSON', () => {
    for (const bad of ['{', '{"a":}', '[1,]', '01', '{"a":1} x', '"\u0001"']) {
      assert.throws(() => parseJsonBigInt(bad), SyntaxError, bad);
    }
  });
  it('does not let a __proto__ key reach the prototype', () => {
    const v = parseJsonBigInt('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(v), ['__proto__']);
  });

  it('reads run-output.json into a typed PackageOutput', () => {
    const out = parseRunOutputJson(fixture('1.20.0/run-output.json'));
    assert.equal(out.network_id, '3151908');
    assert.equal(out.final_genesis_timestamp, '1787220403');
    assert.equal(
      out.genesis_validators_root,
      '0xd61ea484febacfae5298d52a2b581f3e305a51f3112a9241b968dccf019f7b11',
    );
    assert.equal(out.all_participants.length, 1);
    const p = out.all_participants[0]!;
    assert.equal(p.el_type, 'geth');
    assert.equal(p.el_context?.rpc_http_url, 'http://el-1-geth-lighthouse:8545');
    assert.equal(p.el_context?.ip_addr, '172.16.0.10');
    assert.equal(p.cl_context?.beacon_http_url, 'http://cl-1-lighthouse-geth:4000');
    assert.equal(p.cl_context?.ip_addr, 'cl-1-lighthouse-geth');
    assert.equal(p.vc_context?.service_name, 'vc-1-geth-lighthouse');
    assert.equal(p.xatu_sentry_context, null);
    assert.equal(out.network_params.seconds_per_slot, 12);
    assert.equal(out.pre_funded_accounts[0]?.address, '0x8943545177806ED17B9F23F0a21ee5948eCaa776');
    assert.equal(out.grafana_info?.user, 'admin');
  });

  it('reads the output embedded in run-success.txt', () => {
    const { outcome } = parseRunOutput(fixture('1.20.0/run-success.txt'));
    assert.ok(outcome.status === 'success' && outcome.output);
    assert.deepEqual(
      parseRunOutputJson(outcome.output),
      parseRunOutputJson(fixture('1.20.0/run-output.json')),
    );
  });

  it('keeps FAR_FUTURE_EPOCH in the full ethereum-package sample output', () => {
    const text = readFileSync(
      new URL('../fixtures/ethereum-package/samples/output-geth-lighthouse.json', import.meta.url),
      'utf8',
    );
    const out = parseRunOutputJson(text);
    assert.equal(out.network_params.gloas_fork_epoch, 18446744073709551615n);
    assert.equal(out.network_params.bpo_3_epoch, 2n ** 64n - 1n);
    assert.equal(typeof out.network_params.genesis_delay, 'number');
  });

  it('keeps 18446744073709551615 in a brief-verbosity run output', () => {
    const { outcome } = parseRunOutput(fixture('1.20.0/run-success-brief.txt'));
    assert.ok(outcome.status === 'success' && outcome.output);
    // The fixture's output is trimmed to the fields at issue; the others main.star always returns.
    const rest =
      '"all_participants": [], "pre_funded_accounts": [], "final_genesis_timestamp": "1787220403", "genesis_validators_root": "0x00"';
    const out = parseRunOutputJson(`{${rest}, ${outcome.output.slice(1)}`);
    assert.equal(out.network_params.gloas_fork_epoch, 18446744073709551615n);
  });

  it('rejects a Starlark repr and outputs of the wrong shape', () => {
    assert.throws(() => parseRunOutputJson('struct(all_participants = [])'), /not JSON/);
    assert.throws(() => parseRunOutputJson('[]'), /\(expected object, received array\)/);
    assert.throws(
      () => parseRunOutputJson('{"network_id": 1}'),
      /'all_participants': expected array, received undefined/,
    );
    assert.throws(
      () => parseRunOutputJson('{"all_participants": [], "network_id": 1}'),
      /'network_id': expected string, received number/,
    );
  });

  it('names the field of a package output that does not match the reference', () => {
    const sample = JSON.parse(fixture('1.20.0/run-output.json'));
    const parse = (edit: (o: typeof sample) => void) => {
      const copy = structuredClone(sample);
      edit(copy);
      return () => parseRunOutputJson(JSON.stringify(copy));
    };
    assert.throws(
      parse((o) => {
        o.all_participants[0].el_context.rpc_port_num = '8545';
      }),
      (error: unknown) =>
        error instanceof ParseError &&
        error.parser === 'parseRunOutputJson' &&
        /\('all_participants\[0\]\.el_context\.rpc_port_num': expected number, received string\)/.test(
          error.message,
        ),
    );
    assert.throws(
      parse((o) => {
        delete o.all_participants[0].cl_context.beacon_http_url;
      }),
      /'all_participants\[0\]\.cl_context\.beacon_http_url': expected string, received undefined/,
    );
    assert.throws(
      parse((o) => {
        o.all_participants[0].vc_context.metrics_info = [];
      }),
      /'all_participants\[0\]\.vc_context\.metrics_info': expected object, received array/,
    );
    assert.throws(
      parse((o) => {
        delete o.all_participants[0].xatu_sentry_context;
      }),
      /'all_participants\[0\]\.xatu_sentry_context'/,
    );
    assert.throws(
      parse((o) => {
        o.pre_funded_accounts[3] = { address: 7 };
      }),
      /'pre_funded_accounts\[3\]\.address': expected string, received number; 'pre_funded_accounts\[3\]\.private_key': expected string, received undefined\)/,
    );
    // Many mismatches: the first three, and how many more.
    assert.throws(
      parse((o) => {
        o.pre_funded_accounts = Array.from({ length: 21 }, () => ({ address: '0x00', private_key: 0 }));
      }),
      /'pre_funded_accounts\[2\]\.private_key': expected string, received number; 18 more\)/,
    );
  });

  it('keeps what the reference does not list and a node that does not run', () => {
    const sample = JSON.parse(fixture('1.20.0/run-output.json'));
    sample.all_participants[0].el_context.new_field = { nested: [1] };
    sample.all_participants[0].vc_context = null;
    sample.all_participants[0].vc_type = null;
    sample.mev_endpoints = ['http://mev:18550'];
    delete sample.grafana_info;
    delete sample.blockscout_sc_verif_url;
    const out = parseRunOutputJson(JSON.stringify(sample));
    assert.deepEqual(out.all_participants[0]!.el_context?.new_field, { nested: [1] });
    assert.equal(out.all_participants[0]!.vc_context, null);
    assert.deepEqual(out.mev_endpoints, ['http://mev:18550']);
    assert.equal(out.grafana_info, undefined);
  });
});

describe('service logs, port print and service inspect', () => {
  it('reads `[service] line` logs of one service', () => {
    const logs = parseServiceLogs(fixture('unversioned/service-logs.txt'));
    assert.equal(logs.length, 6);
    assert.ok(logs.every((l) => l.service === 'el-1-geth-lighthouse'));
    assert.match(logs[0]!.line, /^INFO \[06-04\|07:59:05\.048\] Chain head was updated\s+number=495/);
    assert.match(logs[2]!.line, /elapsed="379\.542µs"$/);
  });
  it('reads interleaved logs of several services', () => {
    const logs = parseServiceLogs(fixture('1.20.0/service-logs-multi.txt'));
    assert.deepEqual(
      logs.map((l) => l.service),
      ['cl-1-lighthouse-geth', 'el-1-geth-lighthouse', 'vc-1-geth-lighthouse', 'dora'],
    );
    assert.equal(
      logs[3]!.line,
      'time="2026-08-20T10:08:12Z" level=info msg="processed slot 14" module=indexer',
    );
  });
  it("strips the service's own ANSI colours and keeps empty lines", () => {
    assert.deepEqual(parseServiceLogs('[dora] \x1b[32mINFO\x1b[0m ready\n[dora] \n'), [
      { service: 'dora', line: 'INFO ready' },
      { service: 'dora', line: '' },
    ]);
  });
  it('returns [] for no output and attributes unprefixed lines to the previous service', () => {
    assert.deepEqual(parseServiceLogs(''), []);
    assert.deepEqual(parseServiceLogs('[a] x\ncontinued\n'), [
      { service: 'a', line: 'x' },
      { service: 'a', line: 'continued' },
    ]);
    assert.equal(parseServiceLogLine('no prefix'), undefined);
    assert.throws(() => parseServiceLogs('no prefix\n'), ParseError);
  });
});

describe('classifyKurtosisError', () => {
  const rootCause = (path: string) => summarizeStderr(fixture(path)).rootCause;
  const cases: [string, string, string][] = [
    [
      '1.20.0/error-enclave-not-found.stderr.txt',
      'enclave-not-found',
      "No enclave found with identifier 'no-such-enclave'",
    ],
    [
      '1.20.0/error-enclave-rm-not-found.stderr.txt',
      'enclave-not-found',
      "No enclave found with identifier 'no-such-enclave'",
    ],
    [
      '1.20.0/error-api-version-mismatch.stderr.txt',
      'version-mismatch',
      "An API version mismatch was detected between the running engine version '1.19.0' and the engine version the CLI expects, '1.20.0'",
    ],
    [
      '0.85.21/error-engine-cli-newer-than-engine.stderr.txt',
      'cli-newer-than-engine',
      "The current version of the CLI '0.85.21' is greater than the version of the running engine '0.85.16' which could lead to unexpected behavior. Use 'kurtosis engine restart' to upgrade the current running engine",
    ],
    [
      '1.20.0/error-engine-not-responding.stderr.txt',
      'engine-not-responding',
      "We couldn't guarantee that a Kurtosis engine is running because we found a running engine container whose server isn't responding; because this is a strange state, we don't automatically try to correct the problem so you'll want to manually  restart the server by running 'kurtosis engine restart'",
    ],
    [
      '1.20.0/error-cluster-get-never-set.stderr.txt',
      'cluster-never-set',
      'open /home/runner/.local/share/kurtosis/cluster-setting: no such file or directory',
    ],
    [
      '1.4.1/error-engine-start-empty-cluster-setting.stderr.txt',
      'cluster-not-defined',
      "Expected to find Kurtosis configuration for cluster '', instead found nothing",
    ],
    [
      '1.6.0/error-run-existing-empty-enclave.stderr.txt',
      'enclave-not-running',
      "Enclave containers status was 'EnclaveContainersStatus_EMPTY', but we can't create an enclave context from a non-running enclave",
    ],
    [
      'unversioned/error-port-print-empty-enclave.stderr.txt',
      'enclave-not-running',
      "Enclave containers status was 'EnclaveContainersStatus_EMPTY', but we can't create an enclave context from a non-running enclave",
    ],
    [
      '1.20.0/error-port-not-found.stderr.txt',
      'port-not-found',
      "Port Identifier: 'grpc' is not found for service: 'el-1-geth-lighthouse' in enclave 'my-devnet'",
    ],
    [
      'unversioned/error-run-create-enclave.stderr.txt',
      'unknown',
      "The logs aggregator container exists but is not running. Instead logs aggregator container status is 'STOPPED'. The logs collector cannot be run without a logs aggregator.",
    ],
    [
      '1.20.0/error-enclave-rm-running.stderr.txt',
      'unknown',
      "Refusing to destroy enclave 'my-devnet' because its status is 'EnclaveContainersStatus_RUNNING'; to force its removal, rerun this command with the 'force' flag",
    ],
    ['1.20.0/error-unknown-flag.stderr.txt', 'unknown', 'unknown flag: --output-json'],
  ];
  for (const [path, kind, cause] of cases) {
    it(`classifies ${path.split('/')[1]} as ${kind}`, () => {
      assert.equal(rootCause(path), cause);
      assert.equal(classifyKurtosisError(rootCause(path)), kind);
      assert.equal(classifyKurtosisError(fixture(path)), kind);
    });
  }

  it('classifies the raw-ANSI stderr by its ERRO line', () => {
    const stderr = fixture('1.20.0/logrus-raw-ansi.stderr.txt');
    assert.equal(classifyKurtosisError(stderr), 'version-mismatch');
    assert.deepEqual(
      summarizeStderr(stderr).rootCause,
      'An error occurred creating a new Kurtosis engine client',
    );
  });

  it('classifies the SDK engine-unavailable message', () => {
    assert.equal(
      classifyKurtosisError(
        'The Kurtosis Engine Server is unavailable and is probably not running; you will need to start it using the Kurtosis CLI before you can create a connection to it',
      ),
      'engine-unreachable',
    );
    assert.equal(classifyKurtosisError(undefined), 'unknown');
  });

  it('finds nothing to classify in stderr of successful commands', () => {
    for (const path of [
      '1.20.0/engine-start.stderr.txt',
      '1.20.0/engine-restart.stderr.txt',
      '1.20.0/enclave-add.stderr.txt',
      '1.20.0/enclave-rm.stderr.txt',
      '1.20.0/enclave-stop.stderr.txt',
      '1.20.0/files-download.stderr.txt',
    ]) {
      assert.equal(classifyKurtosisError(fixture(path)), 'unknown', path);
    }
  });
});
