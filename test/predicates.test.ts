import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../lib/config.js';
import { InvalidInputError } from '../lib/errors.js';
import { applyDockerCache } from '../lib/ethereum-package/args.js';
import {
  durationMs,
  isDnsLabel,
  isDnsSubdomain,
  isGoDuration,
  isHostPort,
  isLabelValue,
  isPlainArg,
  isTail,
  MAX_TAIL,
} from '../lib/input/predicates.js';
import { parseDuration, parseTail, validateRegistryHost } from '../lib/validate.js';

describe('DNS labels and names', () => {
  it('a DNS label is lowercase letters, digits and inner hyphens, 63 characters at most', () => {
    for (const ok of ['a', 'devnet-1', '0x', 'a'.repeat(63)]) assert.ok(isDnsLabel(ok), ok);
    for (const bad of ['', 'A', '-a', 'a-', 'a_b', 'a.b', 'ü', 'a'.repeat(64), ' a']) {
      assert.ok(!isDnsLabel(bad), bad);
    }
    assert.ok(isDnsLabel('a'.repeat(60), 60));
    assert.ok(!isDnsLabel('a'.repeat(61), 60));
  });

  it('a DNS subdomain is dot-separated labels, 253 characters at most', () => {
    for (const ok of ['k3s.example.org', 'wildcard', 'a.b-c.d']) assert.ok(isDnsSubdomain(ok), ok);
    for (const bad of ['', 'a..b', '.a', 'a.', 'A.b', 'a.-b', `${'a.'.repeat(127)}a`]) {
      assert.ok(!isDnsSubdomain(bad), bad);
    }
  });

  it('a label value may be empty, mixed case, with _ and . inside', () => {
    for (const ok of ['', 'Alice_1', 'a.b-c', 'x'.repeat(63)]) assert.ok(isLabelValue(ok), ok);
    for (const bad of ['_a', 'a.', 'a b', 'x'.repeat(64)]) assert.ok(!isLabelValue(bad), bad);
  });
});

describe('plain argv words', () => {
  it('names that no tool reads as a flag or splits: not empty, no space or control character, no leading -', () => {
    for (const ok of [
      'my-devnet',
      'el-1-geth-lighthouse',
      'github.com/ethpandaops/ethereum-package@6.1.0',
      'a-',
    ]) {
      assert.ok(isPlainArg(ok), ok);
    }
    for (const bad of ['', '-f', '--help', 'a b', 'a\tb', 'a\nb', 'a\u0000'])
      assert.ok(!isPlainArg(bad), bad);
  });
});

describe('host:port', () => {
  it('accepts host names, IPv4 and bracketed IPv6, each with an optional port 1-65535', () => {
    for (const ok of [
      'docker.example.io',
      'Registry-1.Example.com',
      'localhost:5000',
      '10.0.0.5:5000',
      '[::1]:5000',
      '[::1]',
      '[2001:db8::7]:443',
      'cache.local:65535',
    ]) {
      assert.ok(isHostPort(ok), ok);
    }
  });

  it('refuses schemes, paths, credentials, bare IPv6, bad brackets and ports out of range', () => {
    for (const bad of [
      '',
      'https://docker.example.io',
      'docker.example.io/',
      'docker.example.io/mirror',
      'u:p@x.io',
      '::1',
      '::1:5000',
      '[::1',
      '[not-ipv6]:5000',
      '[]:5000',
      'x.io:0',
      'x.io:99999',
      'x.io:',
      '-x.io',
      `${'a'.repeat(64)}.io`,
    ]) {
      assert.ok(!isHostPort(bad), bad);
    }
  });

  it('[::1]:5000 passes both docker_cache checks: config (devnet.docker_cache) and the package args', () => {
    // Both used to disagree: the config check refused it, applyDockerCache accepted it, and
    // ethereum-package takes any non-empty docker_cache_params.url (input_parser.star).
    assert.equal(validateRegistryHost('[::1]:5000', 'devnet.docker_cache'), '[::1]:5000');
    const config = loadConfig({ config: { devnet: { docker_cache: '[::1]:5000' } }, env: {} });
    assert.equal(config.devnet.dockerCache, '[::1]:5000');
    assert.equal(applyDockerCache({}, '[::1]:5000').docker_cache_params?.url, '[::1]:5000');
  });

  it('a host both checks refuse, they refuse alike', () => {
    for (const bad of ['[::1]:99999', '[zz::1]:5000', 'cache.example/dh']) {
      assert.throws(() => validateRegistryHost(bad, 'devnet.docker_cache'), InvalidInputError, bad);
      assert.throws(
        () => loadConfig({ config: { devnet: { docker_cache: bad } }, env: {} }),
        InvalidInputError,
        bad,
      );
      assert.throws(() => applyDockerCache({}, bad), InvalidInputError, bad);
    }
  });
});

describe('durations', () => {
  it('devnet-kit durations: d, h, m, s in that order, above zero, at most 366 days', () => {
    assert.equal(durationMs('90s'), 90_000);
    assert.equal(durationMs('1h30m'), 5_400_000);
    assert.equal(durationMs(' 2d '), 172_800_000);
    assert.equal(durationMs('366d'), 366 * 86_400_000);
    for (const bad of ['', ' ', '0s', '0d0h', '367d', '30', '1m1h', '1.5h', '-1h', '10ms']) {
      assert.equal(durationMs(bad), undefined, bad);
    }
    assert.equal(parseDuration('4h', 'ttl'), 14_400_000);
    assert.throws(() => parseDuration('367d', 'ttl'), /at most 366d/);
  });

  it('Go durations, as kubectl --since and Kurtosis port waits write them', () => {
    for (const ok of ['5m', '2m0s', '1h30m', '500ms', '1.5h', '10us', '10µs', '3ns']) {
      assert.ok(isGoDuration(ok), ok);
    }
    for (const bad of ['', '5', 'm', '1d', '-5m', 'soon', '5 m']) assert.ok(!isGoDuration(bad), bad);
  });
});

describe('log tail', () => {
  it('a whole number of lines from 0 to MAX_TAIL', () => {
    for (const ok of [0, 1, MAX_TAIL]) assert.ok(isTail(ok), String(ok));
    for (const bad of [-1, 1.5, MAX_TAIL + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.ok(!isTail(bad), String(bad));
    }
    assert.equal(parseTail('100000'), MAX_TAIL);
    assert.throws(() => parseTail('100001'), InvalidInputError);
  });
});
