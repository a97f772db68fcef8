import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../lib/errors.js';
import { redact } from '../lib/exec/redact.js';
import {
  formatDuration,
  parseDuration,
  parseTail,
  sanitizeDnsLabel,
  validateDevnetName,
  validateOwner,
  validateRegistryHost,
} from '../lib/validate.js';

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.message, pattern);
    assert.equal(error.message.split('\n').length, 1);
    return true;
  });
}

describe('devnet names', () => {
  it('accepts lowercase DNS labels up to 60 characters', () => {
    for (const name of ['a', 'my-devnet', 'gh-123-1', 'x'.repeat(60)])
      assert.equal(validateDevnetName(name), name);
  });
  const bad: [string, RegExp][] = [
    ['', /is empty/],
    ['MyDevnet', /has uppercase letters/],
    ['my_devnet', /characters that are not allowed/],
    ['-devnet', /starts or ends with a hyphen/],
    ['devnet-', /starts or ends with a hyphen/],
    ['x'.repeat(61), /is 61 characters long/],
    ['dévnet', /not allowed/],
    ['$(rm -rf /)', /not allowed/],
    [';rm -rf', /not allowed/],
    ['../etc', /not allowed/],
  ];
  for (const [name, pattern] of bad) {
    it(`rejects ${JSON.stringify(name)} and says what is allowed`, () => {
      rejects(() => validateDevnetName(name), pattern);
      rejects(() => validateDevnetName(name), /lowercase letters, digits and '-'/);
    });
  }
});

describe('owners', () => {
  it('accepts DNS labels up to 63 characters', () => {
    assert.equal(validateOwner('alice'), 'alice');
    assert.equal(validateOwner('a'.repeat(63)), 'a'.repeat(63));
  });
  it('rejects anything else', () => {
    for (const owner of ['', 'Alice', 'a_b', 'a'.repeat(64), 'ü', 'a.b'])
      rejects(() => validateOwner(owner), /DNS label/);
  });
  it('sanitizes inferred logins into DNS labels', () => {
    assert.equal(sanitizeDnsLabel('Octo_Cat[bot]'), 'octo-cat-bot');
    assert.equal(sanitizeDnsLabel('__x__'), 'x');
    assert.equal(sanitizeDnsLabel('Jürgen'), 'jurgen');
    assert.equal(sanitizeDnsLabel('a'.repeat(80)).length, 63);
  });
});

describe('durations', () => {
  it('parses d, h, m and s, alone and combined', () => {
    assert.equal(parseDuration('90s', 't'), 90_000);
    assert.equal(parseDuration('30m', 't'), 1_800_000);
    assert.equal(parseDuration('4h', 't'), 14_400_000);
    assert.equal(parseDuration('1h30m', 't'), 5_400_000);
    assert.equal(parseDuration('2d', 't'), 172_800_000);
  });
  it('rejects zero, negatives, bare numbers, unknown units and absurd values', () => {
    for (const v of ['0s', '-5m', '10', '5x', 'forever', '', '1h 30m', '9999d']) {
      rejects(
        () => parseDuration(v, '--ttl'),
        /--ttl .* is not a duration: use a positive number with units/,
      );
    }
  });
  it('formats back', () => {
    assert.equal(formatDuration(5_400_000), '1h30m');
    assert.equal(formatDuration(1500), '2s');
  });
});

describe('--tail', () => {
  it('accepts whole numbers from 0 to 100000', () => {
    assert.equal(parseTail('0'), 0);
    assert.equal(parseTail(200), 200);
  });
  it('rejects negatives, text, fractions and huge values', () => {
    for (const v of ['-1', 'ten', '1.5', '100001', '1e9'])
      rejects(() => parseTail(v), /--tail .* use a whole number from 0 to 100000/);
  });
});

describe('registry hosts for docker_cache', () => {
  it('accepts bare hosts with an optional port', () => {
    for (const h of ['docker.example.io', 'cache.local:5000', 'localhost'])
      assert.equal(validateRegistryHost(h, 'x'), h);
  });
  it('rejects schemes, paths and credentials', () => {
    rejects(() => validateRegistryHost('https://x.io', 'd'), /has a scheme/);
    rejects(() => validateRegistryHost('x.io/', 'd'), /trailing slash/);
    rejects(() => validateRegistryHost('u:p@x.io', 'd'), /has credentials/);
  });
});

describe('redact', () => {
  it('hides URL credentials, bearer tokens and token flags', () => {
    assert.equal(redact('https://user:pa55@cache.io/v2'), 'https://***@cache.io/v2');
    assert.equal(redact('url: "user:pa55@cache.io"'), 'url: "***@cache.io"');
    assert.equal(redact('Authorization: Bearer abc.def-ghi'), 'Authorization: Bearer ***');
    assert.equal(redact('--token=abcdef'), '--token=***');
    assert.equal(redact('    token: abcdef'), '    token: ***');
    assert.equal(redact('client-key-data: LS0tLS1CRUdJTi'), 'client-key-data: ***');
  });
  it('leaves ordinary text alone', () => {
    const text = 'kurtosis enclave inspect my-devnet --full-uuids; rpc: 8545/tcp -> 127.0.0.1:32939';
    assert.equal(redact(text), text);
  });
});
