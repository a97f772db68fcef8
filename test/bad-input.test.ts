// Bad input: every row exits 2 with ONE clear line naming the input and what is allowed, and the call
// logs prove that neither kurtosis nor kubectl was spawned. No argument ever reaches a shell: the
// shell-looking rows would leave a marker file behind if one did.

import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { useHarness } from './support/harness.js';

interface Row {
  what: string;
  args: string[];
  /** Files to create in the working directory first. */
  files?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  error: RegExp;
}

const MARKER = '/tmp/devnet-kit-pwned';

/** "Billion laughs": 9 levels of 10 aliases each, 10^9 strings once expanded. */
const ALIAS_BOMB = [
  'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]',
  ...Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`),
].join('\n');

const ROWS: Row[] = [
  // devnet names
  {
    what: 'an uppercase name',
    args: ['up', 'MyDevnet'],
    error: /devnet name "MyDevnet" has uppercase letters: use lowercase letters/,
  },
  {
    what: 'a name with underscores',
    args: ['up', 'my_devnet'],
    error: /devnet name "my_devnet" has characters that are not allowed/,
  },
  { what: 'a 61-character name', args: ['up', 'a'.repeat(61)], error: /is 61 characters long.*at most 60/ },
  {
    what: 'a name with a leading hyphen',
    args: ['up', '--', '-devnet'],
    error: /unexpected argument "-devnet" after '--': devnet names are lowercase letters/,
  },
  { what: 'an empty name', args: ['up', ''], error: /devnet name is empty/ },
  {
    what: 'a unicode name',
    args: ['up', 'dévnet'],
    error: /devnet name "dévnet" has characters that are not allowed/,
  },
  {
    what: 'a command substitution',
    args: ['up', `$(touch ${MARKER})`],
    error: /has characters that are not allowed/,
  },
  {
    what: 'a shell separator',
    args: ['up', `;touch ${MARKER}`],
    error: /has characters that are not allowed/,
  },
  { what: 'a path traversal', args: ['up', '../etc'], error: /has characters that are not allowed/ },
  { what: 'a bad name for inspect', args: ['inspect', 'Bad_Name'], error: /devnet name "Bad_Name"/ },
  {
    what: 'a bad name for services',
    args: ['services', 'UP'],
    error: /devnet name "UP" has uppercase letters/,
  },
  {
    what: 'a bad name for down',
    args: ['down', `\`touch ${MARKER}\``],
    error: /has characters that are not allowed/,
  },
  { what: 'a bad name for use', args: ['use', '../x'], error: /devnet name "\.\.\/x"/ },
  { what: 'a bad name for endpoints', args: ['endpoints', '$(id)'], error: /devnet name "\$\(id\)"/ },
  // owners
  {
    what: 'an uppercase owner',
    args: ['--owner', 'Alice', 'ls'],
    error: /--owner "Alice" is not a valid DNS label/,
  },
  { what: 'an empty owner', args: ['--owner', '', 'ls'], error: /--owner "" is not a valid DNS label/ },
  {
    what: 'an owner with underscores',
    args: ['--owner', 'a_b', 'ls'],
    error: /--owner "a_b" is not a valid DNS label/,
  },
  { what: 'a 64-character owner', args: ['--owner', 'a'.repeat(64), 'ls'], error: /at most 63 characters/ },
  {
    what: 'a bad DEVNET_KIT_OWNER',
    args: ['ls'],
    env: { DEVNET_KIT_OWNER: 'Bad Owner' },
    error: /DEVNET_KIT_OWNER "Bad Owner" is not a valid DNS label/,
  },
  // --tail and log flags
  {
    what: 'a negative --tail',
    args: ['logs', 'net', '--tail=-1'],
    error: /--tail "-1" is not allowed: use a whole number from 0 to 100000/,
  },
  { what: 'a text --tail', args: ['logs', 'net', '--tail', 'ten'], error: /--tail "ten" is not allowed/ },
  {
    what: 'a huge --tail',
    args: ['logs', 'net', '-n', '99999999'],
    error: /--tail "99999999" is not allowed/,
  },
  {
    what: 'a bad --since',
    args: ['logs', 'net', '--since', 'yesterday'],
    error: /--since "yesterday" is not a duration/,
  },
  {
    what: '--json with -f',
    args: ['--json', 'logs', 'net', '-f'],
    error: /--json cannot be combined with -f/,
  },
  {
    what: 'a bad name for logs',
    args: ['logs', 'a b'],
    error: /devnet name "a b" has characters that are not allowed/,
  },
  // durations
  {
    what: 'a ttl that is not a duration',
    args: ['up', 'x', '--ttl', 'forever'],
    error: /--ttl "forever" is not a duration: use a positive number with units d, h, m or s/,
  },
  { what: 'a zero ttl', args: ['up', 'x', '--ttl', '0s'], error: /--ttl "0s" is not a duration/ },
  { what: 'a negative ttl', args: ['up', 'x', '--ttl=-5m'], error: /--ttl "-5m" is not a duration/ },
  {
    what: 'a timeout without a unit',
    args: ['up', 'x', '--timeout', '10'],
    error: /--timeout "10" is not a duration/,
  },
  {
    what: 'a timeout with an unknown unit',
    args: ['up', 'x', '--timeout', '5x'],
    error: /--timeout "5x" is not a duration/,
  },
  // config files
  {
    what: 'a config with an unknown key',
    args: ['ls'],
    files: { 'devnet-kit.yaml': 'ownr: x\n' },
    error: /devnet-kit\.yaml: unknown key 'ownr'; allowed: owner, cluster, devnet/,
  },
  {
    what: 'a config with a wrong type',
    args: ['ls'],
    files: { 'devnet-kit.yaml': 'devnet:\n  ingress:\n    tls: "yes"\n' },
    error: /devnet-kit\.yaml: devnet\.ingress\.tls must be a boolean/,
  },
  {
    what: 'a config with invalid YAML',
    args: ['ls'],
    files: { 'devnet-kit.yaml': 'owner: [x\n' },
    error: /devnet-kit\.yaml: invalid YAML at line/,
  },
  {
    what: 'a config with a bad host_style',
    args: ['ls'],
    files: { 'devnet-kit.yaml': 'devnet:\n  ingress:\n    host_style: wide\n' },
    error: /host_style must be one of dotted, flat/,
  },
  {
    what: 'ingress without base_domain',
    args: ['ls'],
    files: { 'devnet-kit.yaml': 'devnet:\n  ingress:\n    enabled: true\n' },
    error: /base_domain is required when devnet\.ingress\.enabled is true/,
  },
  {
    what: 'docker_cache with a scheme',
    args: ['ls'],
    files: { 'devnet-kit.yaml': 'devnet:\n  docker_cache: https://cache.example\n' },
    error: /docker_cache "https:\/\/cache\.example" has a scheme/,
  },
  {
    what: 'docker_cache with a path',
    args: ['ls'],
    files: { 'devnet-kit.yaml': 'devnet:\n  docker_cache: cache.example/dh/\n' },
    error: /docker_cache "cache\.example\/dh\/" has a path or trailing slash/,
  },
  {
    what: 'a missing --config file',
    args: ['--config', 'nope.yaml', 'ls'],
    error: /--config: config file "nope\.yaml" does not exist/,
  },
  {
    what: 'a missing $DEVNET_KIT_CONFIG file',
    args: ['ls'],
    env: { DEVNET_KIT_CONFIG: 'gone.yaml' },
    error: /DEVNET_KIT_CONFIG: config file "gone\.yaml" does not exist/,
  },
  // args files
  {
    what: 'an args file with an unknown key',
    args: ['up', 'x', '-f', 'a.yaml'],
    files: { 'a.yaml': 'partipants: []\n' },
    error:
      /a\.yaml: unknown top-level key 'partipants' for ethereum-package 6\.1\.0 \(did you mean 'participants'\?\)/,
  },
  {
    what: 'an args file with an unknown client',
    args: ['up', 'x', '-f', 'a.yaml'],
    files: { 'a.yaml': 'participants:\n  - el_type: gethh\n' },
    error: /a\.yaml: participants\[0\]\.el_type 'gethh'.*allowed: geth/,
  },
  {
    what: 'an args file with invalid YAML',
    args: ['up', 'x', '-f', 'a.yaml'],
    files: { 'a.yaml': 'participants: [\n' },
    error: /a\.yaml: invalid YAML at line \d+, column \d+/,
  },
  {
    what: 'a missing args file',
    args: ['up', 'x', '-f', 'missing.yaml'],
    error: /args file missing\.yaml: cannot be read \(no such file\)$/,
  },
  {
    what: 'an args file that is not YAML',
    args: ['up', 'x', '-f', 'a.yaml'],
    files: { 'a.yaml': '\u0089PNG\r\n\u001a\n\u0000\u0000: {{\n' },
    error: /a\.yaml: invalid YAML at line \d+, column \d+/,
  },
  {
    what: 'an args file with a list at the top',
    args: ['up', 'x', '-f', 'a.yaml'],
    files: { 'a.yaml': '- el_type: geth\n' },
    error: /a\.yaml: the args must be a mapping of ethereum-package keys; got a list$/,
  },
  {
    what: 'an args file with a scalar at the top',
    args: ['up', 'x', '-f', 'a.yaml'],
    files: { 'a.yaml': 'geth\n' },
    error: /a\.yaml: the args must be a mapping of ethereum-package keys; got 'geth'$/,
  },
  {
    what: 'an args file over 5 MB',
    args: ['up', 'x', '-f', 'a.yaml'],
    files: { 'a.yaml': `participants:\n${'  - el_type: geth\n'.repeat(300_000)}` },
    error: /args file a\.yaml: is 5\.\d MB; files over 5 MB are refused$/,
  },
  {
    what: 'an args file that is a directory',
    args: ['up', 'x', '-f', '.'],
    error: /args file \.: is a directory, not a YAML file$/,
  },
  {
    what: 'an args file with a YAML alias bomb',
    args: ['up', 'x', '-f', 'a.yaml'],
    files: { 'a.yaml': ALIAS_BOMB },
    error: /a\.yaml: YAML aliases expand too far \(more than 1000 alias uses\); write the values out$/,
  },
  {
    what: 'an args file whose count expands to 100 million participants',
    args: ['up', 'x', '-f', 'a.yaml', '--dry-run'],
    files: { 'a.yaml': 'participants:\n  - count: 100000000\n' },
    error:
      /^devnet-kit: a\.yaml: participants and participants_matrix expand to more than 1000 participants \(counts included\); devnet-kit plans at most 1000$/,
  },
  {
    what: 'a config with a list at the top',
    args: ['ls'],
    files: { 'devnet-kit.yaml': '- owner: x\n' },
    error:
      /devnet-kit\.yaml: must be a mapping of devnet-kit settings \(owner, cluster, devnet\); got a list$/,
  },
  {
    what: 'a config with a scalar at the top',
    args: ['ls'],
    files: { 'devnet-kit.yaml': 'owner\n' },
    error:
      /devnet-kit\.yaml: must be a mapping of devnet-kit settings \(owner, cluster, devnet\); got "owner"$/,
  },
  {
    what: 'a config over 5 MB',
    args: ['ls'],
    files: { 'devnet-kit.yaml': `# ${'x'.repeat(5_300_000)}\nowner: x\n` },
    error: /devnet-kit\.yaml: is 5\.\d MB; files over 5 MB are refused$/,
  },
  {
    what: 'a config that is a directory',
    args: ['--config', '.', 'ls'],
    error: /^devnet-kit: \.: is a directory, not a YAML file$/,
  },
  {
    what: 'a config with a YAML alias bomb',
    args: ['ls'],
    files: { 'devnet-kit.yaml': ALIAS_BOMB },
    error: /devnet-kit\.yaml: YAML aliases expand too far/,
  },
  {
    what: 'an unknown participant key',
    args: ['up', 'x', '-f', 'a.yaml'],
    files: { 'a.yaml': 'participants:\n  - el_typ: geth\n' },
    error: /a\.yaml: .*participants\[0\].*el_typ/,
  },
  {
    what: 'an unknown additional service',
    args: ['up', 'x', '-f', 'a.yaml'],
    files: { 'a.yaml': 'additional_services: [doraa]\n' },
    error: /a\.yaml: additional_services\[0\] 'doraa'/,
  },
  // commands and flags
  {
    what: 'an unknown command',
    args: ['destroy', 'x'],
    error: /unknown command 'destroy'; commands: up, ls, inspect/,
  },
  { what: 'an unknown flag', args: ['ls', '--everything'], error: /Unknown arguments?: everything/ },
  {
    what: 'a bad --wait',
    args: ['up', 'x', '--wait', 'forever'],
    error:
      /Invalid values: Argument: wait, Given: "forever", Choices: "services", "blocks", "finalized", "none"/,
  },
  {
    what: 'a bad --format',
    args: ['endpoints', '--format', 'xml'],
    error: /Invalid values: Argument: format, Given: "xml", Choices: "table", "json", "env", "github"/,
  },
  {
    what: 'down without names or --all',
    args: ['down'],
    error: /name the devnets to destroy, or pass --all/,
  },
  {
    what: 'down with names and --all',
    args: ['down', 'x', '--all'],
    error: /give devnet names or --all, not both/,
  },
  { what: 'a missing positional', args: ['inspect'], error: /Not enough non-option arguments/ },
  {
    what: 'github format outside Actions',
    args: ['endpoints', '--format', 'github'],
    error: /--format github needs \$GITHUB_OUTPUT/,
  },
];

describe('bad input', () => {
  const h = useHarness('docker');
  let kubectlLog: string;
  before(async () => {
    // A recording kubectl: proves that no kubectl process started either.
    const bin = join(h.cwd, '..', `kubectl-recorder-${process.pid}`);
    mkdirSync(bin, { recursive: true });
    kubectlLog = join(bin, 'calls.log');
    writeFileSync(join(bin, 'kubectl'), `#!/bin/sh\necho "$@" >> '${kubectlLog}'\nexit 1\n`);
    chmodSync(join(bin, 'kubectl'), 0o755);
    process.env.DEVNET_KIT_TEST_KUBECTL_DIR = bin;
  });

  it(`has at least 40 rows (${ROWS.length})`, () => {
    assert.ok(ROWS.length >= 40);
  });

  for (const row of ROWS) {
    it(`rejects ${row.what} with exit 2, one line, and nothing spawned`, async () => {
      const dir = join(h.cwd, row.what.replace(/\W+/g, '-'));
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of Object.entries(row.files ?? {})) writeFileSync(join(dir, name), text);
      const before = h.kurtosisCalls().length;
      const r = await h.cli(row.args, {
        env: { DEVNET_KIT_KUBECTL: join(process.env.DEVNET_KIT_TEST_KUBECTL_DIR!, 'kubectl'), ...row.env },
        cwd: dir,
      });
      assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
      const lines = r.stderr
        .trimEnd()
        .split('\n')
        .filter((l) => !l.startsWith("Run 'devnet-kit --help'"));
      assert.equal(lines.length, 1, `one line: ${r.stderr}`);
      assert.match(lines[0]!, /^devnet-kit: /);
      assert.match(lines[0]!, row.error);
      if (row.args.includes('--json')) {
        assert.equal(JSON.parse(r.stdout).error.exitCode, 2, 'with --json, stdout holds one error document');
      } else {
        assert.equal(r.stdout, '', 'nothing on stdout');
      }
      assert.equal(h.kurtosisCalls().length, before, 'kurtosis was not spawned');
      assert.equal(
        existsSync(kubectlLog) ? readFileSync(kubectlLog, 'utf8') : '',
        '',
        'kubectl was not spawned',
      );
      assert.equal(existsSync(MARKER), false, 'no argument reached a shell');
    });
  }
});
