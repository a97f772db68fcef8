// Strict mode (a release devnet-kit knows) rejects what that release rejects, with did-you-mean;
// lenient mode (anything else) warns about the same mistakes and goes on, except for values
// devnet-kit cannot use. Library, events and CLI (stderr, --json, exit codes).

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { InvalidInputError } from '../lib/errors.js';
import { validateArgs } from '../lib/ethereum-package/args.js';
import { schemaByVersion } from '../lib/ethereum-package/schemas.js';
import { up } from '../lib/index.js';
import { useHarness } from './support/harness.js';

const V610 = { schema: schemaByVersion('6.1.0'), mode: 'strict' as const };
const MAIN = { schema: schemaByVersion('main'), mode: 'strict' as const };
const PINNED = 'github.com/ethpandaops/ethereum-package@6.1.0';
const UNPINNED = 'github.com/ethpandaops/ethereum-package';

/** Deliberate mistakes, each with what strict mode must say about it. */
const MISTAKES: { what: string; args: Record<string, unknown>; error: RegExp }[] = [
  {
    what: 'participant: for participants:',
    args: { participant: [{}] },
    error:
      /^args: unknown top-level key 'participant' for ethereum-package 6\.1\.0 \(did you mean 'participants'\?\); allowed: participants, /,
  },
  {
    what: 'el_type: gethh',
    args: { participants: [{}, {}, { el_type: 'gethh' }] },
    error:
      /^args: participants\[2\]\.el_type 'gethh' is not a valid EL client in ethereum-package 6\.1\.0 \(did you mean 'geth'\?\); allowed: geth, erigon, .*, dummy$/,
  },
  {
    what: 'count: -1',
    args: { participants: [{}, { count: -1 }] },
    error: /^args: participants\[1\]\.count must be an integer ≥ 0; got -1$/,
  },
  {
    what: 'a string where a number belongs',
    args: { network_params: { genesis_delay: 'soon' } },
    error: /^args: network_params\.genesis_delay must be an integer ≥ 0; got 'soon'$/,
  },
];

function strictError(args: unknown, opts = V610): InvalidInputError {
  try {
    validateArgs(args, 'args', opts);
  } catch (error) {
    assert.ok(error instanceof InvalidInputError, String(error));
    assert.equal(error.message.includes('\n'), false);
    return error;
  }
  assert.fail('expected an InvalidInputError');
}

describe('strict and lenient mode', () => {
  for (const m of MISTAKES) {
    it(`strict: ${m.what} is rejected with one line`, () => {
      assert.match(strictError(m.args).message, m.error);
    });

    it(`lenient: ${m.what} is a warning that says it is passed on`, () => {
      const warnings: string[] = [];
      const args = validateArgs(m.args, 'args', {
        schema: schemaByVersion('main'),
        mode: 'lenient',
        warnings,
      });
      assert.deepEqual(args, m.args, 'the args go to the package unchanged');
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0]!, /^args: .*; passed to the package as is$/);
    });
  }

  it('lenient: values devnet-kit cannot use stay errors', () => {
    const lenient = { schema: schemaByVersion('main'), mode: 'lenient' as const };
    for (const [args, error] of [
      [{ participants: [{ count: 'two' }] }, /participants\[0\]\.count must be an integer ≥ 0; got 'two'/],
      [{ participants: { el_type: 'geth' } }, /participants must be a list; got a mapping/],
      [{ participants: [{ el_type: 7 }] }, /participants\[0\]\.el_type 7 is not a valid EL client/],
      [{ network_params: { seconds_per_slot: 'fast' } }, /seconds_per_slot must be a positive integer/],
      [{ port_publisher: { el: { enabled: true, public_port_start: 'x' } } }, /public_port_start must be/],
      [{ docker_cache_params: { enabled: true, url: 'https://c.example' } }, /must not have a scheme/],
      [{ participants: [{ count: 0 }] }, /: args: no participants: participants is empty/],
      // A 30-byte file once ran the CLI out of memory expanding these.
      [
        { participants: [{ count: 100_000_000 }] },
        /: args: participants and participants_matrix expand to more than 1000 participants \(counts included\); devnet-kit plans at most 1000$/,
      ],
      [{ participants: [{ count: 600 }, { count: 401 }] }, /more than 1000 participants/],
      [
        { participants_matrix: { el: [{}, {}], cl: [{}, {}], count: 300 } },
        /expand to more than 1000 participants \(counts included\)/,
      ],
    ] as const) {
      assert.throws(() => validateArgs(args, 'args', lenient), error);
    }
  });

  it('follows input_parser.star for slot timing: one setting is derived from the other', () => {
    // "One set 8/12000 -> 8/8000": seconds_per_slot alone, or with the preset's default ms, is fine.
    validateArgs({ network_params: { seconds_per_slot: 8 } }, 'args', V610);
    validateArgs({ network_params: { seconds_per_slot: 8, slot_duration_ms: 12000 } }, 'args', V610);
    validateArgs({ network_params: { slot_duration_ms: 4000 } }, 'args', V610);
    validateArgs(
      { network_params: { preset: 'minimal', seconds_per_slot: 6, slot_duration_ms: 6000 } },
      'args',
      V610,
    );
    // "Both set incorrectly -> fail".
    assert.match(
      strictError({ network_params: { seconds_per_slot: 6, slot_duration_ms: 8000 } }).message,
      /seconds_per_slot \(6\) and network_params\.slot_duration_ms \(8000\) are inconsistent: expected slot_duration_ms 6000/,
    );
  });

  it('plans up to 1000 participants', () => {
    validateArgs({ participants: [{ count: 999 }, {}] }, 'args', V610);
    validateArgs({ participants_matrix: { el: [{}, {}], cl: [{}, {}], count: 250 } }, 'args', V610);
  });

  it('accepts count 0 next to other participants, as range(0, 0) does', () => {
    validateArgs({ participants: [{}, { count: 0 }] }, 'args', V610);
  });

  it("accepts main's spellings of no EL only for main", () => {
    for (const el_type of ['none', 'None', 'null', 'Null', null]) {
      validateArgs({ participants: [{}, { el_type, cl_type: 'teku' }] }, 'args', MAIN);
      assert.match(
        strictError({ participants: [{}, { el_type, cl_type: 'teku' }] }).message,
        /participants\[1\]\.el_type .* is not a valid EL client in ethereum-package 6\.1\.0/,
      );
    }
  });

  it('checks each version against its own lists', () => {
    validateArgs(
      { additional_services: ['custom_flood'], participants: [{}, { el_type: 'dummy' }] },
      'args',
      V610,
    );
    assert.match(
      strictError({ additional_services: ['custom_flood'] }, MAIN).message,
      /additional_services\[0\] 'custom_flood' is not a known additional service in ethereum-package main/,
    );
    validateArgs(
      { trueblocks_params: { image: 'x' }, network_params: { gas_limit_schedule: {} } },
      'args',
      MAIN,
    );
    assert.match(
      strictError({ trueblocks_params: { image: 'x' } }).message,
      /unknown top-level key 'trueblocks_params' for ethereum-package 6\.1\.0/,
    );
    // An el_storage_type of '' is the package's own default.
    validateArgs({ participants: [{ el_storage_type: '' }] }, 'args', V610);
  });
});

describe('modes through up and the CLI', () => {
  const h = useHarness('docker');
  before(async () => {
    writeFileSync(
      join(h.cwd, 'mistakes.yaml'),
      'participant:\n  - el_type: geth\nparticipants:\n  - el_type: gethh\n  - count: -1\nnetwork_params:\n  genesis_delay: soon\n',
    );
  });

  it('up sends each lenient finding as a warning event and lists it in the plan', async () => {
    h.events.length = 0;
    const plan = await up({
      ...h.options(),
      name: 'lenient',
      argsFile: 'mistakes.yaml',
      package: UNPINNED,
      dryRun: true,
    });
    assert.deepEqual(plan.schema, {
      version: 'main',
      source: '0350d2e',
      mode: 'lenient',
      reason: 'no ref (follows main)',
    });
    assert.equal(plan.warnings.length, 4, plan.warnings.join('\n'));
    const events = h.events
      .filter((e) => e.type === 'warning')
      .map((e) => (e as { message: string }).message);
    assert.deepEqual(events, plan.warnings);
    assert.deepEqual(h.kurtosisCalls(), []);
  });

  it('strict: the CLI exits 2 with one line naming the file', async () => {
    const r = await h.cli(['up', 'x', '-f', 'mistakes.yaml', '--package', PINNED, '--dry-run']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(
      r.stderr,
      /^devnet-kit: mistakes\.yaml: unknown top-level key 'participant' for ethereum-package 6\.1\.0 \(did you mean 'participants'\?\)/,
    );
  });

  it('the default package is the pinned release, so it is strict too', async () => {
    const r = await h.cli(['up', 'x', '-f', 'mistakes.yaml', '--dry-run']);
    assert.equal(r.code, 2, r.stderr);
    const plan = await up({ ...h.options(), name: 'pinned', dryRun: true });
    assert.equal(plan.package, PINNED);
    assert.equal(plan.schema.mode, 'strict');
    assert.ok(
      plan.commands.some((argv) => argv.includes(PINNED)),
      'kurtosis run gets the pinned ref',
    );
  });

  it('lenient: the CLI warns on stderr, exits 0 and shows the schema and mode', async () => {
    const r = await h.cli(['up', 'x', '-f', 'mistakes.yaml', '--package', UNPINNED, '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    assert.equal(warnings.length, 4, r.stderr);
    for (const w of warnings) assert.match(w, /^warning: mistakes\.yaml: .*; passed to the package as is$/);
    assert.match(
      r.stdout,
      /^# package github\.com\/ethpandaops\/ethereum-package: args checked against ethereum-package main \(0350d2e\), lenient \(no ref \(follows main\)\)$/m,
    );
  });

  it('lenient: --json carries the warnings and the schema', async () => {
    const r = await h.cli(['--json', 'up', 'x', '-f', 'mistakes.yaml', '--package', UNPINNED, '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout);
    assert.equal(plan.warnings.length, 4);
    assert.match(
      plan.warnings[1],
      /participants\[0\]\.el_type 'gethh' is not a valid EL client in ethereum-package main \(did you mean 'geth'\?\)/,
    );
    assert.equal(plan.schema.mode, 'lenient');
  });
});
