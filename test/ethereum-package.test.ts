import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../lib/errors.js';
import { applyDockerCache, type NetworkArgs, validateArgs } from '../lib/ethereum-package/args.js';
import { parseArgsFile, parseArgsYaml, renderArgsFile } from '../lib/ethereum-package/args-file.js';
import { KEYSTORE_HELPER_SERVICE, type PlannedService, planServices } from '../lib/ethereum-package/plan.js';
import { schemaByVersion } from '../lib/ethereum-package/schemas.js';

const ROOT = join(import.meta.dirname, '..', 'fixtures', 'ethereum-package');
const TESTS = join(ROOT, 'tests');
const SAMPLES = join(ROOT, 'samples');
const GOLDEN = join(ROOT, 'golden');

const corpus = readdirSync(TESTS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

/** fixtures/ethereum-package/tests holds the CI files of main (0350d2e): checked against main, strictly. */
const MAIN = { schema: schemaByVersion('main'), mode: 'strict' as const };

function load(dir: string, file: string): NetworkArgs {
  return parseArgsFile(readFileSync(join(dir, file), 'utf8'), file, dir === TESTS ? MAIN : {});
}

function names(args: NetworkArgs): string[] {
  return planServices(args).map((s) => s.name);
}

function service(plan: PlannedService[], name: string): PlannedService {
  const found = plan.find((s) => s.name === name);
  assert.ok(found, `${name} is planned; got ${plan.map((s) => s.name).join(', ')}`);
  return found;
}

function portsOf(plan: PlannedService[], name: string): Record<string, string> {
  return Object.fromEntries(
    service(plan, name).ports.map((p) => [
      p.name,
      `${p.number}/${p.transport}${p.applicationProtocol ? ` ${p.applicationProtocol}` : ''}`,
    ]),
  );
}

/** Asserts that `fn` throws an InvalidInputError whose message is one line matching `pattern`. */
function assertInvalid(fn: () => unknown, pattern: RegExp): InvalidInputError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InvalidInputError, `expected InvalidInputError, got ${String(error)}`);
    assert.equal(error.message.includes('\n'), false, `one line: ${error.message}`);
    assert.match(error.message, pattern);
    return error;
  }
  assert.fail('expected an InvalidInputError');
}

describe('the 89 CI args files of ethereum-package', () => {
  it('are all present', () => {
    assert.equal(corpus.length, 89);
  });

  for (const file of corpus) {
    it(`${file} parses, validates and plans without errors`, () => {
      const args = load(TESTS, file);
      const plan = planServices(args, { schema: MAIN.schema });
      assert.ok(
        plan.some((s) => s.kind === 'cl'),
        'at least one CL',
      );
      assert.equal(plan.at(-1)?.name, KEYSTORE_HELPER_SERVICE);
      assert.equal(new Set(plan.map((s) => s.name)).size, plan.length, 'service names are unique');
    });
  }

  it('the annotated full default survives parse → render → parse unchanged', () => {
    const once = parseArgsYaml(readFileSync(join(TESTS, '_repo-root_network_params.yaml'), 'utf8'), 'root');
    const twice = parseArgsYaml(renderArgsFile(validateArgs(once, 'root', MAIN)), 'rendered');
    assert.deepEqual(twice, once);
  });
});

// Golden plans. Each was checked by hand against reference/ethereum-package.md §2 and the samples'
// comments before it was written; regenerate with UPDATE_GOLDEN=1 only after checking the diff.
const GOLDEN_CASES: [dir: string, file: string][] = [
  [SAMPLES, 'minimal.yaml'],
  [SAMPLES, 'multi-client.yaml'],
  [SAMPLES, 'with-docker-cache.yaml'],
  [TESTS, 'minimal.yaml'],
  [TESTS, 'mix.yaml'],
  [TESTS, 'participants-matrix.yaml'],
  [TESTS, 'disruptoor.yaml'],
  [TESTS, 'examples_mainnet.yaml'],
];

/** JSON with one port per line, so golden diffs stay readable. */
function formatPlan(plan: PlannedService[]): string {
  const lines = plan.map((s) => {
    const { ports, ...rest } = s;
    const head = JSON.stringify(rest).slice(0, -1);
    if (ports.length === 0) return `  ${head},"ports":[]}`;
    return `  ${head},"ports":[\n${ports.map((p) => `    ${JSON.stringify(p)}`).join(',\n')}\n  ]}`;
  });
  return `[\n${lines.join(',\n')}\n]\n`;
}

describe('golden plans', () => {
  for (const [dir, file] of GOLDEN_CASES) {
    const kind = dir === SAMPLES ? 'samples' : 'tests';
    it(`${kind}/${file} plans exactly the golden services and ports`, () => {
      const golden = join(GOLDEN, `${kind}_${file.replace(/\.ya?ml$/, '')}.json`);
      const actual = formatPlan(planServices(load(dir, file), dir === TESTS ? { schema: MAIN.schema } : {}));
      if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, actual);
      assert.deepEqual(JSON.parse(actual), JSON.parse(readFileSync(golden, 'utf8')));
    });
  }
});

describe('the samples plan the services their comments list', () => {
  for (const file of ['minimal.yaml', 'multi-client.yaml']) {
    it(`samples/${file} plans every service named in its header comment and no other`, () => {
      const text = readFileSync(join(SAMPLES, file), 'utf8');
      const header = text.split('\n').filter((l) => l.startsWith('#'));
      const listed = new Set<string>();
      for (const line of header) {
        for (const m of line.matchAll(
          /\b(?:(?:el|cl|vc)-\d+-[a-z0-9-]+|dora|validator-key-generation-cl-validator-keystore)\b/g,
        )) {
          listed.add(m[0]);
        }
      }
      assert.deepEqual(new Set(names(load(SAMPLES, file))), listed);
    });
  }

  it('multi-client gives teku no VC and prysm its beacon API on 3500', () => {
    const plan = planServices(load(SAMPLES, 'multi-client.yaml'));
    service(plan, 'el-2-nethermind-teku');
    service(plan, 'cl-2-teku-nethermind');
    assert.equal(
      plan.some((s) => s.name.startsWith('vc-2-')),
      false,
    );
    assert.equal(portsOf(plan, 'cl-3-prysm-reth')['http'], '3500/tcp http');
    assert.equal(portsOf(plan, 'cl-4-lodestar-besu')['http'], '4000/tcp http');
    assert.deepEqual(portsOf(plan, 'dora'), { http: '8080/tcp http' });
  });

  it('minimal gives geth and lighthouse the ports in its comment', () => {
    const plan = planServices(load(SAMPLES, 'minimal.yaml'));
    assert.deepEqual(portsOf(plan, 'el-1-geth-lighthouse'), {
      rpc: '8545/tcp',
      ws: '8546/tcp',
      'engine-rpc': '8551/tcp',
      metrics: '9001/tcp http',
      'tcp-discovery': '30303/tcp',
      'udp-discovery': '30303/udp',
    });
    assert.deepEqual(portsOf(plan, 'cl-1-lighthouse-geth'), {
      http: '4000/tcp http',
      metrics: '5054/tcp http',
      'tcp-discovery': '9000/tcp',
      'udp-discovery': '9000/udp',
      'quic-discovery': '9001/udp',
    });
    assert.deepEqual(portsOf(plan, 'vc-1-geth-lighthouse'), { metrics: '8080/tcp http' });
    assert.deepEqual(service(plan, KEYSTORE_HELPER_SERVICE).ports, []);
  });

  it('with-docker-cache validates its docker_cache_params as written', () => {
    const args = load(SAMPLES, 'with-docker-cache.yaml');
    assert.deepEqual(args.docker_cache_params, {
      enabled: true,
      url: 'docker-cache.example.com',
      dockerhub_prefix: '/dh/',
      github_prefix: '/gh/',
      google_prefix: '/gcr/',
    });
  });
});

describe('service naming', () => {
  it('zero-pads the index to two digits with 10 participants', () => {
    const plan = names(validateArgs({ participants: [{ count: 10 }] }, 'args'));
    assert.equal(plan[0], 'el-01-geth-lighthouse');
    assert.ok(plan.includes('vc-09-geth-lighthouse'));
    assert.ok(plan.includes('cl-10-lighthouse-geth'));
    assert.equal(plan.filter((n) => n.startsWith('el-')).length, 10);
  });

  it('does not pad with 9 participants', () => {
    const plan = names(validateArgs({ participants: [{ count: 9 }] }, 'args'));
    assert.ok(plan.includes('el-1-geth-lighthouse'));
    assert.ok(plan.includes('el-9-geth-lighthouse'));
  });

  it('pads to three digits with 100 participants', () => {
    const plan = names(validateArgs({ participants: [{ count: 100, cl_type: 'teku' }] }, 'args'));
    assert.equal(plan[0], 'el-001-geth-teku');
    assert.ok(plan.includes('cl-100-teku-geth'));
  });

  it('names a VC whose type differs from its CL EL-CL-VC', () => {
    const plan = names(
      validateArgs({ participants: [{ el_type: 'besu', cl_type: 'teku', vc_type: 'lodestar' }] }, 'args'),
    );
    assert.deepEqual(plan.slice(0, 3), ['el-1-besu-teku', 'cl-1-teku-besu', 'vc-1-besu-teku-lodestar']);
  });

  it('gives caplin a lighthouse VC', () => {
    const plan = names(validateArgs({ participants: [{ el_type: 'erigon', cl_type: 'caplin' }] }, 'args'));
    assert.ok(plan.includes('vc-1-erigon-caplin-lighthouse'));
  });

  it('names a CL-only participant without an EL', () => {
    const args = validateArgs(
      {
        participants: [
          {},
          { el_type: 'None', cl_type: 'prysm' },
          { el_type: null, cl_type: 'teku', vc_type: 'lodestar' },
        ],
        additional_services: [],
      },
      'args',
      MAIN,
    );
    const plan = names(args);
    assert.ok(plan.includes('cl-2-prysm'));
    assert.ok(plan.includes('vc-2-prysm'));
    assert.ok(plan.includes('cl-3-teku'));
    assert.ok(plan.includes('vc-3-teku-lodestar'));
    assert.equal(
      plan.some((n) => n.startsWith('el-2') || n.startsWith('el-3')),
      false,
    );
  });

  it('plans no VC for validator_count 0, for teku, nimbus and grandine by default, and on public networks', () => {
    const plan = names(
      validateArgs(
        {
          participants: [
            { validator_count: 0 },
            { cl_type: 'teku' },
            { cl_type: 'nimbus' },
            { cl_type: 'grandine' },
            { cl_type: 'teku', use_separate_vc: true },
          ],
        },
        'args',
      ),
    );
    assert.deepEqual(
      plan.filter((n) => n.startsWith('vc-')),
      ['vc-5-geth-teku'],
    );
    const sepolia = names(validateArgs({ network_params: { network: 'sepolia' } }, 'args'));
    assert.equal(
      sepolia.some((n) => n.startsWith('vc-')),
      false,
    );
    const shadowfork = names(
      validateArgs({ network_params: { network: 'hoodi-shadowfork' }, persistent: true }, 'args'),
    );
    assert.ok(shadowfork.includes('vc-1-geth-lighthouse'));
  });

  it('expands blockscout and blobscan into several services and maps deprecated names', () => {
    const plan = names(
      validateArgs(
        { additional_services: ['blockscout', 'blobscan', 'apache', 'nginx', 'prometheus_grafana'] },
        'args',
      ),
    );
    assert.deepEqual(plan.slice(3, -1), [
      'blockscout',
      'blockscout-verif',
      'blockscout-frontend',
      'blockscout-postgres',
      'blobscan-api',
      'blobscan-web',
      'blobscan-indexer',
      'blobscan-postgres',
      'blobscan-redis',
      'nginx',
      'prometheus',
      'grafana',
    ]);
  });
});

describe('participant expansion', () => {
  it('appends the participants_matrix cross product after participants, el outermost', () => {
    const args = validateArgs(
      {
        participants: [{ el_type: 'reth', cl_type: 'teku', count: 2 }],
        participants_matrix: {
          el: [{ el_type: 'geth' }, { el_type: 'besu' }],
          cl: [{ cl_type: 'lighthouse' }, { cl_type: 'prysm' }],
          vc: [{ vc_type: 'lodestar' }],
        },
      },
      'args',
    );
    const plan = planServices(args);
    assert.deepEqual(
      plan.filter((s) => s.kind === 'cl').map((s) => s.name),
      [
        'cl-1-teku-reth',
        'cl-2-teku-reth',
        'cl-3-lighthouse-geth',
        'cl-4-prysm-geth',
        'cl-5-lighthouse-besu',
        'cl-6-prysm-besu',
      ],
    );
    assert.deepEqual(
      plan.filter((s) => s.kind === 'vc').map((s) => s.name),
      [
        'vc-3-geth-lighthouse-lodestar',
        'vc-4-geth-prysm-lodestar',
        'vc-5-besu-lighthouse-lodestar',
        'vc-6-besu-prysm-lodestar',
      ],
    );
    assert.deepEqual(
      plan.filter((s) => s.kind === 'vc').map((s) => s.participantIndex),
      [3, 4, 5, 6],
    );
  });

  it('repeats each matrix combination participants_matrix.count times', () => {
    const plan = names(load(TESTS, 'disruptoor.yaml'));
    assert.deepEqual(
      plan.filter((n) => n.startsWith('cl-')),
      [1, 2, 3, 4]
        .map((i) => `cl-${i}-lighthouse-geth`)
        .concat([5, 6, 7, 8].map((i) => `cl-${i}-prysm-geth`)),
    );
  });

  it('drops the default participant when only a matrix is given', () => {
    const plan = names(
      validateArgs(
        { participants_matrix: { el: [{ el_type: 'besu' }], cl: [{ cl_type: 'lodestar' }] } },
        'args',
      ),
    );
    assert.deepEqual(plan, [
      'el-1-besu-lodestar',
      'cl-1-lodestar-besu',
      'vc-1-besu-lodestar',
      KEYSTORE_HELPER_SERVICE,
    ]);
  });
});

describe('extras and ports', () => {
  it('opens http-validator 5056 on VCs when keymanager is enabled', () => {
    const plan = planServices(validateArgs({ keymanager_enabled: true }, 'args'));
    assert.deepEqual(portsOf(plan, 'vc-1-geth-lighthouse'), {
      metrics: '8080/tcp http',
      'http-validator': '5056/tcp http',
    });
  });

  it('plans snoopers, remote signers and mev-boost for the participants that get them', () => {
    const args = validateArgs(
      {
        participants: [{ cl_type: 'lodestar', use_remote_signer: true }, { cl_type: 'teku' }],
        snooper_enabled: true,
        mev_type: 'flashbots',
      },
      'args',
    );
    const plan = planServices(args);
    assert.deepEqual(
      plan.filter((s) => s.kind === 'extra').map((s) => s.name),
      [
        'snooper-engine-1-lodestar-geth',
        'snooper-rpc-1-geth',
        'snooper-beacon-1-lodestar-lodestar',
        'signer-1-geth-lodestar',
        'snooper-engine-2-teku-geth',
        'snooper-rpc-2-geth',
        'mev-boost-1-lodestar-geth',
        'mev-boost-2-teku-geth',
      ],
    );
    assert.deepEqual(portsOf(plan, 'snooper-engine-1-lodestar-geth'), { 'engine-rpc': '8561/tcp' });
    assert.deepEqual(portsOf(plan, 'signer-1-geth-lodestar'), {
      http: '9000/tcp http',
      metrics: '9001/tcp http',
    });
  });

  it('moves EL and CL p2p ports to the published numbers when port_publisher is on', () => {
    const plan = planServices(
      validateArgs(
        {
          participants: [{}, { cl_type: 'prysm' }],
          port_publisher: { el: { enabled: true }, cl: { enabled: true, public_port_start: 41000 } },
        },
        'args',
      ),
    );
    assert.equal(portsOf(plan, 'el-2-geth-prysm')['tcp-discovery'], '32007/tcp');
    assert.equal(portsOf(plan, 'cl-1-lighthouse-geth')['udp-discovery'], '41000/udp');
    assert.equal(portsOf(plan, 'cl-2-prysm-geth')['tcp-discovery'], '41007/tcp');
    // cl/prysm/prysm_launcher.star: QUIC on public_ports_for_component[0], the TCP port's number;
    // cl/lighthouse/lighthouse_launcher.star: public_ports_for_component[3].
    assert.equal(portsOf(plan, 'cl-2-prysm-geth')['quic-discovery'], '41007/udp');
    assert.equal(portsOf(plan, 'cl-1-lighthouse-geth')['quic-discovery'], '41003/udp');
  });

  it('gives erigon a ws-rpc port and ethrex an rpc port without ws', () => {
    const plan = planServices(
      validateArgs({ participants: [{ el_type: 'erigon' }, { el_type: 'ethrex' }] }, 'args'),
    );
    assert.equal(portsOf(plan, 'el-1-erigon-lighthouse')['ws-rpc'], '8545/tcp');
    assert.equal(portsOf(plan, 'el-1-erigon-lighthouse')['rpc'], undefined);
    // el/ethrex/ethrex_launcher.star: get_port_specs gives rpc no application protocol.
    assert.equal(portsOf(plan, 'el-2-ethrex-lighthouse')['rpc'], '8545/tcp');
    assert.equal(portsOf(plan, 'el-2-ethrex-lighthouse')['ws'], undefined);
  });
});

describe('args validation errors', () => {
  it('rejects an unknown top-level key, suggests the close one and lists the allowed keys', () => {
    const error = assertInvalid(
      () => validateArgs({ partipants: [] }, 'args'),
      /^args: unknown top-level key 'partipants' for ethereum-package 6\.1\.0 \(did you mean 'participants'\?\); allowed: participants, participants_matrix, port_publisher, network_params, /,
    );
    assert.equal(error.input, 'partipants');
    assert.equal(error.code, 'INVALID_INPUT');
  });

  it('rejects an unknown participant key with its path', () => {
    assertInvalid(
      () => validateArgs({ participants: [{}, { el_typ: 'geth' }] }, 'network.yaml'),
      /^network\.yaml: unknown key 'el_typ' in participants\[1\] for ethereum-package 6\.1\.0 \(did you mean 'el_type'\?\); allowed: el_type, el_image, /,
    );
  });

  it('rejects a participants_matrix entry with a key of another layer', () => {
    assertInvalid(
      () => validateArgs({ participants_matrix: { el: [{ el_type: 'geth', cl_type: 'teku' }] } }, 'args'),
      /^args: cl_type is not allowed in participants_matrix\.el\[0\]: it belongs in participants_matrix\.cl; allowed here: el_type, /,
    );
  });

  it('rejects an invalid EL client and lists the valid ones', () => {
    const error = assertInvalid(
      () => parseArgsFile('participants:\n  - el_type: geth\n  - el_type: gethh\n', 'network.yaml'),
      /^network\.yaml: participants\[1\]\.el_type 'gethh' is not a valid EL client in ethereum-package 6\.1\.0 \(did you mean 'geth'\?\); allowed: geth, erigon, nethermind, besu, reth, ethereumjs, nimbus, ethrex, dummy$/,
    );
    assert.equal(error.input, 'participants[1].el_type');
  });

  it('rejects an invalid CL client in the matrix', () => {
    assertInvalid(
      () => validateArgs({ participants_matrix: { cl: [{ cl_type: 'lodestarr' }] } }, 'args'),
      /^args: participants_matrix\.cl\[0\]\.cl_type 'lodestarr' is not a valid CL client in ethereum-package 6\.1\.0 \(did you mean 'lodestar'\?\); allowed: lighthouse, teku/,
    );
  });

  it('rejects a grandine VC with the reason', () => {
    assertInvalid(
      () => validateArgs({ participants: [{ cl_type: 'lighthouse', vc_type: 'grandine' }] }, 'args'),
      /^args: participants\[0\] runs a grandine validator client, which ethereum-package 6\.1\.0 does not support \("Grandine VC is not yet supported"\)/,
    );
    assertInvalid(
      () => validateArgs({ participants: [{ cl_type: 'grandine', use_separate_vc: true }] }, 'args'),
      /^args: participants\[0\] runs a grandine validator client/,
    );
  });

  it('rejects unknown additional services, presets and MEV types', () => {
    assertInvalid(
      () => validateArgs({ additional_services: ['dora', 'doraa'] }, 'args'),
      /^args: additional_services\[1\] 'doraa' is not a known additional service in ethereum-package 6\.1\.0 \(did you mean 'dora'\?\); allowed: bootnodoor, assertoor, .*, zkboost$/,
    );
    assertInvalid(
      () => validateArgs({ network_params: { preset: 'tiny' } }, 'args'),
      /^args: network_params\.preset 'tiny' is not a valid preset in ethereum-package 6\.1\.0; allowed: mainnet, minimal$/,
    );
    assertInvalid(
      () => validateArgs({ mev_type: 'full' }, 'args'),
      /^args: mev_type 'full' is not a valid MEV type/,
    );
  });

  it('rejects unknown network_params keys and wrong basic types', () => {
    assertInvalid(
      () => validateArgs({ network_params: { seconds_per_slott: 6 } }, 'args'),
      /^args: unknown key 'seconds_per_slott' in network_params for ethereum-package 6\.1\.0 \(did you mean 'seconds_per_slot'\?\)/,
    );
    assertInvalid(
      () => validateArgs({ participants: [{ count: -1 }] }, 'args'),
      /^args: participants\[0\]\.count must be an integer ≥ 0; got -1$/,
    );
    assertInvalid(
      () => validateArgs({ participants: [{ validator_count: -1 }] }, 'args'),
      /^args: participants\[0\]\.validator_count must be an integer ≥ 0; got -1$/,
    );
    assertInvalid(
      () => validateArgs({ participants: { el_type: 'geth' } }, 'args'),
      /^args: participants must be a list; got a mapping$/,
    );
    assertInvalid(
      () => validateArgs({ persistent: 'yes' }, 'args'),
      /^args: persistent must be true or false; got 'yes'$/,
    );
    assertInvalid(() => validateArgs(['geth'], 'args'), /^args: the args must be a mapping/);
    assertInvalid(
      () => validateArgs({ participants: [{ el_type: 'geth\nreth' }] }, 'args'),
      /^args: participants\[0\]\.el_type 'geth\\nreth' is not a valid EL client/,
    );
  });

  it('rejects a port_publisher group key it does not know', () => {
    assertInvalid(
      () => validateArgs({ port_publisher: { el: { enabled: true, start: 1 } } }, 'args'),
      /^args: unknown key 'start' in port_publisher\.el for ethereum-package 6\.1\.0; allowed: enabled, public_port_start, nat_exit_ip$/,
    );
  });

  it('rejects cheap invalid combinations from the reference', () => {
    assertInvalid(
      () => validateArgs({ participants: [{ cl_type: 'prysm', use_separate_vc: false }] }, 'args'),
      /prysm needs a separate validator client/,
    );
    assertInvalid(
      () => validateArgs({ participants: [{ cl_type: 'teku', use_remote_signer: true }] }, 'args'),
      /use_remote_signer needs use_separate_vc: true/,
    );
    assertInvalid(
      () => validateArgs({ participants: [{ cl_type: 'teku', blobber_enabled: true }] }, 'args'),
      /blobber_enabled is not supported with cl_type 'teku'/,
    );
    assertInvalid(
      () =>
        validateArgs(
          { participants: [{ cl_type: 'nimbus' }], network_params: { seconds_per_slot: 6 } },
          'args',
        ),
      /nimbus CL, which needs seconds_per_slot ≥ 12 with the mainnet preset; got 6/,
    );
    assertInvalid(
      () => validateArgs({ network_params: { seconds_per_slot: 6, slot_duration_ms: 8000 } }, 'args'),
      /seconds_per_slot \(6\) and network_params\.slot_duration_ms \(8000\) are inconsistent/,
    );
    assertInvalid(
      () => validateArgs({ participants: [{ el_type: 'dummy' }] }, 'args'),
      /first participant has el_type 'dummy', which needs the 'bootnodoor' additional service/,
    );
    assertInvalid(
      () => validateArgs({ participants: [{ el_type: 'None' }] }, 'args', MAIN),
      /first participant has el_type 'None', which needs the 'bootnodoor' additional service/,
    );
    assertInvalid(
      () => validateArgs({ network_params: { network: 'hoodi-shadowfork' } }, 'args'),
      /needs persistent: true/,
    );
  });

  it('rejects a docker_cache_params.url with a scheme or a trailing slash, or empty while enabled', () => {
    assertInvalid(
      () =>
        validateArgs({ docker_cache_params: { enabled: true, url: 'https://cache.example.com' } }, 'args'),
      /^args: docker_cache_params\.url 'https:\/\/cache\.example\.com' must not have a scheme; give the bare registry host, e\.g\. 'cache\.example\.com'$/,
    );
    assertInvalid(
      () => validateArgs({ docker_cache_params: { enabled: true, url: 'cache.example.com/' } }, 'args'),
      /must not end with '\/'/,
    );
    assertInvalid(
      () => validateArgs({ docker_cache_params: { enabled: true } }, 'args'),
      /^args: docker_cache_params\.url is empty but docker_cache_params\.enabled is true/,
    );
  });
});

describe('args files', () => {
  it('reports invalid YAML with the file, line and column on one line', () => {
    const error = assertInvalid(
      () => parseArgsFile('participants:\n  - el_type: geth\n    cl_type: [lighthouse\n', 'network.yaml'),
      /^network\.yaml: invalid YAML at line \d+, column \d+: /,
    );
    assert.equal(error.input, 'network.yaml');
    assertInvalid(
      () => parseArgsFile('persistent: true\npersistent: false\n', 'dup.yaml'),
      /^dup\.yaml: invalid YAML at line 2, column 1: Map keys must be unique$/,
    );
  });

  it('treats an empty file as the package defaults', () => {
    assert.deepEqual(parseArgsFile('', 'empty.yaml'), {});
    assert.deepEqual(names(parseArgsFile('# nothing\n', 'empty.yaml')), [
      'el-1-geth-lighthouse',
      'cl-1-lighthouse-geth',
      'vc-1-geth-lighthouse',
      KEYSTORE_HELPER_SERVICE,
    ]);
  });

  it('keeps 18446744073709551615 exact through parse and render', () => {
    const args = parseArgsFile(
      'network_params:\n  gloas_fork_epoch: 18446744073709551615\n  fulu_fork_epoch: 0\n',
      'big.yaml',
    );
    assert.equal(args.network_params?.gloas_fork_epoch, 18446744073709551615n);
    assert.equal(args.network_params?.fulu_fork_epoch, 0);
    const rendered = renderArgsFile(args);
    assert.match(rendered, /^ {2}gloas_fork_epoch: 18446744073709551615$/m);
    assert.deepEqual(parseArgsFile(rendered, 'rendered.yaml'), args);
  });

  it('quotes strings another YAML reader would take for booleans or numbers', () => {
    const rendered = renderArgsFile(
      validateArgs({ participants: [{ el_extra_params: ['yes', 'on', '0x10', '1:20'] }] }, 'args'),
      { comment: 'written by devnet-kit' },
    );
    assert.match(rendered, /^# written by devnet-kit\n/);
    for (const s of ['"yes"', '"on"', '"0x10"', '"1:20"'])
      assert.ok(rendered.includes(s), `${s} in\n${rendered}`);
    assert.deepEqual(parseArgsYaml(rendered, 'rendered'), {
      participants: [{ el_extra_params: ['yes', 'on', '0x10', '1:20'] }],
    });
  });

  it('renders each participant in full even when two entries are the same object', () => {
    const p = { el_type: 'geth' as const };
    const rendered = renderArgsFile({ participants: [p, p] });
    assert.equal(rendered.includes('*'), false);
    assert.equal(rendered.match(/el_type: geth/g)?.length, 2);
  });
});

describe('applyDockerCache', () => {
  it('turns devnet.docker_cache into docker_cache_params and keeps the other keys', () => {
    const args = validateArgs({ docker_cache_params: { enabled: false, dockerhub_prefix: '/hub/' } }, 'args');
    const cached = applyDockerCache(args, 'cache.internal:5000');
    assert.deepEqual(cached.docker_cache_params, {
      enabled: true,
      url: 'cache.internal:5000',
      dockerhub_prefix: '/hub/',
    });
    assert.deepEqual(
      args.docker_cache_params,
      { enabled: false, dockerhub_prefix: '/hub/' },
      'input untouched',
    );
    validateArgs(cached, 'args');
  });

  it('accepts host names, IPv4 and bracketed IPv6 with ports', () => {
    for (const url of [
      'docker.example.io',
      'localhost:5000',
      '10.0.0.5:5000',
      '[::1]:5000',
      'Registry-1.Example.com',
    ]) {
      assert.doesNotThrow(() => applyDockerCache({}, url), url);
    }
  });

  it('rejects a scheme, a path, a trailing slash and a bad port with a hint', () => {
    const error = assertInvalid(
      () => applyDockerCache({}, 'https://docker.example.io', { source: 'devnet-kit.yaml' }),
      /^devnet-kit\.yaml: devnet\.docker_cache 'https:\/\/docker\.example\.io' must be a bare registry host\[:port\] with no scheme, path or trailing slash.* — use 'docker\.example\.io'$/,
    );
    assert.equal(error.input, 'devnet.docker_cache');
    assertInvalid(() => applyDockerCache({}, 'docker.example.io/mirror'), /must be a bare registry host/);
    assertInvalid(() => applyDockerCache({}, 'docker.example.io/'), /must be a bare registry host/);
    assertInvalid(() => applyDockerCache({}, 'docker.example.io:99999'), /must be a bare registry host/);
    assertInvalid(() => applyDockerCache({}, ''), /must be a bare registry host/);
  });
});
