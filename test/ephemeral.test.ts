// Devnets for tests and CI: `await using` destroys them at scope exit (also when the body throws),
// and `gc` removes the owner's expired ones — nothing else.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gc, listEnclaves, up } from '../lib/index.js';
import { MINIMAL } from './support/args-fixtures.js';
import { useHarness } from './support/harness.js';

describe('await using', () => {
  const h = useHarness('docker');

  it('destroys the devnet when the scope ends', async () => {
    {
      await using net = await up({ ...h.options(), name: 'scoped', argsFile: MINIMAL });
      assert.equal(
        h.fake.scope().enclaves.some((e) => e.name === net.name),
        true,
      );
    }
    assert.equal(
      h.fake.scope().enclaves.some((e) => e.name === 'scoped'),
      false,
    );
  });

  it('destroys the devnet when the body throws, and the error still surfaces', async () => {
    const body = async () => {
      await using net = await up({ ...h.options(), name: 'thrown', argsFile: MINIMAL });
      assert.ok(net.uuid);
      throw new Error('test body failed');
    };
    await assert.rejects(body, /test body failed/);
    assert.equal(
      h.fake.scope().enclaves.some((e) => e.name === 'thrown'),
      false,
    );
  });

  it('makes down() idempotent, even when called concurrently', async () => {
    const net = await up({ ...h.options(), name: 'twice', argsFile: MINIMAL });
    await Promise.all([net.down(), net.down(), net[Symbol.asyncDispose]()]);
    const removals = h
      .kurtosisCalls()
      .filter((a) => a[0] === 'enclave' && a[1] === 'rm' && a.includes('twice'));
    assert.equal(removals.length, 1);
  });
});

describe('gc', () => {
  const h = useHarness('kubernetes');

  it("removes only the owner's expired devnets; --dry-run only lists them", async () => {
    const opts = (owner: string) => h.options({ owner, config: { cluster: { name: 'kubernetes' } } });
    await up({ ...opts('alice'), name: 'old-a', argsFile: MINIMAL, ttl: 60_000 });
    await up({ ...opts('alice'), name: 'fresh-a', argsFile: MINIMAL, ttl: '4h' });
    await up({ ...opts('alice'), name: 'forever-a', argsFile: MINIMAL });
    await up({ ...opts('bob'), name: 'old-b', argsFile: MINIMAL, ttl: 60_000 });
    const later = new Date(Date.now() + 10 * 60_000);

    const dry = await gc({ ...opts('alice'), dryRun: true, now: later });
    assert.deepEqual(
      dry.expired.map((e) => e.name),
      ['old-a'],
    );
    assert.deepEqual(dry.removed, []);
    assert.equal((await listEnclaves(opts('alice'))).length, 3, 'dry run removed nothing');

    const real = await gc({ ...opts('alice'), now: later });
    assert.deepEqual(real.removed, ['old-a']);
    const left = (await listEnclaves({ ...opts('alice'), allOwners: true })).map((e) => e.name).sort();
    assert.deepEqual(
      left,
      ['forever-a', 'fresh-a', 'old-b'],
      "bob's expired devnet is not alice's to collect",
    );

    const all = await gc({ ...opts('alice'), allOwners: true, now: later });
    assert.deepEqual(all.removed, ['old-b'], 'a cluster-wide gc (CronJob) collects every owner');
  });

  it('is what `devnet-kit gc --dry-run --json` reports', async () => {
    const r = await h.cli(['--json', '--owner', 'alice', 'gc', '--dry-run'], {
      env: { DEVNET_KIT_CLUSTER: 'kubernetes' },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { expired: [], removed: [], dryRun: true });
  });
});
