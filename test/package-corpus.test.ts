// Every args file ethereum-package ships (its CI files, its defaults file and its README's full
// example, at 6.0.0, 6.1.0 and main) passes `up --dry-run` of the BUILT package: tagged versions with
// `--package …@<tag>` (strict), main unpinned (lenient). All files go through dist/index.mjs in this
// process, and the 206 issue #13 counted also through the built CLI, one process each.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CorpusFile, PACKAGE_SOURCES, packageCorpus } from './support/ethereum-package-corpus.js';
import { useHarness } from './support/harness.js';
import { spawnCli } from './support/reliability.js';

const DIST = new URL('../dist/index.mjs', import.meta.url).href;
const corpus = packageCorpus();

const isRelease = (f: CorpusFile) => /^\d+\.\d+\.\d+$/.test(f.folder);

function packageFor(f: CorpusFile): string {
  return isRelease(f)
    ? `github.com/ethpandaops/ethereum-package@${f.folder}`
    : 'github.com/ethpandaops/ethereum-package';
}

/** The files the issue counted before the schemas: 14 of these 206 were rejected then. */
const COUNTED = 206;

describe('the args files ethereum-package ships', {
  skip: corpus.length === 0 && `no ${PACKAGE_SOURCES}`,
}, () => {
  const h = useHarness('docker');
  let dir: string;
  const paths = new Map<CorpusFile, string>();
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'devnet-kit-corpus-'));
    corpus.forEach((f, i) => {
      const path = join(dir, `${i}-${f.folder}-${f.name.replace(/[^\w.-]+/g, '_')}.yaml`);
      writeFileSync(path, f.text);
      paths.set(f, path);
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`has the ${COUNTED} files the issue counted, and more`, () => {
    assert.equal(corpus.filter((f) => f.counted).length, COUNTED);
    assert.ok(corpus.length > COUNTED, `${corpus.length}`);
  });

  it('every one plans through dist/index.mjs: 0 rejected, and the pinned ones without a warning', async () => {
    const lib = (await import(DIST)) as typeof import('../lib/index.js');
    const rejected: string[] = [];
    const warned: string[] = [];
    for (const f of corpus) {
      // Only up() may reject: an assertion failing below is reported as itself, not as a rejected file.
      const plan = await lib
        .up({
          ...h.options(),
          name: 'corpus',
          argsFile: paths.get(f)!,
          package: packageFor(f),
          dryRun: true,
        })
        .catch((error: unknown) => {
          rejected.push(`${f.folder}/${f.name}: ${(error as Error).message}`);
          return undefined;
        });
      if (!plan) continue;
      assert.ok(plan.services.length > 0, `${f.folder}/${f.name} plans services`);
      assert.equal(plan.schema.mode, isRelease(f) ? 'strict' : 'lenient', `${f.folder}/${f.name}`);
      if (plan.warnings.length) warned.push(`${f.folder}/${f.name}: ${plan.warnings.join(' | ')}`);
    }
    assert.deepEqual(rejected, [], `${rejected.length} of ${corpus.length} rejected`);
    // main's README example sets trueblocks_params.config_version, which main's own sanity check
    // (validate_nested_params for trueblocks_params) does not allow: lenient mode says so.
    assert.equal(warned.length, 1, warned.join('\n'));
    assert.match(
      warned[0]!,
      /^0350d2e\/README\.md#full-example: \S+: unknown key 'config_version' in trueblocks_params for ethereum-package main; allowed: scrape, image, target_rpc_url, target_index, env; passed to the package as is$/,
    );
    assert.deepEqual(h.kurtosisCalls(), [], 'nothing spawned');
  });

  it(`every one of the ${COUNTED} counted plans through the built CLI: exit 0, 0 rejected`, async () => {
    const counted = corpus.filter((f) => f.counted);
    const failed: string[] = [];
    const modes = new Map<string, string>();
    // Two at a time: the machines have two cores, and a dry run spawns nothing.
    const queue = [...counted];
    const worker = async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        const cli = spawnCli(
          ['--json', 'up', 'corpus', '-f', paths.get(f)!, '--package', packageFor(f), '--dry-run'],
          { env: h.env, cwd: h.cwd },
        );
        const { code } = await cli.exit;
        await cli.closed;
        if (code !== 0) {
          failed.push(`${f.folder}/${f.name}: exit ${code}: ${cli.stderr().trim().split('\n')[0]}`);
          continue;
        }
        const plan = JSON.parse(cli.stdout()) as {
          package: string;
          services: unknown[];
          schema: { mode: string };
        };
        if (plan.package !== packageFor(f) || plan.services.length === 0) {
          failed.push(`${f.folder}/${f.name}: package ${plan.package}, ${plan.services.length} services`);
        }
        modes.set(`${f.folder}/${f.name}`, plan.schema.mode);
      }
    };
    await Promise.all([worker(), worker()]);
    assert.deepEqual(failed, [], `${failed.length} of ${counted.length} rejected through the CLI`);
    assert.equal(modes.size, COUNTED);
    for (const f of counted) {
      assert.equal(
        modes.get(`${f.folder}/${f.name}`),
        isRelease(f) ? 'strict' : 'lenient',
        `${f.folder}/${f.name}`,
      );
    }
    assert.deepEqual(h.kurtosisCalls(), [], 'nothing spawned');
  });
});
