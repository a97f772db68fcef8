// The backend is picked once per context from Kurtosis's own settings (kurtosis-config.yml's cluster
// types, the cluster-setting file), and the rest of lib/ only asks it (lib/backends/backend.ts).

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, describe, it } from 'node:test';
import { createContext, deriveContext, kurtosisPaths } from '../lib/context.js';
import { tempDir } from './support/tmp.js';

describe('the context picks its backend once', () => {
  const home = tempDir();
  after(() => home.cleanup());
  const env = { HOME: home.dir, XDG_CONFIG_HOME: `${home.dir}/config`, XDG_DATA_HOME: `${home.dir}/data` };
  const paths = kurtosisPaths(env);
  const write = (file: string, text: string) => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  write(paths.config, 'kurtosis-clusters:\n  docker:\n    type: docker\n  k3s:\n    type: kubernetes\n');
  const ctxWith = (cluster?: string) =>
    createContext({ env, owner: 'alice', config: cluster ? { cluster: { name: cluster } } : {} });

  it("follows the type of the configured cluster in Kurtosis's config", () => {
    assert.equal(ctxWith('k3s').backend.kind, 'kubernetes');
    assert.equal(ctxWith('docker').backend.kind, 'docker');
  });

  it("follows Kurtosis's current cluster when none is configured (docker when never set)", () => {
    assert.equal(ctxWith().backend.kind, 'docker');
    write(paths.clusterSetting, 'k3s\n');
    assert.equal(ctxWith().backend.kind, 'kubernetes');
  });

  it('keeps the backend it chose for the life of the context', () => {
    write(paths.clusterSetting, 'k3s\n');
    const ctx = ctxWith();
    const chosen = ctx.backend;
    write(paths.clusterSetting, 'docker\n');
    assert.equal(ctx.backend, chosen);
    assert.equal(ctx.backend.kind, 'kubernetes');
    assert.equal(ctxWith().backend.kind, 'docker', 'a new context reads the setting again');
  });

  it('a derived context picks no backend until used, and then the same one as its origin', () => {
    write(paths.clusterSetting, 'docker\n');
    const ctx = ctxWith();
    const derived = deriveContext(ctx, { signal: undefined });
    // As `up` runs `cluster set` after deriving its context: the pick must come after it.
    write(paths.clusterSetting, 'k3s\n');
    assert.equal(derived.backend.kind, 'kubernetes');
    assert.equal(ctx.backend, derived.backend, 'picked once for both');
    assert.equal(derived.signal, undefined);
    assert.equal(derived.config, ctx.config);
  });
});
