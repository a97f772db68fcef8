import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_PACKAGE, loadConfig } from '../lib/config.js';
import { InvalidInputError } from '../lib/errors.js';
import { tempDir } from './support/tmp.js';

const tmp = tempDir();
after(() => tmp.cleanup());

function dirWith(files: Record<string, string>): string {
  const dir = join(tmp.dir, `case-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function invalid(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InvalidInputError, `expected InvalidInputError, got ${error}`);
    assert.equal(error.message.split('\n').length, 1, 'one line');
    return error;
  }
  assert.fail('expected an InvalidInputError');
}

const FULL = `owner: alice
cluster:
  name: bruno
  kubeconfig_context: bruno
devnet:
  package: github.com/ethpandaops/ethereum-package@6.1.0
  args_file: network_params.yaml
  docker_cache: docker.example.io
  ttl: 4h
  ingress:
    enabled: true
    base_domain: k3s.bruno
    host_style: flat
    class_name: traefik
    annotations: { traefik.ingress.kubernetes.io/router.entrypoints: web }
    tls: true
    tls_secret: ""
    alias_tls_secret: wildcard
`;

describe('loadConfig', () => {
  it('reads ./devnet-kit.yaml and resolves every key of the documented file', () => {
    const cwd = dirWith({ 'devnet-kit.yaml': FULL });
    const config = loadConfig({ cwd, env: {} });
    assert.equal(config.path, join(cwd, 'devnet-kit.yaml'));
    assert.equal(config.owner, 'alice');
    assert.equal(config.ownerSource, 'config');
    assert.deepEqual(config.cluster, { name: 'bruno', kubeconfigContext: 'bruno' });
    assert.equal(config.devnet.package, 'github.com/ethpandaops/ethereum-package@6.1.0');
    assert.equal(config.devnet.argsFile, join(cwd, 'network_params.yaml'));
    assert.equal(config.devnet.dockerCache, 'docker.example.io');
    assert.equal(config.devnet.ttlMs, 4 * 3600_000);
    assert.deepEqual(config.devnet.ingress, {
      enabled: true,
      baseDomain: 'k3s.bruno',
      hostStyle: 'flat',
      className: 'traefik',
      annotations: { 'traefik.ingress.kubernetes.io/router.entrypoints': 'web' },
      tls: true,
      tlsSecret: undefined,
      aliasTlsSecret: 'wildcard',
    });
  });

  it('uses defaults with no file at all', () => {
    const config = loadConfig({ cwd: dirWith({}), env: { USER: 'Bob_Smith' } });
    assert.equal(config.path, undefined);
    assert.equal(config.devnet.package, DEFAULT_PACKAGE);
    assert.equal(config.cluster, undefined);
    assert.equal(config.devnet.ingress.enabled, false);
    assert.equal(config.owner, 'bob-smith', 'the OS user, sanitized to a DNS label');
    assert.equal(config.ownerSource, 'os');
  });

  it('prefers --config over $DEVNET_KIT_CONFIG over ./devnet-kit.yaml', () => {
    const cwd = dirWith({
      'devnet-kit.yaml': 'owner: local\n',
      'a.yaml': 'owner: flag\n',
      'b.yaml': 'owner: envfile\n',
    });
    assert.equal(
      loadConfig({ cwd, env: { DEVNET_KIT_CONFIG: 'b.yaml' }, configPath: 'a.yaml' }).owner,
      'flag',
    );
    assert.equal(loadConfig({ cwd, env: { DEVNET_KIT_CONFIG: 'b.yaml' } }).owner, 'envfile');
    assert.equal(loadConfig({ cwd, env: {} }).owner, 'local');
  });

  it('resolves the owner from --owner, DEVNET_KIT_OWNER, config, GITHUB_ACTOR, then the OS user', () => {
    const cwd = dirWith({ 'devnet-kit.yaml': 'owner: fromfile\n' });
    const env = { DEVNET_KIT_OWNER: 'fromenv', GITHUB_ACTOR: 'Octo-Cat', USER: 'me' };
    assert.equal(loadConfig({ cwd, env, owner: 'flag' }).owner, 'flag');
    assert.equal(loadConfig({ cwd, env }).owner, 'fromenv');
    assert.equal(loadConfig({ cwd, env: { GITHUB_ACTOR: 'Octo-Cat' } }).owner, 'fromfile');
    const bare = dirWith({});
    assert.equal(
      loadConfig({ cwd: bare, env: { GITHUB_ACTOR: 'Octo_Cat[bot]', USER: 'me' } }).owner,
      'octo-cat-bot',
    );
    assert.equal(loadConfig({ cwd: bare, env: { USER: 'me' } }).owner, 'me');
  });

  it('lets env override the file: cluster, context, package, ttl', () => {
    const cwd = dirWith({ 'devnet-kit.yaml': FULL });
    const config = loadConfig({
      cwd,
      env: {
        DEVNET_KIT_CLUSTER: 'other',
        DEVNET_KIT_KUBE_CONTEXT: 'ctx2',
        DEVNET_KIT_PACKAGE: './local-package',
        DEVNET_KIT_TTL: '30m',
      },
    });
    assert.deepEqual(config.cluster, { name: 'other', kubeconfigContext: 'ctx2' });
    assert.equal(config.devnet.package, './local-package');
    assert.equal(config.devnet.ttlMs, 30 * 60_000);
  });

  it('reads the gateway idle timeout from cluster.gateway_idle_timeout, the env var winning; refuses a non-duration', () => {
    assert.equal(loadConfig({ config: {}, env: {} }).gatewayIdleTimeoutMs, undefined);
    const fromFile = loadConfig({ config: { cluster: { gateway_idle_timeout: '90s' } }, env: {} });
    assert.equal(fromFile.gatewayIdleTimeoutMs, 90_000);
    assert.equal(fromFile.cluster, undefined, 'the idle timeout alone does not pick a cluster');
    const fromEnv = loadConfig({
      config: { cluster: { gateway_idle_timeout: '90s' } },
      env: { DEVNET_KIT_GATEWAY_IDLE_TIMEOUT: '10m' },
    });
    assert.equal(fromEnv.gatewayIdleTimeoutMs, 600_000);
    assert.throws(
      () => loadConfig({ config: {}, env: { DEVNET_KIT_GATEWAY_IDLE_TIMEOUT: 'soon' } }),
      (e: unknown) =>
        e instanceof InvalidInputError &&
        /^DEVNET_KIT_GATEWAY_IDLE_TIMEOUT "soon" is not a duration/.test(e.message),
    );
  });

  it('accepts a config object instead of a file', () => {
    const config = loadConfig({ config: { owner: 'carol', devnet: { ttl: '1h' } }, env: {} });
    assert.equal(config.owner, 'carol');
    assert.equal(config.devnet.ttlMs, 3600_000);
  });

  const errors: [string, string, RegExp][] = [
    [
      'unknown top-level key',
      'ownr: x\n',
      /devnet-kit\.yaml: unknown key 'ownr'; allowed: owner, cluster, devnet/,
    ],
    [
      'unknown nested key',
      'devnet:\n  ingres: {}\n',
      /unknown key 'devnet\.ingres'; allowed under devnet: package, args_file/,
    ],
    [
      'unknown ingress key',
      'devnet:\n  ingress:\n    hoststyle: flat\n',
      /unknown key 'devnet\.ingress\.hoststyle'; allowed under devnet\.ingress: enabled, base_domain/,
    ],
    ['wrong type', 'devnet:\n  ingress:\n    enabled: "yes"\n', /devnet\.ingress\.enabled must be a boolean/],
    ['wrong type for a map', 'devnet: 3\n', /devnet must be a map/],
    [
      'annotations not strings',
      'devnet:\n  ingress:\n    annotations: { a: 1 }\n',
      /devnet\.ingress\.annotations\.a must be a string/,
    ],
    [
      'bad host_style',
      'devnet:\n  ingress:\n    host_style: diagonal\n',
      /devnet\.ingress\.host_style must be one of dotted, flat/,
    ],
    [
      'ingress without base_domain',
      'devnet:\n  ingress:\n    enabled: true\n',
      /base_domain is required when devnet\.ingress\.enabled/,
    ],
    ['invalid YAML', 'owner: [a\n', /devnet-kit\.yaml: invalid YAML at line \d+, column \d+/],
    [
      'docker_cache with a scheme',
      'devnet:\n  docker_cache: https://cache.example\n',
      /docker_cache "https:\/\/cache\.example" has a scheme/,
    ],
    [
      'docker_cache with a path',
      'devnet:\n  docker_cache: cache.example/dh\n',
      /has a path or trailing slash/,
    ],
    ['bad ttl', 'devnet:\n  ttl: forever\n', /devnet\.ttl "forever" is not a duration/],
    ['bad owner', 'owner: Alice Smith\n', /owner "Alice Smith" is not a valid DNS label/],
    ['empty cluster name', 'cluster:\n  name: ""\n', /cluster\.name must not be empty/],
  ];
  for (const [what, text, pattern] of errors) {
    it(`rejects a config file with ${what}, naming the file and the key`, () => {
      const cwd = dirWith({ 'devnet-kit.yaml': text });
      const error = invalid(() => loadConfig({ cwd, env: {} }));
      assert.match(error.message, pattern);
    });
  }

  it('rejects a --config that does not exist', () => {
    const error = invalid(() => loadConfig({ cwd: dirWith({}), env: {}, configPath: 'nope.yaml' }));
    assert.match(error.message, /--config: config file "nope\.yaml" does not exist/);
  });

  it('rejects an explicit owner that is not a DNS label instead of guessing', () => {
    invalid(() => loadConfig({ cwd: dirWith({}), env: {}, owner: 'UPPER' }));
    invalid(() => loadConfig({ cwd: dirWith({}), env: { DEVNET_KIT_OWNER: 'a_b' } }));
  });

  it('never shows docker_cache credentials in its error', () => {
    const cwd = dirWith({
      'devnet-kit.yaml': 'devnet:\n  docker_cache: https://user:s3cret@cache.example\n',
    });
    const error = invalid(() => loadConfig({ cwd, env: {} }));
    assert.ok(!error.message.includes('s3cret'), error.message);
  });
});
