// Point by point, the services one ethereum-package version starts, each expectation with the file of
// the package that decides it. fixtures/ethereum-package/plan-rules/<case>.yaml name their version on
// the first line; the full plans are golden files next to them (UPDATE_GOLDEN=1 rewrites them — check
// the diff against the expectations below first).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseArgsFile } from '../lib/ethereum-package/args-file.js';
import { type PlannedService, planServices } from '../lib/ethereum-package/plan.js';
import { schemaByVersion } from '../lib/ethereum-package/schemas.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'ethereum-package', 'plan-rules');

function plan(file: string): PlannedService[] {
  const text = readFileSync(join(DIR, file), 'utf8');
  const version = /^# schema: (\S+)/.exec(text)?.[1];
  assert.ok(version, `${file} names its schema on the first line`);
  const schema = schemaByVersion(version);
  return planServices(parseArgsFile(text, file, { schema, mode: 'strict' }), { schema });
}

const names = (p: PlannedService[]) => p.map((s) => s.name);

function ports(p: PlannedService[], name: string): Record<string, string> {
  const s = p.find((x) => x.name === name);
  assert.ok(s, `${name} is planned; got ${names(p).join(', ')}`);
  return Object.fromEntries(
    s.ports.map((x) => [
      x.name,
      `${x.number}/${x.transport}${x.applicationProtocol ? ` ${x.applicationProtocol}` : ''}`,
    ]),
  );
}

/** [file, check, where in the package it comes from] */
const RULES: [string, (p: PlannedService[]) => void, string][] = [
  [
    'mev-flashbots-9.yaml',
    (p) => {
      assert.ok(names(p).includes('el-10-reth-builder-lighthouse'));
      assert.ok(names(p).includes('cl-10-lighthouse-reth-builder'));
      assert.equal(
        names(p).some((n) => n.startsWith('vc-10')),
        false,
        'the builder has no VC',
      );
    },
    'src/package_io/input_parser.star enrich_mev_extra_params (mev_participant, validator_count 0); src/participant_network.star (use_separate_vc None: no VC)',
  ],
  [
    'mev-flashbots-9.yaml',
    (p) => {
      assert.ok(names(p).includes('el-01-geth-lighthouse'));
      assert.ok(names(p).includes('vc-09-geth-lighthouse'));
    },
    'src/participant_network.star: zfill_custom(index + 1, len(str(len(participants)))), the builder counted',
  ],
  [
    'mev-flashbots-9.yaml',
    (p) => {
      const boosts = names(p).filter((n) => n.startsWith('mev-boost-'));
      assert.equal(boosts.length, 9);
      assert.equal(boosts[0], 'mev-boost-01-lighthouse-geth');
      assert.equal(boosts.includes('mev-boost-10-lighthouse-reth-builder'), false);
      assert.deepEqual(ports(p, 'el-10-reth-builder-lighthouse')['rbuilder-rpc'], '8645/tcp http');
    },
    'main.star: a mev-boost per participant with validator_count != 0; src/el/reth/reth_launcher.star: RBUILDER_PORT_NUM',
  ],
  [
    'mev-commit-boost.yaml',
    (p) => {
      assert.ok(names(p).includes('commit-boost-1-teku-geth'));
      assert.equal(
        names(p).some((n) => n.startsWith('mev-boost-')),
        false,
      );
      assert.ok(names(p).includes('el-2-reth-builder-lighthouse'));
    },
    'main.star: COMMIT_BOOST_SERVICE_NAME_PREFIX; input_parser.star: the builder for commit-boost',
  ],
  [
    'mev-rs.yaml',
    (p) => {
      assert.ok(names(p).includes('mev-boost-2-prysm-besu'));
      assert.ok(names(p).includes('cl-3-lighthouse-reth-builder'));
    },
    'input_parser.star enrich_mev_extra_params (mev-rs appends the builder); main.star (mev-rs mev-boost name)',
  ],
  [
    'mev-helix.yaml',
    (p) => {
      assert.ok(names(p).includes('el-3-reth-builder-lighthouse'));
      assert.ok(names(p).includes('cl-3-lighthouse-reth-builder'));
      assert.deepEqual(
        names(p).filter((n) => n.startsWith('mev-boost-')),
        ['mev-boost-1-lighthouse-geth', 'mev-boost-2-teku-reth'],
      );
    },
    'src/package_io/input_parser.star enrich_mev_extra_params (HELIX_MEV_TYPE appends the reth-builder participant); main.star: HELIX_MEV_TYPE gets a mev-boost per participant with validators',
  ],
  [
    'mev-mock-cl-only.yaml',
    (p) => {
      assert.ok(names(p).includes('mev-boost-2-lighthouse-none'));
      assert.ok(names(p).includes('cl-2-lighthouse'));
      assert.ok(names(p).includes('vc-2-lighthouse'));
      assert.equal(
        names(p).some((n) => n.includes('reth-builder')),
        false,
        'mock appends no builder',
      );
    },
    'main.star: "{prefix}-{idx}-{cl_type}-{el_type}" with el_type "none" (constants.EL_TYPE.none); src/cl/cl_launcher.star and src/participant_network.star: no EL segment for none',
  ],
  [
    'mev-buildoor.yaml',
    (p) => {
      assert.deepEqual(
        names(p).filter((n) => n.startsWith('buildoor')),
        ['buildoor'],
      );
      assert.deepEqual(ports(p, 'buildoor'), { api: '8080/tcp http', 'builder-api': '9000/tcp' });
      assert.ok(names(p).includes('mev-boost-2-lighthouse-reth'));
      assert.equal(
        names(p).some((n) => n.includes('reth-builder')),
        false,
      );
    },
    'src/mev/buildoor/buildoor_launcher.star: BUILDOOR_SERVICE_NAME "buildoor"; main.star: BUILDOOR_MEV_TYPE gets mev-boost',
  ],
  [
    'keymanager-in-beacon.yaml',
    (p) => {
      assert.equal(ports(p, 'cl-1-teku-geth')['http-validator'], '5056/tcp http');
      assert.equal(ports(p, 'cl-2-teku-geth')['http-validator'], undefined, 'separate VC');
      assert.equal(ports(p, 'vc-2-geth-teku')['http-validator'], '5056/tcp http');
      assert.equal(ports(p, 'cl-3-nimbus-geth')['http-validator'], undefined, 'keymanager off');
      assert.equal(ports(p, 'cl-4-grandine-geth')['http-validator'], undefined, 'no keystores');
    },
    'src/cl/teku/teku_launcher.star: VALIDATOR_KEYMANAGER_USED_PORTS only if node_keystore_files and not use_separate_vc and keymanager_enabled; src/vc/shared.star',
  ],
  [
    'xatu-sentry-cl-only.yaml',
    (p) => {
      assert.ok(names(p).includes('xatu-sentry-1-lighthouse-geth'));
      assert.ok(names(p).includes('xatu-sentry-2-teku'));
    },
    'src/participant_network.star: pair_name "{idx}-{cl}" when el_type is none',
  ],
  [
    'port-publisher-quic.yaml',
    (p) => {
      assert.equal(ports(p, 'cl-1-lighthouse-geth')['quic-discovery'], '40003/udp');
      assert.equal(ports(p, 'cl-2-prysm-geth')['quic-discovery'], '40007/udp');
      assert.equal(ports(p, 'cl-3-grandine-geth')['quic-discovery'], '40018/udp');
      assert.equal(ports(p, 'cl-4-teku-geth')['quic-discovery'], undefined);
      assert.equal(ports(p, 'cl-4-teku-geth')['tcp-discovery'], '40021/tcp');
    },
    'src/cl/{lighthouse,prysm,grandine}/*_launcher.star: discovery_port_quic = public_ports_for_component[3|0|4]; src/shared_utils/shared_utils.star: MAX_PORTS_PER_CL_NODE 7',
  ],
  [
    'matrix-remote-signer.yaml',
    (p) => {
      assert.ok(names(p).includes('signer-1-geth-teku-lodestar'));
      assert.ok(names(p).includes('vc-1-geth-teku-lodestar'));
    },
    'src/package_io/input_parser.star (main): "Defining a remote_signer matrix entry implies using it"; src/participant_network.star: signer-{full_name}',
  ],
  [
    'ethrex.yaml',
    (p) => {
      assert.deepEqual(ports(p, 'el-1-ethrex-lighthouse'), {
        rpc: '8545/tcp',
        'engine-rpc': '8551/tcp',
        metrics: '9001/tcp http',
        'tcp-discovery': '30303/tcp',
        'udp-discovery': '30303/udp',
      });
    },
    'src/el/ethrex/ethrex_launcher.star: used_port_assignments through shared_utils.get_port_specs (rpc: TCP, no application protocol)',
  ],
  [
    'dummy-el.yaml',
    (p) => {
      assert.deepEqual(ports(p, 'el-2-dummy-lighthouse'), {
        rpc: '8545/tcp',
        ws: '8546/tcp',
        'engine-rpc': '8551/tcp',
        metrics: '9001/tcp http',
        'tcp-discovery': '30303/tcp',
        'udp-discovery': '30303/udp',
      });
      assert.ok(names(p).includes('cl-2-lighthouse-dummy'));
    },
    'src/el/dummy/dummy_launcher.star (6.1.0): used_port_assignments RPC 8545, WS 8546, ENGINE_RPC 8551, METRICS 9001, DISCOVERY 30303',
  ],
];

describe('what each version starts, rule by rule', () => {
  for (const [file, check, source] of RULES) {
    it(`${file}: ${source}`, () => {
      check(plan(file));
    });
  }

  it('6.1.0 does not imply a remote signer from the matrix', () => {
    const schema = schemaByVersion('6.1.0');
    const text = readFileSync(join(DIR, 'matrix-remote-signer.yaml'), 'utf8');
    const p = planServices(parseArgsFile(text, 'm.yaml', { schema }), { schema });
    assert.equal(
      names(p).some((n) => n.startsWith('signer-')),
      false,
    );
  });
});

describe('golden plans of the rule files', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
  it('has at least 8 of them', () => assert.ok(files.length >= 8));
  for (const file of files) {
    it(`${file} plans exactly its golden services and ports`, () => {
      const golden = join(DIR, file.replace(/\.yaml$/, '.golden.json'));
      const actual = `${JSON.stringify(
        plan(file).map((s) => ({ name: s.name, ports: s.ports })),
        null,
        1,
      )}\n`;
      if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, actual);
      assert.deepEqual(JSON.parse(actual), JSON.parse(readFileSync(golden, 'utf8')));
    });
  }
});
