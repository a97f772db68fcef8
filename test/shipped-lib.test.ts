// The library as it ships: `import … from 'devnet-kit'` resolves through package.json `exports` to the
// built dist/index.mjs (dependencies external, as an installed package loads them), never lib/. up, down
// and followLogs run against the fake kurtosis (Docker backend).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import {
  Devnet,
  down,
  followLogs,
  InvalidInputError,
  type LogLine,
  listEnclaves,
  up,
  waitFor,
} from 'devnet-kit';
import { MINIMAL } from './support/args-fixtures.js';
import { useHarness } from './support/harness.js';
import { assertBuilt } from './support/reliability.js';

describe('the built package (devnet-kit → dist/index.mjs)', () => {
  before(() => assertBuilt());
  const h = useHarness('docker');

  it('resolves to dist/index.mjs through the exports map', () => {
    assert.equal(import.meta.resolve('devnet-kit'), new URL('../dist/index.mjs', import.meta.url).href);
  });

  it('runs up, follows logs and runs down', async () => {
    const devnet = await up({ ...h.options(), name: 'shipped', argsFile: MINIMAL });
    assert.equal(devnet.name, 'shipped');
    assert.ok(devnet.endpoints.some((e) => e.service === 'el-1-geth-lighthouse' && e.port === 'rpc'));
    assert.deepEqual(
      (await listEnclaves(h.options())).map((e) => e.name),
      ['shipped'],
    );

    const controller = new AbortController();
    const got: LogLine[] = [];
    const follow = (async () => {
      for await (const line of followLogs('shipped', {
        ...h.options(),
        services: ['el-1-geth-lighthouse'],
        tail: 1,
        signal: controller.signal,
      })) {
        got.push(line);
        if (got.length >= 2) controller.abort();
      }
    })();
    await follow;
    assert.ok(got.length >= 2);
    assert.ok(got.every((l) => l.service === 'el-1-geth-lighthouse' && l.line.length > 0));
    assert.deepEqual(
      h.kurtosisCalls().find((argv) => argv[0] === 'service' && argv[1] === 'logs'),
      ['service', 'logs', 'shipped', 'el-1-geth-lighthouse', '-n', '1', '-f'],
    );

    // The context it was made in stays inside the library (issue #14).
    assert.equal('context' in devnet, false);
    assert.ok(
      !Reflect.ownKeys(devnet).some((k) => /context/i.test(String(k))),
      String(Reflect.ownKeys(devnet)),
    );

    const gone = await down('shipped', h.options());
    assert.deepEqual(gone.removed, ['shipped']);
    assert.deepEqual(h.fake.scope().enclaves, []);
  });

  it("declares Devnet without the library's internal Context", () => {
    const types = readFileSync(new URL('../dist/types/devnet.d.ts', import.meta.url), 'utf8');
    assert.match(types, /export declare class Devnet\b/);
    assert.doesNotMatch(types, /\bContext\b|\bcontext\b/);
  });

  it('says what is wrong when a Devnet made by hand is waited for', async () => {
    const handMade = new Devnet(
      {
        name: 'by-hand',
        uuid: 'b'.repeat(32),
        owner: 'alice',
        backend: 'docker',
        services: [],
        endpoints: [],
        warnings: [],
      },
      async () => {},
    );
    await assert.rejects(
      waitFor(handMade, 'services'),
      (error: unknown) =>
        error instanceof InvalidInputError && /waitFor needs a Devnet returned by up\(\)/.test(error.message),
    );
  });
});
