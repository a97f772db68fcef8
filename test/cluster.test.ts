import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ensureCluster, ensureKubeContext, NotFoundError } from '../lib/index.js';
import { compareVersions } from '../lib/lifecycle/cluster.js';
import type { DevnetEvent } from '../lib/models.js';
import { useHarness } from './support/harness.js';

describe('ensureKubeContext', () => {
  const h = useHarness('kubernetes');

  it('accepts a context of the kubeconfig without switching the current one', async () => {
    const result = await ensureKubeContext('down', h.options());
    assert.deepEqual(result.available, ['down', 'fake'], 'as kubectl lists them');
    const { readFileSync } = await import('node:fs');
    assert.match(
      readFileSync(h.kube!.kubeconfig, 'utf8'),
      /"current-context":"fake"/,
      'the user kubeconfig is untouched',
    );
  });

  it('names the contexts that exist when the wanted one does not', async () => {
    const error = await ensureKubeContext('prod', h.options()).catch((e: unknown) => e);
    assert.ok(error instanceof NotFoundError);
    assert.match(error.message, /no kube context named 'prod'; existing: down, fake/);
  });
});

describe('ensureCluster', () => {
  const h = useHarness('docker');

  it('sets the cluster and starts the engine once; a second call only runs the read-only checks', async () => {
    const events: DevnetEvent[] = [];
    const first = await ensureCluster('docker', h.options({ onEvent: (e) => events.push(e) }));
    assert.equal(first.cluster, 'docker');
    const calls = h.kurtosisCalls().map((a) => a.join(' '));
    assert.ok(calls.includes('cluster get'), 'the never-set cluster-setting is read as docker');
    assert.ok(!calls.includes('cluster set docker'), 'docker is already current');

    const before = h.kurtosisCalls().length;
    await ensureCluster('docker', h.options());
    const second = h
      .kurtosisCalls()
      .slice(before)
      .map((a) => a.join(' '))
      .sort();
    assert.deepEqual(second, ['cluster get', 'engine status', 'version']);
  });

  it('switches to another configured cluster with cluster set', async () => {
    const before = h.kurtosisCalls().length;
    const state = await ensureCluster('kubernetes', h.options()).catch((e: unknown) => e);
    const calls = h
      .kurtosisCalls()
      .slice(before)
      .map((a) => a.join(' '));
    assert.ok(calls.includes('cluster set kubernetes'), calls.join('; '));
    void state;
  });

  it("compares versions like Kurtosis's guard", () => {
    assert.equal(compareVersions('1.20.0', '1.20.0'), 'match');
    assert.equal(compareVersions('1.20.0', '1.19.0'), 'mismatch');
    assert.equal(compareVersions('1.20.1', '1.20.0'), 'mismatch', 'CLI patch ahead of the engine fails too');
    assert.equal(compareVersions('1.20.0', '1.20.1'), 'engine-newer');
    assert.equal(compareVersions('dev', '1.20.0'), 'unparseable');
  });
});
