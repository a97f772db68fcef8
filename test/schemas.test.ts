// The committed schemas are exactly what the derivation script reads from each version's sources,
// and a package reference picks the schema and mode the README promises.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../lib/config.js';
import { DEFAULT_PACKAGE_REF, NEWEST_RELEASE } from '../lib/ethereum-package/releases.js';
import { SCHEMAS, schemaByVersion, schemaFor } from '../lib/ethereum-package/schemas.js';
import { DEFAULT_OUT, DEFAULT_SOURCES, deriveAll } from '../scripts/derive-ethereum-package-schemas.mjs';

describe('derived schemas', () => {
  it('the committed files equal what the script derives from shared/reference', (t) => {
    if (!existsSync(DEFAULT_SOURCES)) {
      t.skip('the shared reference ethereum-package sources are not on this machine');
      return;
    }
    const derived = deriveAll(DEFAULT_SOURCES);
    const committed = readdirSync(DEFAULT_OUT).filter((f) => f.endsWith('.json'));
    assert.deepEqual(committed.sort(), Object.keys(derived).sort(), 'one file per version folder');
    for (const [file, text] of Object.entries(derived)) {
      assert.equal(
        readFileSync(join(DEFAULT_OUT, file), 'utf8'),
        text,
        `${file} drifted: run node scripts/derive-ethereum-package-schemas.mjs`,
      );
    }
  });

  it("holds what differs between versions, as each version's code has it", () => {
    const v600 = schemaByVersion('6.0.0');
    const v610 = schemaByVersion('6.1.0');
    const main = schemaByVersion('main');
    // 6.1.0 has custom_flood and the dummy EL; main removed both and added trueblocks and el_type none.
    assert.ok(v610.additional_services.includes('custom_flood'));
    assert.ok(v610.el_types.includes('dummy'));
    assert.ok(!main.additional_services.includes('custom_flood'));
    assert.ok(!main.el_types.includes('dummy'));
    assert.deepEqual(main.el_none, { type: 'none', aliases: ['None', 'null', 'Null'] });
    assert.equal(v610.el_none, null);
    assert.ok(main.top_level_keys.includes('trueblocks_params'));
    assert.ok(!v610.top_level_keys.includes('trueblocks_params'));
    assert.ok(main.sections['network_params']!.includes('gas_limit_schedule'));
    assert.ok(v600.sections['network_params']!.includes('data_column_sidecar_subnet_count'));
    assert.ok(!v610.sections['network_params']!.includes('data_column_sidecar_subnet_count'));
    // 6.0.0 knows neither caplin nor consensoor; its participants_matrix has no count.
    assert.ok(!v600.cl_types.includes('caplin'));
    assert.equal('count' in v600.participants_matrix, false);
    // Defaults come from default_participant() / default_network_params().
    assert.equal(v610.defaults.participant['el_storage_type'], '');
    assert.equal(v610.defaults.network_params['seconds_per_slot'], 12);
    assert.equal(v610.defaults.network_params_minimal['seconds_per_slot'], 6);
    assert.equal(v610.defaults.network_params['gloas_fork_epoch'], '18446744073709551615');
  });

  it('orders the schemas oldest first, with main the newest', () => {
    assert.deepEqual(
      SCHEMAS.map((s) => s.version),
      ['6.0.0', '6.1.0', 'main'],
    );
    // releases.ts keeps the pinned release apart from the schema data (a read command loads no schema).
    const releases = SCHEMAS.map((s) => s.version).filter((v) => /^\d+\.\d+\.\d+$/.test(v));
    assert.equal(NEWEST_RELEASE, releases.at(-1));
  });
});

describe('which schema and mode a package reference gets', () => {
  it('a known release tag: that release, strict', () => {
    for (const ref of [
      'github.com/ethpandaops/ethereum-package@6.1.0',
      'github.com/ethpandaops/ethereum-package@6.0.0',
      'https://github.com/ethpandaops/ethereum-package@6.0.0',
    ]) {
      const choice = schemaFor(ref);
      assert.equal(choice.mode, 'strict', ref);
      assert.equal(choice.schema.version, ref.split('@')[1]);
    }
  });

  it('no ref, a branch, a commit, a newer tag, a fork or a local directory: the newest schema, lenient', () => {
    for (const [ref, reason] of [
      ['github.com/ethpandaops/ethereum-package', /no ref/],
      ['github.com/ethpandaops/ethereum-package@main', /ref main is not a release/],
      ['github.com/ethpandaops/ethereum-package@0350d2e98735', /not a release/],
      ['github.com/ethpandaops/ethereum-package@7.0.0', /ref 7\.0\.0 is not a release/],
      ['github.com/someone/ethereum-package@6.1.0', /not the ethpandaops repository/],
      ['./ethereum-package', /not the ethpandaops repository/],
    ] as const) {
      const choice = schemaFor(ref);
      assert.equal(choice.mode, 'lenient', ref);
      assert.equal(choice.schema.version, 'main', ref);
      assert.match(choice.reason, reason);
    }
  });

  it('pins the default package to the newest known release', () => {
    assert.equal(DEFAULT_PACKAGE_REF, 'github.com/ethpandaops/ethereum-package@6.1.0');
    const config = loadConfig({ cwd: '/nonexistent', env: {}, owner: 'alice' });
    assert.equal(config.devnet.package, DEFAULT_PACKAGE_REF);
    assert.equal(schemaFor(config.devnet.package).mode, 'strict');
  });
});
