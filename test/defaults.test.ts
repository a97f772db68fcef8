import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DevnetRef } from '../lib/backends/enclaves.js';
import { defaultOf } from '../lib/backends/resolve.js';

function ref(name: string, createdAt: string, selectedAt?: string): DevnetRef {
  return {
    name,
    uuid: name,
    owner: 'alice',
    backend: 'docker',
    enclave: { name, uuid: name, status: 'RUNNING', createdAt },
    meta: { uuid: name, enclaveName: name, managed: true, selectedAt },
  };
}

describe("the owner's default devnet", () => {
  it('is the one most recently selected (up or use)', () => {
    const refs = [
      ref('a', '2026-01-01T00:00:00Z', '2026-01-03T00:00:00Z'),
      ref('b', '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z'),
    ];
    assert.equal(defaultOf(refs)?.name, 'a');
  });

  it('ranks a devnet never selected below every selected one', () => {
    const refs = [
      ref('selected', '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z'),
      ref('unselected', '2026-06-01T00:00:00Z'),
    ];
    assert.equal(defaultOf(refs)?.name, 'selected');
  });

  it('falls back to the newest when none was selected', () => {
    const refs = [ref('old', '2026-01-01T00:00:00Z'), ref('new', '2026-02-01T00:00:00Z')];
    assert.equal(defaultOf(refs)?.name, 'new');
    assert.equal(defaultOf([]), undefined);
  });
});
