// The test harness's own contract: useHarness() gives a suite one fake world from its first hook to
// its end and removes it afterwards; a harness made for one test goes with `await using`.

import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { createHarness, useHarness } from './support/harness.js';

describe('useHarness', () => {
  const seen: { cwd?: string; fakeDir?: string; early?: unknown } = {};

  describe('a suite with a Docker harness', () => {
    const h = useHarness('docker');
    try {
      void h.cwd;
    } catch (error) {
      seen.early = error;
    }
    before(() => writeFileSync(join(h.cwd, 'from-a-later-hook'), ''));

    it('is the harness from the first hook on: later hooks and the tests share it', () => {
      seen.cwd = h.cwd;
      seen.fakeDir = h.fake.dir;
      assert.equal(h.backend, 'docker');
      assert.ok(existsSync(join(h.cwd, 'from-a-later-hook')));
      assert.equal(h.options().owner, 'alice');
      assert.equal(h.kube, undefined);
    });

    it('is the same harness in every test of the suite', () => {
      assert.equal(h.cwd, seen.cwd);
    });
  });

  it('was cleaned up when the suite ended', () => {
    assert.ok(seen.cwd && seen.fakeDir, 'the suite ran');
    assert.equal(existsSync(seen.cwd), false, 'its working directory is gone');
    assert.equal(existsSync(seen.fakeDir), false, "the fake kurtosis's directory is gone");
  });

  it('refuses to be read in the suite body, before the harness exists', () => {
    assert.match(
      String(seen.early),
      /useHarness\('docker'\): the harness exists only inside hooks and tests/,
    );
  });
});

describe('createHarness with await using', () => {
  it('cleans up when the scope ends', async () => {
    let cwd: string;
    {
      await using h = await createHarness('docker');
      cwd = h.cwd;
      assert.ok(existsSync(cwd));
    }
    assert.equal(existsSync(cwd), false);
  });
});
