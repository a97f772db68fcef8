// `up --dry-run` over ethereum-package's own CI args files: every one is accepted, nothing is spawned,
// and for the simple ones the planned services are the golden ones.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { up } from '../lib/index.js';
import { KUBE_CONFIG, useHarness } from './support/harness.js';

const TESTS = new URL('../fixtures/ethereum-package/tests/', import.meta.url).pathname;
const GOLDEN = new URL('../fixtures/ethereum-package/golden/', import.meta.url).pathname;
const SAMPLES = new URL('../fixtures/ethereum-package/samples/', import.meta.url).pathname;
/** fixtures/ethereum-package/tests are main's CI files: a package without a ref follows main. */
const MAIN_PACKAGE = 'github.com/ethpandaops/ethereum-package';
const files = readdirSync(TESTS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

describe('up --dry-run over the 89 real args files', () => {
  const h = useHarness('kubernetes');

  it('has all 89 files', () => assert.equal(files.length, 89));

  for (const file of files) {
    it(`plans ${file} without spawning anything`, async () => {
      const plan = await up({
        ...h.options(),
        name: 'plan',
        argsFile: `${TESTS}${file}`,
        package: MAIN_PACKAGE,
        dryRun: true,
      });
      assert.equal(plan.dryRun, true);
      assert.deepEqual(plan.warnings, [], 'main knows every key of its own CI files');
      assert.equal(plan.schema.version, 'main');
      assert.ok(plan.services.length > 0);
      assert.ok(plan.commands.some((argv) => argv[0] === 'kurtosis' && argv[1] === 'run'));
      assert.ok(plan.argsYaml.length > 0);
    });
  }

  // The text plan of the bundle users run: it once crashed ("stringify is not a function") on every file.
  for (const file of files) {
    it(`prints the text plan of ${file} from the built CLI, with the Ingress manifests and hostnames`, async () => {
      const config = join(h.cwd, 'ingress.yaml');
      writeFileSync(config, stringify(KUBE_CONFIG));
      const r = await h.cli([
        '--owner',
        'alice',
        '--config',
        config,
        'up',
        'plan',
        '-f',
        `${TESTS}${file}`,
        // main's CI files: an unpinned package follows main's schema (the default is pinned to 6.1.0).
        '--package',
        MAIN_PACKAGE,
        '--dry-run',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      const ingresses = r.stdout.split('\n# ingresses\n')[1]?.split('\n# hostnames\n');
      assert.ok(ingresses?.length === 2, `${file}: no '# ingresses' then '# hostnames' section`);
      const list = parse(ingresses[0]!) as { kind: string; items: { kind: string }[] };
      assert.equal(list.kind, 'List');
      assert.ok(list.items.length > 0 && list.items.every((i) => i.kind === 'Ingress'));
      assert.match(ingresses[1]!, /^SERVICE +PORT +URL$/m);
      assert.match(ingresses[1]!, /https?:\/\/[a-z0-9.-]+\.plan\.alice\.k3s\.example\b/);
    });
  }

  it('spawned no kurtosis and sent nothing to the API server', () => {
    assert.deepEqual(h.kurtosisCalls(), []);
    assert.equal(h.kube!.server.requests.length, 0);
  });

  for (const [golden, args] of [
    ['samples_minimal.json', `${SAMPLES}minimal.yaml`],
    ['samples_multi-client.json', `${SAMPLES}multi-client.yaml`],
    ['tests_mix.json', `${TESTS}mix.yaml`],
    ['tests_participants-matrix.json', `${TESTS}participants-matrix.yaml`],
  ] as const) {
    it(`plans the golden services for ${args.split('/').pop()} from the CLI`, async () => {
      const config = join(h.cwd, 'ingress.yaml');
      writeFileSync(
        config,
        'cluster:\n  name: kubernetes\ndevnet:\n  ingress:\n    enabled: true\n    base_domain: k3s.bruno\n',
      );
      const r = await h.cli([
        '--json',
        '--owner',
        'alice',
        '--config',
        config,
        'up',
        'golden',
        '-f',
        args,
        ...(args.startsWith(TESTS) ? ['--package', MAIN_PACKAGE] : []),
        '--dry-run',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const plan = JSON.parse(r.stdout);
      const expected = JSON.parse(readFileSync(`${GOLDEN}${golden}`, 'utf8')) as {
        name: string;
        ports: unknown[];
      }[];
      assert.deepEqual(
        plan.services.map((s: { name: string; ports: unknown[] }) => [s.name, s.ports]),
        expected.map((s) => [s.name, s.ports]),
      );
      assert.ok(plan.ingresses.length > 0, 'the Ingress manifests are in the plan');
    });
  }
});
