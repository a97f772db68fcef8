// The library as it ships: `import … from 'devnet-kit'` resolves through package.json `exports` to the
// built dist/index.js (dependencies external, as an installed package loads them), never lib/. up, down
// and followLogs run against the fake kurtosis (Docker backend).

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { down, followLogs, type LogLine, listEnclaves, up } from 'devnet-kit';
import { MINIMAL } from './support/args-fixtures.js';
import { useHarness } from './support/harness.js';
import { assertBuilt } from './support/reliability.js';

describe('the built package (devnet-kit → dist/index.js)', () => {
  before(() => assertBuilt());
  const h = useHarness('docker');

  it('resolves to dist/index.js through the exports map', () => {
    assert.equal(import.meta.resolve('devnet-kit'), new URL('../dist/index.js', import.meta.url).href);
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

    const gone = await down('shipped', h.options());
    assert.deepEqual(gone.removed, ['shipped']);
    assert.deepEqual(h.fake.scope().enclaves, []);
  });
});
